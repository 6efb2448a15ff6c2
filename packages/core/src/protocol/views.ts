/**
 * Edge read models on the wire: `GET /api/views/:view/:key` and `GET /api/views/:view`.
 */
import { z } from 'zod';

/** One row of a view, with the feed position it reflects. */
export interface ViewRow {
  readonly key: string;
  readonly value: unknown;
  /** Opaque feed cursor of the last event applied to the view (null before the first). */
  readonly position: string | null;
}

export const ViewRowSchema = z.object({ key: z.string(), value: z.unknown(), position: z.string().nullable() });

/** A page of a view in key order; `next` is the `after` of the following page, null at the end. */
export interface ViewPage {
  readonly items: readonly { readonly key: string; readonly value: unknown }[];
  readonly next: string | null;
}

export const ViewPageSchema = z.object({
  items: z.array(z.object({ key: z.string(), value: z.unknown() })),
  next: z.string().nullable(),
});
