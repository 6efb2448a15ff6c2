import { READ_MODEL_CONTRACT_INDEXES, readModelContract } from '@tidemark/core/testing';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { describe, it } from 'vitest';
import { DexieReadModel } from './dexie-read-model';
import { openLocalDb } from './local-db';

let databases = 0;

describe('DexieReadModel: the read-model contract', () => {
  for (const contractCase of readModelContract) {
    it(contractCase.name, async () => {
      databases += 1;
      const db = openLocalDb(`read-model-contract-${databases}`, { indexedDB, IDBKeyRange });
      const readModel = new DexieReadModel(db, READ_MODEL_CONTRACT_INDEXES);
      try {
        // As the sync worker uses it: every read and write joins one transaction over `rows`.
        await db.transaction('rw', db.rows, () =>
          contractCase.run({
            reader: readModel.reader(),
            write: (changes) => readModel.write(changes),
            list: (table, after, limit) => readModel.list(table, after, limit),
          }),
        );
      } finally {
        db.close();
      }
    });
  }
});
