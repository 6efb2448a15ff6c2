/**
 * Schemas of the wire contract (CONTRACT.md), shared by the edge, which
 * enforces them, and the browser client, which checks before it queues.
 */
import { z } from 'zod';
import { TidemarkError } from './errors';
import { MAX_BATCH_COMMANDS } from './limits';
import { NAME_PATTERN } from './names';

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
