import { useState } from 'preact/hooks';
import { request } from '../api';
import { graphql, type VariablesOf } from '../graphql';
import { dateFmt, t } from '../i18n';
import { Badge, EnumSelect, formValues, Loading, Page, usePager, useData } from '../ui';

const CATALOGUE = graphql(`
  query Catalogue($filter: PublicAgreementFilter, $after: String) {
    publicAgreements(filter: $filter, first: 20, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        id number title cooperationType form field signedOn endsOn status
        partners { name kind }
        leadOrgUnits { name shortName }
      }
    }
  }
`);
type Filter = NonNullable<VariablesOf<typeof CATALOGUE>['filter']>;

export function Catalogue() {
  const [filter, setFilter] = useState<Filter>({});
  const { after, pager, reset } = usePager();
  const { data, error } = useData(() => request(CATALOGUE, { filter, after }), [JSON.stringify(filter), after]);
  const apply = (event: Event) => {
    const v = formValues(event);
    reset();
    setFilter({
      text: v.text || null,
      cooperationType: v.cooperationType ? [v.cooperationType as never] : null,
      form: v.form ? [v.form as never] : null,
      status: v.status ? [v.status as never] : null,
      signedYear: v.year ? Number(v.year) : null,
    });
  };
  const list = data?.publicAgreements;
  return (
    <Page title={t('catalogue')} lead={list ? `${list.totalCount} ${t('results')}` : undefined}>
      <form class="filters" role="search" onSubmit={apply}>
        <label class="grow">{t('search')}<input type="search" name="text" placeholder={t('searchPlaceholder')} /></label>
        <label>{t('type')}<EnumSelect type="CooperationType" name="cooperationType" all={t('allTypes')} /></label>
        <label>{t('form')}<EnumSelect type="AgreementForm" name="form" all={t('allForms')} /></label>
        <label>{t('status')}<EnumSelect type="AgreementStatus" name="status" all={t('allStatuses')} /></label>
        <label>{t('year')}<input type="number" name="year" min="1990" max="2100" inputMode="numeric" /></label>
        <button type="submit">{t('filter')}</button>
      </form>
      {!list ? (
        <Loading error={error} />
      ) : (
        <>
          <ul class="result-list">
            {list.nodes.map((a) => (
              <li class="result">
                <div class="result-head">
                  <span class="mono">{a.number}</span>
                  <Badge type="AgreementStatus" value={a.status} />
                </div>
                <h2 class="result-title">{a.title}</h2>
                <p class="meta">
                  <Badge type="AgreementForm" value={a.form} /> <Badge type="CooperationType" value={a.cooperationType} /> · {a.field}
                </p>
                <dl class="facts">
                  <div><dt>{t('partners')}</dt><dd>{a.partners.map((p) => p.name).join('; ') || '—'}</dd></div>
                  <div><dt>{t('orgUnits')}</dt><dd>{a.leadOrgUnits.map((o) => o.shortName || o.name).join('; ') || '—'}</dd></div>
                  <div><dt>{t('signedOn')}</dt><dd>{dateFmt(a.signedOn)}</dd></div>
                  <div><dt>{t('endsOn')}</dt><dd>{dateFmt(a.endsOn)}</dd></div>
                </dl>
              </li>
            ))}
          </ul>
          {list.nodes.length === 0 && <p>{t('none')}</p>}
          {pager(list.pageInfo)}
        </>
      )}
    </Page>
  );
}
