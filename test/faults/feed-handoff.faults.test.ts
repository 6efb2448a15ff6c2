/**
 * Scenario 2, feed hand-off failures: the development fault switch
 * (`POST /api/admin/faults {"feedAppendFailures": K}`) makes the tenant
 * feed's next K appends fail while many orders take commands at once:
 * concurrent commands on the same order (pay and cancel racing), the same
 * command sent twice at once, and orders that get no later command (their
 * events can only reach the feed by the aggregate's alarm).
 *
 * Every command is still answered (200, or 422 for the loser of a race); once
 * the failures are used up, the feed holds every accepted event exactly once,
 * per order in version order without gaps, equal to the streams, and the edge
 * views equal a rebuild and the model folded from the feed.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Command, newTenant, type WireEvent } from '../http/client';
import { pollUntil } from '../http/query-client';
import { startWrangler, type WranglerServer } from '../http/wrangler';
import {
  Edge,
  expectViewsEqualRebuildAndModel,
  orderChain,
  readStreams,
  type Sent,
  sendWithRetry,
  wholeFeed,
} from './lib/edge';
import { auditFeed, printFigures } from './lib/figures';
import { minutes, pick } from './lib/settings';

const ORDERS = pick(80, 400);
const FAILURES = pick(150, 800);
const ORPHANS = pick(20, 60);
const CONCURRENCY = 8;

let server: WranglerServer | undefined;

beforeAll(async () => {
  server = await startWrangler({ readyTimeoutMs: 60_000 });
}, 90_000);

afterAll(async () => {
  await server?.stop();
}, 30_000);

it('with the feed failing K appends, every accepted event reaches the feed once, in order', {
  timeout: minutes(pick(3, 10)),
}, async () => {
  const started = Date.now();
  const edge = await Edge.open((server as WranglerServer).url, newTenant());
  await edge.failFeedAppends(FAILURES);

  const results: Sent[] = [];
  const twins: [Sent, Sent][] = [];
  const ids = Array.from({ length: ORDERS }, (_, i) => `handoff-${i}`);
  const send = async (command: Command) => {
    const sent = await sendWithRetry(edge, command, { deadlineMs: 60_000 });
    results.push(sent);
    return sent;
  };
  const lifeOf = async (id: string, i: number) => {
    const [create, pay, ship] = orderChain(id, 'ship', `cust-${i % 11}`) as [Command, Command, Command];
    await send(create);
    if (i % 3 === 0) {
      // Pay and cancel at once: whichever the aggregate takes first decides the other's answer.
      const [cancel] = orderChain(id, 'cancel', `cust-${i % 11}`).slice(2) as [Command];
      await Promise.all([send(pay), send({ ...cancel, commandId: `${pay.commandId}-cancel` })]);
      return;
    }
    await send(pay);
    // The same command twice at once, as a client retrying before the first answer came.
    twins.push(await Promise.all([send(ship), send(ship)]));
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < ids.length; i = next++) await lifeOf(ids[i] as string, i);
    }),
  );

  // Orders created while the feed fails, with nothing after them: only their alarms can deliver.
  await edge.failFeedAppends(ORPHANS * 2);
  const orphans = Array.from({ length: ORPHANS }, (_, i) => `handoff-orphan-${i}`);
  await Promise.all(orphans.map((id) => send(orderChain(id, 'create', 'cust-orphan')[0] as Command)));
  ids.push(...orphans);
  const loadSeconds = (Date.now() - started) / 1000;

  const accepted = results.filter((sent) => sent.status === 200);
  const ackedEvents: WireEvent[] = uniqueById(accepted.flatMap((sent) => sent.body.events ?? []));
  const early = new Set((await wholeFeed(edge)).map((event) => event.id));
  const deferred = ackedEvents.filter((event) => !early.has(event.id)).length;

  const wanted = new Set(ackedEvents.map((event) => event.id));
  const recoveryStarted = Date.now();
  let feed = await wholeFeed(edge);
  try {
    feed = await pollUntil(
      'every accepted event in the feed',
      async () => {
        const events = await wholeFeed(edge);
        return events.filter((event) => wanted.has(event.id)).length >= wanted.size ? events : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
  } catch {
    feed = await wholeFeed(edge);
  }
  const recoverySeconds = (Date.now() - recoveryStarted) / 1000;
  const audit = auditFeed(feed, ackedEvents);

  const streams = await readStreams(edge, ids);
  const streamProblems: string[] = [];
  for (const id of ids) {
    const stored = (streams.get(id) ?? []).map((event) => event.id);
    const mine = ackedEvents
      .filter((event) => event.aggregateId === id)
      .sort((a, b) => a.version - b.version)
      .map((event) => event.id);
    const inFeed = feed.filter((event) => event.aggregateId === id).map((event) => event.id);
    if (JSON.stringify(stored) !== JSON.stringify(mine) || JSON.stringify(inFeed) !== JSON.stringify(mine)) {
      streamProblems.push(`${id}: stream ${stored.join(',')}; feed ${inFeed.join(',')}; answers ${mine.join(',')}`);
    }
  }
  const twinProblems = twins
    .filter(
      ([a, b]) =>
        a.status !== b.status ||
        a.body.version !== b.body.version ||
        JSON.stringify(a.body.events?.map((e) => e.id)) !== JSON.stringify(b.body.events?.map((e) => e.id)),
    )
    .map(([a, b]) => `${a.command.commandId}: ${a.status} v${a.body.version} vs ${b.status} v${b.body.version}`);
  const refused = results.filter((sent) => sent.status !== 200);
  const unexpected = refused.filter(
    (sent) =>
      !(sent.status === 422 && sent.body.error?.code === 'invalid_state' && /-pay/.test(sent.command.commandId)),
  );

  printFigures('feed-handoff', {
    commandsSent: new Set(results.map((sent) => sent.command.commandId)).size,
    acknowledged: new Set(accepted.map((sent) => sent.command.commandId)).size,
    retried: results.filter((sent) => sent.attempts > 1).length,
    eventsInFeed: feed.length,
    duplicates: audit.duplicates,
    lost: audit.lost,
    orders: ids.length,
    failuresSet: FAILURES + ORPHANS * 2,
    deferredAtLoadEnd: deferred,
    requests: results.length,
    sentTwiceAtOnce: twins.length,
    raceLosers: refused.length - unexpected.length,
    loadSeconds,
    recoverySeconds,
  });

  expect(unexpected.map((sent) => `${sent.command.commandId}: ${sent.status} ${sent.body.error?.code}`)).toEqual([]);
  expect(deferred, 'the switch took effect: accepted events were missing from the feed').toBeGreaterThanOrEqual(
    ORPHANS,
  );
  expect(audit.problems, 'feed audit').toEqual([]);
  expect({ duplicates: audit.duplicates, lost: audit.lost }).toEqual({ duplicates: 0, lost: 0 });
  expect(streamProblems, 'streams = feed = answers, per order').toEqual([]);
  expect(twinProblems, 'a command sent twice at once answers the same').toEqual([]);

  await expectViewsEqualRebuildAndModel(edge, feed);
});

function uniqueById(events: readonly WireEvent[]): WireEvent[] {
  return [...new Map(events.map((event) => [event.id, event])).values()];
}
