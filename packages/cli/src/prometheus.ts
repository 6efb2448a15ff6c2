/**
 * Reads the Prometheus text format (version 0.0.4) of `GET /api/admin/metrics`
 * into samples, and adds series up. Only what the monitor needs: no types, no
 * help text, no timestamps.
 */

/** One line of the exposition: `name{labels} value`. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * @example
 * parsePrometheus('commands_rejected_total{code="wrong_amount"} 2\n')
 * // [{ name: 'commands_rejected_total', labels: { code: 'wrong_amount' }, value: 2 }]
 */
export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const sample = parseLine(line);
    if (sample !== undefined) samples.push(sample);
  }
  return samples;
}

/** The sum of every series of `name` (all label sets), 0 when there is none. */
export function sumOf(samples: readonly Sample[], name: string): number {
  return samples.filter((sample) => sample.name === name).reduce((total, sample) => total + sample.value, 0);
}

/**
 * Series of `name` added up by one label's value.
 *
 * @example sumBy(samples, 'commands_rejected_total', 'code') // { wrong_amount: 2 }
 */
export function sumBy(samples: readonly Sample[], name: string, label: string): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const sample of samples) {
    if (sample.name !== name) continue;
    const key = sample.labels[label] ?? '';
    totals[key] = (totals[key] ?? 0) + sample.value;
  }
  return totals;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

function parseLine(line: string): Sample | undefined {
  const name = NAME.exec(line)?.[0];
  if (name === undefined) return undefined;
  let rest = line.slice(name.length);
  let labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    const parsed = parseLabels(rest);
    if (parsed === undefined) return undefined;
    labels = parsed.labels;
    rest = rest.slice(parsed.length);
  }
  const valueText = rest.trim().split(/\s+/)[0];
  const value = valueText === undefined ? Number.NaN : parseValue(valueText);
  return Number.isNaN(value) && valueText !== 'NaN' ? undefined : { name, labels, value };
}

/** Reads `{a="x",b="y\"z"}` from the start of `text`; `length` is how much of it that took. */
function parseLabels(text: string): { labels: Record<string, string>; length: number } | undefined {
  const labels: Record<string, string> = {};
  let i = 1;
  for (;;) {
    while (text[i] === ' ' || text[i] === ',') i++;
    if (text[i] === '}') return { labels, length: i + 1 };
    const key = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(text.slice(i))?.[0];
    if (key === undefined || text[i + key.length] !== '=' || text[i + key.length + 1] !== '"') return undefined;
    i += key.length + 2;
    let value = '';
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        const next = text[i + 1];
        value += next === 'n' ? '\n' : (next ?? '');
        i += 2;
      } else {
        value += text[i];
        i++;
      }
    }
    if (i >= text.length) return undefined;
    labels[key] = value;
    i++;
  }
}

function parseValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  // Number('') is 0, and Number accepts hex and whitespace, which the format does not.
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : Number.NaN;
}
