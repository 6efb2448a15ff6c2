/**
 * Where the entries of a JSON array sit in the text as it was sent. A batch
 * answers each entry as `POST /api/commands` would, and that route's size
 * limit counts the bytes sent; re-serialising a parsed entry drops whitespace
 * and shortens `\u` escapes, so a command over the limit alone would pass
 * inside a batch.
 */
import { utf8Length } from '../byte-budget';

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/**
 * The UTF-8 size, as sent, of each entry of the array under the top-level key
 * `key` of a JSON object text that has already parsed (the last such key
 * wins, as in `JSON.parse`). An empty list when that is not an array.
 *
 * @example arrayEntryBytes('{"commands":[{"a":1} , 2]}', 'commands') // [7, 1]
 */
export function arrayEntryBytes(text: string, key: string): number[] {
  const scan = new Scanner(text);
  let found: number[] = [];
  scan.space();
  if (!scan.take('{')) return [];
  for (scan.space(); !scan.take('}'); scan.space()) {
    const name = JSON.parse(scan.string()) as string;
    scan.space();
    scan.take(':');
    scan.space();
    if (name === key && scan.peek() === '[') found = entries(scan);
    else scan.value();
    scan.space();
    scan.take(',');
  }
  return found;
}

function entries(scan: Scanner): number[] {
  const sizes: number[] = [];
  scan.take('[');
  for (scan.space(); !scan.take(']'); scan.space()) {
    const start = scan.at;
    scan.value();
    sizes.push(utf8Length(scan.text.slice(start, scan.at)));
    scan.space();
    scan.take(',');
  }
  return sizes;
}

/** A cursor over JSON text known to be valid: it skips, it does not check. */
class Scanner {
  at = 0;

  constructor(readonly text: string) {}

  peek(): string | undefined {
    return this.text[this.at];
  }

  take(char: string): boolean {
    if (this.text[this.at] !== char) return false;
    this.at++;
    return true;
  }

  space(): void {
    while (WHITESPACE.has(this.text[this.at] ?? '')) this.at++;
  }

  /** Skips a string and returns its text, quotes included. */
  string(): string {
    const start = this.at;
    this.at++;
    while (this.at < this.text.length && this.text[this.at] !== '"') this.at += this.text[this.at] === '\\' ? 2 : 1;
    this.at++;
    return this.text.slice(start, this.at);
  }

  /** Skips one value: a string, an object or array with all it holds, or a literal. */
  value(): void {
    const first = this.peek();
    if (first === '"') {
      this.string();
      return;
    }
    if (first !== '{' && first !== '[') {
      while (this.at < this.text.length && !',}] \t\n\r'.includes(this.text[this.at] as string)) this.at++;
      return;
    }
    let depth = 0;
    do {
      const char = this.text[this.at];
      if (char === '"') {
        this.string();
        continue;
      }
      if (char === '{' || char === '[') depth++;
      else if (char === '}' || char === ']') depth--;
      this.at++;
    } while (depth > 0 && this.at < this.text.length);
  }
}
