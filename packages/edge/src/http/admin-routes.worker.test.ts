import { env, SELF } from 'cloudflare:test';
import { parseCommandId } from '@tidemark/core';
import { describe, expect, it } from 'vitest';
import { bearer } from '../../test/edge-client';
import { POISON } from '../../test/fixture-app';
import { aggregateStub, parseStreamRef } from '../aggregate/aggregate-stub';
import { feedStub } from '../feed/feed-stub';
import { projectionStub } from '../projection/projection-stub';

describe('GET /api/admin/dead-letters', () => {
  it('reads each letter event through the per-event read hook, as the feed does', async () => {
    const tenant = `dead-letter-viewer-${crypto.randomUUID()}`;
    const stream = parseStreamRef(tenant, 'Counter', 'a');
    const answer = await aggregateStub(env, stream).execute({
      stream,
      commandId: parseCommandId('poisoned'),
      type: 'Add',
      payload: { by: POISON, note: 'secret' },
      fingerprint: 'fp-poisoned',
      actor: 'tester',
      roles: [],
    });
    expect(answer.body.status).toBe('accepted');
    const head = await feedStub(env, tenant).head();
    await projectionStub(env, tenant, 'counter-totals').waitForPosition(head, 4000);
    await projectionStub(env, tenant, 'strict-totals').waitForPosition(head, 1000);

    const read = async (roles: string[]) => {
      const response = await SELF.fetch('https://edge/api/admin/dead-letters', {
        headers: { authorization: await bearer(tenant, roles) },
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { deadLetters: { event: { payload: { note: unknown } } }[] };
      return body.deadLetters.map((letter) => letter.event.payload.note);
    };
    // Both fixture projections refuse the poisoned event: one letter each.
    expect(await read(['admin'])).toEqual(['secret', 'secret']);
    expect(await read(['admin', 'viewer'])).toEqual([null, null]);
  });
});
