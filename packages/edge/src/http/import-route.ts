/**
 * `POST /api/admin/import` (role `admin`, mounted under the admin routes):
 * replays a tenant export, batch by batch, into a tenant of a fresh
 * deployment. Each event goes to its aggregate's object with its original
 * version, id and metadata; consecutive events of one stream travel together,
 * and streams are written one after another, so the feed receives them in the
 * export's order. Views are not imported: the projections rebuild them from
 * the feed as for any new event.
 */
import type { App, EventEnvelope } from '@tidemark/core';
import { type ImportAnswer, type ImportBatch, ImportBatchSchema } from '@tidemark/core/protocol';
import { Hono } from 'hono';
import { aggregateStub, parseStreamRef } from '../aggregate/aggregate-stub';
import { feedStub } from '../feed/feed-stub';
import type { EdgeContext } from './edge-context';
import { fail } from './error-response';
import { readJsonBody } from './json-body';

/** One batch's body: a CLI sends about 1,000 events, well under this. */
export const MAX_IMPORT_BODY_BYTES = 4 * 1024 * 1024;

export function importRoute(app: App) {
  const routes = new Hono<EdgeContext>();
  routes.post('/', async (c) => {
    const parsed = ImportBatchSchema.safeParse(await readJsonBody(c.req.raw, MAX_IMPORT_BODY_BYTES));
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 10).map(({ path, message }) => ({
        path: path.map((key) => (typeof key === 'symbol' ? String(key) : key)),
        message,
      }));
      fail('invalid_request', 'the body is not an import batch ({position, events})', { issues });
    }
    const { position, events } = parsed.data;
    const tenant = c.var.access.tenant;
    const runs = streamRuns(app, tenant, events);
    const feed = feedStub(c.env, tenant);
    const head = await feed.head();
    if (head !== position) {
      const message =
        position === 0
          ? `the tenant already has ${head} events: import only into an empty tenant`
          : `the batch continues the feed at ${position}, the feed is at ${head}`;
      fail('tenant_not_empty', message, { head });
    }
    for (const run of runs) {
      const outcome = await aggregateStub(c.env, run.stream).importEvents(run.stream, run.events);
      if (!outcome.ok) fail('tenant_not_empty', outcome.message, { head: await feed.head() });
    }
    const answer: ImportAnswer = { imported: events.length, head: await feed.head() };
    return c.json(answer);
  });
  return routes;
}

/** The batch cut into runs of consecutive events of one stream, each checked against the app. */
function streamRuns(app: App, tenant: string, events: readonly ImportBatch['events'][number][]) {
  const runs: { stream: ReturnType<typeof parseStreamRef>; events: EventEnvelope[] }[] = [];
  for (const [index, event] of events.entries()) {
    const stream = parseStreamRef(tenant, event.aggregate, event.aggregateId);
    if (!app.aggregates.has(stream.aggregate)) {
      fail('invalid_request', `events[${index}]: no aggregate ${stream.aggregate} in this app`);
    }
    const last = runs.at(-1);
    if (last?.stream.aggregate === stream.aggregate && last.stream.aggregateId === stream.aggregateId) {
      last.events.push(stripPosition(event));
    } else {
      runs.push({ stream, events: [stripPosition(event)] });
    }
  }
  return runs;
}

/** The feed gives each event a new position; the exported one is dropped. */
function stripPosition({ position: _position, ...event }: ImportBatch['events'][number]): EventEnvelope {
  return event;
}
