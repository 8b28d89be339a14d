import { request } from '../api';
import { graphql } from '../graphql';
import { t } from '../i18n';
import { label } from '../labels';
import { Page, Stat, useData } from '../ui';

const SUMMARY = graphql(`
  query HomeSummary { publicStatistics { total byStatus { status count } } }
`);

export function Home() {
  const { data } = useData(() => request(SUMMARY), []);
  const active = data?.publicStatistics.byStatus.find((s) => s.status === 'ACTIVE')?.count ?? 0;
  return (
    <Page title={t('welcome')}>
      <div class="hero">
        <h2>{t('heroTitle')}</h2>
        <p>{t('heroText')}</p>
        <p class="hero-actions">
          <a href="/katalog" role="button">{t('catalogue')}</a>
          <a href="/daftar" role="button" class="secondary">{t('register')}</a>
          <a href="/lacak" role="button" class="outline contrast">{t('track')}</a>
        </p>
      </div>
      <div class="stats" aria-live="polite">
        <Stat label={t('agreements')} value={data?.publicStatistics.total ?? '…'} />
        <Stat label={label('AgreementStatus', 'ACTIVE')} value={data ? active : '…'} tone="good" />
      </div>
      <div class="cards">
        <a class="card" href="/prosedur"><h3>{t('procedures')}</h3><p>{t('steps')} · {t('requiredDocs')}</p></a>
        <a class="card" href="/templat"><h3>{t('templates')}</h3><p>{t('download')}</p></a>
        <a class="card" href="/faq"><h3>{t('faq')}</h3><p>?</p></a>
        <a class="card" href="/statistik"><h3>{t('statistics')}</h3><p>{t('byType')}</p></a>
      </div>
    </Page>
  );
}
