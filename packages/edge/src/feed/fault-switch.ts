/**
 * The feed's fault switches, for tests of what happens when it fails: a test
 * arms "the next N appends (or reads) fail", and the feed trips the switch
 * where that call would fail. Armed only where the Worker's FAULTS variable
 * allows it (see dev-switches.ts): elsewhere arming is refused, and tripping
 * an unarmed switch is one comparison, with no storage read.
 */
import { TidemarkError } from '@tidemark/core';
import type { SqlMeta } from '../sql-meta';

export interface FeedFaults {
  /** The next N appends fail as if the feed were unreachable. */
  readonly failAppends?: number;
  /** The next N projection reads (`readRaw`) fail the same way. */
  readonly failReads?: number;
}

type Fault = keyof FeedFaults;
const FAULTS: readonly Fault[] = ['failAppends', 'failReads'];

/** Where the counts are kept: the feed's meta table. */
type Meta = Pick<SqlMeta, 'get' | 'set'>;

export class FaultSwitch {
  readonly #meta: Meta;
  /** Calls left to fail, per fault; stored, so an armed switch outlives an evicted object. */
  readonly #armed = new Map<Fault, number>();

  constructor(meta: Meta) {
    this.#meta = meta;
    for (const fault of FAULTS) {
      const left = Number(meta.get(`fault_${fault}`) ?? '0');
      if (left > 0) this.#armed.set(fault, left);
    }
  }

  /** Arms the faults named (absent ones are left as they are); `enabled` is the Worker's switch. */
  arm(faults: FeedFaults, enabled: boolean): void {
    if (!enabled) throw new TidemarkError('forbidden', 'fault switches are off in this environment');
    for (const fault of FAULTS) {
      const count = faults[fault];
      if (count !== undefined) this.#set(fault, Math.max(0, Math.floor(count)));
    }
  }

  /** Throws `unavailable` when the fault is armed, counting it down. */
  trip(fault: Fault): void {
    const left = this.#armed.get(fault) ?? 0;
    if (left === 0) return;
    this.#set(fault, left - 1);
    throw new TidemarkError(
      'unavailable',
      `fault switch: this ${fault === 'failAppends' ? 'append' : 'read'} fails on purpose`,
    );
  }

  #set(fault: Fault, left: number): void {
    this.#meta.set(`fault_${fault}`, String(left));
    if (left > 0) this.#armed.set(fault, left);
    else this.#armed.delete(fault);
  }
}
