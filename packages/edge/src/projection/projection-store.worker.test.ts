import { env, runInDurableObject } from 'cloudflare:test';
import { READ_MODEL_CONTRACT_INDEXES, readModelContract } from '@tidemark/core/testing';
import { describe, it } from 'vitest';
import { ProjectionStore } from './projection-store';

/** The active generation a ProjectionObject starts with. */
const GEN = 1;

describe('ProjectionStore: the read-model contract', () => {
  for (const [index, contractCase] of readModelContract.entries()) {
    it(contractCase.name, async () => {
      // A fresh object per case: its SQLite database starts empty. Nothing calls it, so it never follows a feed.
      const stub = env.PROJECTIONS.get(env.PROJECTIONS.idFromName(`read-model-contract-${index}`));
      await runInDurableObject(stub, async (_instance, state) => {
        const store = new ProjectionStore(state.storage.sql, READ_MODEL_CONTRACT_INDEXES);
        await contractCase.run({
          reader: store.reader(GEN),
          write: async (changes) => state.storage.transactionSync(() => store.write(GEN, changes)),
          list: async (table, after, limit) =>
            [...store.list(GEN, table, after, limit)].map(({ key, value }) => ({ key, value })),
        });
      });
    });
  }
});
