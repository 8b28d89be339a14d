import { useState } from 'preact/hooks';
import { currentUser, download, request, upload } from '../api';
import { graphql } from '../graphql';
import { dateFmt, dateTimeFmt, t } from '../i18n';
import { label } from '../labels';
import { Badge, EnumSelect, Errors, Field, formValues, Loading, Page, useAction, usePager, useData } from '../ui';

const LIST = graphql(`
  query Archive($filter: AgreementFilter, $after: String) {
    agreements(filter: $filter, first: 25, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id number title form cooperationType status endsOn isExpiring partners { name } leadOrgUnits { shortName name } }
    }
  }
`);

export function Archive() {
  const [filter, setFilter] = useState<Record<string, unknown>>({});
  const { after, pager, reset } = usePager();
  const { data, error } = useData(() => request(LIST, { filter, after }), [JSON.stringify(filter), after]);
  const apply = (event: Event) => {
    const v = formValues(event);
    reset();
    setFilter({
      text: v.text || null,
      cooperationType: v.cooperationType ? [v.cooperationType] : null,
      form: v.form ? [v.form] : null,
      status: v.status ? [v.status] : null,
      expiringWithinDays: v.expiring ? 90 : null,
    });
  };
  const list = data?.agreements;
  return (
    <Page title={t('archive')} lead={list ? `${list.totalCount} ${t('results')}` : undefined}>
      <form class="filters" role="search" onSubmit={apply}>
        <label class="grow">{t('search')}<input type="search" name="text" placeholder={t('searchPlaceholder')} /></label>
        <label>{t('type')}<EnumSelect type="CooperationType" name="cooperationType" all={t('allTypes')} /></label>
        <label>{t('form')}<EnumSelect type="AgreementForm" name="form" all={t('allForms')} /></label>
        <label>{t('status')}<EnumSelect type="AgreementStatus" name="status" all={t('allStatuses')} /></label>
        <label class="check"><input type="checkbox" name="expiring" value="1" /> {t('expiring')}</label>
        <button type="submit">{t('filter')}</button>
      </form>
      {!list ? <Loading error={error} /> : (
        <div class="table-wrap"><table>
          <thead><tr><th scope="col">{t('number')}</th><th scope="col">{t('title')}</th><th scope="col">{t('form')}</th><th scope="col">{t('partners')}</th><th scope="col">{t('endsOn')}</th><th scope="col">{t('status')}</th></tr></thead>
          <tbody>{list.nodes.map((a) => (
            <tr>
              <td class="mono">{a.number}</td>
              <td><a href={`/arsip/${encodeURIComponent(a.id)}`}>{a.title}</a></td>
              <td>{label('AgreementForm', a.form)}</td>
              <td>{a.partners.map((p) => p.name).join('; ')}</td>
              <td class={a.isExpiring ? 'warn-text' : ''}>{dateFmt(a.endsOn)}</td>
              <td><Badge type="AgreementStatus" value={a.status} /></td>
            </tr>
          ))}</tbody>
        </table>{pager(list.pageInfo)}</div>
      )}
    </Page>
  );
}

const AGREEMENT = graphql(`
  query Agreement($id: ID!) {
    node(id: $id) {
      ... on Agreement {
        id number title purpose scope field form cooperationType status visibility signedOn startsOn endsOn
        fundingSource value archiveLocation revision isExpiring terminationReason
        partners { name kind } leadOrgUnits { id name }
        parent { id number title } children { id number title status }
        predecessor { id number } successor { id number } pendingRenewal { id number }
        documents { id type title filename version isCurrent downloadUrl uploadedAt size supersedes { id } }
        amendments { id number title description signedOn document { filename downloadUrl } }
        evaluations { id period status overallScore recommendation }
        chronology(first: 100) { nodes { id kind title description occurredAt recordedBy { name } corrected documents { id filename downloadUrl } } }
      }
    }
  }
`);
const UPLOAD_DOC = graphql(`
  mutation UploadDoc($input: UploadAgreementDocumentInput!) { uploadAgreementDocument(input: $input) { errors { field code message } } }
`);
const UPDATE = graphql(`
  mutation UpdateAgreement($input: UpdateAgreementInput!) { updateAgreement(input: $input) { errors { field code message } } }
`);
const ACTIVATE = graphql(`
  mutation Activate($input: ActivateAgreementInput!) { activateAgreement(input: $input) { errors { field code message } } }
`);
const AMEND = graphql(`
  mutation AddAmendment($input: AddAgreementAmendmentInput!) { addAgreementAmendment(input: $input) { errors { field code message } } }
`);
const EXTEND = graphql(`
  mutation Extend($input: ExtendAgreementInput!) { extendAgreement(input: $input) { errors { field code message } } }
`);
const VERIFY_CHAIN = graphql(`
  query VerifyChain($id: ID!) { verifyChronology(agreementId: $id) { intact checkedEvents problem } }
`);

export function AgreementPage(props: { params: string[] }) {
  const id = decodeURIComponent(props.params[0]);
  const { data, error, reload } = useData(() => request(AGREEMENT, { id }), [id]);
  const { errors, busy, run: act, fail } = useAction(reload);
  const [chain, setChain] = useState<{ intact: boolean; checkedEvents: number; problem: string | null } | null>(null);
  const a = data?.node && 'number' in data.node ? data.node : null;
  if (!a) return <Page title={t('archive')}><Loading error={error ?? (data ? t('notFound') : null)} /></Page>;
  const admin = currentUser()?.role === 'ADMIN';
  const save = (run: () => Promise<void>) => run().catch(fail);
  const uploadScan = (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const fd = new FormData(form);
    const file = fd.get('file') as File;
    const type = fd.get('type') as string;
    void act(async () => (await upload(UPLOAD_DOC, { input: { agreementId: a.id, type: type as never, title: String(fd.get('title') || label('DocumentType', type)), file: null } }, { 'variables.input.file': file })).uploadAgreementDocument).then(() => form.reset());
  };
  const activate = (event: Event) => {
    const v = formValues(event);
    void act(async () => {
      const updated = (await request(UPDATE, { input: { id: a.id, revision: a.revision, signedOn: v.signedOn, startsOn: v.startsOn || v.signedOn, endsOn: v.endsOn || null, visibility: v.visibility as never } })).updateAgreement;
      if (updated.errors.length) return updated;
      return (await request(ACTIVATE, { input: { agreementId: a.id } })).activateAgreement;
    });
  };
  return (
    <Page title={a.title} lead={a.number} actions={<><Badge type="AgreementStatus" value={a.status} /> <Badge type="AgreementForm" value={a.form} /></>}>
      <Errors errors={errors} />
      <div class="two-col">
        <div>
          <article>
            <dl class="facts">
              <div><dt>{t('type')}</dt><dd>{label('CooperationType', a.cooperationType)}</dd></div>
              <div><dt>{t('field')}</dt><dd>{a.field || '—'}</dd></div>
              <div><dt>{t('partners')}</dt><dd>{a.partners.map((p) => p.name).join('; ')}</dd></div>
              <div><dt>{t('orgUnits')}</dt><dd>{a.leadOrgUnits.map((o) => o.name).join('; ') || '—'}</dd></div>
              <div><dt>{t('signedOn')}</dt><dd>{dateFmt(a.signedOn)}</dd></div>
              <div><dt>{t('startsOn')} – {t('endsOn')}</dt><dd>{dateFmt(a.startsOn)} – <span class={a.isExpiring ? 'warn-text' : ''}>{dateFmt(a.endsOn)}</span></dd></div>
              <div><dt>{t('funding')}</dt><dd>{a.fundingSource || '—'}{a.value ? ` · Rp ${Number(a.value).toLocaleString('id-ID')}` : ''}</dd></div>
              <div><dt>{t('archiveLocation')}</dt><dd>{a.archiveLocation || '—'}</dd></div>
            </dl>
            <h3>{t('purpose')}</h3><p>{a.purpose || '—'}</p>
            <h3>{t('scope')}</h3><p>{a.scope || '—'}</p>
          </article>
          <article>
            <h2>{t('tree')}</h2>
            <ul class="tree">
              {a.parent && <li>{t('parent')}: <a href={`/arsip/${encodeURIComponent(a.parent.id)}`}>{a.parent.number}</a> — {a.parent.title}</li>}
              <li><strong>{a.number}</strong>
                {a.children.length > 0 && <ul>{a.children.map((c) => <li><a href={`/arsip/${encodeURIComponent(c.id)}`}>{c.number}</a> — {c.title} <Badge type="AgreementStatus" value={c.status} /></li>)}</ul>}
              </li>
            </ul>
            <h3>{t('renewals')}</h3>
            <p>{t('predecessor')}: {a.predecessor ? <a href={`/arsip/${encodeURIComponent(a.predecessor.id)}`}>{a.predecessor.number}</a> : '—'} · {t('successor')}: {a.successor ? <a href={`/arsip/${encodeURIComponent(a.successor.id)}`}>{a.successor.number}</a> : '—'}</p>
            {a.pendingRenewal && <p class="notice">{t('renewalPending')}</p>}
            <h3>{t('amendments')}</h3>
            {a.amendments.length === 0 ? <p>—</p> : <ul class="plain" data-testid="amendments">{a.amendments.map((m) => (
              <li>
                <strong>{m.number}</strong> — {m.title} ({dateFmt(m.signedOn)}){m.description && <p>{m.description}</p>}
                {m.document && <button class="small outline" onClick={() => save(() => download(m.document!.downloadUrl, m.document!.filename))}>{m.document.filename}</button>}
              </li>
            ))}</ul>}
          </article>
          <article>
            <div class="row-head">
              <h2>{t('chronology')}</h2>
              <button class="small outline" onClick={() => save(async () => setChain((await request(VERIFY_CHAIN, { id: a.id })).verifyChronology))}>{t('verifyChain')}</button>
            </div>
            {chain && <p class={`notice ${chain.intact ? 'good' : 'error'}`} role="status">{chain.intact ? t('chainIntact') : `${t('chainBroken')}: ${chain.problem}`} ({chain.checkedEvents})</p>}
            <ol class="timeline">{a.chronology.nodes.map((e) => (
              <li class={e.corrected ? 'superseded' : ''}>
                <small>{dateTimeFmt(e.occurredAt)} · {label('ChronologyKind', e.kind)} · {e.recordedBy.name}</small><br />
                <strong>{e.title}</strong>{e.description && <p>{e.description}</p>}
                {e.documents.map((d) => <button class="small outline" onClick={() => save(() => download(d.downloadUrl, d.filename))}>{d.filename}</button>)}
              </li>
            ))}</ol>
          </article>
        </div>
        <div>
          <article>
            <h2>{t('documents')}</h2>
            <ul class="plain">{a.documents.map((d) => (
              <li class={d.isCurrent ? '' : 'superseded'}>
                <Badge type="DocumentType" value={d.type} /> {d.title} <small>({d.filename}, {t('version')} {d.version}, {dateFmt(d.uploadedAt)})</small>{' '}
                <button class="small outline" onClick={() => save(() => download(d.downloadUrl, d.filename))}>{t('download')}</button>
              </li>
            ))}</ul>
            {admin && (
              <form onSubmit={uploadScan} class="upload-form" data-testid="scan-form">
                <h3>{t('uploadScan')}</h3>
                <label>{t('documentType')}
                  <select name="type">{['SIGNED_KSB', 'SIGNED_PKS', 'SIGNED_NK', 'ADDENDUM', 'MINUTES', 'REPORT', 'OTHER'].map((v) => <option value={v} selected={v === `SIGNED_${a.form}`}>{label('DocumentType', v)}</option>)}</select>
                </label>
                <label>{t('title')}<input name="title" /></label>
                <label>{t('file')}<input type="file" name="file" accept="application/pdf,image/*" required /></label>
                <button type="submit" class="secondary" disabled={busy}>{t('upload')}</button>
              </form>
            )}
          </article>
          {admin && a.status === 'DRAFT' && (
            <article>
              <h2>{t('activate')}</h2>
              <form onSubmit={activate} data-testid="activate-form">
                <label>{t('signedOn')}<input type="date" name="signedOn" required defaultValue={a.signedOn ?? ''} /></label>
                <div class="grid">
                  <label>{t('startsOn')}<input type="date" name="startsOn" defaultValue={a.startsOn ?? ''} /></label>
                  <label>{t('endsOn')}<input type="date" name="endsOn" defaultValue={a.endsOn ?? ''} /></label>
                </div>
                <label>Visibility<EnumSelect type="Visibility" name="visibility" value={a.visibility} /></label>
                <button type="submit" disabled={busy}>{t('activate')}</button>
              </form>
            </article>
          )}
          {admin && a.status === 'ACTIVE' && <AmendmentForm agreement={a} done={reload} />}
          {admin && (a.status === 'ACTIVE' || a.status === 'EXPIRED') && !a.successor && <RenewalForm agreement={a} done={reload} />}
          <article>
            <h2>{t('evaluations')}</h2>
            {a.evaluations.length === 0 ? <p>—</p> : <ul class="plain">{a.evaluations.map((ev) => (
              <li><a href={`/monev/${encodeURIComponent(ev.id)}`}>{ev.period}</a> <Badge type="EvaluationStatus" value={ev.status} /> {ev.overallScore ?? ''} {label('Recommendation', ev.recommendation)}</li>
            ))}</ul>}
          </article>
        </div>
      </div>
    </Page>
  );
}

/** An addendum of an ACTIVE agreement; its signed text, if uploaded first as ADDENDUM, is linked. */
function AmendmentForm(props: { agreement: { id: string; revision: number; documents: { id: string; type: string; title: string; version: number; isCurrent: boolean }[] }; done: () => void }) {
  const a = props.agreement;
  const { errors, busy, run } = useAction(props.done);
  const addenda = a.documents.filter((d) => d.type === 'ADDENDUM' && d.isCurrent);
  const submit = (event: Event) => {
    const form = event.currentTarget as HTMLFormElement;
    const v = formValues(event);
    void run(async () => (await request(AMEND, { input: { agreementId: a.id, revision: a.revision, number: v.number, title: v.title, signedOn: v.signedOn, description: v.description, documentId: v.documentId || null } })).addAgreementAmendment).then((ok) => ok && form.reset());
  };
  return (
    <article>
      <h2>{t('addAmendment')}</h2>
      <form onSubmit={submit} data-testid="amendment-form">
        <Errors errors={errors} fields={['number', 'title', 'signedOn', 'description', 'documentId']} />
        <div class="grid">
          <Field label={t('number')} field="number" errors={errors}><input name="number" required /></Field>
          <Field label={t('signedOn')} field="signedOn" errors={errors}><input type="date" name="signedOn" required /></Field>
        </div>
        <Field label={t('title')} field="title" errors={errors}><input name="title" required /></Field>
        <Field label={t('description')} field="description" errors={errors}><textarea name="description" rows={2} /></Field>
        <Field label={t('amendmentDocument')} field="documentId" errors={errors}>
          <select name="documentId"><option value="">—</option>{addenda.map((d) => <option value={d.id}>{d.title} ({t('version')} {d.version})</option>)}</select>
        </Field>
        <button type="submit" disabled={busy}>{t('addAmendment')}</button>
      </form>
    </article>
  );
}

/** A renewal: a new DRAFT copied from this agreement; this one stays in force until it is activated. */
function RenewalForm(props: { agreement: { id: string; revision: number; title: string }; done: () => void }) {
  const a = props.agreement;
  const { errors, busy, run } = useAction(props.done);
  const submit = (event: Event) => {
    const v = formValues(event);
    void run(async () => (await request(EXTEND, { input: { agreementId: a.id, revision: a.revision, number: v.number, title: v.title || undefined, startsOn: v.startsOn || undefined, endsOn: v.endsOn || undefined } })).extendAgreement);
  };
  return (
    <article>
      <h2>{t('addRenewal')}</h2>
      <p>{t('renewalHelp')}</p>
      <form onSubmit={submit} data-testid="renewal-form">
        <Errors errors={errors} fields={['number', 'title', 'startsOn', 'endsOn']} />
        <Field label={t('newNumber')} field="number" errors={errors}><input name="number" required /></Field>
        <Field label={t('title')} field="title" errors={errors}><input name="title" placeholder={a.title} /></Field>
        <div class="grid">
          <Field label={t('startsOn')} field="startsOn" errors={errors}><input type="date" name="startsOn" /></Field>
          <Field label={t('endsOn')} field="endsOn" errors={errors}><input type="date" name="endsOn" /></Field>
        </div>
        <button type="submit" disabled={busy}>{t('addRenewal')}</button>
      </form>
    </article>
  );
}
