import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { currentUser, onSessionChange, request, setSession, subscribe } from './api';
import { graphql } from './graphql';
import { getLang, setLang, t, type Lang } from './i18n';
import { loadLabels } from './labels';
import { interceptLinks, navigate, usePath } from './router';
import { Loading } from './ui';
import { Catalogue } from './pages/catalogue';
import { Home } from './pages/home';

type Loader = () => Promise<ComponentType<{ params: string[] }>>;
// Public pages the first visit needs are in the main bundle; the rest load on demand.
const ROUTES: [RegExp, Loader, string[]?][] = [
  [/^\/$/, async () => Home],
  [/^\/katalog$/, async () => Catalogue],
  [/^\/prosedur$/, () => import('./pages/info').then((m) => m.Procedures)],
  [/^\/faq$/, () => import('./pages/info').then((m) => m.Faq)],
  [/^\/templat$/, () => import('./pages/info').then((m) => m.Templates)],
  [/^\/lacak$/, () => import('./pages/info').then((m) => m.Track)],
  [/^\/statistik$/, () => import('./pages/charts').then((m) => m.PublicStatistics)],
  [/^\/masuk$/, () => import('./pages/account').then((m) => m.Login)],
  [/^\/daftar$/, () => import('./pages/account').then((m) => m.Register)],
  [/^\/notifikasi$/, () => import('./pages/account').then((m) => m.Notifications), ['*']],
  [/^\/pengajuan$/, () => import('./pages/proposals').then((m) => m.MyProposals), ['PARTNER', 'OFFICER']],
  [/^\/pengajuan\/baru$/, () => import('./pages/proposals').then((m) => m.NewProposal), ['PARTNER', 'OFFICER']],
  [/^\/pengajuan\/([^/]+)$/, () => import('./pages/proposals').then((m) => m.ProposalPage), ['*']],
  [/^\/telaah$/, () => import('./pages/proposals').then((m) => m.ReviewQueue), ['ADMIN', 'REVIEWER']],
  [/^\/arsip$/, () => import('./pages/archive').then((m) => m.Archive), ['ADMIN', 'REVIEWER', 'OFFICER', 'EXECUTIVE']],
  [/^\/arsip\/([^/]+)$/, () => import('./pages/archive').then((m) => m.AgreementPage), ['*']],
  [/^\/monev$/, () => import('./pages/monitoring').then((m) => m.EvaluationsDue), ['ADMIN', 'REVIEWER', 'OFFICER', 'EXECUTIVE']],
  [/^\/monev\/([^/]+)$/, () => import('./pages/monitoring').then((m) => m.EvaluationPage), ['ADMIN', 'REVIEWER', 'OFFICER', 'EXECUTIVE']],
  [/^\/peringatan$/, () => import('./pages/monitoring').then((m) => m.Alerts), ['ADMIN', 'REVIEWER', 'OFFICER', 'EXECUTIVE']],
  [/^\/serah-terima$/, () => import('./pages/monitoring').then((m) => m.Handover), ['ADMIN', 'REVIEWER', 'OFFICER', 'EXECUTIVE']],
  [/^\/dasbor$/, () => import('./pages/charts').then((m) => m.Dashboard), ['ADMIN', 'REVIEWER', 'OFFICER', 'EXECUTIVE']],
  [/^\/pengguna$/, () => import('./pages/admin').then((m) => m.Users), ['*']],
  [/^\/audit$/, () => import('./pages/admin').then((m) => m.AuditLog), ['ADMIN']],
];

const NOTIFICATIONS = graphql(`
  subscription Badge { myNotifications { unreadCount } }
`);
const ALERTS = graphql(`
  subscription AlertBadge { myAlerts { total critical } }
`);
const LOGOUT = graphql(`
  mutation Logout { logout { errors { code } } }
`);

function Routed(props: { path: string }) {
  const pathname = props.path.split('?')[0];
  const user = currentUser();
  const [component, setComponent] = useState<{ c: ComponentType<{ params: string[] }> } | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  let match: RegExpMatchArray | null = null;
  const route = ROUTES.find(([pattern]) => (match = pathname.match(pattern)));
  const params = match ? (match as RegExpMatchArray).slice(1) : [];
  useEffect(() => {
    setComponent(null);
    setFailed(null);
    if (!route) return;
    route[1]().then((c) => setComponent({ c }), (e: Error) => setFailed(e.message));
  }, [pathname]);
  if (!route) return <section class="page"><h1>404</h1><p>{t('notFound')}</p></section>;
  const roles = route[2];
  if (roles && !user) {
    navigate(`/masuk?next=${encodeURIComponent(props.path)}`, true);
    return null;
  }
  if (roles && user && !roles.includes('*') && !roles.includes(user.role)) {
    return <section class="page"><h1>403</h1><p>{t('notFound')}</p></section>;
  }
  if (!component) return <Loading error={failed} />;
  const C = component.c;
  return <C params={params} />;
}

function Nav(props: { path: string; unread: number; alerts: number }) {
  const user = currentUser();
  const role = user?.role;
  const staff = role && ['ADMIN', 'REVIEWER', 'OFFICER', 'EXECUTIVE'].includes(role);
  const link = (href: string, text: string, extra?: preact.ComponentChildren) => (
    <li>
      <a href={href} aria-current={props.path.split('?')[0] === href ? 'page' : undefined}>{text}{extra}</a>
    </li>
  );
  return (
    <nav class="main-nav" aria-label="menu">
      <ul>
        {link('/', t('home'))}
        {link('/katalog', t('catalogue'))}
        {link('/prosedur', t('procedures'))}
        {link('/statistik', t('statistics'))}
        {link('/lacak', t('track'))}
        {!staff && link('/templat', t('templates'))}
        {!staff && link('/faq', t('faq'))}
        {(role === 'PARTNER' || role === 'OFFICER') && link('/pengajuan', t('myProposals'))}
        {(role === 'ADMIN' || role === 'REVIEWER') && link('/telaah', t('review'))}
        {staff && link('/arsip', t('archive'))}
        {staff && link('/monev', t('monitoring'))}
        {staff && link('/peringatan', t('alerts'), props.alerts ? <span class="count" aria-label={`${props.alerts}`}>{props.alerts}</span> : null)}
        {staff && link('/dasbor', t('dashboard'))}
        {staff && link('/serah-terima', t('handover'))}
        {role === 'ADMIN' && link('/audit', t('audit'))}
      </ul>
    </nav>
  );
}

export function App() {
  const path = usePath();
  const [, rerender] = useState(0);
  // Changing it re-renders the page with the labels just loaded.
  const [, setLabelsReady] = useState(false);
  const [unread, setUnread] = useState(0);
  const [alerts, setAlerts] = useState(0);
  const user = currentUser();
  useEffect(() => onSessionChange(() => rerender((n) => n + 1)), []);
  useEffect(() => {
    loadLabels().finally(() => setLabelsReady(true));
  }, [getLang()]);
  useEffect(() => {
    if (!user) return;
    const stops = [subscribe(NOTIFICATIONS, (d) => setUnread(d.myNotifications.unreadCount))];
    if (user.role !== 'PARTNER') stops.push(subscribe(ALERTS, (d) => setAlerts(d.myAlerts.critical)));
    return () => stops.forEach((s) => s());
  }, [user?.id]);
  const switchLang = (lang: Lang) => {
    setLang(lang);
    setLabelsReady(false);
    loadLabels().finally(() => setLabelsReady(true));
  };
  const logout = async () => {
    await request(LOGOUT).catch(() => undefined);
    setSession(null);
    navigate('/');
  };
  return (
    <div onClick={interceptLinks as unknown as (e: MouseEvent) => void}>
      <a class="skip" href="#main">{t('skip')}</a>
      <header class="topbar">
        <div class="container topbar-inner">
          <a href="/" class="brand">
            <img src="/favicon.svg" alt="" width="40" height="40" />
            <span>
              <strong>{t('appName')}</strong>
              <small>{t('appLong')} · {t('city')}</small>
            </span>
          </a>
          <div class="tools">
            <div class="lang" aria-label={t('language')}>
              <button class={getLang() === 'id' ? '' : 'outline'} aria-pressed={getLang() === 'id'} onClick={() => switchLang('id')}>ID</button>
              <button class={getLang() === 'en' ? '' : 'outline'} aria-pressed={getLang() === 'en'} onClick={() => switchLang('en')}>EN</button>
            </div>
            {user ? (
              <>
                <a href="/notifikasi" class="bell" aria-label={`${t('notifications')}: ${unread} ${t('unread')}`}>
                  <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 22a2.5 2.5 0 0 0 2.5-2.5h-5A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1z" /></svg>
                  <span class="count" data-testid="unread">{unread}</span>
                </a>
                <a href={user.role === 'ADMIN' ? '/pengguna' : '/pengguna'} class="who">{user.displayName}</a>
                <button class="outline secondary small" onClick={logout}>{t('logout')}</button>
              </>
            ) : (
              <>
                <a href="/daftar" role="button" class="outline small">{t('register')}</a>
                <a href="/masuk" role="button" class="small">{t('login')}</a>
              </>
            )}
          </div>
        </div>
        <div class="container">
          <Nav path={path} unread={unread} alerts={alerts} />
        </div>
      </header>
      <main id="main" class="container" tabIndex={-1}>
        {/* Pages render at once; labels fill in when they arrive (no request waterfall). */}
        <Routed path={path} key={`${path}|${getLang()}`} />
      </main>
      <footer class="footer">
        <div class="container">
          <p><strong>{t('city')}</strong> — {t('footer')}</p>
          <p><em>{t('motto')}</em> · <a href="/open-data/ocds.json">{t('publicData')}</a> · <a href="/graphql">GraphQL API</a></p>
        </div>
      </footer>
    </div>
  );
}
