/**
 * `POST /api/commands` and `POST /api/commands/batch`.
 */
import type { App } from '@tidemark/core';
import { type BatchAnswer, parseBatchEnvelope, streamKey } from '@tidemark/core/protocol';
import { MAX_BATCH_BYTES, MAX_COMMAND_BYTES } from '@tidemark/core/runtime';
import { Hono } from 'hono';
import type { EdgeContext } from './edge-context';
import { readJsonBody, readJsonText } from './json-body';
import { arrayEntryBytes } from './json-spans';
import { runCommand, type WireAnswer } from './run-command';

export function commandRoutes(app: App) {
  const routes = new Hono<EdgeContext>();

  routes.post('/', async (c) => {
    const json = await readJsonBody(c.req.raw, MAX_COMMAND_BYTES);
    const answer = await runCommand(app, c.env, c.var.access, json);
    return c.json(answer.body, answer.httpStatus);
  });

  routes.post('/batch', async (c) => {
    const { text, value } = await readJsonText(c.req.raw, MAX_BATCH_BYTES);
    const commands = parseBatchEnvelope(value);
    // Each entry answers what POST /api/commands would, the per-command size limit included,
    // measured as that route measures it: on the bytes sent.
    const sizes = arrayEntryBytes(text, 'commands');
    const results = await runInStreamOrder(commands, (json, index) =>
      (sizes[index] ?? 0) > MAX_COMMAND_BYTES
        ? Promise.resolve(tooLarge())
        : runCommand(app, c.env, c.var.access, json),
    );
    const batch: BatchAnswer = {
      results: results.map((answer) => ({ ...answer.body, httpStatus: answer.httpStatus })),
    };
    return c.json(batch);
  });

  return routes;
}

/**
 * Runs commands on different streams concurrently and commands on the same
 * stream one after another, in the order given (docs/api.md § Batches).
 */
async function runInStreamOrder(
  commands: readonly unknown[],
  run: (json: unknown, index: number) => Promise<WireAnswer>,
): Promise<WireAnswer[]> {
  const results: WireAnswer[] = new Array(commands.length);
  const lanes = new Map<string, number[]>();
  commands.forEach((command, index) => {
    const key = laneOf(command);
    lanes.set(key, [...(lanes.get(key) ?? []), index]);
  });
  await Promise.all(
    [...lanes.values()].map(async (indexes) => {
      for (const index of indexes) results[index] = await run(commands[index], index);
    }),
  );
  return results;
}

function tooLarge(): WireAnswer {
  return {
    httpStatus: 413,
    body: { error: { code: 'payload_too_large', message: `a command is larger than ${MAX_COMMAND_BYTES} bytes` } },
  };
}

/** Commands whose stream cannot be read go to one lane; they fail validation anyway. */
function laneOf(command: unknown): string {
  if (typeof command !== 'object' || command === null) return '';
  const { aggregate, aggregateId } = command as { aggregate?: unknown; aggregateId?: unknown };
  return typeof aggregate === 'string' && typeof aggregateId === 'string' ? streamKey(aggregate, aggregateId) : '';
}
