/**
 * Races over real HTTP: many requests on one order at once must leave one
 * gap-free stream, one winner where only one can win, and a command retried
 * after a "lost" answer stored once.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Api,
  type Command,
  connect,
  expectAccepted,
  expectError,
  expectRejected,
  newTenant,
  type Reply,
  uniqueId,
  versionsOf,
} from './client';
import { type CommandOptions, cancelOrder, createOrder, payOrder, TOTAL } from './order-commands';

const PARALLEL = 50;
let api: Api;
beforeAll(async () => {
  api = await connect({ tenant: newTenant(), sub: 'ann' });
});

describe('parallel commands on one order', () => {
  it(`${PARALLEL} PayOrder at once on a PENDING order: one wins, the rest are invalid_state`, async () => {
    const id = uniqueId('o');
    expectAccepted(await api.command(createOrder(id)), 1);
    const replies = await Promise.all(Array.from({ length: PARALLEL }, () => api.command(payOrder(id))));

    const [winner, ...losers] = partition(replies);
    const [winning] = expectAccepted(winner as Reply, 2);
    for (const loser of losers) expectRejected(loser, 422, 'invalid_state');
    const events = await api.events('Order', id);
    expect(versionsOf(events)).toEqual([1, 2]);
    expect(events[1]).toEqual(winning);
  });

  it(`${PARALLEL} PayOrder and CancelOrder at once on a PENDING order, all at expectedVersion 1: one wins`, async () => {
    const id = uniqueId('o');
    expectAccepted(await api.command(createOrder(id)), 1);
    const replies = await Promise.all(mixedPayAndCancel(id, { expectedVersion: 1 }).map((c) => api.command(c)));

    const [winner, ...losers] = partition(replies);
    const [winning] = expectAccepted(winner as Reply, 2);
    for (const loser of losers) {
      expect(expectRejected(loser, 409, 'version_conflict')).toMatchObject({ expectedVersion: 1, actualVersion: 2 });
    }
    const events = await api.events('Order', id);
    expect(versionsOf(events)).toEqual([1, 2]);
    expect(events[1]).toEqual(winning);
  });

  it(`${PARALLEL} PayOrder and CancelOrder at once on a PENDING order: the outcome of some serial order`, async () => {
    // A PAID order may still be cancelled (docs/api.md § The example app (orders)), so two outcomes are right:
    // a cancel wins outright, or a pay wins and then exactly one cancel. Everything else is invalid_state.
    const id = uniqueId('o');
    expectAccepted(await api.command(createOrder(id)), 1);
    const replies = await Promise.all(mixedPayAndCancel(id).map((c) => api.command(c)));

    const accepted = replies.filter((reply) => reply.status === 200);
    const winners = accepted.flatMap((reply) => expectAccepted(reply)).sort((a, b) => a.version - b.version);
    const outcome = winners.map((event) => `${event.version}:${event.type}`).join(' ');
    expect(['2:OrderCancelled', '2:OrderPaid 3:OrderCancelled']).toContain(outcome);
    for (const loser of replies.filter((reply) => reply.status !== 200)) expectRejected(loser, 422, 'invalid_state');
    const events = await api.events('Order', id);
    expect(events.slice(1)).toEqual(winners);
    expect(versionsOf(events)).toEqual([1, ...versionsOf(winners)]);
  });

  it(`${PARALLEL} CreateOrder with expectedVersion 0 at once on a new id: one wins, the rest are version_conflict`, async () => {
    const id = uniqueId('o');
    const commands = Array.from({ length: PARALLEL }, (_, i) =>
      createOrder(id, { customerId: `cust-${i}` }, { expectedVersion: 0 }),
    );
    const replies = await Promise.all(commands.map((command) => api.command(command)));

    const [winner, ...losers] = partition(replies);
    expect(losers).toHaveLength(PARALLEL - 1);
    const [winning] = expectAccepted(winner as Reply, 1);
    for (const loser of losers) {
      const error = expectRejected(loser, 409, 'version_conflict');
      expect(error).toMatchObject({ expectedVersion: 0, actualVersion: 1 });
    }
    expect(await api.events('Order', id)).toEqual([winning]);
  });

  it('20 CreateOrder without expectedVersion at once on a new id: one wins, the rest are order_exists', async () => {
    const id = uniqueId('o');
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => api.command(createOrder(id, { customerId: `cust-${i}` }))),
    );
    const [winner, ...losers] = partition(replies);
    expectAccepted(winner as Reply, 1);
    for (const loser of losers) expectRejected(loser, 422, 'order_exists');
    expect(versionsOf(await api.events('Order', id))).toEqual([1]);
  });

  it('20 orders created at once do not get in each other’s way', async () => {
    const ids = Array.from({ length: 20 }, () => uniqueId('o'));
    const replies = await Promise.all(ids.map((id) => api.command(createOrder(id, {}, { expectedVersion: 0 }))));
    for (const reply of replies) expectAccepted(reply, 1);
  });
});

describe('a command retried after its answer was lost is stored once', () => {
  it('sent again afterwards: the same answer, one event', async () => {
    const id = uniqueId('o');
    const command = createOrder(id);
    const first = await api.command(command);
    expectAccepted(first, 1);
    const retries = await Promise.all(Array.from({ length: 3 }, () => api.command(command)));
    for (const retry of retries) expect({ status: retry.status, body: retry.body }).toEqual(statusAndBody(first));
    expect(versionsOf(await api.events('Order', id))).toEqual([1]);
  });

  it('10 identical CreateOrder at once: identical answers, one event', async () => {
    const id = uniqueId('o');
    const command = createOrder(id);
    const replies = await Promise.all(Array.from({ length: 10 }, () => api.command(command)));
    const [first] = replies;
    expectAccepted(first as Reply, 1);
    for (const reply of replies) expect(statusAndBody(reply)).toEqual(statusAndBody(first as Reply));
    expect(await api.events('Order', id)).toEqual(first?.body.events);
  });

  it('10 identical PayOrder at once on an existing order: identical answers, one OrderPaid', async () => {
    const id = uniqueId('o');
    expectAccepted(await api.command(createOrder(id)), 1);
    const command = payOrder(id);
    const replies = await Promise.all(Array.from({ length: 10 }, () => api.command(command)));
    const [first] = replies;
    expectAccepted(first as Reply, 2);
    for (const reply of replies) expect(statusAndBody(reply)).toEqual(statusAndBody(first as Reply));
    expect(versionsOf(await api.events('Order', id))).toEqual([1, 2]);
  });

  it('10 identical rejected commands at once: the same stored 422 for all', async () => {
    const id = uniqueId('o');
    expectAccepted(await api.command(createOrder(id)), 1);
    const command = payOrder(id, 1);
    const replies = await Promise.all(Array.from({ length: 10 }, () => api.command(command)));
    const [first] = replies;
    expectRejected(first as Reply, 422, 'wrong_amount');
    for (const reply of replies) expect(statusAndBody(reply)).toEqual(statusAndBody(first as Reply));
    expect(versionsOf(await api.events('Order', id))).toEqual([1]);
  });

  it('10 sends of one command id with different bodies at once: one is stored, the rest are command_id_reused', async () => {
    const id = uniqueId('o');
    const commandId = uniqueId('c');
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) => api.command(createOrder(id, { customerId: `cust-${i}` }, { commandId }))),
    );
    const [winner, ...losers] = partition(replies);
    const [event] = expectAccepted(winner as Reply, 1);
    for (const loser of losers) expectError(loser, 409, 'command_id_reused');
    expect(await api.events('Order', id)).toEqual([event]);
  });
});

/** Half PayOrder (the right amount), half CancelOrder, interleaved, each with its own command id. */
function mixedPayAndCancel(id: string, options: CommandOptions = {}): Command[] {
  return Array.from({ length: PARALLEL }, (_, i) =>
    i % 2 === 0 ? payOrder(id, TOTAL, options) : cancelOrder(id, 'too slow', options),
  );
}

/** The 200 answers first, then the rest; asserts there is exactly one 200. */
function partition(replies: readonly Reply[]): Reply[] {
  const accepted = replies.filter((reply) => reply.status === 200);
  const others = replies.filter((reply) => reply.status !== 200);
  expect(accepted.length, `200 answers among ${replies.length}`).toBe(1);
  return [...accepted, ...others];
}

function statusAndBody(reply: Reply): { status: number; body: unknown } {
  return { status: reply.status, body: reply.body };
}
