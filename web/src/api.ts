// The only way the app talks to the server: GraphQL over fetch (with the session's bearer
// token and the chosen language), multipart uploads, authorised downloads and the
// graphql-transport-ws subscriptions.
import { print } from '@0no-co/graphql.web';
import type { TadaDocumentNode } from 'gql.tada';
import { createClient, type Client } from 'graphql-ws';
import { graphql } from './graphql';
import { getLang } from './i18n';

export interface SessionUser {
  id: string;
  displayName: string;
  role: string;
  email: string;
}
interface Session {
  accessToken: string;
  refreshToken: string;
  user: SessionUser;
}

const KEY = 'sikerma.session';
let session: Session | null = JSON.parse(localStorage.getItem(KEY) ?? 'null');
const listeners = new Set<() => void>();

export function currentUser(): SessionUser | null {
  return session?.user ?? null;
}
export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
export function setSession(next: Session | null): void {
  session = next;
  if (next) localStorage.setItem(KEY, JSON.stringify(next));
  else localStorage.removeItem(KEY);
  resetSubscriptions();
  listeners.forEach((l) => l());
}

export class ApiError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
  }
}

interface Body<R> {
  data?: R;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function send<R>(body: BodyInit, json: boolean, retried = false): Promise<R> {
  const headers: Record<string, string> = { 'Accept-Language': getLang() };
  if (json) headers['Content-Type'] = 'application/json';
  else headers['Apollo-Require-Preflight'] = '1';
  if (session) headers.Authorization = `Bearer ${session.accessToken}`;
  const response = await fetch('/graphql', { method: 'POST', headers, body });
  const result = (await response.json()) as Body<R>;
  const error = result.errors?.[0];
  if (error) {
    const code = error.extensions?.code ?? 'ERROR';
    if (code === 'UNAUTHENTICATED' && session && !retried && (await refresh())) {
      return send(body, json, true);
    }
    throw new ApiError(error.message, code);
  }
  return result.data as R;
}

const REFRESH = graphql(`
  mutation Refresh($input: RefreshTokenInput!) {
    refreshToken(input: $input) { accessToken refreshToken errors { code } }
  }
`);

async function refresh(): Promise<boolean> {
  const current = session;
  if (!current) return false;
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ query: print(REFRESH), variables: { input: { refreshToken: current.refreshToken } } }),
  });
  const data = ((await response.json()) as Body<{ refreshToken: { accessToken: string | null; refreshToken: string | null } }>).data;
  const renewed = data?.refreshToken;
  if (!renewed?.accessToken || !renewed.refreshToken) {
    setSession(null);
    return false;
  }
  setSession({ ...current, accessToken: renewed.accessToken, refreshToken: renewed.refreshToken });
  return true;
}

export function request<R, V>(doc: TadaDocumentNode<R, V>, variables?: V): Promise<R> {
  return send<R>(JSON.stringify({ query: print(doc), variables: variables ?? {} }), true);
}

/** A mutation carrying files, as the GraphQL multipart request spec says: each file
 * replaces the `null` at its path in the variables. */
export function upload<R, V>(doc: TadaDocumentNode<R, V>, variables: V, files: Record<string, File>): Promise<R> {
  const form = new FormData();
  const paths = Object.keys(files);
  form.append('operations', JSON.stringify({ query: print(doc), variables }));
  form.append('map', JSON.stringify(Object.fromEntries(paths.map((p, i) => [String(i), [p]]))));
  paths.forEach((p, i) => form.append(String(i), files[p]));
  return send<R>(form, false);
}

/** Download a protected file: fetched with the bearer token, then saved from a blob. */
export async function download(url: string, filename: string): Promise<void> {
  const headers: Record<string, string> = session ? { Authorization: `Bearer ${session.accessToken}` } : {};
  let response = await fetch(url, { headers });
  if (response.status === 401 && (await refresh())) {
    response = await fetch(url, { headers: { Authorization: `Bearer ${session!.accessToken}` } });
  }
  if (!response.ok) throw new ApiError(`HTTP ${response.status}`, 'DOWNLOAD_FAILED');
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

let client: Client | null = null;

function resetSubscriptions(): void {
  client?.dispose();
  client = null;
}

/** Subscribe over graphql-transport-ws; returns the function that stops it. */
export function subscribe<R>(doc: TadaDocumentNode<R, Record<string, never>>, onData: (data: R) => void): () => void {
  if (!session) return () => undefined;
  client ??= createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: () => (session ? { Authorization: `Bearer ${session.accessToken}` } : {}),
    retryAttempts: Infinity,
    shouldRetry: () => true,
  });
  return client.subscribe<R>(
    { query: print(doc) },
    {
      next: (message) => message.data && onData(message.data as R),
      error: () => void refresh(),
      complete: () => undefined,
    },
  );
}
