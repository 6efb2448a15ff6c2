/**
 * Where a projection stands, and every way it moves: pure data and pure
 * functions, so each rule can be checked in Node without a Durable Object.
 * The object (projection-object.ts) only reads the feed, applies pages, and
 * stores what these functions return, as one row.
 *
 * Generations: the active one answers queries; a rebuild fills a shadow one
 * (always a number never used before) and swaps it in when it reaches the feed
 * head. A projection follows one generation at a time, or none while paused
 * or failed.
 */

/** What a projection does while nothing stops it. */
export type Work =
  | { readonly kind: 'running' }
  /** `version`: the definition whose handlers fill the shadow; the swap makes it the active tables' version. */
  | { readonly kind: 'rebuilding'; readonly shadow: number; readonly version: number };

/** Why a projection stopped following the feed. Cleared by resume or rebuild. */
export interface Failure {
  /** `handler_failed`: a handler threw under the `stop` policy. `feed_unreadable`: the page after `position - 1` could not be read. */
  readonly code: 'handler_failed' | 'feed_unreadable';
  readonly message: string;
  /** The feed position it could not get past. */
  readonly position: number;
}

export type Phase =
  | Work
  | { readonly kind: 'paused'; readonly resumes: Work }
  | { readonly kind: 'failed'; readonly failure: Failure; readonly resumes: Work };

export interface Lifecycle {
  /** The generation queries read. */
  readonly active: number;
  /** The highest generation ever made; the next shadow is one more. */
  readonly newest: number;
  /** The projection version the active tables were built by. */
  readonly version: number;
  /** Feed reads that failed in a row, for the backoff and for {@link READS_BEFORE_FAILED}. */
  readonly readFailures: number;
  readonly phase: Phase;
}

/**
 * Failed reads in a row after which a projection gives up and says so
 * (`failed`, `feed_unreadable`) instead of retrying the same page forever. With
 * the shared backoff this is a few minutes of retries: longer than a feed
 * restart, short enough that an operator learns of a page that cannot be read.
 */
export const READS_BEFORE_FAILED = 10;

export type LifecycleEvent =
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  /** `version`: the definition the object runs. */
  | { readonly type: 'rebuild'; readonly version: number }
  /**
   * The definition's version, seen when the object starts: one the active
   * tables were not built by rebuilds them, unless a rebuild by it is on its
   * way; a rebuild by another version starts again, so no shadow mixes two.
   */
  | { readonly type: 'started'; readonly version: number }
  /** The shadow generation reached the feed head. */
  | { readonly type: 'caughtUp' }
  | { readonly type: 'handlerStopped'; readonly message: string; readonly position: number }
  | { readonly type: 'readFailed'; readonly message: string; readonly position: number }
  | { readonly type: 'readSucceeded' }
  /** A dead letter at `position` of the active generation, retried, now applies; `checkpoint` is that generation's. */
  | { readonly type: 'letterApplied'; readonly position: number; readonly checkpoint: number };

/** A new projection: generation 1, running. */
export function initialLifecycle(version: number): Lifecycle {
  return { active: 1, newest: 1, version, readFailures: 0, phase: { kind: 'running' } };
}

/** The next lifecycle; the same object when the event changes nothing, so callers can skip the write. */
export function transition(state: Lifecycle, event: LifecycleEvent): Lifecycle {
  const { phase } = state;
  switch (event.type) {
    case 'pause':
      if (phase.kind === 'paused') return state;
      return { ...state, phase: { kind: 'paused', resumes: workOf(phase) } };
    case 'resume':
      if (phase.kind !== 'paused' && phase.kind !== 'failed') return state;
      return { ...state, readFailures: 0, phase: phase.resumes };
    case 'rebuild':
      return startRebuild(state, event.version);
    case 'started': {
      const work = workOf(phase);
      const wanted = work.kind === 'rebuilding' ? work.version : state.version;
      return event.version === wanted ? state : startRebuild(state, event.version);
    }
    case 'caughtUp':
      if (phase.kind !== 'rebuilding') return state;
      return { ...state, active: phase.shadow, version: phase.version, phase: { kind: 'running' } };
    case 'handlerStopped':
      return fail(state, { code: 'handler_failed', message: event.message, position: event.position });
    case 'readFailed': {
      const failed = { ...state, readFailures: state.readFailures + 1 };
      if (failed.readFailures < READS_BEFORE_FAILED) return failed;
      return fail(failed, { code: 'feed_unreadable', message: event.message, position: event.position });
    }
    case 'readSucceeded':
      return state.readFailures === 0 ? state : { ...state, readFailures: 0 };
    case 'letterApplied':
      // Under `stop`, the letter is the event the projection stopped before: it steps over it and goes on.
      if (
        phase.kind !== 'failed' ||
        phase.failure.code !== 'handler_failed' ||
        phase.resumes.kind !== 'running' ||
        event.position <= event.checkpoint
      ) {
        return state;
      }
      return { ...state, phase: phase.resumes };
  }
}

/**
 * The generations to apply feed pages to: the active one while running, and
 * while rebuilding the active one too (queries and `waitFor` keep being served
 * from it until the swap) besides the shadow. None while paused or failed.
 */
export function followedGenerations(state: Lifecycle): number[] {
  const { phase } = state;
  if (phase.kind === 'running') return [state.active];
  if (phase.kind === 'rebuilding') return [state.active, phase.shadow];
  return [];
}

/**
 * How a retried dead letter of the active generation, at `position`, applies
 * without applying an old event after newer ones: on its own when nothing
 * after it has been applied (a `stop` projection holds every later event) or
 * when the handlers do not depend on order; otherwise by a rebuild, which
 * applies every event again in feed order, the healed one in its place.
 */
export function letterRetry(commutative: boolean, position: number, checkpoint: number): 'apply' | 'rebuild' {
  return commutative || position >= checkpoint ? 'apply' : 'rebuild';
}

/** The shadow generation of a rebuild under way (or waiting behind a pause or failure). */
export function shadowOf(state: Lifecycle): number | undefined {
  const work = workOf(state.phase);
  return work.kind === 'rebuilding' ? work.shadow : undefined;
}

/** Generations in use before and in use no more: their rows can go. */
export function unusedGenerations(before: Lifecycle, after: Lifecycle): number[] {
  return leftoverGenerations(after, [before.active, shadowOf(before)]);
}

/**
 * Of the generations found in storage, those the lifecycle no longer uses: a
 * drop cut short (by the per-run budget or an eviction) is finished from this.
 */
export function leftoverGenerations(state: Lifecycle, stored: readonly (number | undefined)[]): number[] {
  const kept = new Set([state.active, shadowOf(state)]);
  return [...new Set(stored)].filter((gen): gen is number => gen !== undefined && !kept.has(gen));
}

function workOf(phase: Phase): Work {
  return phase.kind === 'paused' || phase.kind === 'failed' ? phase.resumes : phase;
}

/** A fresh shadow generation; a paused projection stays paused, and rebuilds when resumed. */
function startRebuild(state: Lifecycle, version: number): Lifecycle {
  const shadow = state.newest + 1;
  const work: Work = { kind: 'rebuilding', shadow, version };
  const phase: Phase = state.phase.kind === 'paused' ? { kind: 'paused', resumes: work } : work;
  return { ...state, newest: shadow, readFailures: 0, phase };
}

function fail(state: Lifecycle, failure: Failure): Lifecycle {
  const { phase } = state;
  if (phase.kind !== 'running' && phase.kind !== 'rebuilding') return state;
  return { ...state, phase: { kind: 'failed', failure, resumes: phase } };
}

/**
 * The lifecycle of an object stored before it was one row: nine meta keys, of
 * which these six describe it. Read once, when such an object starts.
 */
export function lifecycleFromLegacyMeta(meta: (key: string) => string | undefined, checkpoint: number): Lifecycle {
  const active = Number(meta('active') ?? '1');
  const shadow = Number(meta('shadow') ?? '0');
  // Which definition filled a legacy shadow is not known: version 0 is none, so the next start rebuilds it afresh.
  const rebuilding: Work = { kind: 'rebuilding', shadow, version: 0 };
  const running: Work = { kind: 'running' };
  const state = meta('state');
  const phase: Phase =
    state === 'rebuilding'
      ? rebuilding
      : state === 'paused'
        ? { kind: 'paused', resumes: meta('resume_to') === 'rebuilding' ? rebuilding : running }
        : state === 'failed'
          ? {
              kind: 'failed',
              // Only the `stop` policy failed a projection resumes: at the event after its checkpoint.
              failure: { code: 'handler_failed', message: 'a handler failed', position: checkpoint + 1 },
              resumes: running,
            }
          : running;
  return {
    active,
    newest: Math.max(active, shadow),
    version: Number(meta('version') ?? '0'),
    readFailures: Number(meta('retry_attempt') ?? '0'),
    phase,
  };
}
