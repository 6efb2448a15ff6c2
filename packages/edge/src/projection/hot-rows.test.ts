import { describe, expect, it } from 'vitest';
import { HotRows } from './hot-rows';

describe('HotRows', () => {
  it('holds at most its capacity, dropping the least recently read', () => {
    const rows = new HotRows(3);
    for (const key of ['a', 'b', 'c']) rows.set(key, key.toUpperCase());
    expect(rows.get('a')).toBe('A');
    rows.set('d', 'D');
    expect(rows.size).toBe(3);
    expect(rows.get('b')).toBeUndefined();
    expect([rows.get('a'), rows.get('c'), rows.get('d')]).toEqual(['A', 'C', 'D']);
    // A null (a row known absent) is kept like any value.
    rows.set('e', null);
    expect(rows.get('e')).toBeNull();
    expect(rows.size).toBe(3);
    rows.clear();
    expect(rows.size).toBe(0);
  });

  it('stays bounded whatever a scan reads', () => {
    const rows = new HotRows(100);
    for (let i = 0; i < 10_000; i += 1) rows.set(`k${i}`, i);
    expect(rows.size).toBe(100);
    expect(rows.get('k9999')).toBe(9999);
    expect(rows.get('k0')).toBeUndefined();
  });
});
