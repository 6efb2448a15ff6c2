/**
 * The bench's side of the wire: dev tokens and JSON requests against the
 * bench Worker, failing loudly on any unexpected status (a benchmark that
 * counts errors as fast answers measures nothing).
 */

/** A token from `POST /api/dev/token` (docs/api.md § Authentication). */
export async function devToken(url: string, tenant: string, roles: readonly string[] = []): Promise<string> {
  const body = await requestJson(`${url}/api/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub: 'bench', tenant, roles }),
  });
  return (body as { token: string }).token;
}

/** Fetches and parses JSON; throws with the body on any status but 200. */
export async function requestJson(url: string, init: RequestInit = {}): Promise<unknown> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(`${init.method ?? 'GET'} ${url}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Bearer and JSON headers. */
export function authHeaders(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
}

/** No single bench request should take long; a hung one fails the run instead of stalling it. */
const REQUEST_TIMEOUT_MS = 60_000;
