/**
 * Commands on the wire: the request bodies of `POST /api/commands` and
 * `/batch`, and their answers. The edge enforces the request schemas; the
 * browser client checks them before it queues.
 */
import { z } from 'zod';
import type { EventEnvelope } from '../envelope';
import { TidemarkError } from '../errors';
import { MAX_BATCH_COMMANDS } from '../limits';
import { NAME_PATTERN } from '../names';
import { type ErrorAnswer, type ErrorBody, ErrorBodySchema } from './errors';
import { EventSchema } from './events';

const name = z.string().regex(NAME_PATTERN, 'must match the name pattern');

/** `POST /api/commands` body. `payload` is checked later, against the command's own schema. */
export const CommandEnvelopeSchema = z.object({
  commandId: name,
  aggregate: name,
  aggregateId: name,
  type: z.string().min(1).max(128),
  // Optional here so that a missing payload is `invalid_payload`, like any other payload problem.
  payload: z.unknown().optional(),
  expectedVersion: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

export type CommandEnvelope = z.output<typeof CommandEnvelopeSchema>;

/** `POST /api/commands/batch` body; each entry is checked on its own, like a single command. */
export const BatchEnvelopeSchema = z.object({
  commands: z.array(z.unknown()).max(MAX_BATCH_COMMANDS, `at most ${MAX_BATCH_COMMANDS} commands`),
});

/**
 * Parses a command envelope or throws `invalid_request`, naming the bad fields.
 *
 * @example parseCommandEnvelope(JSON.parse(body)).commandId
 */
export function parseCommandEnvelope(body: unknown): CommandEnvelope {
  const result = CommandEnvelopeSchema.safeParse(body);
  if (result.success) return result.data;
  throw new TidemarkError('invalid_request', describe(result.error), {
    issues: result.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message })),
  });
}

/** Parses a batch envelope or throws `invalid_request`. */
export function parseBatchEnvelope(body: unknown): readonly unknown[] {
  const result = BatchEnvelopeSchema.safeParse(body);
  if (result.success) return result.data.commands;
  throw new TidemarkError('invalid_request', describe(result.error));
}

function describe(error: z.ZodError): string {
  const first = error.issues[0];
  if (first === undefined) return 'the request body is not valid';
  const where = first.path.length > 0 ? first.path.join('.') : 'body';
  return `${where}: ${first.message}`;
}

/** A command the authority accepted: its events and the stream's version after them. */
export interface AcceptedCommand {
  readonly status: 'accepted';
  readonly commandId: string;
  readonly aggregate: string;
  readonly aggregateId: string;
  readonly version: number;
  readonly events: readonly EventEnvelope[];
}

/** The 200 answer: the accepted command with its consistency token. */
export interface AcceptedAnswer extends AcceptedCommand {
  readonly token: string;
}

/** The 409 (`version_conflict`, `command_id_reused`) and 422 (a rule's code) answers. */
export interface RejectedAnswer {
  readonly status: 'rejected';
  readonly error: ErrorBody;
}

/** What `POST /api/commands` answers once the command reached its aggregate. */
export type CommandAnswer = AcceptedAnswer | RejectedAnswer;

export const AcceptedAnswerSchema = z.object({
  status: z.literal('accepted'),
  commandId: z.string(),
  aggregate: z.string(),
  aggregateId: z.string(),
  version: z.number().int().min(0),
  events: z.array(EventSchema),
  token: z.string(),
});

export const RejectedAnswerSchema = z.object({ status: z.literal('rejected'), error: ErrorBodySchema });

export const CommandAnswerSchema = z.discriminatedUnion('status', [AcceptedAnswerSchema, RejectedAnswerSchema]);

/** One entry of a batch answer, as the edge writes it: the single command's body plus its status. */
export type BatchEntry = (CommandAnswer | ErrorAnswer) & { readonly httpStatus: number };

/**
 * One entry of a batch answer, as a reader sees it before looking at
 * `httpStatus`: the fields of whichever answer it is, each optional.
 */
export type BatchResult = { readonly httpStatus: number } & Partial<Omit<AcceptedAnswer, 'status'>> & {
    readonly status?: CommandAnswer['status'];
    readonly error?: ErrorBody;
  };

export const BatchResultSchema = z.looseObject({
  httpStatus: z.number().int(),
  status: z.enum(['accepted', 'rejected']).optional(),
  events: z.array(EventSchema).optional(),
  version: z.number().int().min(0).optional(),
  token: z.string().optional(),
  error: ErrorBodySchema.optional(),
});

/** `POST /api/commands/batch` answer. */
export interface BatchAnswer {
  readonly results: readonly BatchResult[];
}

export const BatchAnswerSchema = z.object({ results: z.array(BatchResultSchema) });
