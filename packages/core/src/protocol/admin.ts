/**
 * Operations on the wire (role `admin`): projection statuses and dead letters.
 */
import { z } from 'zod';
import type { EventEnvelope } from '../envelope';
import { EventSchema } from './events';

export const PROJECTION_STATES = ['running', 'paused', 'rebuilding', 'failed'] as const;
export type ProjectionState = (typeof PROJECTION_STATES)[number];

/** One entry of `GET /api/admin/projections`, and the answer of its actions. */
export interface ProjectionStatus {
  readonly name: string;
  readonly state: ProjectionState;
  /** Opaque feed cursor of the last event applied (null before the first). */
  readonly position: string | null;
  /** Events between the feed head and `position`. */
  readonly lag: number;
  /**
   * Seconds since the oldest event not yet applied was committed (0 when caught
   * up). Optional on the wire: servers before it did not send it.
   */
  readonly lagSeconds?: number;
  readonly deadLetters: number;
  /** During a rebuild: how far the new tables are, in feed positions. */
  readonly rebuild?: { readonly position: number; readonly head: number };
  /** When failed: why, and the feed position it cannot get past. Resume or rebuild clears it. */
  readonly failure?: ProjectionFailure;
}

/** Why a projection stopped: `handler_failed` (a handler threw under `stop`) or `feed_unreadable`. */
export interface ProjectionFailure {
  readonly code: string;
  readonly message: string;
  readonly position: number;
}

export const ProjectionStatusSchema = z.object({
  name: z.string(),
  state: z.enum(PROJECTION_STATES),
  position: z.string().nullable(),
  lag: z.number().int().min(0),
  lagSeconds: z.number().min(0).optional(),
  deadLetters: z.number().int().min(0),
  rebuild: z.object({ position: z.number().int(), head: z.number().int() }).optional(),
  failure: z.object({ code: z.string(), message: z.string(), position: z.number().int() }).optional(),
});

/** `GET /api/admin/projections`. */
export const ProjectionListSchema = z.object({ projections: z.array(ProjectionStatusSchema) });

/**
 * An event a projection's handler threw on. `Id` is the wire's `projection:n`
 * string; inside the runtime a projection numbers its own letters.
 */
export interface DeadLetter<Id extends string | number = string> {
  readonly id: Id;
  readonly projection: string;
  readonly event: EventEnvelope;
  /** The handler's error message. */
  readonly error: string;
  /** ISO-8601 UTC time it was set aside. */
  readonly at: string;
}

export const DeadLetterSchema = z.object({
  id: z.string(),
  projection: z.string(),
  event: EventSchema,
  error: z.string(),
  at: z.string(),
});

/** `GET /api/admin/dead-letters`. */
export const DeadLetterListSchema = z.object({ deadLetters: z.array(DeadLetterSchema) });

/**
 * `POST /api/admin/dead-letters/:id/retry`: `ok` when the handler now succeeds.
 * `rebuilding` (with `ok`): events after the letter's were applied already, so
 * it applies by the rebuild this started, in feed order, and the letter goes
 * at its swap; otherwise it applied on its own and is gone.
 */
export interface DeadLetterRetry {
  readonly id: string;
  readonly ok: boolean;
  readonly rebuilding?: boolean;
  readonly error?: string;
}

export const DeadLetterRetrySchema = z.object({
  id: z.string(),
  ok: z.boolean(),
  rebuilding: z.boolean().optional(),
  error: z.string().optional(),
});

/** The first line of a tenant export: what the events after it are, and from where. */
export const TENANT_EXPORT_FORMAT = 'tidemark-tenant-export';
export const TENANT_EXPORT_VERSION = 1;

export const TenantExportHeaderSchema = z.object({
  format: z.literal(TENANT_EXPORT_FORMAT),
  version: z.literal(TENANT_EXPORT_VERSION),
  /** The app's identity (its name): an import into another app is refused by the CLI. */
  app: z.string(),
  tenant: z.string(),
  exportedAt: z.string(),
  /** The feed cursor the export started after; absent: from the start. */
  cursor: z.string().optional(),
});

export type TenantExportHeader = z.infer<typeof TenantExportHeaderSchema>;

/**
 * `POST /api/admin/import`: events in feed order, continuing the tenant's feed
 * at `position` (0 for the first batch: the tenant must be empty).
 */
export const ImportBatchSchema = z.object({
  position: z.number().int().min(0),
  events: z.array(EventSchema).min(1),
});

export type ImportBatch = z.infer<typeof ImportBatchSchema>;

/** The import's answer: the feed's position after the batch. */
export const ImportAnswerSchema = z.object({ imported: z.number().int().min(0), head: z.number().int().min(0) });

export type ImportAnswer = z.infer<typeof ImportAnswerSchema>;
