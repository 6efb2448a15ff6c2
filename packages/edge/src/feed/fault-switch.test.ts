import { describe, expect, it } from 'vitest';
import { FaultSwitch } from './fault-switch';

function memoryMeta() {
  const rows = new Map<string, string>();
  return { rows, get: (key: string) => rows.get(key), set: (key: string, value: string) => void rows.set(key, value) };
}

describe('FaultSwitch', () => {
  it('fails the next N calls of the armed kind, then lets them through', () => {
    const faults = new FaultSwitch(memoryMeta());
    faults.arm({ failAppends: 2 }, true);
    expect(() => faults.trip('failReads')).not.toThrow();
    expect(() => faults.trip('failAppends')).toThrow(/append fails on purpose/);
    expect(() => faults.trip('failAppends')).toThrow(/append fails on purpose/);
    expect(() => faults.trip('failAppends')).not.toThrow();
  });

  it('keeps what is armed for the next object on the same storage', () => {
    const meta = memoryMeta();
    new FaultSwitch(meta).arm({ failReads: 1.9, failAppends: -4 }, true);
    const next = new FaultSwitch(meta);
    expect(() => next.trip('failAppends')).not.toThrow();
    expect(() => next.trip('failReads')).toThrow(/read fails on purpose/);
    expect(() => new FaultSwitch(meta).trip('failReads')).not.toThrow();
  });

  it('arms nothing where the Worker has not turned fault switches on', () => {
    const meta = memoryMeta();
    expect(() => new FaultSwitch(meta).arm({ failAppends: 1 }, false)).toThrow(/off in this environment/);
    expect(meta.rows.size).toBe(0);
  });

  it('disarms with zero, leaving the other switch as it is', () => {
    const faults = new FaultSwitch(memoryMeta());
    faults.arm({ failAppends: 5, failReads: 5 }, true);
    faults.arm({ failAppends: 0 }, true);
    expect(() => faults.trip('failAppends')).not.toThrow();
    expect(() => faults.trip('failReads')).toThrow();
  });
});
