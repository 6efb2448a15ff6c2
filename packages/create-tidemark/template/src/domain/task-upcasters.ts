/**
 * How stored events are lifted to their current shape. Events are immutable:
 * when a payload changes, bump the event's `schemaVersion` in task.ts and add
 * an upcaster from the old version here. `TaskAdded` v1 had no `column`.
 */
import type { Upcaster } from '@tidemark/core';

export const taskUpcasters: readonly Upcaster[] = [
  { type: 'TaskAdded', fromVersion: 1, upcast: (payload) => ({ column: 'todo', ...(payload as object) }) },
];
