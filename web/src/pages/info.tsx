import { useState } from 'preact/hooks';
import { download, request } from '../api';
import { graphql } from '../graphql';
import { dateFmt, t } from '../i18n';
import { label, values } from '../labels';
import { Badge, errorText, formValues, Loading, Page, useData } from '../ui';

const PROCEDURES = graphql(`
  query Procedures {
    procedures {
      id cooperationType title summary legalBasis estimatedDuration
      steps { title description actor duration }
      requiredDocuments { title description required }
    }
  }
`);

export function Procedures() {
  const { data, error } = useData(() => request(PROCEDURES), []);
  const [chosen, setChosen] = useState<string | null>(null);
  if (!data) return <Page title={t('procedures')}><Loading error={error} /></Page>;
  const current = data.procedures.find((p) => p.cooperationType === chosen) ?? data.procedures[0];
  return (
    <Page title={t('procedures')} lead={t('chooseType')}>
      <div class="tabs" role="tablist">
        {data.procedures.map((p) => (
          <button role="tab" aria-selected={p === current} class={p === current ? '' : 'outline secondary'} onClick={() => setChosen(p.cooperationType)}>
            {label('CooperationType', p.cooperationType)}
          </button>
        ))}
      </div>
      {current && (
        <div role="tabpanel" class="card-block">
          <h2>{current.title}</h2>
          <p>{current.summary}</p>
          <p class="meta">{t('legalBasis')}: {current.legalBasis} · {t('estimate')}: {current.estimatedDuration}</p>
          <h3>{t('steps')}</h3>
          <ol class="steps">
            {current.steps.map((s) => (
              <li><strong>{s.title}</strong> <span class="meta">({s.actor}{s.duration ? `, ${s.duration}` : ''})</span><br />{s.description}</li>
            ))}
          </ol>
          <h3>{t('requiredDocs')}</h3>
          <ul>{current.requiredDocuments.map((d) => <li><strong>{d.title}</strong>{d.required ? ' *' : ''} — {d.description}</li>)}</ul>
        </div>
      )}
    </Page>
  );
}

const FAQ = graphql(`
  query Faq { faq(first: 100) { nodes { id question answer category } } }
`);

export function Faq() {
  const { data, error } = useData(() => request(FAQ), []);
  return (
    <Page title={t('faq')}>
      {!data ? <Loading error={error} /> : data.faq.nodes.map((f) => (
        <details>
          <summary>{f.question}</summary>
          <p>{f.answer}</p>
        </details>
      ))}
    </Page>
  );
}

const TEMPLATES = graphql(`
  query Templates { templates(first: 100) { nodes { id title description documentType filename size downloadUrl updatedAt } } }
`);

export function Templates() {
  const { data, error } = useData(() => request(TEMPLATES), []);
  const [failed, setFailed] = useState<string | null>(null);
  return (
    <Page title={t('templates')}>
      {failed && <p class="notice error" role="alert">{failed}</p>}
      {!data ? <Loading error={error} /> : (
        <div class="table-wrap"><table>
          <thead><tr><th scope="col">{t('title')}</th><th scope="col">{t('documentType')}</th><th scope="col">{t('file')}</th><th scope="col"><span class="sr-only">{t('download')}</span></th></tr></thead>
          <tbody>{data.templates.nodes.map((tp) => (
            <tr>
              <td><strong>{tp.title}</strong><br /><small>{tp.description}</small></td>
              <td><Badge type="DocumentType" value={tp.documentType} /></td>
              <td class="mono">{tp.filename} ({Math.ceil(tp.size / 1024)} KB) · {dateFmt(tp.updatedAt)}</td>
              <td><button class="small" onClick={() => download(tp.downloadUrl, tp.filename).catch((e) => setFailed(errorText(e)))}>{t('download')}</button></td>
            </tr>
          ))}</tbody>
        </table></div>
      )}
    </Page>
  );
}

const TRACK = graphql(`
  query Track($code: String!) { proposalStatus(trackingCode: $code) { trackingCode status submittedAt statusChangedAt } }
`);

export function Track() {
  const initial = new URLSearchParams(location.search).get('kode') ?? '';
  const [code, setCode] = useState(initial);
  const { data, error } = useData(() => (code ? request(TRACK, { code }) : Promise.resolve(null)), [code]);
  const report = data?.proposalStatus;
  const steps = values('ProposalStatus').filter((s) => ['SUBMITTED', 'VERIFIED', 'IN_REVIEW', 'APPROVED'].includes(s));
  return (
    <Page title={t('track')} lead={t('trackHelp')}>
      <form class="inline-form" role="search" onSubmit={(e) => setCode(formValues(e).code.trim())}>
        <label for="code">{t('trackingCode')}</label>
        <div role="group">
          <input id="code" name="code" value={code} placeholder="PKS-2026-0001" required autocomplete="off" />
          <button type="submit">{t('search')}</button>
        </div>
      </form>
      {code && !data && <Loading error={error} />}
      {code && data && !report && <p class="notice">{t('notFound')}</p>}
      {report && (
        <article class="track-result">
          <h2 class="mono">{report.trackingCode}</h2>
          <p><Badge type="ProposalStatus" value={report.status} /></p>
          <ol class="progress">
            {steps.map((s) => (
              <li class={steps.indexOf(s) <= steps.indexOf(report.status) ? 'reached' : ''}>{label('ProposalStatus', s)}</li>
            ))}
          </ol>
          <p class="meta">{t('submittedAt')}: {dateFmt(report.submittedAt)} · {t('changedAt')}: {dateFmt(report.statusChangedAt)}</p>
        </article>
      )}
    </Page>
  );
}
