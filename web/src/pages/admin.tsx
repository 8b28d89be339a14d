import { useEffect, useRef, useState } from 'preact/hooks';
import { currentUser, request } from '../api';
import { graphql } from '../graphql';
import { dateTimeFmt, t } from '../i18n';
import { Badge, EnumSelect, Errors, errorText, Field, type FormErrors, formValues, Loading, Page, useAction, usePager, useData } from '../ui';

const USERS = graphql(`
  query Users($after: String) {
    users(first: 50, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { id email displayName role active revision orgUnit { id shortName name } partner { name } }
    }
  }
`);
const ME = graphql(`
  query Me { viewer { id displayName email role apiTokens { id name prefix canWrite createdAt lastUsedAt revokedAt } } }
`);
const CREATE_USER = graphql(`
  mutation CreateUser($input: CreateUserInput!) { createUser(input: $input) { errors { message } } }
`);
const UPDATE_USER = graphql(`
  mutation UpdateUser($input: UpdateUserInput!) { updateUser(input: $input) { errors { field code message } } }
`);
const UNITS = graphql(`
  query UserUnits { orgUnits(first: 100) { nodes { id name } } }
`);
const CREATE_TOKEN = graphql(`
  mutation CreateToken($input: CreateApiTokenInput!) { createApiToken(input: $input) { token errors { message } } }
`);
const REVOKE = graphql(`
  mutation Revoke($input: RevokeApiTokenInput!) { revokeApiToken(input: $input) { errors { message } } }
`);

function Tokens() {
  const { data, error, reload } = useData(() => request(ME), []);
  const [shown, setShown] = useState<string | null>(null);
  const [errors, setErrors] = useState<FormErrors>(null);
  const create = async (event: Event) => {
    const v = formValues(event);
    try {
      const r = (await request(CREATE_TOKEN, { input: { name: v.name } })).createApiToken;
      if (r.errors.length) return setErrors(r.errors);
      setShown(r.token ?? null);
      reload();
    } catch (e) {
      setErrors(errorText(e));
    }
  };
  if (!data?.viewer) return <Loading error={error} />;
  return (
    <article>
      <h2>{t('apiTokens')}</h2>
      <Errors errors={errors} />
      {shown && <p class="notice good">{t('tokenShown')} <code>{shown}</code></p>}
      <div class="table-wrap"><table>
        <thead><tr><th scope="col">{t('tokenName')}</th><th scope="col">Prefix</th><th scope="col">{t('when')}</th><th scope="col"><span class="sr-only">{t('revoke')}</span></th></tr></thead>
        <tbody>{data.viewer.apiTokens.map((tk) => (
          <tr>
            <td>{tk.name}{tk.canWrite ? ' (write)' : ''}</td><td class="mono">{tk.prefix}</td><td>{dateTimeFmt(tk.createdAt)}</td>
            <td>{tk.revokedAt ? dateTimeFmt(tk.revokedAt) : <button class="small outline" onClick={() => request(REVOKE, { input: { id: tk.id } }).then(reload, (e) => setErrors(errorText(e)))}>{t('revoke')}</button>}</td>
          </tr>
        ))}</tbody>
      </table></div>
      <form class="inline-form" onSubmit={create}>
        <label for="token-name">{t('tokenName')}</label>
        <div role="group"><input id="token-name" name="name" required /><button type="submit">{t('newToken')}</button></div>
      </form>
    </article>
  );
}

/** An account's name, role, department and whether it may sign in; a PARTNER keeps its partner. */
function EditUser(props: { user: { id: string; email: string; displayName: string; role: string; active: boolean; revision: number; orgUnit: { id: string } | null }; done: () => void }) {
  const u = props.user;
  const { data } = useData(() => request(UNITS), []);
  const { errors, busy, run } = useAction(props.done);
  // The form opens below the list: bring it to the keyboard and the eye.
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  const submit = (event: Event) => {
    const v = formValues(event);
    void run(async () => (await request(UPDATE_USER, { input: {
      id: u.id, revision: u.revision, displayName: v.displayName, role: v.role as never, active: v.active === '1',
      orgUnitId: v.orgUnitId || null, partnerId: v.role === 'PARTNER' ? undefined : null,
    } })).updateUser);
  };
  return (
    <article>
      <h2>{t('editUser')}: {u.email}</h2>
      <form onSubmit={submit} data-testid="user-form">
        <Errors errors={errors} fields={['displayName', 'orgUnitId']} />
        <div class="grid">
          <Field label={t('contactName')} field="displayName" errors={errors}><input name="displayName" required defaultValue={u.displayName} ref={first} /></Field>
          <label>{t('role')}<EnumSelect type="Role" name="role" id="edit-role" value={u.role} /></label>
        </div>
        <Field label={t('orgUnit')} field="orgUnitId" errors={errors}>
          <select name="orgUnitId">
            <option value="">{t('noOrgUnit')}</option>
            {data?.orgUnits.nodes.map((o) => <option value={o.id} selected={o.id === u.orgUnit?.id}>{o.name}</option>)}
          </select>
        </Field>
        <label class="check"><input type="checkbox" name="active" value="1" defaultChecked={u.active} /> {t('active')}</label>
        <button type="submit" disabled={busy}>{t('save')}</button>
      </form>
    </article>
  );
}

export function Users() {
  const admin = currentUser()?.role === 'ADMIN';
  const { after, pager } = usePager();
  const { data, error, reload } = useData(() => (admin ? request(USERS, { after }) : Promise.resolve(null)), [after]);
  const [errors, setErrors] = useState<FormErrors>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const edited = data?.users.nodes.find((u) => u.id === editing);
  const create = async (event: Event) => {
    const form = event.currentTarget as HTMLFormElement;
    const v = formValues(event);
    try {
      const r = (await request(CREATE_USER, { input: { email: v.email, displayName: v.displayName, role: v.role as never, password: v.password } })).createUser;
      if (r.errors.length) return setErrors(r.errors);
      form.reset();
      reload();
    } catch (e) {
      setErrors(errorText(e));
    }
  };
  return (
    <Page title={admin ? t('users') : currentUser()?.displayName ?? ''}>
      {admin && (
        <>
          {!data ? <Loading error={error} /> : (
            <div class="table-wrap"><table data-testid="users">
              <thead><tr><th scope="col">{t('email')}</th><th scope="col">{t('contactName')}</th><th scope="col">{t('role')}</th><th scope="col">{t('orgUnit')} / {t('partners')}</th><th scope="col">{t('active')}</th><th scope="col"><span class="sr-only">{t('edit')}</span></th></tr></thead>
              <tbody>{data.users.nodes.map((u) => (
                <tr><td>{u.email}</td><td>{u.displayName}</td><td><Badge type="Role" value={u.role} /></td><td>{u.orgUnit?.shortName ?? u.partner?.name ?? '—'}</td><td>{u.active ? '✓' : '✗'}</td>
                  <td><button class="small outline" aria-label={`${t('edit')} ${u.email}`} onClick={() => setEditing(u.id)}>{t('edit')}</button></td></tr>
              ))}</tbody>
            </table>{pager(data.users.pageInfo)}</div>
          )}
          {edited && <EditUser key={edited.id} user={edited} done={() => { setEditing(null); reload(); }} />}
          <article>
            <h2>{t('create')}</h2>
            <Errors errors={errors} />
            <form onSubmit={create}>
              <div class="grid">
                <label>{t('email')}<input type="email" name="email" required /></label>
                <label>{t('contactName')}<input name="displayName" required /></label>
              </div>
              <div class="grid">
                <label>{t('role')}<EnumSelect type="Role" name="role" /></label>
                <label>{t('password')}<input type="password" name="password" required minLength={12} autocomplete="new-password" /></label>
              </div>
              <button type="submit">{t('create')}</button>
            </form>
          </article>
        </>
      )}
      <Tokens />
    </Page>
  );
}

const AUDIT = graphql(`
  query Audit($after: String, $filter: AuditFilter) {
    auditLog(first: 50, after: $after, filter: $filter) {
      pageInfo { hasNextPage endCursor }
      nodes { id at actorName operation outcome targetIds errorCodes clientAddress }
    }
  }
`);

export function AuditLog() {
  const { after, pager, reset } = usePager();
  const [operation, setOperation] = useState('');
  const { data, error } = useData(() => request(AUDIT, { after, filter: operation ? { operation } : null }), [after, operation]);
  return (
    <Page title={t('audit')}>
      <form class="filters" onSubmit={(e) => { reset(); setOperation(formValues(e).operation); }}>
        <label class="grow">{t('operation')}<input name="operation" placeholder="approveProposal" /></label>
        <button type="submit">{t('filter')}</button>
      </form>
      {!data ? <Loading error={error} /> : (
        <div class="table-wrap"><table>
          <thead><tr><th scope="col">{t('when')}</th><th scope="col">{t('actor')}</th><th scope="col">{t('operation')}</th><th scope="col">{t('outcome')}</th></tr></thead>
          <tbody>{data.auditLog.nodes.map((a) => (
            <tr><td>{dateTimeFmt(a.at)}</td><td>{a.actorName}</td><td class="mono">{a.operation}</td><td><Badge type="AuditOutcome" value={a.outcome} /> {a.errorCodes.join(', ')}</td></tr>
          ))}</tbody>
        </table>{pager(data.auditLog.pageInfo)}</div>
      )}
    </Page>
  );
}
