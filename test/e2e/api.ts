/** The authority's side, over HTTP, for checking what reached it and acting as another client. */

export async function devToken(appUrl: string, tenant: string, sub = 'checker', roles: string[] = []): Promise<string> {
  const response = await fetch(`${appUrl}/api/dev/token`, {
    method: 'POST',
    body: JSON.stringify({ sub, tenant, roles }),
  });
  return ((await response.json()) as { token: string }).token;
}

export interface FeedEvent {
  readonly aggregateId: string;
  readonly version: number;
  readonly type: string;
  readonly meta: { readonly commandId: string };
}

/** The tenant's whole feed. */
export async function feed(appUrl: string, token: string): Promise<FeedEvent[]> {
  const events: FeedEvent[] = [];
  let after = '';
  for (let page = 0; page < 100; page += 1) {
    const response = await fetch(`${appUrl}/api/events?limit=1000${after ? `&after=${after}` : ''}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await response.json()) as { events: FeedEvent[]; cursor: string; hasMore: boolean };
    events.push(...body.events);
    if (!body.hasMore) break;
    after = body.cursor;
  }
  return events;
}

export async function command(
  appUrl: string,
  token: string,
  body: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${appUrl}/api/commands`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}
