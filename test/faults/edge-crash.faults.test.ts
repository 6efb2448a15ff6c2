/**
 * Scenario 1, edge crash under load: a load generator sends CreateOrder /
 * PayOrder / ShipOrder over many orders (bounded concurrency, retries that
 * reuse the command id) while the whole `wrangler dev` process group is
 * SIGKILLed and restarted on the same storage, several times. One of the
 * crashes comes while the tenant's feed refuses appends, so committed events
 * sit in aggregates' outboxes at the kill and only their alarms can deliver
 * them after the restart.
 *
 * Afterwards: every 200 has its events in its stream and in the feed exactly
 * once, streams have no gap, a retried command answers the same when sent
 * again, and the edge views equal a rebuild and a model folded from the feed.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Command, newTenant, type WireEvent } from '../http/client';
import { pollUntil } from '../http/query-client';
import { makeTempDir, startWrangler, type WranglerServer } from '../http/wrangler';
import {
  Edge,
  expectViewsEqualRebuildAndModel,
  Load,
  orderChain,
  readStreams,
  type Sent,
  sendWithRetry,
  wholeFeed,
} from './lib/edge';
import { auditFeed, printFigures } from './lib/figures';
import { rng } from './lib/rng';
import { minutes, pick, SEED } from './lib/settings';

const ORDERS = pick(60, 300);
const KILLS = pick(3, 8);
const CONCURRENCY = 8;
/** Before every second crash, this many orders are created while the feed refuses appends. */
const STRANDED = pick(8, 20);
/** The alarm's backoff starts at 1 s and doubles; after restarts, leave it room. */
const DELIVERY_TIMEOUT_MS = 120_000;

let persistTo: string;
let server: WranglerServer | undefined;

beforeAll(async () => {
  persistTo = await makeTempDir('tidemark-faults-crash-');
  server = await startWrangler({ persistTo, readyTimeoutMs: 60_000 });
}, 90_000);

afterAll(async () => {
  await server?.stop();
  await rm(persistTo, { recursive: true, force: true });
}, 30_000);

it('SIGKILL of the edge under load loses nothing and duplicates nothing', {
  timeout: minutes(pick(3, 12)),
}, async () => {
  const started = Date.now();
  const random = rng(SEED);
  const edge = await Edge.open((server as WranglerServer).url, newTenant());
  const shapes = ['ship', 'ship', 'pay', 'cancel'] as const;
  const ids = Array.from({ length: ORDERS }, (_, i) => `crash-${i}`);
  const chains = ids.map((id, i) => orderChain(id, shapes[i % shapes.length] ?? 'ship', `cust-${i % 7}`));
  const load = new Load(edge, chains, { concurrency: CONCURRENCY, deadlineMs: 150_000 });
  const running = load.run();

  let kills = 0;
  let strandedAtKill = 0;
  const extra: Sent[] = [];
  for (let k = 1; k <= KILLS; k++) {
    // Kill points spread over the run, each jittered by the seed.
    const target = Math.floor((load.total * (k - 0.5 + random.next() * 0.5)) / (KILLS + 0.5));
    await pollUntil('the load reaching the next kill point', async () => load.answered >= target || undefined, {
      timeoutMs: 120_000,
      intervalMs: 20,
    });
    if (k % 2 === 0) {
      // The feed refuses appends; orders that get no later command are created meanwhile: they
      // commit (200) and wait in their outboxes with an alarm armed (1 s), and the crash comes first.
      await edge.failFeedAppends(STRANDED * 3);
      const orphans = Array.from({ length: STRANDED }, (_, i) => `crash-orphan-${k}-${i}`);
      ids.push(...orphans);
      const answers = await Promise.all(
        orphans.map((id) => sendWithRetry(edge, orderChain(id, 'create', 'cust-orphan')[0] as Command)),
      );
      extra.push(...answers);
      const inFeed = new Set((await wholeFeed(edge)).map((event) => event.aggregateId));
      strandedAtKill += orphans.filter((id) => !inFeed.has(id)).length;
    }
    await (server as WranglerServer).stop({ crash: true });
    kills += 1;
    server = await startWrangler({ persistTo, readyTimeoutMs: 60_000 });
    edge.url = server.url;
  }
  const results = [...(await running), ...extra];
  const loadSeconds = (Date.now() - started) / 1000;

  const acknowledged = results.filter((sent) => sent.status === 200);
  const unexpected = results.filter((sent) => sent.status !== 200);
  const ackedEvents: WireEvent[] = acknowledged.flatMap((sent) => sent.body.events ?? []);

  // Delivery by the aggregates' alarms only: no command is sent until the feed is complete,
  // since a command on an aggregate would also hand its outbox to the feed.
  const wanted = new Set(ackedEvents.map((event) => event.id));
  let feed = await wholeFeed(edge);
  const deliveredBy = Date.now();
  try {
    feed = await pollUntil(
      'every acknowledged event in the feed',
      async () => {
        const events = await wholeFeed(edge);
        return events.filter((event) => wanted.has(event.id)).length >= wanted.size ? events : undefined;
      },
      { timeoutMs: DELIVERY_TIMEOUT_MS, intervalMs: 500 },
    );
  } catch {
    feed = await wholeFeed(edge);
  }
  const deliverySeconds = (Date.now() - deliveredBy) / 1000;
  const audit = auditFeed(feed, ackedEvents);

  // Streams: gap-free, exactly the acknowledged events of each order, all in the feed.
  const streams = await readStreams(edge, ids);
  const streamProblems: string[] = [];
  const feedIds = new Set(feed.map((event) => event.id));
  let streamLost = 0;
  for (const id of ids) {
    const events = streams.get(id) ?? [];
    const versions = events.map((event) => event.version);
    if (!versions.every((version, index) => version === index + 1)) {
      streamProblems.push(`stream ${id}: versions ${versions.join(',')}`);
    }
    const mine = ackedEvents.filter((event) => event.aggregateId === id).map((event) => event.id);
    const stored = events.map((event) => event.id);
    if (JSON.stringify(stored) !== JSON.stringify(mine)) {
      streamProblems.push(`stream ${id}: events ${stored.join(',')} but acknowledged ${mine.join(',')}`);
      streamLost += mine.filter((event) => !stored.includes(event)).length;
    }
    for (const event of events) if (!feedIds.has(event.id)) streamProblems.push(`${id} v${event.version} not in feed`);
  }

  // The same command again: the first answer again, nothing new stored.
  const replayProblems: string[] = [];
  for (const first of acknowledged) {
    const again = await sendWithRetry(edge, first.command, { deadlineMs: 30_000 });
    if (
      again.status !== first.status ||
      again.body.version !== first.body.version ||
      JSON.stringify((again.body.events ?? []).map((e) => e.id)) !==
        JSON.stringify((first.body.events ?? []).map((e) => e.id))
    ) {
      replayProblems.push(`${first.command.commandId}: first ${describe(first)}, again ${describe(again)}`);
    }
  }
  const feedAfterReplay = await wholeFeed(edge);

  printFigures('edge-crash', {
    commandsSent: results.length,
    acknowledged: acknowledged.length,
    retried: results.filter((sent) => sent.attempts > 1).length,
    eventsInFeed: feed.length,
    duplicates: audit.duplicates,
    lost: audit.lost + streamLost,
    orders: ORDERS,
    kills,
    strandedAtKill,
    requests: results.reduce((sum, sent) => sum + sent.attempts, 0),
    loadSeconds,
    deliverySeconds,
  });

  expect(unexpected.map(describe), 'every command ends with a 200').toEqual([]);
  expect(audit.problems, 'feed audit').toEqual([]);
  expect({ duplicates: audit.duplicates, lost: audit.lost }).toEqual({ duplicates: 0, lost: 0 });
  expect(streamProblems, 'streams').toEqual([]);
  expect(replayProblems, 'replayed answers').toEqual([]);
  expect(feedAfterReplay.length, 'sending the commands again stores nothing').toBe(feed.length);

  await expectViewsEqualRebuildAndModel(edge, feed);
});

function describe(sent: Sent): string {
  return `${sent.command.type} ${sent.command.aggregateId}: HTTP ${sent.status} v${String(sent.body.version)} ${
    sent.body.error?.code ?? ''
  } after ${sent.attempts} attempt(s) [${sent.failures.slice(0, 3).join('; ')}]`;
}
