/**
 * Events on the wire: the feed's pages and live frames, and a stream's page.
 */
import { z } from 'zod';
import type { EventEnvelope } from '../envelope';

export const EventSchema = z.object({
  id: z.string(),
  aggregate: z.string(),
  aggregateId: z.string(),
  version: z.number().int().min(1),
  type: z.string(),
  schemaVersion: z.number().int().min(1),
  payload: z.unknown(),
  meta: z.object({ commandId: z.string(), actor: z.string(), at: z.string() }),
  position: z.string().optional(),
});

/** `GET /api/events`: events with their `position`, the cursor after them, and whether more wait. */
export interface FeedPage {
  readonly events: readonly EventEnvelope[];
  readonly cursor: string;
  readonly hasMore: boolean;
}

export const FeedPageSchema = z.object({ events: z.array(EventSchema), cursor: z.string(), hasMore: z.boolean() });

/** One frame of `GET /api/events/live`. */
export interface LiveFrame {
  readonly events: readonly EventEnvelope[];
  readonly cursor: string;
}

export const LiveFrameSchema = z.object({ events: z.array(EventSchema), cursor: z.string() });

/** `GET /api/streams/:aggregate/:aggregateId`: events after a version, and the stream's version. */
export interface StreamPage {
  readonly events: readonly EventEnvelope[];
  readonly version: number;
}

export const StreamPageSchema = z.object({ events: z.array(EventSchema), version: z.number().int().min(0) });
