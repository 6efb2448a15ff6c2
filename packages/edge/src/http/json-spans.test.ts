import { describe, expect, it } from 'vitest';
import { arrayEntryBytes } from './json-spans';

describe('arrayEntryBytes', () => {
  it('measures each entry as sent: whitespace inside it and escapes count', () => {
    expect(arrayEntryBytes('{"commands":[{"a":1} , 2,"x"]}', 'commands')).toEqual([7, 1, 3]);
    expect(arrayEntryBytes('{"commands":[{ "a" :  1 }]}', 'commands')).toEqual([12]);
    // `"\u0061\"]"`: 11 bytes as sent, 5 once re-serialised.
    expect(arrayEntryBytes('{"commands":["\\u0061\\"]"]}', 'commands')).toEqual([11]);
    expect(arrayEntryBytes('{"commands":["é"]}', 'commands')).toEqual([4]);
  });

  it('skips other keys, nested brackets in strings, and takes the last key as JSON.parse does', () => {
    const text = ' { "other" : {"commands":[1]}, "s":"]}[{", "commands":[1], "commands" : [ [1,[2]] , {"k":"}"} ] } ';
    expect(arrayEntryBytes(text, 'commands')).toEqual([7, 9]);
    expect(arrayEntryBytes('{"c\\u006fmmands":[123]}', 'commands')).toEqual([3]);
  });

  it('is empty when the key is absent or not an array', () => {
    expect(arrayEntryBytes('{"commands":{}}', 'commands')).toEqual([]);
    expect(arrayEntryBytes('[1,2]', 'commands')).toEqual([]);
    expect(arrayEntryBytes('{}', 'commands')).toEqual([]);
  });
});
