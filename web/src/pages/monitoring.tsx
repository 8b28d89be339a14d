import { useState } from 'preact/hooks';
import { download, request, upload } from '../api';
import { graphql } from '../graphql';
import { dateFmt, t } from '../i18n';
import { label, values } from '../labels';
import { navigate } from '../router';
import { Badge, EnumSelect, Errors, errorText, type FormErrors, formValues, Loading, Page, useAction, usePager, useData } from '../ui';

const DUE = graphql(`
  query Due($after: String) {
    evaluationPeriod { code }
    evaluationsDue(first: 25, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      nodes { period dueOn overdue agreement { id number title } draft { id } }
    }
  }
`);
const START = graphql(`
  mutation StartEvaluation($input: CreateEvaluationInput!) { createEvaluation(input: $input) { evaluation { id } errors { message } } }
`);

export function EvaluationsDue() {
  const { after, pager } = usePager();
  const { data, error } = useData(() => request(DUE, { after }), [after]);
  const [errors, setErrors] = useState<FormErrors>(null);
  const start = async (agreementId: string, period: string) => {
    try {
      const r = (await request(START, { input: { agreementId, period, idempotencyKey: crypto.randomUUID() } })).createEvaluation;
      if (r.errors.length || !r.evaluation) return setErrors(r.errors);
      navigate(`/monev/${encodeURIComponent(r.evaluation.id)}`);
    } catch (e) {
      setErrors(errorText(e));
    }
  };
  return (
    <Page title={t('evaluationsDue')} lead={data ? `${t('period')} ${data.evaluationPeriod.code} · ${data.evaluationsDue.totalCount}` : undefined}>
      <Errors errors={errors} />
      {!data ? <Loading error={error} /> : (
        <ul class="result-list">{data.evaluationsDue.nodes.map((d) => (
          <li class="result">
            <div class="result-head"><span class="mono">{d.agreement?.number}</span><span class={`badge ${d.overdue ? 'badge-terminated' : 'badge-draft'}`}>{d.overdue ? t('overdue') : t('due')} {dateFmt(d.dueOn)}</span></div>
            <p>{d.agreement?.title} · {t('period')} {d.period}</p>
            {d.draft ? <a href={`/monev/${encodeURIComponent(d.draft.id)}`} role="button" class="small">{t('open')}</a>
              : d.agreement && <button class="small" onClick={() => start(d.agreement!.id, d.period)}>{t('startEvaluation')}</button>}
          </li>
        ))}</ul>
      )}
      {data && pager(data.evaluationsDue.pageInfo)}
    </Page>
  );
}

const EVALUATION = graphql(`
  query Evaluation($id: ID!) {
    node(id: $id) {
      ... on Evaluation {
        id period status revision visitDate overallScore findings obstacles recommendation
        scores { indicator score note }
        evidence { id filename caption takenAt latitude longitude downloadUrl }
        agreement { id number title }
      }
    }
  }
`);
const UPDATE = graphql(`
  mutation UpdateEvaluation($input: UpdateEvaluationInput!) { updateEvaluation(input: $input) { errors { message } } }
`);
const SUBMIT = graphql(`
  mutation SubmitEvaluation($input: SubmitEvaluationInput!) { submitEvaluation(input: $input) { errors { message } } }
`);
const EVIDENCE = graphql(`
  mutation Evidence($input: UploadEvaluationEvidenceInput!) { uploadEvaluationEvidence(input: $input) { errors { message } } }
`);

/** The field form: one column on a phone, the camera for photos. */
export function EvaluationPage(props: { params: string[] }) {
  const id = decodeURIComponent(props.params[0]);
  const { data, error, reload } = useData(() => request(EVALUATION, { id }), [id]);
  const { errors, busy, run: act, fail } = useAction(reload);
  const ev = data?.node && 'period' in data.node ? data.node : null;
  if (!ev) return <Page title={t('monitoring')}><Loading error={error ?? (data ? t('notFound') : null)} /></Page>;
  const draft = ev.status === 'DRAFT';
  const save = (event: Event) => {
    const v = formValues(event);
    const scores = values('Indicator').filter((i) => v[`score-${i}`]).map((i) => ({ indicator: i as never, score: Number(v[`score-${i}`]), note: '' }));
    void act(async () => (await request(UPDATE, { input: { id: ev.id, revision: ev.revision, visitDate: v.visitDate || null, findings: v.findings, obstacles: v.obstacles, recommendation: (v.recommendation || null) as never, scores } })).updateEvaluation);
  };
  const photo = (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const fd = new FormData(form);
    void act(async () => (await upload(EVIDENCE, { input: { evaluationId: ev.id, caption: String(fd.get('caption') ?? ''), file: null, idempotencyKey: crypto.randomUUID() } }, { 'variables.input.file': fd.get('file') as File })).uploadEvaluationEvidence).then(() => form.reset());
  };
  return (
    <Page title={`${t('monitoring')} ${ev.period}`} lead={`${ev.agreement?.number ?? ''} — ${ev.agreement?.title ?? ''}`} actions={<Badge type="EvaluationStatus" value={ev.status} />}>
      <Errors errors={errors} />
      <div class="two-col">
        <article>
          <form onSubmit={save}>
            <fieldset disabled={!draft}>
              <label>{t('visitDate')}<input type="date" name="visitDate" defaultValue={ev.visitDate ?? ''} /></label>
              <div class="scores-wrap"><table class="scores">
                <thead><tr><th scope="col">{t('score')}</th>{[1, 2, 3, 4, 5].map((n) => <th scope="col">{n}</th>)}</tr></thead>
                <tbody>{values('Indicator').map((i) => {
                  const current = ev.scores.find((s) => s.indicator === i)?.score;
                  return (
                    <tr><th scope="row">{label('Indicator', i)}</th>{[1, 2, 3, 4, 5].map((n) => (
                      <td><input type="radio" name={`score-${i}`} value={n} defaultChecked={current === n} aria-label={`${label('Indicator', i)}: ${n}`} /></td>
                    ))}</tr>
                  );
                })}</tbody>
              </table></div>
              <label>{t('findings')}<textarea name="findings" rows={3}>{ev.findings}</textarea></label>
              <label>{t('obstacles')}<textarea name="obstacles" rows={2}>{ev.obstacles}</textarea></label>
              <label>{t('recommendation')}<EnumSelect type="Recommendation" name="recommendation" all="—" value={ev.recommendation ?? undefined} /></label>
              <div class="button-row">
                <button type="submit" class="secondary" disabled={busy}>{t('save')}</button>
                <button type="button" disabled={busy} onClick={() => act(async () => (await request(SUBMIT, { input: { evaluationId: ev.id } })).submitEvaluation)}>{t('submit')}</button>
              </div>
            </fieldset>
          </form>
          {ev.overallScore != null && <p><strong>{t('overall')}: {ev.overallScore.toFixed(2)}</strong></p>}
        </article>
        <article>
          <h2>{t('photo')}</h2>
          <ul class="plain">{ev.evidence.map((p) => (
            <li>{p.caption || p.filename} <small>{dateFmt(p.takenAt)}{p.latitude != null ? ` · ${p.latitude.toFixed(5)}, ${p.longitude?.toFixed(5)}` : ''}</small>{' '}
              <button class="small outline" onClick={() => download(p.downloadUrl, p.filename).catch(fail)}>{t('download')}</button></li>
          ))}</ul>
          <form onSubmit={photo} class="upload-form">
            <label>{t('takePhoto')}<input type="file" name="file" accept="image/*" capture="environment" required /></label>
            <label>{t('caption')}<input name="caption" /></label>
            <button type="submit" class="secondary" disabled={busy}>{t('upload')}</button>
          </form>
        </article>
      </div>
    </Page>
  );
}

const ALERTS = graphql(`
  query Alerts($after: String) {
    alerts(first: 25, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      nodes { id kind severity message dueOn daysLeft agreement { id } }
    }
  }
`);

export function Alerts() {
  const { after, pager } = usePager();
  const { data, error } = useData(() => request(ALERTS, { after }), [after]);
  return (
    <Page title={t('alerts')} lead={data ? `${data.alerts.totalCount} ${t('results')}` : undefined}>
      {!data ? <Loading error={error} /> : (
        <div class="table-wrap"><table>
          <thead><tr><th scope="col">{t('severity')}</th><th scope="col">{t('message')}</th><th scope="col">{t('due')}</th><th scope="col">{t('daysLeft')}</th></tr></thead>
          <tbody>{data.alerts.nodes.map((a) => (
            <tr>
              <td><Badge type="AlertSeverity" value={a.severity} /></td>
              <td>{a.agreement ? <a href={`/arsip/${encodeURIComponent(a.agreement.id)}`}>{a.message}</a> : a.message}</td>
              <td>{dateFmt(a.dueOn)}</td>
              <td>{a.daysLeft}</td>
            </tr>
          ))}</tbody>
        </table>{pager(data.alerts.pageInfo)}</div>
      )}
    </Page>
  );
}

const UNITS = graphql(`
  query Units { orgUnits(first: 100) { nodes { id code name } } }
`);
const BRIEFING = graphql(`
  query Briefing($id: ID!) { handoverBriefing(orgUnitId: $id) { downloadUrl } }
`);

export function Handover() {
  const { data, error } = useData(() => request(UNITS), []);
  const [failed, setFailed] = useState<string | null>(null);
  const get = (event: Event) => {
    const v = formValues(event);
    const unit = data?.orgUnits.nodes.find((u) => u.id === v.unit);
    request(BRIEFING, { id: v.unit })
      .then((r) => download(r.handoverBriefing.downloadUrl, `serah-terima-${unit?.code ?? 'opd'}.pdf`))
      .catch((e) => setFailed(errorText(e)));
  };
  return (
    <Page title={t('handover')}>
      <Errors errors={failed} />
      {!data ? <Loading error={error} /> : (
        <article class="narrow">
          <form onSubmit={get}>
            <label>{t('orgUnit')}<select name="unit">{data.orgUnits.nodes.map((u) => <option value={u.id}>{u.name}</option>)}</select></label>
            <button type="submit">{t('briefing')}</button>
          </form>
        </article>
      )}
    </Page>
  );
}
