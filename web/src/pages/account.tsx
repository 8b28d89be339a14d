import { useState } from 'preact/hooks';
import { request, setSession } from '../api';
import { graphql } from '../graphql';
import { dateTimeFmt, t } from '../i18n';
import { navigate } from '../router';
import { EnumSelect, Errors, errorText, type FormErrors, formValues, Loading, Page, useData } from '../ui';

const LOGIN = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      accessToken refreshToken
      user { id displayName role email }
      errors { field code message }
    }
  }
`);

const HOME_OF: Record<string, string> = {
  PARTNER: '/pengajuan', OFFICER: '/arsip', ADMIN: '/telaah', REVIEWER: '/telaah', EXECUTIVE: '/dasbor',
};

export function Login() {
  const [errors, setErrors] = useState<FormErrors>(null);
  const registered = new URLSearchParams(location.search).has('terdaftar');
  const submit = async (event: Event) => {
    const v = formValues(event);
    try {
      const { login } = await request(LOGIN, { input: { email: v.email, password: v.password } });
      if (login.errors.length || !login.accessToken || !login.refreshToken || !login.user) return setErrors(login.errors);
      setSession({ accessToken: login.accessToken, refreshToken: login.refreshToken, user: login.user });
      const next = new URLSearchParams(location.search).get('next');
      navigate(next && next.startsWith('/') ? next : HOME_OF[login.user.role] ?? '/');
    } catch (error) {
      setErrors(errorText(error));
    }
  };
  return (
    <Page title={t('login')}>
      <article class="narrow">
        {registered && <p class="notice good" role="status">{t('registered')}</p>}
        <Errors errors={errors} />
        <form onSubmit={submit}>
          <label>{t('email')}<input type="email" name="email" autocomplete="username" required /></label>
          <label>{t('password')}<input type="password" name="password" autocomplete="current-password" required /></label>
          <button type="submit">{t('login')}</button>
        </form>
        <p><a href="/daftar">{t('register')}</a></p>
      </article>
    </Page>
  );
}

const REGISTER = graphql(`
  mutation Register($input: RegisterPartnerInput!) {
    registerPartner(input: $input) { partner { id } errors { field code message } }
  }
`);

export function Register() {
  const [errors, setErrors] = useState<FormErrors>(null);
  const submit = async (event: Event) => {
    const v = formValues(event);
    try {
      const { registerPartner } = await request(REGISTER, {
        input: {
          name: v.name, kind: v.kind as never, contactName: v.contactName, email: v.email, password: v.password,
          phone: v.phone ?? '', city: v.city ?? '', contactPosition: v.contactPosition ?? '', address: v.address ?? '',
        },
      });
      if (registerPartner.errors.length) return setErrors(registerPartner.errors);
      navigate('/masuk?terdaftar=1');
    } catch (error) {
      setErrors(errorText(error));
    }
  };
  return (
    <Page title={t('register')}>
      <article class="narrow">
        <Errors errors={errors} />
        <form onSubmit={submit}>
          <label>{t('orgName')}<input name="name" required /></label>
          <label>{t('orgKind')}<EnumSelect type="PartnerKind" name="kind" required /></label>
          <div class="grid">
            <label>{t('contactName')}<input name="contactName" required autocomplete="name" /></label>
            <label>{t('phone')}<input name="phone" type="tel" autocomplete="tel" /></label>
          </div>
          <label>{t('city2')}<input name="city" /></label>
          <label>{t('email')}<input type="email" name="email" required autocomplete="email" /></label>
          <label>{t('password')}<input type="password" name="password" required minLength={12} autocomplete="new-password" /></label>
          <button type="submit">{t('register')}</button>
        </form>
      </article>
    </Page>
  );
}

const NOTIFICATIONS = graphql(`
  query Notifications { myNotifications(first: 50) { nodes { id kind title body createdAt readAt subjectId } } }
`);
const MARK_READ = graphql(`
  mutation MarkRead { markNotificationsRead(input: {}) { unreadCount errors { message } } }
`);

export function Notifications() {
  const { data, error, reload } = useData(() => request(NOTIFICATIONS), []);
  const [failed, setFailed] = useState<string | null>(null);
  return (
    <Page title={t('notifications')} actions={
      <button class="outline" onClick={() => request(MARK_READ).then(reload, (e) => setFailed(errorText(e)))}>{t('markRead')}</button>
    }>
      <Errors errors={failed} />
      {!data ? <Loading error={error} /> : (
        <ul class="result-list">
          {data.myNotifications.nodes.map((n) => (
            <li class={`result ${n.readAt ? '' : 'unread'}`}>
              <div class="result-head"><strong>{n.title}</strong><small>{dateTimeFmt(n.createdAt)}</small></div>
              <p>{n.body}</p>
            </li>
          ))}
          {data.myNotifications.nodes.length === 0 && <li>{t('none')}</li>}
        </ul>
      )}
    </Page>
  );
}
