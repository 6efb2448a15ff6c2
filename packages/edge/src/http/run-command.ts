/**
 * One command from untrusted JSON to its answer: envelope, known type, payload
 * schema, authorization, then the aggregate's object. The checks run in the
 * order of docs/api.md § Commands, and none of the 4xx answers before the object
 * is reached are stored.
 */
import { type Access, type App, parseCommandId, TidemarkError } from '@tidemark/core';
import { type CommandAnswer, type ErrorAnswer, parseCommandEnvelope } from '@tidemark/core/protocol';
import { canonicalJson, resolveCommand } from '@tidemark/core/runtime';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AuthorityAnswer } from '../aggregate/aggregate-rpc';
import { aggregateStub, parseStreamRef } from '../aggregate/aggregate-stub';
import type { TidemarkEnv } from '../env';
import { recordCount, recordDuration } from '../metrics/recorder';
import { issueToken, tokenSecret } from './consistency-token';
import { statusOf, toErrorBody } from './error-response';

/** A command's answer as it goes on the wire: the object's answer, with a token when accepted. */
export interface WireAnswer {
  readonly httpStatus: ContentfulStatusCode;
  readonly body: CommandAnswer | ErrorAnswer;
}

/**
 * The status of the object's answer (docs/api.md § Commands): 200 accepted; a
 * rule's refusal 422, or 403 when the rule is about who may act; the
 * runtime's refusals (`version_conflict`, `command_id_reused`) by their code.
 */
export function statusOfAnswer(answer: AuthorityAnswer): ContentfulStatusCode {
  if (!('byRule' in answer)) return 200;
  const { code } = answer.body.error;
  if (answer.byRule) return code === 'forbidden' ? 403 : 422;
  return statusOf(code);
}

/**
 * Runs one command. Every failure becomes an answer; nothing throws.
 *
 * @example const { httpStatus, body } = await runCommand(app, env, access, json);
 */
export async function runCommand(app: App, env: TidemarkEnv, access: Access, json: unknown): Promise<WireAnswer> {
  const started = Date.now();
  const answer = await answerCommand(app, env, access, json);
  // Only the aggregate's refusals (409, 422, a decider's 403): requests refused
  // before it (400, 413, 403 from authorize) show in command_duration_seconds.
  if ('status' in answer.body && answer.body.status === 'rejected') {
    const { code } = answer.body.error;
    recordCount(access.tenant, 'commands_rejected_total', { code, status: String(answer.httpStatus) });
  }
  recordDuration(access.tenant, 'command_duration_seconds', { status: String(answer.httpStatus) }, seconds(started));
  return answer;
}

async function answerCommand(app: App, env: TidemarkEnv, access: Access, json: unknown): Promise<WireAnswer> {
  try {
    const envelope = parseCommandEnvelope(json);
    const resolved = resolveCommand(app, envelope);
    const allowed = app.authorize(access, resolved);
    if (allowed !== true) throw new TidemarkError('forbidden', allowed);

    const stream = parseStreamRef(access.tenant, envelope.aggregate, envelope.aggregateId);
    const appendStarted = Date.now();
    const answer = await aggregateStub(env, stream).execute({
      stream,
      commandId: parseCommandId(envelope.commandId),
      type: envelope.type,
      payload: resolved.payload,
      expectedVersion: envelope.expectedVersion,
      fingerprint: await fingerprint(envelope.type, envelope.payload, envelope.expectedVersion),
      actor: access.actor,
      roles: access.roles,
    });
    if (answer.body.status === 'accepted') {
      recordDuration(
        access.tenant,
        'event_append_duration_seconds',
        { aggregate: stream.aggregate },
        seconds(appendStarted),
      );
    }
    const httpStatus = statusOfAnswer(answer);
    if (answer.body.status !== 'accepted') return { httpStatus, body: answer.body };
    const token = await issueToken(tokenSecret(env), access.tenant, answer.body);
    return { httpStatus, body: { ...answer.body, token } };
  } catch (error) {
    const { status, body } = toErrorBody(error);
    return { httpStatus: status, body };
  }
}

function seconds(since: number): number {
  return (Date.now() - since) / 1000;
}

/** "Same body" (docs/api.md § Commands) is the same type, payload and expectedVersion, whatever the key order. */
async function fingerprint(type: string, payload: unknown, expectedVersion: number | undefined): Promise<string> {
  const text = canonicalJson({ type, payload, expectedVersion: expectedVersion ?? null });
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
