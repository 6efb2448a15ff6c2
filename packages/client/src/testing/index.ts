/**
 * `@tidemark/client/testing`: the local store's parts, for benchmarks and
 * tests that measure or drive them without a sync worker (the browser
 * benchmark's baselines apply the same pages through `integrate`).
 */
export { DexieReadModel } from '../local/dexie-read-model';
export { integrate } from '../local/integrate';
export { type LocalDb, localDbName, openLocalDb } from '../local/local-db';
