/**
 * Scale of the fault scenarios. The default variant keeps the whole folder to
 * about three minutes on a 2-core machine; `FAULTS_LONG=1` selects the long
 * variant (more orders, more events, more kills). `FAULTS_SEED` fixes the
 * seed of every random choice (kill times, proxy faults); each scenario prints
 * the seed it used, so a failing run can be repeated.
 */

export const LONG = process.env.FAULTS_LONG === '1' || process.env.FAULTS_LONG === 'true';

export const SEED = Number.parseInt(process.env.FAULTS_SEED ?? '', 10) || 20_261_129;

/** Picks the default or the long value. */
export const pick = <T>(short: T, long: T): T => (LONG ? long : short);

/** Minutes as milliseconds, for test timeouts. */
export const minutes = (n: number): number => Math.round(n * 60_000);

/** The variant's name, for the printed figures. */
export const VARIANT = LONG ? 'long' : 'default';
