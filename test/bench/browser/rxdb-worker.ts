/**
 * The peer in the browser: RxDB 17 with its Dexie storage, in a dedicated
 * worker of its own, `bulkInsert` of each fetched page's events as documents.
 * What it does per document beyond a raw put: its revision and `_meta`
 * bookkeeping, its own indexes, the change stream.
 */
import type { EventEnvelope } from '@tidemark/core';
import { createRxDatabase, type RxJsonSchema } from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import type { BaselineJob, BaselineResult } from './baseline-worker';
import { pages } from './feed-pages';

self.onmessage = async (message: MessageEvent<BaselineJob>) => {
  try {
    self.postMessage(await rxdb(message.data.name));
  } catch (error) {
    self.postMessage({ error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) });
  }
};

async function rxdb(name: string): Promise<BaselineResult> {
  const db = await createRxDatabase({
    name,
    storage: getRxStorageDexie({ chromeTransactionDurability: 'relaxed' }),
    multiInstance: false,
  });
  const { events } = await db.addCollections({ events: { schema: EVENT_SCHEMA } });
  let items = 0;
  const started = performance.now();
  for await (const page of pages()) {
    const result = await events.bulkInsert(page);
    if (result.error.length > 0) throw new Error(`RxDB refused ${result.error.length} documents`);
    items += page.length;
  }
  const seconds = (performance.now() - started) / 1000;
  await db.remove();
  return { items, seconds };
}

const EVENT_SCHEMA: RxJsonSchema<EventEnvelope> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 128 },
    aggregate: { type: 'string' },
    aggregateId: { type: 'string' },
    version: { type: 'integer' },
    type: { type: 'string' },
    schemaVersion: { type: 'integer' },
    payload: { type: 'object' },
    meta: { type: 'object' },
    position: { type: 'string' },
  },
  required: ['id', 'aggregate', 'aggregateId', 'version', 'type'],
};
