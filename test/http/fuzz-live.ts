/**
 * Two families the HTTP fuzz suite lacked (issue 16): the live WebSocket
 * upgrade, and large valid bodies.
 *
 * - `GET /api/events/live` as a real upgrade, with hostile `after` values
 *   (CR, LF, NUL, spaces, garbage, too long, another tenant's cursor), forged
 *   and odd tokens, by header or subprotocol, and real cursors. An accepted
 *   socket's frames are read for a moment; each must be within
 *   MAX_LIVE_FRAME_BYTES.
 * - Valid orders near the largest body the schema allows: accepted, and then
 *   in every feed and view page the run reads, which must stay within their
 *   byte bounds (see fuzz-wire.ts).
 */
import { MAX_LIVE_FRAME_BYTES } from '@tidemark/core/runtime';
import fc from 'fast-check';
import WebSocket from 'ws';
import { type FuzzCase, type FuzzContext, header, otherTenantOf, pick, tenantOf } from './fuzz-context';
import type { FuzzReply, FuzzRequest } from './fuzz-wire';
import { textOf } from './query-client';

/** How long an accepted socket is listened to: its backlog arrives at once. */
const LISTEN_MS = 300;

/** Sent as is in the query: none of them is a cursor this server issued. */
const HOSTILE_AFTERS = [
  'x%0Ay',
  '%0D',
  '%00',
  'a%0D%0Ab',
  '%E2%80%A8',
  '%20',
  'AAAA',
  '..',
  '%FF',
  'eyJlIjoieCIsInAiOlswXX0',
  'x'.repeat(600),
];

type AfterPlan = 'none' | 'own' | 'other' | { readonly hostile: string };

export function liveUpgradeCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const members = [...context.member, ...context.admin, ...context.viewer];
  return fc
    .record({
      who: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...members) },
        { weight: 2, arbitrary: fc.constantFrom(...context.forged) },
        { weight: 1, arbitrary: fc.constantFrom(...context.odd) },
      ),
      after: fc.oneof(
        { weight: 2, arbitrary: fc.constant<AfterPlan>('none') },
        { weight: 3, arbitrary: fc.constant<AfterPlan>('own') },
        { weight: 1, arbitrary: fc.constant<AfterPlan>('other') },
        { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_AFTERS).map((hostile): AfterPlan => ({ hostile })) },
      ),
      index: fc.nat(),
      byProtocol: fc.boolean(),
    })
    .map(({ who, after, index, byProtocol }) => (pools) => {
      const member = members.includes(who);
      let cursor: string | undefined;
      let decided: FuzzRequest['expect'] = { status: 101 };
      if (after === 'own') cursor = pick(pools.cursors.get(who.tenant ?? ''), index);
      if (after === 'other') {
        cursor = pick(pools.cursors.get(otherTenantOf(context, who.tenant) ?? ''), index);
        if (cursor !== undefined) decided = { status: 400, code: 'invalid_cursor' };
      }
      if (typeof after === 'object') {
        cursor = after.hostile;
        decided = { status: 400, code: 'invalid_cursor' };
      }
      const forged = context.forged.includes(who);
      const expect = forged ? { status: 401, code: 'unauthorized' } : member ? decided : undefined;
      const token = who.authorization?.slice('Bearer '.length);
      const protocol = member && byProtocol && token !== undefined;
      return {
        label: 'live:upgrade',
        method: 'GET',
        path: `/api/events/live${cursor === undefined ? '' : `?after=${cursor}`}`,
        ...(protocol ? { protocols: ['tidemark', `bearer.${token}`] } : header(who)),
        ...tenantOf(who),
        upgrade: true,
        ...(expect !== undefined && { expect }),
      };
    });
}

/** The most items the Order schema allows, with names near their longest: ~150 KB of valid order. */
export function largeValidOrderCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  let made = 0;
  return fc
    .record({
      who: fc.constantFrom(...context.member, ...context.admin),
      items: fc.integer({ min: 300, max: 500 }),
      structured: fc.boolean(),
    })
    .map(({ who, items, structured }) => () => {
      made += 1;
      const shippingAddress = structured
        ? Object.fromEntries(Array.from({ length: 16 }, (_, field) => [`line${field}`, 'ä'.repeat(100)]))
        : 'a'.repeat(1000);
      const command = {
        commandId: `fuzz-big-${made}-${who.name}`,
        aggregate: 'Order',
        aggregateId: `fuzz-big-${made}`,
        type: 'CreateOrder',
        payload: {
          customerId: 'cust-big',
          items: Array.from({ length: items }, (_, item) => ({
            sku: `sku-${item}-${'s'.repeat(56)}`,
            name: `${item} ${'n'.repeat(195)}`,
            price: 1,
            quantity: 1,
          })),
          shippingAddress,
        },
      };
      return {
        label: 'command:large-valid',
        method: 'POST',
        path: '/api/commands',
        ...header(who),
        ...tenantOf(who),
        body: JSON.stringify(command),
        expect: { status: 200 },
      };
    });
}

/**
 * Sends an upgrade as a WebSocket client does. A refused upgrade is an
 * ordinary reply; an accepted one is `101` with the sizes of the frames
 * received while listening, as `json.frameBytes`.
 */
export function sendUpgrade(baseUrl: string, request: FuzzRequest): Promise<FuzzReply> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${request.path}`, [...(request.protocols ?? [])], {
      headers: request.authorization === undefined ? {} : { authorization: request.authorization },
      handshakeTimeout: 10_000,
    });
    const frameBytes: number[] = [];
    socket.on('message', (data: Buffer) => frameBytes.push(data.byteLength));
    socket.once('open', () => {
      setTimeout(() => {
        socket.terminate();
        resolve({ status: 101, contentType: '', text: '', json: { frameBytes }, retries: 0 });
      }, LISTEN_MS);
    });
    socket.once('unexpected-response', (_request, response) => {
      void textOf(response).then((text) => {
        socket.terminate();
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        const contentType = String(response.headers['content-type'] ?? '');
        resolve({ status: response.statusCode ?? 0, contentType, text, json, retries: 0 });
      });
    });
    socket.once('error', reject);
  });
}

/** The frames of an accepted live socket, each within its byte bound. */
export function liveFrameProblems(reply: FuzzReply): string[] {
  const frames = (reply.json as { frameBytes?: number[] } | undefined)?.frameBytes ?? [];
  return frames.filter((bytes) => bytes > MAX_LIVE_FRAME_BYTES).map((bytes) => `a live frame of ${bytes} bytes`);
}
