/**
 * Who is signed in. In development the token comes from `POST /api/dev/token`
 * (a name and a tenant); it is kept in this origin's localStorage, which no
 * other origin can read.
 */

const STORAGE_KEY = 'tidemark.session';

export interface Session {
  readonly token: string;
  readonly sub: string;
  readonly tenant: string;
  readonly roles: readonly string[];
}

export function loadSession(): Session | undefined {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    return raw === null ? undefined : (JSON.parse(raw) as Session);
  } catch {
    return undefined;
  }
}

export async function signIn(sub: string, tenant: string, roles: readonly string[]): Promise<Session> {
  const response = await fetch('/api/dev/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub, tenant, roles }),
  });
  const body = (await response.json()) as { token?: string; error?: { message: string } };
  if (!response.ok || body.token === undefined) {
    throw new Error(body.error?.message ?? `sign-in failed (HTTP ${response.status})`);
  }
  const session: Session = { token: body.token, sub, tenant, roles };
  localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  return session;
}

export function signOut(): void {
  localStorage.removeItem(STORAGE_KEY);
}
