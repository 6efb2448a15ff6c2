/**
 * Model lanes: the seed-generated steps of fuzz-intents.ts on a pair of
 * orders, sent one at a time (so the order the server applied them in is
 * known, while other lanes and hostile requests run meanwhile), each answer
 * compared with the model of fuzz-model.ts, which then moves on by what the
 * server actually did.
 */
import { buildCommand, type Encoding, encode, type Intent, junkCommand, type Role, type Step } from './fuzz-intents';
import type { Ledger } from './fuzz-ledger';
import { type ModelCommand, OrderModel, type Prediction, type StoredAnswer } from './fuzz-model';
import {
  clip,
  contractFindings,
  describeRequest,
  type Finding,
  type FuzzReply,
  type FuzzRequest,
  send,
} from './fuzz-wire';

export interface Lane {
  readonly index: number;
  readonly tenant: string;
  readonly orderIds: readonly [string, string];
  readonly steps: readonly Step[];
}

/** Where a lane's requests go and who sends them. */
export interface LaneContext {
  readonly baseUrl: string;
  readonly tokens: Readonly<Record<Role, string>>;
  readonly ledger: Ledger;
  readonly findings: Finding[];
  /** Told of every request sent and its answer. */
  readonly observe: (request: FuzzRequest, reply: FuzzReply, ms: number) => void;
}

/** The models of every order, by tenant then order id, filled as lanes run. */
export type Models = Map<string, Map<string, OrderModel>>;

/**
 * One task per step of `lane`, to be spread among other requests: each waits
 * for the step before it (so the server applies a lane's commands in a known
 * order, whatever else runs meanwhile), sends, and checks the answer against
 * the model.
 */
export function laneTasks(lane: Lane, models: Models, context: LaneContext): (() => Promise<void>)[] {
  const tenantModels = models.get(lane.tenant) ?? new Map<string, OrderModel>();
  models.set(lane.tenant, tenantModels);
  for (const id of lane.orderIds) if (!tenantModels.has(id)) tenantModels.set(id, new OrderModel());
  const history: ModelCommand[] = [];
  let counter = 0;
  const build = (intent: Intent, model: (orderId: string) => OrderModel): ModelCommand => {
    const command = buildCommand(intent, lane.orderIds, history, `c-${lane.index}-${counter++}`, model);
    history.push(command);
    return command;
  };
  const real = (orderId: string) => tenantModels.get(orderId) ?? new OrderModel();
  let previous: Promise<unknown> = Promise.resolve();
  return lane.steps.map((step) => () => {
    // Settled either way: a failed step does not stall the lane.
    const current = previous.catch(() => undefined).then(() => runStep(step, lane, context, build, real));
    previous = current;
    return current;
  });
}

type Build = (intent: Intent, model: (orderId: string) => OrderModel) => ModelCommand;

async function runStep(
  step: Step,
  lane: Lane,
  context: LaneContext,
  build: Build,
  real: (orderId: string) => OrderModel,
): Promise<void> {
  if (step.kind === 'single') {
    const command = build(step.intent, real);
    const request = commandRequest(lane.tenant, context.tokens[step.role], command, step.intent.encoding);
    const reply = await sendCounted(request, context);
    settle(lane, command, step.role === 'viewer', reply.status, reply.json, request, context, real);
    return;
  }
  if (step.kind === 'storm') return runStorm(step.intent, step.copies, lane, context, build, real);
  if (step.kind === 'race') return runRace(step.intent, lane, context, build, real);
  // A batch: build every entry against simulated models so that "current version" means after the
  // entries before it, then judge each result against the real models in the order given.
  const simulated = new Map(lane.orderIds.map((id) => [id, real(id).clone()]));
  const sim = (orderId: string) => simulated.get(orderId) ?? new OrderModel();
  const viewer = step.kind === 'batch' && step.role === 'viewer';
  const entries = step.kind === 'batch' ? step.entries : Array.from({ length: 101 }, () => step.intent);
  const texts: string[] = [];
  const commands = entries.map((entry) => {
    if ('junk' in entry) {
      texts.push(JSON.stringify(entry.junk));
      return junkCommand(entry.junk);
    }
    const command = build(entry, sim);
    const predicted = sim(command.orderId).predict(command, viewer);
    sim(command.orderId).apply(command, { fingerprint: command.fingerprint, ...simulatedAnswer(predicted) });
    texts.push(encode(command.value, entry.encoding));
    return command;
  });
  const body = `{"commands":[${texts.join(',')}]}`;
  const role = step.kind === 'batch' ? step.role : 'member';
  const request: FuzzRequest = {
    label: step.kind === 'batch' ? 'model-batch' : 'model-batch-over-100',
    method: 'POST',
    path: '/api/commands/batch',
    authorization: `Bearer ${context.tokens[role]}`,
    body,
    tenant: lane.tenant,
    ...(step.kind === 'oversized-batch' && { expect: { status: 400, code: 'invalid_request' } }),
  };
  const reply = await sendCounted(request, context);
  if (step.kind === 'oversized-batch') return;
  if (reply.status !== 200) {
    addFinding(context, request, `batch answered ${reply.status}: ${clip(reply.text)}`);
    return;
  }
  const results = (reply.json as { results?: unknown[] }).results ?? [];
  if (results.length !== commands.length) {
    addFinding(context, request, `${results.length} results for ${commands.length} commands`);
    return;
  }
  commands.forEach((command, index) => {
    const result = results[index] as { httpStatus?: number };
    settle(lane, command, viewer, result.httpStatus ?? 0, result, request, context, real, index);
  });
}

const SPELLINGS: readonly Encoding[] = ['plain', 'pretty', 'reordered', 'escaped', 'exponent'];

/** docs/api.md § Commands: the same `commandId` and body again gets the first answer, even when the copies arrive together. */
async function runStorm(
  intent: Intent,
  copies: number,
  lane: Lane,
  context: LaneContext,
  build: Build,
  real: (orderId: string) => OrderModel,
): Promise<void> {
  const command = build(intent, real);
  const requests = Array.from({ length: copies }, (_, index) => ({
    ...commandRequest(
      lane.tenant,
      context.tokens.member,
      command,
      SPELLINGS[(intent.pick + index) % SPELLINGS.length] ?? 'plain',
    ),
    label: 'model-storm',
  }));
  const replies = await Promise.all(requests.map((request) => sendCounted(request, context)));
  const [first, ...others] = replies;
  if (first === undefined) return;
  settle(lane, command, false, first.status, first.json, requests[0] as FuzzRequest, context, real);
  others.forEach((reply, index) => {
    if (answerOf(reply.status, reply.json) !== answerOf(first.status, first.json)) {
      addFinding(
        context,
        requests[index + 1] as FuzzRequest,
        `copies of one command answered differently: ${answerOf(first.status, first.json)} vs ${answerOf(reply.status, reply.json)}; command ${clip(JSON.stringify(command.value), 300)}`,
      );
    }
  });
}

/**
 * Two different commands on one order, sent together, each expecting the
 * order's current version: the server must accept one and answer the other
 * `409 version_conflict` (whichever it takes first). When the rules would not
 * accept both on their own, they go one after the other instead.
 */
async function runRace(
  intent: Intent,
  lane: Lane,
  context: LaneContext,
  build: Build,
  real: (orderId: string) => OrderModel,
): Promise<void> {
  const contender = { ...intent, id: 'fresh', variant: 'valid', version: 'current' } as const;
  const [a, b] = [build(contender, real), build({ ...contender, pick: contender.pick + 1 }, real)];
  const order = real(a.orderId);
  const both = order.predict(a, false).status === 200 && order.predict(b, false).status === 200;
  const requests = [a, b].map((command) => ({
    ...commandRequest(lane.tenant, context.tokens.member, command, intent.encoding),
    label: both ? 'model-race' : 'model-command',
  }));
  const [ra, rb] = [requests[0] as FuzzRequest, requests[1] as FuzzRequest];
  if (!both) {
    for (const [command, request] of [
      [a, ra],
      [b, rb],
    ] as const) {
      const reply = await sendCounted(request, context);
      settle(lane, command, false, reply.status, reply.json, request, context, real);
    }
    return;
  }
  const [replyA, replyB] = await Promise.all([sendCounted(ra, context), sendCounted(rb, context)]);
  // Judge the winner first: the model then expects the loser's version_conflict at the new version.
  const aFirst = replyA.status === 200 || replyB.status !== 200;
  const order2 = aFirst
    ? ([
        [a, replyA, ra],
        [b, replyB, rb],
      ] as const)
    : ([
        [b, replyB, rb],
        [a, replyA, ra],
      ] as const);
  for (const [command, reply, request] of order2) {
    settle(lane, command, false, reply.status, reply.json, request, context, real);
  }
}

/** The parts of an answer that a replay must repeat. */
function answerOf(status: number, json: unknown): string {
  const body = json as AnswerBody | undefined;
  return `${status} ${body?.error?.code ?? body?.status} v${String(body?.version)} ${(body?.events ?? []).map((event) => event.id).join(',')}`;
}

function commandRequest(tenant: string, token: string, command: ModelCommand, encoding: Encoding): FuzzRequest {
  return {
    label: 'model-command',
    method: 'POST',
    path: '/api/commands',
    authorization: `Bearer ${token}`,
    body: encode(command.value, encoding),
    tenant,
  };
}

async function sendCounted(request: FuzzRequest, context: LaneContext) {
  const sent = Date.now();
  const reply = await send(context.baseUrl, request);
  context.observe(request, reply, Date.now() - sent);
  context.findings.push(...contractFindings(context.baseUrl, request, reply));
  if (reply.status === 200) context.ledger.recordReply(request, reply.json);
  return reply;
}

/** Compares one answer with the model's prediction, then moves the model by what the server did. */
function settle(
  lane: Lane,
  command: ModelCommand,
  viewer: boolean,
  status: number,
  body: unknown,
  request: FuzzRequest,
  context: LaneContext,
  model: (orderId: string) => OrderModel,
  index?: number,
): void {
  const order = model(command.orderId);
  const prediction = command.class === 'ok' ? order.predict(command, viewer) : { status: 400, codes: [command.class] };
  const answer = body as AnswerBody;
  const problems = compare(prediction, status, answer, command);
  if (problems.length > 0) {
    const where = index === undefined ? '' : ` (batch entry #${index})`;
    const state = `order ${lane.tenant}/${command.orderId} was ${order.status} v${order.version}`;
    addFinding(
      context,
      request,
      `${problems.join('; ')}${where}; ${state}; command ${clip(JSON.stringify(command.value), 300)}`,
    );
  }
  const event = answer?.events?.[0];
  order.apply(
    command,
    {
      fingerprint: command.fingerprint,
      status,
      ...(answer?.error?.code !== undefined && { code: answer.error.code }),
      ...(typeof answer?.version === 'number' && { version: answer.version }),
      ...(answer?.events !== undefined && { eventIds: answer.events.map((e) => e.id) }),
      ...(answer?.token !== undefined && { token: answer.token }),
    },
    event?.payload,
  );
  if (status === 200 && prediction.replayOf === undefined && answer?.token !== undefined)
    order.lastToken = answer.token;
}

interface AnswerBody {
  readonly status?: string;
  readonly commandId?: string;
  readonly aggregateId?: string;
  readonly version?: number;
  readonly token?: string;
  readonly events?: readonly {
    id: string;
    type: string;
    version: number;
    aggregateId: string;
    payload?: { totalAmount?: unknown };
    meta?: { commandId?: string };
  }[];
  readonly error?: { code?: string; expectedVersion?: unknown; actualVersion?: unknown };
}

function compare(
  prediction: Prediction,
  status: number,
  answer: AnswerBody | undefined,
  command: ModelCommand,
): string[] {
  const got = `${status} ${answer?.error?.code ?? answer?.status ?? ''}`;
  const want = `${prediction.status} ${prediction.codes.join('|') || 'accepted'}`;
  if (status !== prediction.status) return [`expected ${want}, got ${got}`];
  const code = answer?.error?.code;
  if (prediction.codes.length > 0 && (code === undefined || !prediction.codes.includes(code))) {
    return [`expected ${want}, got ${got}`];
  }
  const problems: string[] = [];
  const replay = prediction.replayOf;
  if (status === 409 && code === 'version_conflict' && replay === undefined) {
    if (
      answer?.error?.expectedVersion !== prediction.expectedVersion ||
      answer?.error?.actualVersion !== prediction.actualVersion
    ) {
      problems.push(
        `version_conflict says ${String(answer?.error?.expectedVersion)}/${String(answer?.error?.actualVersion)}, model ${prediction.expectedVersion}/${prediction.actualVersion}`,
      );
    }
  }
  if ((status === 422 || (status === 409 && code === 'version_conflict')) && answer?.status !== 'rejected') {
    problems.push(`a rejection without "status":"rejected"`);
  }
  if (status !== 200) return problems;
  const events = answer?.events ?? [];
  if (
    answer?.status !== 'accepted' ||
    answer.commandId !== command.commandId ||
    answer.aggregateId !== command.orderId
  ) {
    problems.push(
      `accepted answer names ${String(answer?.status)} ${String(answer?.commandId)} on ${String(answer?.aggregateId)}`,
    );
  }
  if (replay !== undefined) {
    const ids = events.map((event) => event.id);
    if (answer?.version !== replay.version || JSON.stringify(ids) !== JSON.stringify(replay.eventIds)) {
      problems.push(
        `replay answered v${String(answer?.version)} ${ids.join(',')}, first answer v${replay.version} ${replay.eventIds?.join(',')}`,
      );
    }
    return problems;
  }
  const event = events[0];
  if (answer?.version !== prediction.version || events.length !== 1 || event === undefined) {
    return [
      ...problems,
      `accepted as v${String(answer?.version)} with ${events.length} events, model v${prediction.version} with 1`,
    ];
  }
  if (
    event.type !== prediction.eventType ||
    event.version !== prediction.version ||
    event.meta?.commandId !== command.commandId ||
    event.aggregateId !== command.orderId
  ) {
    problems.push(
      `event ${event.type} v${event.version} ${String(event.meta?.commandId)}, model ${prediction.eventType} v${prediction.version}`,
    );
  }
  if (command.type === 'CreateOrder' && event.payload?.totalAmount !== command.amount) {
    problems.push(`totalAmount ${String(event.payload?.totalAmount)}, model ${command.amount}`);
  }
  return problems;
}

function simulatedAnswer(prediction: Prediction): Omit<StoredAnswer, 'fingerprint'> {
  if (prediction.replayOf !== undefined) return prediction.replayOf;
  return {
    status: prediction.status,
    ...(prediction.codes[0] !== undefined && { code: prediction.codes[0] }),
    ...(prediction.version !== undefined && { version: prediction.version }),
  };
}

function addFinding(context: LaneContext, request: FuzzRequest, detail: string): void {
  context.findings.push({ kind: 'model', label: request.label, request: describeRequest(request), detail });
}
