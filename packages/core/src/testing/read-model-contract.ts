/**
 * One contract for every read-model storage adapter (IndexedDB in the
 * browser, Durable Object SQLite at the edge): projection code runs on both,
 * so both must answer the same way. Framework-agnostic: each case throws an
 * Error on a mismatch, which every test runner reports.
 */
import { canonicalJson } from '../canonical-json';
import type { ChangeSet, ReadModelReader } from '../projection/read-model-store';

/** An adapter as the contract sees it: fresh and empty for each case, declaring {@link READ_MODEL_CONTRACT_INDEXES}. */
export interface ReadModelAdapterUnderTest {
  readonly reader: ReadModelReader;
  write(changes: ChangeSet): Promise<void>;
  /** Rows of a table in key order after `after` (exclusive), at most `limit`; optional. */
  list?(table: string, after: string | undefined, limit: number): Promise<{ key: string; value: unknown }[]>;
}

export interface ReadModelContractCase {
  readonly name: string;
  run(adapter: ReadModelAdapterUnderTest): Promise<void>;
}

/** The indexes the adapter under test must declare: field `by` on table `t` (table `u` has none). */
export const READ_MODEL_CONTRACT_INDEXES: ReadonlyMap<string, readonly string[]> = new Map([['t', ['by']]]);

/**
 * @example
 * for (const c of readModelContract) it(c.name, () => c.run(freshAdapter(READ_MODEL_CONTRACT_INDEXES)));
 */
export const readModelContract: readonly ReadModelContractCase[] = [
  {
    name: 'put then get returns the nested JSON value as written',
    async run(adapter) {
      const value = {
        by: 'a',
        n: -12.5,
        big: Number.MAX_SAFE_INTEGER,
        flag: false,
        none: null,
        text: 'quote " backslash \\ newline \n tab \t',
        list: [1, 'two', { three: [3] }, [], {}],
        nested: { deep: { deeper: { deepest: [true, null] } } },
      };
      await adapter.write(puts([['t', 'k1', value]]));
      equal(await adapter.reader.get('t', 'k1'), value, 'get t/k1');
    },
  },
  {
    name: 'get of a missing key or table is undefined',
    async run(adapter) {
      await adapter.write(puts([['t', 'present', { by: 'x' }]]));
      same(await adapter.reader.get('t', 'absent'), undefined, 'get t/absent');
      same(await adapter.reader.get('u', 'present'), undefined, 'same key, other table');
      same(await adapter.reader.get('nowhere', 'present'), undefined, 'unknown table');
    },
  },
  {
    name: 'delete removes the row; deleting a missing row is harmless',
    async run(adapter) {
      await adapter.write(
        puts([
          ['t', 'gone', { by: 'a' }],
          ['t', 'kept', { by: 'a' }],
        ]),
      );
      await adapter.write({
        puts: [],
        deletes: [
          { table: 't', key: 'gone' },
          { table: 't', key: 'never-was' },
        ],
      });
      same(await adapter.reader.get('t', 'gone'), undefined, 'get after delete');
      equal(await adapter.reader.get('t', 'kept'), { by: 'a' }, 'other row of the table');
      equal(await adapter.reader.find('t', 'by', 'a'), [{ key: 'kept', value: { by: 'a' } }], 'find after delete');
    },
  },
  {
    name: 'a put overwrites the whole row',
    async run(adapter) {
      await adapter.write(puts([['t', 'k', { by: 'a', old: true }]]));
      await adapter.write(puts([['t', 'k', { by: 'a', count: 2 }]]));
      equal(await adapter.reader.get('t', 'k'), { by: 'a', count: 2 }, 'get after overwrite');
      equal(await adapter.reader.find('t', 'by', 'a'), [{ key: 'k', value: { by: 'a', count: 2 } }], 'find: one row');
      if (adapter.list)
        equal(await adapter.list('t', undefined, 10), [{ key: 'k', value: { by: 'a', count: 2 } }], 'list');
    },
  },
  {
    name: 'the same key in two tables is two rows',
    async run(adapter) {
      await adapter.write(
        puts([
          ['t', 'k', { by: 'in-t' }],
          ['u', 'k', { by: 'in-u' }],
        ]),
      );
      await adapter.write({ puts: [], deletes: [{ table: 'u', key: 'k' }] });
      equal(await adapter.reader.get('t', 'k'), { by: 'in-t' }, 'get t/k');
      same(await adapter.reader.get('u', 'k'), undefined, 'get u/k');
    },
  },
  {
    name: 'find returns the matching rows in key order',
    async run(adapter) {
      await adapter.write(
        puts([
          ['t', 'c', { by: 'x', i: 3 }],
          ['t', 'a', { by: 'x', i: 1 }],
          ['t', 'b', { by: 'y', i: 2 }],
          ['t', 'B', { by: 'x', i: 0 }],
          ['t', 'a10', { by: 'x', i: 10 }],
          ['t', 'a2', { by: 'x', i: 2 }],
          ['u', 'd', { by: 'x' }],
        ]),
      );
      equal(keys(await adapter.reader.find('t', 'by', 'x')), ['B', 'a', 'a10', 'a2', 'c'], "find t by 'x'");
      equal(await adapter.reader.find('t', 'by', 'y'), [{ key: 'b', value: { by: 'y', i: 2 } }], "find t by 'y'");
      equal(await adapter.reader.find('t', 'by', 'z'), [], 'no match');
      equal(await adapter.reader.find('u', 'by', 'x'), [], 'a field without an index on that table');
    },
  },
  {
    name: 'find tells a number from the same digits as a string',
    async run(adapter) {
      await adapter.write(
        puts([
          ['t', 'num', { by: 1 }],
          ['t', 'str', { by: '1' }],
          ['t', 'bool', { by: true }],
          ['t', 'missing', { other: 1 }],
        ]),
      );
      equal(keys(await adapter.reader.find('t', 'by', 1)), ['num'], 'find by 1');
      equal(keys(await adapter.reader.find('t', 'by', '1')), ['str'], "find by '1'");
      equal(keys(await adapter.reader.find('t', 'by', 'true')), [], "find by 'true'");
    },
  },
  {
    name: 'find follows updates and deletes: old index entries are gone',
    async run(adapter) {
      await adapter.write(
        puts([
          ['t', 'moves', { by: 'old' }],
          ['t', 'stays', { by: 'old' }],
          ['t', 'dies', { by: 'old' }],
          ['t', 'loses-field', { by: 'old' }],
        ]),
      );
      await adapter.write({
        puts: [
          { table: 't', key: 'moves', value: { by: 'new' } },
          { table: 't', key: 'loses-field', value: { note: 'no by any more' } },
        ],
        deletes: [{ table: 't', key: 'dies' }],
      });
      equal(keys(await adapter.reader.find('t', 'by', 'old')), ['stays'], "find by 'old'");
      equal(await adapter.reader.find('t', 'by', 'new'), [{ key: 'moves', value: { by: 'new' } }], "find by 'new'");
      // Back again: a re-added row is found once.
      await adapter.write(puts([['t', 'dies', { by: 'old' }]]));
      equal(keys(await adapter.reader.find('t', 'by', 'old')), ['dies', 'stays'], "find by 'old' after re-adding");
    },
  },
  {
    name: 'keys, index values and values may be any unicode',
    async run(adapter) {
      const rows: [string, string, unknown][] = [
        ['t', 'ключ', { by: 'ünï', text: 'привет' }],
        ['t', '日本語', { by: 'ünï', text: '東京' }],
        ['t', 'emoji-😀', { by: '🚀', text: '👩‍👩‍👧' }],
        ['t', 'e\u0301', { by: 'ünï', form: 'NFD' }],
        ['t', '\u00e9', { by: 'ünï', form: 'NFC' }],
        ['t', 'with space/slash:colon', { by: 'ünï' }],
      ];
      await adapter.write(puts(rows));
      for (const [table, key, value] of rows) equal(await adapter.reader.get(table, key), value, `get ${key}`);
      // NFC and NFD spellings are different keys; order is by code unit for keys below the surrogate range.
      equal(
        keys(await adapter.reader.find('t', 'by', 'ünï')),
        ['e\u0301', 'with space/slash:colon', '\u00e9', 'ключ', '日本語'],
        "find by 'ünï'",
      );
      equal(keys(await adapter.reader.find('t', 'by', '🚀')), ['emoji-😀'], "find by '🚀'");
    },
  },
  {
    name: 'many rows in one write',
    async run(adapter) {
      const count = 2000;
      const rows: [string, string, unknown][] = [];
      for (let i = 0; i < count; i++) rows.push(['t', key4(i), { by: i % 10, i, label: `row ${i}` }]);
      await adapter.write(puts(rows));
      equal(await adapter.reader.get('t', key4(0)), { by: 0, i: 0, label: 'row 0' }, 'first row');
      equal(await adapter.reader.get('t', key4(count - 1)), { by: 9, i: 1999, label: 'row 1999' }, 'last row');
      const sevens = await adapter.reader.find('t', 'by', 7);
      same(sevens.length, count / 10, 'rows found by 7');
      equal(
        sevens.slice(0, 3).map((row) => row.key),
        [key4(7), key4(17), key4(27)],
        'first rows found by 7',
      );
      if (adapter.list) {
        const seen: string[] = [];
        let after: string | undefined;
        for (;;) {
          const page = await adapter.list('t', after, 700);
          if (page.length === 0) break;
          seen.push(...page.map((row) => row.key));
          after = page.at(-1)?.key;
        }
        same(seen.length, count, 'rows listed');
        equal(seen.slice(0, 2), [key4(0), key4(1)], 'listed first');
        same(new Set(seen).size, count, 'each row listed once');
      }
    },
  },
  {
    name: 'list pages through one table in key order, after is exclusive',
    async run(adapter) {
      if (!adapter.list) return;
      await adapter.write(
        puts([
          ['t', 'b', { by: 'x' }],
          ['t', 'a', { by: 'x' }],
          ['t', 'c', { by: 'y' }],
          ['u', 'a', { by: 'other table' }],
        ]),
      );
      equal(keys(await adapter.list('t', undefined, 10)), ['a', 'b', 'c'], 'list all');
      equal(keys(await adapter.list('t', undefined, 2)), ['a', 'b'], 'list first two');
      equal(keys(await adapter.list('t', 'a', 10)), ['b', 'c'], 'list after a');
      equal(keys(await adapter.list('t', 'bb', 10)), ['c'], 'list after a key that is not there');
      equal(keys(await adapter.list('t', 'c', 10)), [], 'list after the last');
      equal(await adapter.list('u', undefined, 10), [{ key: 'a', value: { by: 'other table' } }], 'list u');
    },
  },
];

function puts(rows: readonly (readonly [string, string, unknown])[]): ChangeSet {
  return { puts: rows.map(([table, key, value]) => ({ table, key, value })), deletes: [] };
}

function keys(rows: readonly { key: string }[]): string[] {
  return rows.map((row) => row.key);
}

function key4(i: number): string {
  return `k${String(i).padStart(4, '0')}`;
}

/** Deep equality by canonical JSON (key order does not matter; `undefined` is told apart). */
function equal(actual: unknown, expected: unknown, what: string): void {
  const a = actual === undefined ? 'undefined' : canonicalJson(actual);
  const e = expected === undefined ? 'undefined' : canonicalJson(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}\n  but got ${a}`);
}

function same(actual: unknown, expected: unknown, what: string): void {
  if (!Object.is(actual, expected)) throw new Error(`${what}: expected ${String(expected)}, but got ${String(actual)}`);
}
