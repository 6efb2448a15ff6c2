import { describe, expect, it } from 'vitest';
import { parsePrometheus, sumBy, sumOf } from './prometheus';

const EXPOSITION = `# HELP command_duration_seconds Time to answer a command.
# TYPE command_duration_seconds histogram
command_duration_seconds_bucket{status="200",le="0.001"} 1
command_duration_seconds_bucket{status="200",le="+Inf"} 3
command_duration_seconds_sum{status="200"} 0.022
command_duration_seconds_count{status="200"} 3
command_duration_seconds_count{status="422"} 2
# TYPE commands_rejected_total counter
commands_rejected_total{code="wrong_amount"} 1
commands_rejected_total{code="invalid_state"} 1
commands_rejected_total{code="wrong_amount",route="batch"} 2
projection_lag_events{projection="order-views"} 0
`;

describe('parsePrometheus', () => {
  it('reads names, labels and values, skipping comments and blank lines', () => {
    const samples = parsePrometheus(EXPOSITION);
    expect(samples).toHaveLength(9);
    expect(samples[1]).toEqual({
      name: 'command_duration_seconds_bucket',
      labels: { status: '200', le: '+Inf' },
      value: 3,
    });
  });

  it('reads escaped label values, special values and timestamps', () => {
    const samples = parsePrometheus(
      'a{msg="say \\"hi\\"\\nthen \\\\ go"} +Inf\nb -Inf 1700000000000\nc NaN\nd 1.5e3\nno_value\n{bad} 1\n',
    );
    expect(samples.map((sample) => [sample.name, sample.value])).toEqual([
      ['a', Number.POSITIVE_INFINITY],
      ['b', Number.NEGATIVE_INFINITY],
      ['c', Number.NaN],
      ['d', 1500],
    ]);
    expect(samples[0]?.labels).toEqual({ msg: 'say "hi"\nthen \\ go' });
  });

  it('skips a line whose labels never close', () => {
    expect(parsePrometheus('a{x="open 1\nb 2\n')).toEqual([{ name: 'b', labels: {}, value: 2 }]);
  });
});

describe('sumOf and sumBy', () => {
  const samples = parsePrometheus(EXPOSITION);

  it('adds up every series of a name', () => {
    expect(sumOf(samples, 'command_duration_seconds_count')).toBe(5);
    expect(sumOf(samples, 'commands_rejected_total')).toBe(4);
    expect(sumOf(samples, 'no_such_metric')).toBe(0);
  });

  it('groups by one label', () => {
    expect(sumBy(samples, 'commands_rejected_total', 'code')).toEqual({ wrong_amount: 3, invalid_state: 1 });
  });
});
