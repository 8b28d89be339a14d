import { cloneElement, type ComponentChildren, type VNode } from 'preact';
import { useCallback, useEffect, useId, useState } from 'preact/hooks';
import { ApiError } from './api';
import { label, values } from './labels';
import { t } from './i18n';

export function useData<T>(load: () => Promise<T>, deps: unknown[]): { data: T | null; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    load().then(
      (d) => live && setData(d),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  return { data, error, reload: useCallback(() => setTick((n) => n + 1), []) };
}

export function Page(props: { title: string; lead?: string; children: ComponentChildren; actions?: ComponentChildren }) {
  useEffect(() => {
    document.title = `${props.title} · SIKERMA Kota Bogor`;
  }, [props.title]);
  return (
    <section class="page">
      <header class="page-head">
        <div>
          <h1>{props.title}</h1>
          {props.lead && <p class="lead">{props.lead}</p>}
        </div>
        {props.actions && <div class="page-actions">{props.actions}</div>}
      </header>
      {props.children}
    </section>
  );
}

export function Loading(props: { error?: string | null }) {
  if (props.error) return <p class="notice error" role="alert">{t('error')}: {props.error}</p>;
  return <p aria-busy="true">{t('loading')}</p>;
}

/** The API's coded errors of a mutation (`errors { field code message }`). */
export type UserErrors = { message: string; field?: string | null; code?: string }[];
/** What a form shows: the API's errors, or the text of a failed request. */
export type FormErrors = UserErrors | string | null;

/** The errors not shown next to one of `fields` (see `Field`). */
export function Errors(props: { errors: FormErrors; fields?: string[] }) {
  const list = typeof props.errors === 'string' ? [{ message: props.errors }] : props.errors ?? [];
  const rest = list.filter((e) => !('field' in e && e.field && props.fields?.includes(e.field)));
  if (!rest.length) return null;
  return (
    <div class="notice error" role="alert">
      <ul>{rest.map((e) => <li>{e.message}</li>)}</ul>
    </div>
  );
}

/** A labelled input with the API's errors about it (by the error's `field`) right under it. */
export function Field(props: { label: string; field: string; errors: FormErrors; children: VNode<Record<string, unknown>> }) {
  const id = useId();
  const mine = typeof props.errors === 'string' || !props.errors ? [] : props.errors.filter((e) => e.field === props.field);
  if (!mine.length) return <label>{props.label}{props.children}</label>;
  return (
    <label>{props.label}
      {cloneElement(props.children, { 'aria-invalid': 'true', 'aria-describedby': id })}
      <small id={id} class="field-error" data-code={mine.map((e) => e.code).join(' ')}>{mine.map((e) => e.message).join(' ')}</small>
    </label>
  );
}

/** Running a mutation from a form: busy meanwhile, its errors kept to show, `done` after success. */
export function useAction(done: () => void): { errors: FormErrors; busy: boolean; run: (action: () => Promise<{ errors: UserErrors }>) => Promise<boolean>; fail: (error: unknown) => void } {
  const [errors, setErrors] = useState<FormErrors>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<{ errors: UserErrors }>) => {
    setBusy(true);
    setErrors(null);
    try {
      const result = await action();
      if (result.errors.length) {
        setErrors(result.errors);
        return false;
      }
      done();
      return true;
    } catch (e) {
      setErrors(errorText(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { errors, busy, run, fail: (error: unknown) => setErrors(errorText(error)) };
}

export function Badge(props: { type: string; value: string | null | undefined }) {
  return <span class={`badge badge-${(props.value ?? '').toLowerCase()}`}>{label(props.type, props.value)}</span>;
}

export function EnumSelect(props: { type: string; name: string; value?: string; all?: string; required?: boolean; id?: string }) {
  return (
    <select name={props.name} id={props.id ?? props.name} required={props.required}>
      {props.all !== undefined && <option value="">{props.all}</option>}
      {values(props.type).map((v) => (
        <option value={v} selected={v === props.value}>{label(props.type, v)}</option>
      ))}
    </select>
  );
}

export interface PageInfo { hasNextPage: boolean; endCursor: string | null }

/** Keyset paging: a stack of cursors already visited lets "previous" go back. */
export function usePager(): { after: string | null; pager: (info: PageInfo | undefined) => ComponentChildren; reset: () => void } {
  const [stack, setStack] = useState<(string | null)[]>([null]);
  const after = stack[stack.length - 1];
  const pager = (info: PageInfo | undefined) => (
    <nav class="pager" aria-label="pagination">
      <button class="secondary outline" disabled={stack.length < 2} onClick={() => setStack(stack.slice(0, -1))}>{t('previous')}</button>
      <span>{stack.length}</span>
      <button class="secondary outline" disabled={!info?.hasNextPage} onClick={() => info?.endCursor && setStack([...stack, info.endCursor])}>{t('next')}</button>
    </nav>
  );
  return { after, pager, reset: () => setStack([null]) };
}

export function formValues(event: Event): Record<string, string> {
  event.preventDefault();
  const data = new FormData(event.currentTarget as HTMLFormElement);
  return Object.fromEntries([...data.entries()].filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}

export function errorText(error: unknown): string {
  return error instanceof ApiError || error instanceof Error ? error.message : String(error);
}

export function Stat(props: { label: string; value: number | string; tone?: string }) {
  return (
    <div class={`stat ${props.tone ?? ''}`}>
      <span class="stat-value">{props.value}</span>
      <span class="stat-label">{props.label}</span>
    </div>
  );
}
