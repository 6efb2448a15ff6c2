import { describe, expect, it } from 'vitest';
import {
  type Failure,
  followedGenerations,
  initialLifecycle,
  type Lifecycle,
  type LifecycleEvent,
  leftoverGenerations,
  letterRetry,
  lifecycleFromLegacyMeta,
  type Phase,
  READS_BEFORE_FAILED,
  shadowOf,
  transition,
  unusedGenerations,
} from './projection-lifecycle';

const run = (state: Lifecycle, ...events: LifecycleEvent[]) => events.reduce(transition, state);
const fresh = initialLifecycle(1);
const rebuildingBy = (shadow: number, version: number): Phase => ({ kind: 'rebuilding', shadow, version });
/** The phase of a projection that failed while running. */
const failedRunning = (failure: Failure): Phase => ({ kind: 'failed', failure, resumes: { kind: 'running' } });

describe('projection lifecycle', () => {
  it('starts running on generation 1, following it', () => {
    expect(fresh).toEqual({ active: 1, newest: 1, version: 1, readFailures: 0, phase: { kind: 'running' } });
    expect(followedGenerations(fresh)).toEqual([1]);
  });

  it('pauses and resumes to what it was doing, following nothing meanwhile', () => {
    const paused = transition(fresh, { type: 'pause' });
    expect(paused.phase).toEqual({ kind: 'paused', resumes: { kind: 'running' } });
    expect(followedGenerations(paused)).toEqual([]);
    expect(transition(paused, { type: 'pause' })).toBe(paused);
    expect(transition(paused, { type: 'resume' })).toEqual(fresh);
    expect(transition(fresh, { type: 'resume' })).toBe(fresh);
  });

  it('rebuilds into a generation never used before, and swaps it in when caught up', () => {
    const rebuilding = transition(fresh, { type: 'rebuild', version: 1 });
    expect(rebuilding.phase).toEqual(rebuildingBy(2, 1));
    expect(followedGenerations(rebuilding)).toEqual([1, 2]);
    // A second rebuild abandons the first shadow for a new one.
    const again = transition(rebuilding, { type: 'rebuild', version: 4 });
    expect(again.phase).toEqual(rebuildingBy(3, 4));
    expect(unusedGenerations(rebuilding, again)).toEqual([2]);
    const swapped = transition(again, { type: 'caughtUp' });
    expect(swapped).toMatchObject({ active: 3, newest: 3, version: 4, phase: { kind: 'running' } });
    expect(unusedGenerations(again, swapped)).toEqual([1]);
    // A drop cut short is finished from what storage holds: only generations neither active nor shadow go.
    expect(leftoverGenerations(again, [1, 2, 3, undefined, 2])).toEqual([2]);
    expect(leftoverGenerations(swapped, [1, 2, 3])).toEqual([1, 2]);
    // Caught up means nothing while running.
    expect(transition(swapped, { type: 'caughtUp' })).toBe(swapped);
  });

  it('keeps a paused projection paused when asked to rebuild, and rebuilds once resumed', () => {
    const paused = run(fresh, { type: 'pause' }, { type: 'rebuild', version: 1 });
    expect(paused.phase).toEqual({ kind: 'paused', resumes: rebuildingBy(2, 1) });
    expect(followedGenerations(paused)).toEqual([]);
    expect(shadowOf(paused)).toBe(2);
    expect(run(paused, { type: 'resume' }).phase).toEqual(rebuildingBy(2, 1));
  });

  it('rebuilds when it starts with a new definition version, but not twice', () => {
    const started = transition(fresh, { type: 'started', version: 2 });
    expect(started.phase).toEqual(rebuildingBy(2, 2));
    expect(transition(started, { type: 'started', version: 2 })).toBe(started);
    expect(transition(fresh, { type: 'started', version: 1 })).toBe(fresh);
    // A rebuild by this version waiting behind a pause is on its way too.
    const paused = run(fresh, { type: 'pause' }, { type: 'rebuild', version: 2 });
    expect(transition(paused, { type: 'started', version: 2 })).toBe(paused);
    expect(run(started, { type: 'caughtUp' })).toMatchObject({ active: 2, version: 2 });
  });

  it('starts a rebuild again when the definition changes under it, so no shadow mixes two versions', () => {
    const byTwo = transition(fresh, { type: 'started', version: 2 });
    const byThree = transition(byTwo, { type: 'started', version: 3 });
    expect(byThree.phase).toEqual(rebuildingBy(3, 3));
    expect(unusedGenerations(byTwo, byThree)).toEqual([2]);
    // Even back at the active tables' version: a rebuild was under way, and it starts again by this version.
    expect(transition(byThree, { type: 'started', version: 1 }).phase).toEqual(rebuildingBy(4, 1));
  });

  it('fails at an event its handler refuses under `stop`, and goes on once that letter applies', () => {
    const failed = transition(fresh, { type: 'handlerStopped', message: 'refusing 13', position: 7 });
    expect(failed.phase).toEqual(failedRunning({ code: 'handler_failed', message: 'refusing 13', position: 7 }));
    expect(followedGenerations(failed)).toEqual([]);
    // A letter at or before the checkpoint is not the one it stopped at.
    expect(transition(failed, { type: 'letterApplied', position: 5, checkpoint: 6 })).toBe(failed);
    expect(transition(failed, { type: 'letterApplied', position: 7, checkpoint: 6 })).toEqual(fresh);
    // A running projection has nothing to step over.
    expect(transition(fresh, { type: 'letterApplied', position: 7, checkpoint: 6 })).toBe(fresh);
    // Resuming tries the event again.
    expect(transition(failed, { type: 'resume' })).toEqual(fresh);
  });

  it('retries a dead letter on its own only when no later event was applied or order does not matter', () => {
    // A `stop` projection failed at 7 with its checkpoint at 6: nothing later was applied.
    expect(letterRetry(false, 7, 6)).toBe('apply');
    // A skipped letter that is the newest event applied so far.
    expect(letterRetry(false, 7, 7)).toBe('apply');
    // Events after it were applied: applying it now would put it after them.
    expect(letterRetry(false, 7, 9)).toBe('rebuild');
    expect(letterRetry(true, 7, 9)).toBe('apply');
  });

  it('retries failed reads, then fails saying which page it cannot read', () => {
    let state = fresh;
    for (let i = 1; i < READS_BEFORE_FAILED; i += 1) {
      state = transition(state, { type: 'readFailed', message: 'too large', position: 41 });
      expect(state).toMatchObject({ readFailures: i, phase: { kind: 'running' } });
    }
    expect(transition(state, { type: 'readSucceeded' })).toEqual(fresh);
    const failed = transition(state, { type: 'readFailed', message: 'too large', position: 41 });
    expect(failed.phase).toEqual(failedRunning({ code: 'feed_unreadable', message: 'too large', position: 41 }));
    expect(followedGenerations(failed)).toEqual([]);
    // A read failure does not step over anything: only resume or rebuild clear it.
    expect(transition(failed, { type: 'letterApplied', position: 41, checkpoint: 40 })).toBe(failed);
    expect(transition(failed, { type: 'resume' })).toEqual(fresh);
    expect(transition(failed, { type: 'rebuild', version: 1 })).toMatchObject({
      readFailures: 0,
      phase: rebuildingBy(2, 1),
    });
    expect(transition(fresh, { type: 'readSucceeded' })).toBe(fresh);
  });

  it('fails during a rebuild and resumes the rebuild', () => {
    const failed = run(fresh, { type: 'rebuild', version: 1 }, { type: 'handlerStopped', message: 'no', position: 3 });
    expect(transition(failed, { type: 'resume' }).phase).toEqual(rebuildingBy(2, 1));
    const paused = transition(failed, { type: 'pause' });
    expect(paused.phase).toEqual({ kind: 'paused', resumes: rebuildingBy(2, 1) });
    expect(transition(paused, { type: 'resume' }).phase).toEqual(rebuildingBy(2, 1));
  });

  it('reads the nine meta keys of an object stored before the lifecycle was one row', () => {
    const legacy = (meta: Record<string, string>, checkpoint = 0) =>
      lifecycleFromLegacyMeta((key) => meta[key], checkpoint);
    expect(legacy({ active: '1', state: 'running', version: '1' })).toEqual(fresh);
    expect(legacy({ active: '3', shadow: '4', state: 'rebuilding', version: '2', retry_attempt: '2' })).toEqual({
      active: 3,
      newest: 4,
      version: 2,
      readFailures: 2,
      phase: rebuildingBy(4, 0),
    });
    expect(legacy({ active: '3', shadow: '2', state: 'paused', resume_to: 'running', version: '1' })).toMatchObject({
      newest: 3,
      phase: { kind: 'paused', resumes: { kind: 'running' } },
    });
    expect(legacy({ active: '1', shadow: '2', state: 'paused', resume_to: 'rebuilding' }).phase).toEqual({
      kind: 'paused',
      resumes: rebuildingBy(2, 0),
    });
    expect(legacy({ active: '1', state: 'failed', version: '1' }, 9).phase).toMatchObject({
      kind: 'failed',
      failure: { code: 'handler_failed', position: 10 },
    });
  });
});
