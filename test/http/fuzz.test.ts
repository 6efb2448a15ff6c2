/**
 * The fuzz suite of the security issue: thousands of seed-generated requests
 * over every route of docs/api.md (hostile bodies, names, numbers, unicode,
 * cursors, tokens, methods; see fuzz-requests.ts), interleaved with model
 * lanes of Order commands in two tenants that share order ids (see
 * fuzz-lanes.ts). Asserted: no 5xx, every error a contract code, the targeted
 * answers the contract fixes, every model command answered as the Order rules
 * say, and afterwards each tenant's feed holds exactly the events of the
 * commands answered 200.
 *
 * Short run (part of the normal test command): FUZZ_RUNS=5000 requests.
 * Long run: `FUZZ_RUNS=20000 npx vitest run --project http test/http/fuzz.test.ts`.
 * Replay: FUZZ_SEED=<seed> (the seed is printed with the summary). FUZZ_DUMP=<file> writes
 * every request and its answer as JSON lines; FUZZ_CONCURRENCY sets the requests in flight.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { devToken, sharedServerUrl } from './client';
import {
  adminProblems,
  orderProblems,
  settledFeed,
  viewContentProblems,
  viewerProblems,
  viewPagingProblems,
} from './fuzz-checks';
import { type FuzzCase, type FuzzContext, forgedTokens, type Identity, oddTokens } from './fuzz-context';
import { requestsOf, type Step, stepsArb } from './fuzz-intents';
import { type Lane, laneTasks, type Models } from './fuzz-lanes';
import { feedProblems, Ledger, type LedgerEvent, payloadProblems } from './fuzz-ledger';
import { fuzzCaseArb } from './fuzz-requests';
import { VALID_PAYLOADS } from './fuzz-values';
import { contractFindings, type Finding, type FuzzReply, type FuzzRequest, runPool, send } from './fuzz-wire';

/** Generated requests per run (model lanes included). */
const RUNS = positiveInteger('FUZZ_RUNS', 5000);
const SEED = positiveInteger('FUZZ_SEED', 20_261_129);
/** Requests in flight: enough to interleave, few enough for a 2-core machine shared with other tests. */
const CONCURRENCY = positiveInteger('FUZZ_CONCURRENCY', 8);
/** Orders per tenant, in lanes of two; ~13 requests a lane, so about a tenth of the requests. */
const ORDERS_PER_TENANT = 40 * Math.max(1, Math.round(RUNS / 5000));
/** How long accepted events may take to reach the feed (docs/api.md § Feed: at once, or once the retry has run). */
const FEED_SETTLE_MS = 15_000;
const RUN_TIMEOUT_MS = 120_000 + RUNS * 20;

const run = {
  requests: 0,
  retries: 0,
  byLabel: new Map<string, number>(),
  byStatus: new Map<number, number>(),
  /** Milliseconds spent waiting for answers, by generator. */
  busy: new Map<string, number>(),
  findings: [] as Finding[],
  failures: [] as unknown[],
  ledger: new Ledger(),
  models: new Map() as Models,
  tenants: { a: '', b: '', sandbox: '' },
  /** Member, viewer and admin tokens of tenants A and B, for the reads after the run. */
  readers: new Map<string, string>(),
  viewers: new Map<string, string>(),
  admins: new Map<string, string>(),
  /** Admin of the sandbox tenant, whose feed is not checked. */
  sandbox: '',
  seconds: 0,
};

beforeAll(async () => {
  const baseUrl = sharedServerUrl();
  const suffix = randomUUID().slice(0, 8);
  const tenants = { a: `fuzz-a-${suffix}`, b: `fuzz-b-${suffix}`, sandbox: `fuzz-s-${suffix}` };
  run.tenants = tenants;
  const identity = async (tenant: string, role: string, roles: string[]): Promise<Identity> => ({
    name: `${tenant === tenants.a ? 'a' : tenant === tenants.b ? 'b' : 's'}-${role}`,
    authorization: `Bearer ${await devToken({ tenant, sub: `fuzzer-${role}`, roles }, baseUrl)}`,
    tenant,
  });
  const [aMember, aAdmin, aViewer, bMember, bAdmin, bViewer, sandboxAdmin] = await Promise.all([
    identity(tenants.a, 'member', []),
    identity(tenants.a, 'admin', ['admin']),
    identity(tenants.a, 'viewer', ['viewer']),
    identity(tenants.b, 'member', []),
    identity(tenants.b, 'admin', ['admin']),
    identity(tenants.b, 'viewer', ['viewer']),
    identity(tenants.sandbox, 'admin', ['admin']),
  ]);
  run.readers.set(tenants.a, bare(aMember));
  run.readers.set(tenants.b, bare(bMember));
  run.viewers.set(tenants.a, bare(aViewer));
  run.viewers.set(tenants.b, bare(bViewer));
  run.admins.set(tenants.a, bare(aAdmin));
  run.admins.set(tenants.b, bare(bAdmin));
  run.sandbox = bare(sandboxAdmin);
  const orderIds = Array.from({ length: ORDERS_PER_TENANT }, (_, index) => `o-${index}`);
  const context: FuzzContext = {
    member: [aMember, bMember],
    admin: [aAdmin, bAdmin],
    viewer: [aViewer, bViewer],
    sandboxAdmin,
    forged: forgedTokens(tenants.a),
    odd: oddTokens(tenants.a),
    orderIds,
  };

  // Lanes: the same order ids and command-id prefixes in both tenants, different steps.
  const laneSteps = fc.sample(stepsArb(), { seed: SEED, numRuns: ORDERS_PER_TENANT });
  const lanes: Lane[] = laneSteps.map((steps: Step[], index) => {
    const inTenant = index % (ORDERS_PER_TENANT / 2);
    const tenant = index < ORDERS_PER_TENANT / 2 ? tenants.a : tenants.b;
    return { index: inTenant, tenant, orderIds: [`o-${2 * inTenant}`, `o-${2 * inTenant + 1}`], steps };
  });
  const laneRequests = lanes.reduce((sum, lane) => sum + lane.steps.reduce((n, step) => n + requestsOf(step), 0), 0);
  const cases = fc.sample(fuzzCaseArb(context), { seed: SEED + 1, numRuns: Math.max(0, RUNS - laneRequests) });

  const dump = process.env.FUZZ_DUMP;
  if (dump) writeFileSync(dump, '');
  /** Every request and its answer: counted, tallied, and with FUZZ_DUMP=<file> written out as a JSON line. */
  const observe = (request: FuzzRequest, reply: FuzzReply, ms: number) => {
    run.requests += 1;
    run.byLabel.set(request.label, (run.byLabel.get(request.label) ?? 0) + 1);
    run.byStatus.set(reply.status, (run.byStatus.get(reply.status) ?? 0) + 1);
    run.busy.set(request.label, (run.busy.get(request.label) ?? 0) + ms);
    run.retries += reply.retries;
    if (dump) {
      const { label, method, path, expect: want } = request;
      const line = { label, method, path, want, status: reply.status, answer: reply.text.slice(0, 300) };
      appendFileSync(dump, `${JSON.stringify(line)}\n`);
    }
  };
  const laneTokens = (tenant: string) => {
    const [member, admin, viewer] = tenant === tenants.a ? [aMember, aAdmin, aViewer] : [bMember, bAdmin, bViewer];
    return { member: bare(member), admin: bare(admin), viewer: bare(viewer) };
  };
  const cursors = new Map<string, string[]>();
  const pools = { cursors, tokens: run.ledger.tokens };
  const laneContext = (lane: Lane) => ({
    baseUrl,
    tokens: laneTokens(lane.tenant),
    ledger: run.ledger,
    findings: run.findings,
    observe,
  });
  const steps = lanes.map((lane) => laneTasks(lane, run.models, laneContext(lane)));
  const caseTasks = cases.map((fuzzCase: FuzzCase) => async () => {
    const request = fuzzCase(pools);
    const sent = Date.now();
    const reply = await send(baseUrl, request);
    observe(request, reply, Date.now() - sent);
    run.findings.push(...contractFindings(baseUrl, request, reply));
    if (reply.status !== 200 || request.tenant === undefined) return;
    run.ledger.recordReply(request, reply.json);
    const cursor = (reply.json as { cursor?: unknown } | undefined)?.cursor;
    if (request.path.startsWith('/api/events') && typeof cursor === 'string') {
      const list = cursors.get(request.tenant) ?? [];
      if (list.length < 100) list.push(cursor);
      cursors.set(request.tenant, list);
    }
  });

  const started = Date.now();
  run.failures = await runPool(interleave(steps, caseTasks, SEED), CONCURRENCY);
  run.seconds = (Date.now() - started) / 1000;
  console.info(summary(laneRequests));
}, RUN_TIMEOUT_MS);

describe(`fuzz: ${RUNS} generated requests, seed ${SEED}`, () => {
  it('sends every generated request and gets an answer to each', () => {
    expect(run.failures.map(String)).toEqual([]);
    expect(run.requests).toBeGreaterThanOrEqual(RUNS);
  });

  it('never answers a 5xx (other than a 504 consistency_timeout)', () => {
    expect(grouped(run.findings, ['5xx'])).toEqual([]);
  });

  it('gives every error a contract code and a message, as JSON; every 2xx is JSON', () => {
    expect(
      grouped(run.findings, ['unknown code', 'error shape', 'error not JSON', '2xx not JSON', 'batch result']),
    ).toEqual([]);
  });

  it('answers what the contract fixes: 401 for bad tokens, 403 off-role, 400/404/413 for bad input', () => {
    expect(grouped(run.findings, ['wrong answer'])).toEqual([]);
  });

  it('answers every model command as the Order rules and the command-id rules say', () => {
    expect(grouped([...run.findings, ...run.ledger.findings], ['model', 'replay'])).toEqual([]);
  });

  // BUG: a command over 256 KiB is refused on POST /api/commands (413 payload_too_large) but accepted as
  // a batch entry, though docs/api.md § Batches says each batch result is "exactly what POST /api/commands would
  // have answered": wrapping a command in a batch lifts the per-command limit to the batch's 1 MiB.
  // Remove `.fails` once the batch answers such an entry 413.
  it('answers a batch entry over 256 KiB as POST /api/commands would: 413 payload_too_large', async () => {
    const command = {
      commandId: 'c-oversized',
      aggregate: 'Order',
      aggregateId: 'j-oversized',
      type: 'CreateOrder',
      // Short strings, so no string or nesting limit applies: only the size.
      payload: { ...(VALID_PAYLOADS.CreateOrder as object), pad: Array.from({ length: 3000 }, () => 'x'.repeat(90)) },
    };
    const sandbox = { authorization: `Bearer ${run.sandbox}` };
    const single = await send(sharedServerUrl(), {
      label: 'check',
      method: 'POST',
      path: '/api/commands',
      ...sandbox,
      body: JSON.stringify(command),
    });
    expect(single.status).toBe(413);
    const batch = await send(sharedServerUrl(), {
      label: 'check',
      method: 'POST',
      path: '/api/commands/batch',
      ...sandbox,
      body: JSON.stringify({ commands: [command] }),
    });
    expect(batch.status).toBe(200);
    const [entry] = (batch.json as { results: { httpStatus: number; error?: { code?: string } }[] }).results;
    expect({ httpStatus: entry?.httpStatus, code: entry?.error?.code }).toEqual({
      httpStatus: 413,
      code: 'payload_too_large',
    });
  });

  // BUG: CreateOrder takes prices up to 1e12 and quantities up to 1e6, so totals above 1e12, but PayOrder
  // refuses any amount above 1e12 (400 invalid_payload): such an order can never be paid. docs/api.md's
  // only rule for PayOrder is that the amount equals the total. Remove `.fails` once the limits agree.
  it('accepts a PayOrder of exactly the total, however large the total', async () => {
    const sandbox = { authorization: `Bearer ${run.sandbox}` };
    const command = (commandId: string, type: string, payload: unknown) => ({
      label: 'check',
      method: 'POST',
      path: '/api/commands',
      ...sandbox,
      body: JSON.stringify({ commandId, aggregate: 'Order', aggregateId: 'j-huge-total', type, payload }),
    });
    const items = [{ sku: 's', name: 'n', price: 1e12, quantity: 2 }];
    const created = await send(
      sharedServerUrl(),
      command('c-create', 'CreateOrder', { customerId: 'c', items, shippingAddress: 'a' }),
    );
    expect(created.status, created.text).toBe(200);
    const paid = await send(sharedServerUrl(), command('c-pay', 'PayOrder', { amount: 2e12 }));
    expect(paid.status, paid.text).toBe(200);
  });

  describe.each(['a', 'b'] as const)('tenant %s afterwards', (which) => {
    const tenant = () => run.tenants[which];
    const reader = () => ({ baseUrl: sharedServerUrl(), token: run.readers.get(tenant()) ?? '' });
    const answered = () => run.ledger.events.get(tenant()) ?? new Map<string, LedgerEvent>();

    it('has in its feed exactly the events of the commands answered 200, each once, versions 1..n, ending where the model ends', async () => {
      const other = run.ledger.events.get(run.tenants[which === 'a' ? 'b' : 'a']) ?? new Map();
      const feed = await settledFeed(reader(), answered(), FEED_SETTLE_MS);
      const problems = feedProblems(feed, answered(), [other], run.models.get(tenant()) ?? new Map());
      expect(problems.slice(0, 30), `${problems.length} problems`).toEqual([]);
      expect(feed.length).toBe(answered().size);
    });

    it('serves in its feed the payloads the answers carried', async () => {
      const problems = payloadProblems(await settledFeed(reader(), answered(), FEED_SETTLE_MS), answered());
      expect(problems.slice(0, 30), `${problems.length} problems`).toEqual([]);
    });

    it('serves each model order as a stream and an `orders` row where the model ends', async () => {
      const models = run.models.get(tenant()) ?? new Map();
      const problems = await orderProblems(reader(), models, answered(), CONCURRENCY);
      expect(problems.slice(0, 30), `${problems.length} problems`).toEqual([]);
    });

    it('serves views that hold exactly what the feed says (orders, customer-orders, sales-by-day)', async () => {
      const feed = await settledFeed(reader(), answered(), FEED_SETTLE_MS);
      const last = feed.at(-1);
      const token = last === undefined ? undefined : run.ledger.tokenOf.get(last.id);
      const problems = await viewContentProblems(reader(), feed, token);
      expect(problems.slice(0, 30), `${problems.length} problems`).toEqual([]);
    });

    it('shows a viewer every shippingAddress as null, in the feed and the orders view', async () => {
      const problems = await viewerProblems({ baseUrl: sharedServerUrl(), token: run.viewers.get(tenant()) ?? '' });
      expect(problems.slice(0, 30), `${problems.length} problems`).toEqual([]);
    });

    it('reports every projection running with lag 0 once caught up, and the named metrics', async () => {
      await settledFeed(reader(), answered(), FEED_SETTLE_MS);
      const problems = await adminProblems({ baseUrl: sharedServerUrl(), token: run.admins.get(tenant()) ?? '' });
      expect(problems.slice(0, 30), `${problems.length} problems`).toEqual([]);
    });

    it.each(['orders', 'sales-by-day'])(
      'pages the %s view to its end through `next`, and reads each listed key',
      async (view) => {
        const problems = await viewPagingProblems(reader(), view, 7);
        expect(problems.slice(0, 30), `${problems.length} problems`).toEqual([]);
      },
    );

    // BUG: customer-orders is keyed by customerId, which CreateOrder takes as free text (any string up to
    // 128 characters), while docs/api.md § Names says view keys match the name pattern. So a listing's
    // `next` can be a key that `after` then refuses (400 invalid_request: paging stops), a listed key cannot
    // be read (`GET /api/views/customer-orders/:key` answers 400), and customer ids with lone surrogates
    // are listed under the same U+FFFD-mangled key. Remove `.fails` once keys and names agree.
    it('pages the customer-orders view to its end through `next`, and reads each listed key', async () => {
      const problems = await viewPagingProblems(reader(), 'customer-orders', 2);
      expect(problems.slice(0, 30), `${problems.length} problems`).toEqual([]);
    });
  });
});

/** Findings of these kinds, one line per kind and generator with a count and the first example. */
function grouped(findings: readonly Finding[], kinds: readonly string[]): string[] {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    if (!kinds.includes(finding.kind)) continue;
    const key = `${finding.kind} [${finding.label}]`;
    groups.set(key, [...(groups.get(key) ?? []), finding]);
  }
  return [...groups].flatMap(([key, list]) =>
    list
      .slice(0, 3)
      .map(
        (finding, index) => `${key}${index === 0 ? ` ×${list.length}` : ''}: ${finding.detail} ← ${finding.request}`,
      ),
  );
}

function summary(laneRequests: number): string {
  const labels = [...run.byLabel].sort(([a], [b]) => (a < b ? -1 : 1)).map(([label, n]) => `${label} ${n}`);
  const statuses = [...run.byStatus].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`);
  return [
    `fuzz: seed ${SEED}, ${run.requests} requests (${laneRequests} in ${ORDERS_PER_TENANT} model lanes) in ${run.seconds.toFixed(1)} s, ${CONCURRENCY} in flight, ${run.retries} dev-server retries`,
    `  statuses: ${statuses.join(' ')}`,
    `  slowest generators (s waiting): ${[...run.busy]
      .sort(([, a], [, b]) => b - a)
      .slice(0, 6)
      .map(([label, ms]) => `${label} ${(ms / 1000).toFixed(1)}`)
      .join(', ')}`,
    `  generators: ${labels.join(', ')}`,
    `  findings: ${run.findings.length + run.ledger.findings.length}`,
  ].join('\n');
}

function bare(identity: Identity): string {
  return (identity.authorization ?? '').replace(/^Bearer /, '');
}

/**
 * One queue of lane steps and cases, shuffled by a seeded PRNG (mulberry32)
 * but with each lane's steps in order and spread out over the whole run, so
 * that a step rarely waits for the one before it.
 */
function interleave<T>(lanes: readonly (readonly T[])[], cases: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const keyed: [number, T][] = cases.map((task) => [random(), task]);
  for (const steps of lanes) {
    const keys = steps.map(() => random()).sort((a, b) => a - b);
    steps.forEach((step, index) => {
      keyed.push([keys[index] as number, step]);
    });
  }
  return keyed.sort(([a], [b]) => a - b).map(([, task]) => task);
}

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}
