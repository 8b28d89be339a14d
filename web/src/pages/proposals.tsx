import { useState } from 'preact/hooks';
import { currentUser, download, request, upload } from '../api';
import { graphql } from '../graphql';
import { dateFmt, dateTimeFmt, t } from '../i18n';
import { label } from '../labels';
import { navigate } from '../router';
import { Badge, EnumSelect, Errors, errorText, type FormErrors, formValues, Loading, Page, useAction, usePager, useData, type UserErrors } from '../ui';

const MINE = graphql(`
  query MyProposals($after: String) {
    myProposals(first: 20, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { id trackingCode title status cooperationType updatedAt }
    }
  }
`);

export function MyProposals() {
  const { after, pager } = usePager();
  const { data, error } = useData(() => request(MINE, { after }), [after]);
  return (
    <Page title={t('myProposals')} actions={<a href="/pengajuan/baru" role="button">{t('newProposal')}</a>}>
      {!data ? <Loading error={error} /> : (
        <div class="table-wrap"><table>
          <thead><tr><th scope="col">{t('trackingCode')}</th><th scope="col">{t('title')}</th><th scope="col">{t('type')}</th><th scope="col">{t('status')}</th></tr></thead>
          <tbody>{data.myProposals.nodes.map((p) => (
            <tr>
              <td class="mono">{p.trackingCode ?? '—'}</td>
              <td><a href={`/pengajuan/${encodeURIComponent(p.id)}`}>{p.title}</a></td>
              <td>{label('CooperationType', p.cooperationType)}</td>
              <td><Badge type="ProposalStatus" value={p.status} /></td>
            </tr>
          ))}</tbody>
        </table>{pager(data.myProposals.pageInfo)}</div>
      )}
    </Page>
  );
}

const CREATE = graphql(`
  mutation CreateProposal($input: CreateProposalInput!) {
    createProposal(input: $input) { proposal { id } errors { field code message } }
  }
`);

function proposalInput(v: Record<string, string>) {
  return {
    title: v.title, purpose: v.purpose, scope: v.scope, benefits: v.benefits, field: v.field,
    cooperationType: (v.cooperationType || null) as never, form: (v.form || null) as never,
    durationMonths: v.durationMonths ? Number(v.durationMonths) : null, fundingSource: v.fundingSource,
  };
}

function ProposalFields(props: { p?: { title: string; purpose: string; scope: string; benefits: string; field: string; cooperationType: string | null; form: string | null; durationMonths: number | null; fundingSource: string } }) {
  const p = props.p;
  return (
    <>
      <label>{t('title')}<input name="title" required defaultValue={p?.title} /></label>
      <div class="grid">
        <label>{t('type')}<EnumSelect type="CooperationType" name="cooperationType" value={p?.cooperationType ?? undefined} /></label>
        <label>{t('form')}<EnumSelect type="AgreementForm" name="form" value={p?.form ?? undefined} /></label>
      </div>
      <div class="grid">
        <label>{t('field')}<input name="field" defaultValue={p?.field} /></label>
        <label>{t('duration')}<input name="durationMonths" type="number" min="1" max="360" inputMode="numeric" defaultValue={p?.durationMonths ?? undefined} /></label>
      </div>
      <label>{t('purpose')}<textarea name="purpose" rows={3}>{p?.purpose}</textarea></label>
      <label>{t('scope')}<textarea name="scope" rows={3}>{p?.scope}</textarea></label>
      <label>{t('benefits')}<textarea name="benefits" rows={2}>{p?.benefits}</textarea></label>
      <label>{t('funding')}<input name="fundingSource" defaultValue={p?.fundingSource} /></label>
    </>
  );
}

export function NewProposal() {
  const [errors, setErrors] = useState<FormErrors>(null);
  const submit = async (event: Event) => {
    try {
      const { createProposal } = await request(CREATE, { input: proposalInput(formValues(event)) });
      if (createProposal.errors.length || !createProposal.proposal) return setErrors(createProposal.errors);
      navigate(`/pengajuan/${encodeURIComponent(createProposal.proposal.id)}`);
    } catch (error) {
      setErrors(errorText(error));
    }
  };
  return (
    <Page title={t('newProposal')}>
      <article>
        <Errors errors={errors} />
        <form onSubmit={submit}><ProposalFields /><button type="submit">{t('save')}</button></form>
      </article>
    </Page>
  );
}

const PROPOSAL = graphql(`
  query Proposal($id: ID!) {
    proposal(id: $id) {
      id trackingCode status revision editable title purpose scope benefits field cooperationType form
      durationMonths fundingSource submittedAt statusChangedAt rejectionReason ageInStateDays
      proposerPartner { name registrationStatus id revision } proposerOrgUnit { name } orgUnit { id }
      attachments { id type title filename version isCurrent downloadUrl uploadedAt }
      history { id fromStatus toStatus note recommendation actor { name } at }
      missingForSubmission { field message }
      agreement { id number status }
    }
  }
`);
const UPDATE = graphql(`
  mutation UpdateProposal($input: UpdateProposalInput!) { updateProposal(input: $input) { errors { field code message } } }
`);
const ATTACH = graphql(`
  mutation Attach($input: UploadProposalAttachmentInput!) { uploadProposalAttachment(input: $input) { errors { field code message } } }
`);
const SUBMIT = graphql(`
  mutation Submit($input: SubmitProposalInput!) { submitProposal(input: $input) { proposal { trackingCode } errors { field code message } } }
`);
const VERIFY = graphql(`
  mutation Verify($input: VerifyProposalInput!) { verifyProposal(input: $input) { errors { field code message } } }
`);
const REVISION = graphql(`
  mutation Revision($input: RequestProposalRevisionInput!) { requestProposalRevision(input: $input) { errors { field code message } } }
`);
const REJECT = graphql(`
  mutation Reject($input: RejectProposalInput!) { rejectProposal(input: $input) { errors { field code message } } }
`);
const REVIEW = graphql(`
  mutation Review($input: RecordProposalReviewInput!) { recordProposalReview(input: $input) { errors { field code message } } }
`);
const APPROVE = graphql(`
  mutation Approve($input: ApproveProposalInput!) { approveProposal(input: $input) { agreement { id } errors { field code message } } }
`);
const VERIFY_PARTNER = graphql(`
  mutation VerifyPartner($input: VerifyPartnerRegistrationInput!) { verifyPartnerRegistration(input: $input) { errors { field code message } } }
`);

export function ProposalPage(props: { params: string[] }) {
  const id = decodeURIComponent(props.params[0]);
  const { data, error, reload } = useData(() => request(PROPOSAL, { id }), [id]);
  const { errors, busy, run: act, fail } = useAction(reload);
  const role = currentUser()?.role;
  const p = data?.proposal;
  if (!p) return <Page title={t('myProposals')}><Loading error={error ?? (data ? t('notFound') : null)} /></Page>;
  const base = { proposalId: p.id, revision: p.revision };
  const noted = (run: (note: string) => Promise<{ errors: UserErrors }>) => (event: Event) => {
    const note = formValues(event).note;
    void act(() => run(note));
  };
  const attach = (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const file = data.get('file') as File;
    const type = data.get('type') as string;
    void act(async () => (await upload(ATTACH, { input: { proposalId: p.id, type: type as never, title: label('DocumentType', type), file: null } }, { 'variables.input.file': file })).uploadProposalAttachment).then(() => form.reset());
  };
  const staff = role === 'ADMIN' || role === 'REVIEWER';
  return (
    <Page title={p.title} lead={`${p.trackingCode ?? ''}`} actions={<Badge type="ProposalStatus" value={p.status} />}>
      <Errors errors={errors} />
      {p.rejectionReason && <p class="notice error">{t('reason')}: {p.rejectionReason}</p>}
      <div class="two-col">
        <div>
          {p.editable && !staff ? (
            <article>
              <h2>{t('edit')}</h2>
              <form onSubmit={(e) => { const v = formValues(e); void act(async () => (await request(UPDATE, { input: { proposalId: p.id, revision: p.revision, ...proposalInput(v) } })).updateProposal); }}>
                <ProposalFields p={p} />
                <button type="submit" class="secondary" disabled={busy}>{t('save')}</button>
              </form>
            </article>
          ) : (
            <article>
              <dl class="facts">
                <div><dt>{t('type')}</dt><dd>{label('CooperationType', p.cooperationType)} · {label('AgreementForm', p.form)}</dd></div>
                <div><dt>{t('partners')}</dt><dd>{p.proposerPartner?.name ?? p.proposerOrgUnit?.name}</dd></div>
                <div><dt>{t('field')}</dt><dd>{p.field}</dd></div>
                <div><dt>{t('duration')}</dt><dd>{p.durationMonths ?? '—'}</dd></div>
                <div><dt>{t('submittedAt')}</dt><dd>{dateFmt(p.submittedAt)}</dd></div>
                <div><dt>{t('waitingDays')}</dt><dd>{p.ageInStateDays}</dd></div>
              </dl>
              <h3>{t('purpose')}</h3><p>{p.purpose}</p>
              <h3>{t('scope')}</h3><p>{p.scope}</p>
              <h3>{t('benefits')}</h3><p>{p.benefits}</p>
            </article>
          )}
        </div>
        <div>
          <article>
            <h2>{t('attachments')}</h2>
            <ul class="plain">{p.attachments.map((a) => (
              <li class={a.isCurrent ? '' : 'superseded'}>
                <Badge type="DocumentType" value={a.type} /> {a.filename} (v{a.version}){' '}
                <button class="small outline" onClick={() => download(a.downloadUrl, a.filename).catch(fail)}>{t('download')}</button>
              </li>
            ))}</ul>
            {p.editable && !staff && (
              <form onSubmit={attach} class="upload-form" data-testid="attach-form">
                <label>{t('documentType')}
                  <select name="type">
                    {['REQUEST_LETTER', 'TOR', 'FEASIBILITY_STUDY', 'DRAFT', 'OTHER'].map((v) => <option value={v}>{label('DocumentType', v)}</option>)}
                  </select>
                </label>
                <label>{t('file')}<input type="file" name="file" accept="application/pdf,image/*" required /></label>
                <button type="submit" class="secondary" disabled={busy}>{t('upload')}</button>
              </form>
            )}
          </article>
          {p.editable && !staff && (
            <article>
              {p.missingForSubmission.length > 0 && (
                <div class="notice"><strong>{t('missing')}</strong><ul>{p.missingForSubmission.map((m) => <li>{m.message}</li>)}</ul></div>
              )}
              <button disabled={busy} onClick={() => act(async () => (await request(SUBMIT, { input: { proposalId: p.id, revision: p.revision } })).submitProposal)}>{t('submit')}</button>
            </article>
          )}
          {staff && (
            <article class="actions-panel">
              <h2>{t('review')}</h2>
              {role === 'ADMIN' && p.proposerPartner && p.proposerPartner.registrationStatus !== 'VERIFIED' && (
                <p>
                  {p.proposerPartner.name}: <Badge type="PartnerStatus" value={p.proposerPartner.registrationStatus} />{' '}
                  <button class="small" data-testid="verify-partner" disabled={busy} onClick={() => act(async () => (await request(VERIFY_PARTNER, { input: { partnerId: p.proposerPartner!.id, revision: p.proposerPartner!.revision } })).verifyPartnerRegistration)}>{t('verify')}</button>
                </p>
              )}
              {role === 'ADMIN' && p.status === 'SUBMITTED' && (
                <form onSubmit={noted((note) => request(VERIFY, { input: { ...base, note } }).then((r) => r.verifyProposal))}>
                  <label>{t('note')}<input name="note" /></label>
                  <button type="submit" data-testid="verify-proposal" disabled={busy}>{t('verify')}</button>
                </form>
              )}
              {role === 'REVIEWER' && p.status === 'VERIFIED' && (
                <form data-testid="review-form" onSubmit={(e) => { const v = formValues(e); void act(async () => (await request(REVIEW, { input: { ...base, note: v.note, recommendation: v.recommendation as never } })).recordProposalReview); }}>
                  <label>{t('recommendation')}<EnumSelect type="ReviewRecommendation" name="recommendation" /></label>
                  <label>{t('note')}<textarea name="note" required /></label>
                  <button type="submit" data-testid="record-review" disabled={busy}>{t('recordReview')}</button>
                </form>
              )}
              {role === 'ADMIN' && p.status === 'IN_REVIEW' && (
                <form onSubmit={(e) => { const v = formValues(e); void act(async () => (await request(APPROVE, { input: { ...base, note: v.note, orgUnitId: v.orgUnitId || null } })).approveProposal); }}>
                  <OrgUnitSelect current={p.orgUnit?.id} />
                  <label>{t('note')}<input name="note" /></label>
                  <button type="submit" data-testid="approve" disabled={busy}>{t('approve')}</button>
                </form>
              )}
              {['SUBMITTED', 'VERIFIED', 'IN_REVIEW'].includes(p.status) && (
                <details>
                  <summary>{t('requestRevision')} / {t('reject')}</summary>
                  <form onSubmit={noted((note) => request(REVISION, { input: { ...base, note } }).then((r) => r.requestProposalRevision))}>
                    <label>{t('note')}<textarea name="note" required /></label>
                    <button type="submit" class="secondary" disabled={busy}>{t('requestRevision')}</button>
                  </form>
                  {role === 'ADMIN' && (
                    <form onSubmit={noted((reason) => request(REJECT, { input: { ...base, reason } }).then((r) => r.rejectProposal))}>
                      <label>{t('reason')}<textarea name="note" required /></label>
                      <button type="submit" class="contrast" disabled={busy}>{t('reject')}</button>
                    </form>
                  )}
                </details>
              )}
              {p.agreement && <p><a data-testid="agreement-link" href={`/arsip/${encodeURIComponent(p.agreement.id)}`} role="button">{p.agreement.number}</a></p>}
            </article>
          )}
          <article>
            <h2>{t('history')}</h2>
            <ol class="timeline">{p.history.map((h) => (
              <li><small>{dateTimeFmt(h.at)} · {h.actor.name}</small><br />{label('ProposalStatus', h.fromStatus)} → <strong>{label('ProposalStatus', h.toStatus)}</strong>{h.note && <p>{h.note}</p>}</li>
            ))}</ol>
          </article>
        </div>
      </div>
    </Page>
  );
}

const UNITS = graphql(`
  query UnitChoices { orgUnits(first: 100) { nodes { id name } } }
`);

/** The department that will lead the agreement (a partner's proposal names none). */
function OrgUnitSelect(props: { current?: string }) {
  const { data } = useData(() => request(UNITS), []);
  return (
    <label>{t('orgUnit')}
      <select name="orgUnitId" required>
        <option value="">—</option>
        {data?.orgUnits.nodes.map((u) => <option value={u.id} selected={u.id === props.current}>{u.name}</option>)}
      </select>
    </label>
  );
}

const QUEUE = graphql(`
  query Queue($after: String, $filter: ProposalFilter) {
    proposals(first: 20, after: $after, filter: $filter) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id trackingCode title status ageInStateDays proposerPartner { name } proposerOrgUnit { shortName name } }
    }
  }
`);

export function ReviewQueue() {
  const { after, pager, reset } = usePager();
  const [status, setStatus] = useState<string>('');
  const { data, error } = useData(() => request(QUEUE, { after, filter: status ? { status: [status as never] } : null }), [after, status]);
  return (
    <Page title={t('review')} lead={t('reviewQueueHelp')}>
      <form class="filters" onSubmit={(e) => { reset(); setStatus(formValues(e).status); }}>
        <label>{t('status')}<EnumSelect type="ProposalStatus" name="status" all={t('allStatuses')} value={status} /></label>
        <button type="submit">{t('filter')}</button>
      </form>
      {!data ? <Loading error={error} /> : (
        <div class="table-wrap"><table>
          <thead><tr><th scope="col">{t('trackingCode')}</th><th scope="col">{t('title')}</th><th scope="col">{t('partners')}</th><th scope="col">{t('status')}</th><th scope="col">{t('waitingDays')}</th></tr></thead>
          <tbody>{data.proposals.nodes.map((p) => (
            <tr>
              <td class="mono">{p.trackingCode}</td>
              <td><a href={`/pengajuan/${encodeURIComponent(p.id)}`}>{p.title}</a></td>
              <td>{p.proposerPartner?.name ?? p.proposerOrgUnit?.shortName ?? p.proposerOrgUnit?.name}</td>
              <td><Badge type="ProposalStatus" value={p.status} /></td>
              <td>{p.ageInStateDays}</td>
            </tr>
          ))}</tbody>
        </table>{pager(data.proposals.pageInfo)}</div>
      )}
    </Page>
  );
}
