/**
 * Durability across restarts, with a `wrangler dev` of its own: events and
 * stored command answers survive a shutdown and a crash (SIGKILL of the whole
 * process group right after the 200s), because an accepted command is durable
 * before its 200 leaves (docs/api.md § Commands).
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  Api,
  type Command,
  devToken,
  expectAccepted,
  expectRejected,
  newTenant,
  type Reply,
  uniqueId,
  versionsOf,
} from './client';
import { createOrder, payOrder, shipOrder, TOTAL } from './order-commands';
import { makeTempDir, startWrangler, type WranglerServer } from './wrangler';

const tenant = newTenant();
let persistTo: string;
let server: WranglerServer | undefined;

beforeAll(async () => {
  persistTo = await makeTempDir('tidemark-restart-');
});

afterAll(async () => {
  await server?.stop();
  await rm(persistTo, { recursive: true, force: true });
});

/** (Re)starts the server on the same storage; the dev secret is fixed, so tokens survive too. */
async function boot(): Promise<Api> {
  server = await startWrangler({ persistTo });
  return new Api(server.url, await devToken({ tenant, sub: 'ann' }, server.url));
}

it('events and stored answers (200, 409, 422) survive a shutdown and a crash', { timeout: 120_000 }, async () => {
  let api = await boot();
  const [a, b] = [uniqueId('o'), uniqueId('o')];
  const sent: [Command, Reply][] = [];
  const send = async (command: Command) => {
    const reply = await api.command(command);
    sent.push([command, reply]);
    return reply;
  };
  expectAccepted(await send(createOrder(a)), 1);
  expectAccepted(await send(payOrder(a, TOTAL, { expectedVersion: 1 })), 2);
  expectRejected(await send(payOrder(a, TOTAL)), 422, 'invalid_state');
  expectRejected(await send(shipOrder(a, { expectedVersion: 7 })), 409, 'version_conflict');
  expectRejected(await send(payOrder(b)), 422, 'order_not_found');
  const streamA = await api.stream('Order', a);
  expect(versionsOf(streamA.body.events ?? [])).toEqual([1, 2]);

  await server?.stop({ crash: false });
  api = await boot();

  expect((await api.stream('Order', a)).body).toEqual(streamA.body);
  await expectReplays(api, sent);
  // Numbering goes on where it stopped, and b is still free (its 422 stored no event).
  const ship = shipOrder(a);
  expectAccepted(await send(ship), 3);
  expectAccepted(await send(createOrder(b)), 1);
  const afterShip = await api.stream('Order', a);

  // A crash right after the 200s: nothing answered may be lost.
  await server?.stop({ crash: true });
  api = await boot();

  expect((await api.stream('Order', a)).body).toEqual(afterShip.body);
  expect(versionsOf(await api.events('Order', b))).toEqual([1]);
  await expectReplays(api, sent);
});

/** Every command sent again answers exactly what it answered the first time. */
async function expectReplays(api: Api, sent: readonly [Command, Reply][]): Promise<void> {
  for (const [command, first] of sent) {
    const again = await api.command(command);
    expect({ status: again.status, body: again.body }, command.type).toEqual({
      status: first.status,
      body: first.body,
    });
  }
}
