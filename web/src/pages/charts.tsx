import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import { request } from '../api';
import { graphql } from '../graphql';
import { t } from '../i18n';
import { label } from '../labels';
import { Loading, Page, Stat, useData } from '../ui';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);
const COLOURS = ['#0b5d3b', '#1f7a8c', '#f2a900', '#7b4b94', '#c0392b', '#2e86de', '#6d8b2f', '#8e6c3a'];

/** A bar chart with its numbers in a table beside it (readable without the picture). */
export function BarChart(props: { title: string; rows: { label: string; count: number }[]; horizontal?: boolean }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: props.rows.map((r) => r.label),
        datasets: [{ data: props.rows.map((r) => r.count), backgroundColor: props.rows.map((_, i) => COLOURS[i % COLOURS.length]) }],
      },
      options: {
        indexAxis: props.horizontal ? 'y' : 'x',
        animation: false,
        maintainAspectRatio: false,
        plugins: { tooltip: { enabled: true } },
        scales: { x: { ticks: { precision: 0 } }, y: { ticks: { precision: 0 } } },
      },
    });
    return () => chart.destroy();
  }, [JSON.stringify(props.rows)]);
  return (
    <figure class="chart-card">
      <figcaption><h2>{props.title}</h2></figcaption>
      <div class="chart-body">
        <div class="chart-canvas"><canvas ref={canvas} role="img" aria-label={props.title} /></div>
        <table class="chart-table">
          <tbody>{props.rows.map((r, i) => (
            <tr><th scope="row"><span class="swatch" data-colour={i % COLOURS.length} />{r.label}</th><td>{r.count}</td></tr>
          ))}</tbody>
        </table>
      </div>
    </figure>
  );
}

const PUBLIC_STATS = graphql(`
  query PublicStats {
    publicStatistics {
      total
      byCooperationType { cooperationType count }
      byField { field count }
      bySignedYear { year count }
      byStatus { status count }
    }
  }
`);

export function PublicStatistics() {
  const { data, error } = useData(() => request(PUBLIC_STATS), []);
  const s = data?.publicStatistics;
  return (
    <Page title={t('statistics')}>
      {!s ? <Loading error={error} /> : (
        <>
          <div class="stats"><Stat label={t('agreements')} value={s.total} /></div>
          <div class="chart-grid">
            <BarChart title={t('byType')} rows={s.byCooperationType.map((r) => ({ label: label('CooperationType', r.cooperationType), count: r.count }))} />
            <BarChart title={t('byStatus')} rows={s.byStatus.map((r) => ({ label: label('AgreementStatus', r.status), count: r.count }))} />
            <BarChart title={t('byField')} horizontal rows={s.byField.map((r) => ({ label: r.field || '—', count: r.count }))} />
            <BarChart title={t('byYear')} rows={s.bySignedYear.map((r) => ({ label: String(r.year ?? '—'), count: r.count }))} />
          </div>
        </>
      )}
    </Page>
  );
}

const DASHBOARD = graphql(`
  query Dashboard {
    dashboard {
      agreementCount
      byStatus { key count }
      byCooperationType { key count }
      byField { key count }
      bySigningYear { key count }
      expiringByMonth { month count }
      averageScoreByOrgUnit { averageScore evaluations orgUnit { shortName name } }
      evaluationProgress { period due done inProgress notStarted overduePrevious }
    }
    alerts(first: 1) { totalCount }
  }
`);

export function Dashboard() {
  const { data, error } = useData(() => request(DASHBOARD), []);
  const d = data?.dashboard;
  if (!d || !data) return <Page title={t('dashboard')}><Loading error={error} /></Page>;
  const count = (key: string) => d.byStatus.find((r) => r.key === key)?.count ?? 0;
  const p = d.evaluationProgress;
  return (
    <Page title={t('dashboard')}>
      <div class="stats">
        <Stat label={t('agreements')} value={d.agreementCount} />
        <Stat label={label('AgreementStatus', 'ACTIVE')} value={count('ACTIVE')} tone="good" />
        <Stat label={label('AgreementStatus', 'DRAFT')} value={count('DRAFT')} />
        <Stat label={t('alerts')} value={data.alerts.totalCount} tone="warn" />
        <Stat label={`${t('evaluationsDue')} ${p.period}`} value={p.due} />
        <Stat label={t('overduePrev')} value={p.overduePrevious} tone="bad" />
      </div>
      <div class="chart-grid">
        <BarChart title={t('byStatus')} rows={d.byStatus.map((r) => ({ label: label('AgreementStatus', r.key), count: r.count }))} />
        <BarChart title={t('byType')} rows={d.byCooperationType.map((r) => ({ label: label('CooperationType', r.key), count: r.count }))} />
        <BarChart title={t('byField')} horizontal rows={d.byField.map((r) => ({ label: r.key || '—', count: r.count }))} />
        <BarChart title={t('byYear')} rows={d.bySigningYear.map((r) => ({ label: r.key || '—', count: r.count }))} />
        <BarChart title={t('expiring')} rows={d.expiringByMonth.map((r) => ({ label: r.month, count: r.count }))} />
        <BarChart title={`${t('evalProgress')} (${p.period})`} rows={[
          { label: t('done'), count: p.done },
          { label: t('inProgress'), count: p.inProgress },
          { label: t('notStarted'), count: p.notStarted },
          { label: t('overduePrev'), count: p.overduePrevious },
        ]} />
        <BarChart title={t('avgScores')} horizontal rows={d.averageScoreByOrgUnit.map((r) => ({ label: r.orgUnit?.shortName || r.orgUnit?.name || '—', count: Math.round(r.averageScore * 100) / 100 }))} />
      </div>
    </Page>
  );
}
