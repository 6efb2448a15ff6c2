/**
 * What the server said it accepted: every event of every `200` command answer
 * (single or batch), by tenant. After the run the feed must hold exactly
 * these events (docs/api.md § Feed), and the replayed answers of a command id
 * must all name the same events.
 */
import { canonicalJson, type OrderModel, statusAfterEvent } from './fuzz-model';
import { clip, describeRequest, type Finding, type FuzzRequest } from './fuzz-wire';

export interface LedgerEvent {
  readonly id: string;
  readonly aggregate: string;
  readonly aggregateId: string;
  readonly version: number;
  readonly type: string;
  readonly commandId: string;
  readonly payload: unknown;
}

export class Ledger {
  /** Tenant → event id → event, as answered. */
  readonly events = new Map<string, Map<string, LedgerEvent>>();
  /** Consistency tokens of accepted commands, by tenant (for `waitFor` cases). */
  readonly tokens = new Map<string, string[]>();
  /** The consistency token of the answer that carried each event, by event id. */
  readonly tokenOf = new Map<string, string>();
  readonly findings: Finding[] = [];
  /** Tenant, aggregate, id and command id → the event ids its first 200 named. */
  private readonly commands = new Map<string, string>();

  /** Records the accepted commands of a 200 answer to `POST /api/commands` or `/batch`. */
  recordReply(request: FuzzRequest, json: unknown): void {
    if (request.method !== 'POST' || request.tenant === undefined) return;
    const path = request.path.split('?')[0];
    if (path === '/api/commands') this.recordAnswer(request, request.tenant, json);
    if (path === '/api/commands/batch') {
      const results = (json as { results?: unknown[] } | undefined)?.results ?? [];
      for (const result of results) {
        if ((result as { httpStatus?: unknown }).httpStatus === 200) this.recordAnswer(request, request.tenant, result);
      }
    }
  }

  private recordAnswer(request: FuzzRequest, tenant: string, json: unknown): void {
    const answer = json as AcceptedAnswer | undefined;
    if (answer?.status !== 'accepted' || !Array.isArray(answer.events)) return;
    const events = this.events.get(tenant) ?? new Map<string, LedgerEvent>();
    this.events.set(tenant, events);
    for (const event of answer.events) {
      events.set(event.id, {
        id: event.id,
        aggregate: event.aggregate,
        aggregateId: event.aggregateId,
        version: event.version,
        type: event.type,
        commandId: event.meta?.commandId ?? '',
        payload: event.payload,
      });
    }
    if (typeof answer.token === 'string') {
      for (const event of answer.events) this.tokenOf.set(event.id, answer.token);
      const tokens = this.tokens.get(tenant) ?? [];
      if (tokens.length < MAX_TOKENS) tokens.push(answer.token);
      this.tokens.set(tenant, tokens);
    }
    const key = `${tenant}/${answer.aggregate}/${answer.aggregateId}#${answer.commandId}`;
    const ids = answer.events.map((event) => event.id).join(',');
    const first = this.commands.get(key);
    if (first === undefined) this.commands.set(key, ids);
    else if (first !== ids) {
      this.findings.push({
        kind: 'replay',
        label: request.label,
        request: describeRequest(request),
        detail: `command ${key} accepted twice with different events: ${first} then ${ids}`,
      });
    }
  }
}

/** An event as the feed serves it. */
export interface FeedEvent {
  readonly id: string;
  readonly aggregate: string;
  readonly aggregateId: string;
  readonly version: number;
  readonly type: string;
  readonly payload: unknown;
  readonly meta?: { readonly commandId?: string; readonly at?: string };
}

/**
 * Everything wrong with `feed` (one tenant's whole feed, in feed order) given
 * what the server answered and what the model says. Empty when all is well.
 */
export function feedProblems(
  feed: readonly FeedEvent[],
  answered: ReadonlyMap<string, LedgerEvent>,
  otherTenants: readonly ReadonlyMap<string, LedgerEvent>[],
  models: ReadonlyMap<string, OrderModel>,
): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const byCommand = new Map<string, string>();
  const versions = new Map<string, number>();
  const last = new Map<string, FeedEvent>();
  for (const event of feed) {
    const stream = `${event.aggregate}/${event.aggregateId}`;
    if (seen.has(event.id)) problems.push(`event ${event.id} (${stream} v${event.version}) appears twice`);
    seen.add(event.id);
    const expected = (versions.get(stream) ?? 0) + 1;
    if (event.version !== expected) problems.push(`${stream}: v${event.version} where v${expected} was due`);
    versions.set(stream, event.version);
    last.set(stream, event);
    const commandKey = `${stream}#${event.meta?.commandId}`;
    const other = byCommand.get(commandKey);
    if (other !== undefined) problems.push(`command ${commandKey} has two events: ${other} and ${event.id}`);
    byCommand.set(commandKey, event.id);

    const known = answered.get(event.id);
    if (known === undefined) {
      const leaked = otherTenants.some((tenant) => tenant.has(event.id));
      problems.push(`${leaked ? "another tenant's" : 'an unanswered'} event in the feed: ${describe(event)}`);
      continue;
    }
    const tuple = (e: { aggregate: string; aggregateId: string; version: number; type: string }, commandId: unknown) =>
      `${e.aggregate}/${e.aggregateId} v${e.version} ${e.type} ${String(commandId)}`;
    if (tuple(event, event.meta?.commandId) !== tuple(known, known.commandId)) {
      problems.push(
        `feed has ${tuple(event, event.meta?.commandId)}, the answer said ${tuple(known, known.commandId)}`,
      );
    }
  }
  for (const [id, event] of answered) {
    if (!seen.has(id)) problems.push(`accepted but not in the feed: ${describe(event)}`);
  }
  for (const [orderId, model] of models) {
    const lastEvent = last.get(`Order/${orderId}`);
    const status = lastEvent === undefined ? 'NONE' : statusAfterEvent(lastEvent.type);
    const version = versions.get(`Order/${orderId}`) ?? 0;
    if (status !== model.status || version !== model.version) {
      problems.push(
        `order ${orderId}: the feed ends at ${status} v${version}, the model at ${model.status} v${model.version}`,
      );
    }
  }
  return problems;
}

/** Events whose payload in the feed differs from the payload the command's answer carried. */
export function payloadProblems(feed: readonly FeedEvent[], answered: ReadonlyMap<string, LedgerEvent>): string[] {
  const problems: string[] = [];
  for (const event of feed) {
    const known = answered.get(event.id);
    if (known === undefined) continue;
    const [served, answer] = [canonicalJson(event.payload), canonicalJson(known.payload)];
    if (served !== answer) problems.push(`${describe(event)}: feed ${clip(served)} vs answer ${clip(answer)}`);
  }
  return problems;
}

interface AcceptedAnswer {
  readonly status?: string;
  readonly commandId?: string;
  readonly aggregate?: string;
  readonly aggregateId?: string;
  readonly token?: unknown;
  readonly events?: readonly (FeedEvent & { meta?: { commandId?: string } })[];
}

/** Tokens kept per tenant: enough variety for `waitFor` cases. */
const MAX_TOKENS = 200;

function describe(event: {
  id: string;
  aggregate: string;
  aggregateId: string;
  version: number;
  type: string;
}): string {
  return `${event.aggregate}/${event.aggregateId} v${event.version} ${event.type} (${event.id})`;
}
