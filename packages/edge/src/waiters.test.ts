import { describe, expect, it } from 'vitest';
import { Waiters } from './waiters';

describe('Waiters', () => {
  it('answers the waiters of a key whose target is reached, and only those', async () => {
    const waiters = new Waiters<number>();
    const two = waiters.wait('a', 2, 10_000);
    const five = waiters.wait('a', 5, 10_000);
    const other = waiters.wait('b', 1, 10_000);
    waiters.release('a', 3, 30);
    expect(await two).toBe(30);
    expect(waiters.size).toBe(2);
    waiters.release('b', 7, 70);
    waiters.release('a', 5, 50);
    expect(await Promise.all([five, other])).toEqual([50, 70]);
    expect(waiters.size).toBe(0);
  });

  it('answers null after the time-out and forgets the waiter', async () => {
    const waiters = new Waiters<true>();
    const late = waiters.wait('', 9, 1);
    expect(await late).toBeNull();
    expect(waiters.size).toBe(0);
    // A release after the time-out finds nobody.
    waiters.release('', 9, true);
    expect(waiters.size).toBe(0);
  });

  it('answers each waiter once, even when released again', async () => {
    const waiters = new Waiters<string>();
    const answers: (string | null)[] = [];
    const done = waiters.wait('k', 1, 10_000).then((answer) => answers.push(answer));
    waiters.release('k', 1, 'first');
    waiters.release('k', 2, 'second');
    await done;
    expect(answers).toEqual(['first']);
  });
});
