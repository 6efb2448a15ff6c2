/**
 * What the numbers were measured on: a shared, noisy 2-core box reads very
 * differently from an idle laptop, so every result carries the machine and
 * its load before and after.
 */
import { execFileSync } from 'node:child_process';
import { cpus, freemem, loadavg, totalmem } from 'node:os';

export interface MachineSnapshot {
  readonly at: string;
  /** os.loadavg(): 1, 5 and 15 minutes. */
  readonly loadavg: readonly number[];
  readonly freeMemMiB: number;
}

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly totalMemMiB: number;
  readonly node: string;
  readonly commit: string;
}

export function machineInfo(): MachineInfo {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    totalMemMiB: Math.round(totalmem() / 2 ** 20),
    node: process.version,
    commit: gitCommit(),
  };
}

export function snapshot(): MachineSnapshot {
  return {
    at: new Date().toISOString(),
    loadavg: loadavg().map((value) => Math.round(value * 100) / 100),
    freeMemMiB: Math.round(freemem() / 2 ** 20),
  };
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head} (uncommitted changes)` : head;
  } catch {
    return 'unknown';
  }
}
