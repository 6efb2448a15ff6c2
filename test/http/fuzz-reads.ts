/**
 * Hostile reads: `GET /api/streams`, `/api/events` and `/api/views` with bad
 * names, percent-encoded slashes and dots, duplicated, empty and huge query
 * parameters, real cursors and consistency tokens of the caller, of the other
 * tenant, mangled and forged ones, and model order ids read across tenants.
 */
import fc from 'fast-check';
import { type FuzzCase, type FuzzContext, header, otherTenantOf, type Pools, pick, tenantOf } from './fuzz-context';
import { isName, maybe, queryOf, rarely, type Segment, segmentArb } from './fuzz-values';
import type { FuzzRequest } from './fuzz-wire';

const AFTER_VERSIONS = [
  '0',
  '1',
  '5',
  '-1',
  '1.5',
  'abc',
  '',
  '%EF%BC%91',
  '%D9%A3',
  '9007199254740993',
  '1e3',
  '%',
  ' 1',
];

export function streamCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const aggregate = fc.oneof(
    { weight: 5, arbitrary: fc.constant<Segment>({ raw: 'Order', decoded: 'Order' }) },
    { weight: 2, arbitrary: segmentArb(['Invoice', 'order', 'Orders']) },
  );
  return fc
    .record({
      who: fc.constantFrom(...context.member, ...context.admin, ...context.viewer),
      aggregate,
      id: segmentArb(context.orderIds),
      after: maybe(fc.array(fc.constantFrom(...AFTER_VERSIONS), { minLength: 1, maxLength: 2 }), 2),
    })
    .map(({ who, aggregate, id, after }) => () => {
      let expect: FuzzRequest['expect'];
      if (after === undefined && aggregate.decoded !== undefined && id.decoded !== undefined) {
        if (!isName(aggregate.decoded) || !isName(id.decoded)) expect = { status: 400, code: 'invalid_request' };
        else expect = aggregate.decoded === 'Order' ? { status: 200 } : { status: 404, code: 'not_found' };
      }
      return {
        label: 'stream',
        method: 'GET',
        path: `/api/streams/${aggregate.raw}/${id.raw}${queryOf((after ?? []).map((value) => ['after', value] as const))}`,
        ...header(who),
        ...(expect !== undefined && { expect }),
      };
    });
}

const LIMITS_OK = ['1', '7', '500', '1000', '1001', '1000000000000000000000'];
const LIMITS_BAD = ['0', '-1', '1.5', 'abc', '1e3', '%D9%A3', '%EF%BC%91%EF%BC%90'];
const LIMITS_OPEN = ['', '05', '%201', '%2B5', '0x10', 'x'.repeat(5000)];
const GARBAGE_CURSORS = [
  'AAAA',
  'x'.repeat(600),
  '%',
  '%F0%9F%A6%86',
  'eyJlIjoieCIsInAiOlswXX0',
  'eyJlIjpudWxsLCJwIjpbLTFdfQ',
  'e30',
  'bnVsbA',
  '-_-_',
  '%2e%2e%2F',
];
const FORGED_WAIT_TOKENS = [
  'v1.x.y',
  'v1..',
  'v2.e30.AAAA',
  'abc',
  'v1.WyJPcmRlciIsIm8tMSIsMV0.AAAAAAAAAAAAAAAAAAAAAA',
  '%ZZ',
];

/**
 * A query of `after`, `limit`, `waitFor` and noise. Resolved against the pools:
 * the caller's own cursors and tokens, another tenant's, forged ones.
 */
const queryPlanArb = fc.record({
  after: maybe(fc.tuple(fc.constantFrom('own', 'own', 'other', 'mangled', 'garbage'), fc.nat(1000)), 2),
  limit: maybe(fc.tuple(fc.constantFrom('ok', 'ok', 'bad', 'open'), fc.nat(1000)), 2),
  waitFor: maybe(fc.tuple(fc.constantFrom('own', 'own', 'other', 'forged', 'empty'), fc.nat(1000)), 3),
  duplicate: rarely(6),
  noise: maybe(fc.constantFrom('x=1', 'limit', '&&&', 'after', `pad=${'p'.repeat(6000)}`, '%ZZ=1'), 6),
});
type QueryPlan = typeof queryPlanArb extends fc.Arbitrary<infer T> ? T : never;

interface ResolvedQuery {
  readonly query: string;
  /** The one thing the contract fixes for this query, when exactly one parameter decides it. */
  readonly expect?: FuzzRequest['expect'];
}

function resolveQuery(
  plan: QueryPlan,
  pools: Pools,
  tenant: string | undefined,
  other: string | undefined,
  cursorsMatter: boolean,
): ResolvedQuery {
  const pairs: [string, string][] = [];
  const verdicts: NonNullable<FuzzRequest['expect']>[] = [];
  let open = plan.duplicate || plan.noise !== undefined;
  if (plan.after !== undefined) {
    const [kind, index] = plan.after;
    const own = tenant === undefined ? undefined : pick(pools.cursors.get(tenant), index);
    const foreign = other === undefined ? undefined : pick(pools.cursors.get(other), index);
    if (kind === 'own' && own !== undefined) {
      pairs.push(['after', own]);
      verdicts.push({ status: 200 });
    } else if (kind === 'other' && foreign !== undefined) {
      pairs.push(['after', foreign]);
      open = true;
    } else if (kind === 'mangled' && own !== undefined) {
      pairs.push(['after', `${own.slice(0, -1)}${own.at(-1) === 'A' ? 'B' : 'A'}`]);
      open = true;
    } else {
      pairs.push(['after', pick(GARBAGE_CURSORS, index) ?? 'AAAA']);
      if (cursorsMatter) verdicts.push({ status: 400, code: 'invalid_cursor' });
      else open = true;
    }
  }
  if (plan.limit !== undefined) {
    const [kind, index] = plan.limit;
    const values = kind === 'ok' ? LIMITS_OK : kind === 'bad' ? LIMITS_BAD : LIMITS_OPEN;
    pairs.push(['limit', pick(values, index) ?? '1']);
    if (kind === 'ok') verdicts.push({ status: 200 });
    else if (kind === 'bad') verdicts.push({ status: 400, code: 'invalid_request' });
    else open = true;
  }
  if (plan.waitFor !== undefined) {
    const [kind, index] = plan.waitFor;
    const own = tenant === undefined ? undefined : pick(pools.tokens.get(tenant), index);
    const foreign = other === undefined ? undefined : pick(pools.tokens.get(other), index);
    if (kind === 'own' && own !== undefined) {
      pairs.push(['waitFor', own]);
      open = true; // 200, or a legitimate 504 on a loaded machine.
    } else if (kind === 'other' && foreign !== undefined) {
      pairs.push(['waitFor', foreign]);
      verdicts.push({ status: 400, code: 'invalid_request' });
    } else if (kind === 'empty') {
      pairs.push(['waitFor', '']);
      open = true;
    } else {
      pairs.push(['waitFor', pick(FORGED_WAIT_TOKENS, index) ?? 'abc']);
      verdicts.push({ status: 400, code: 'invalid_request' });
    }
  }
  if (plan.duplicate && pairs[0] !== undefined) pairs.push(pairs[0]);
  if (plan.noise !== undefined) pairs.push([plan.noise, '']);
  const query =
    pairs.length === 0
      ? ''
      : `?${pairs.map(([name, value]) => (value === '' && name === plan.noise ? name : `${name}=${value}`)).join('&')}`;
  // Exactly one deciding parameter, nothing else: the contract fixes the answer.
  const single = !open && verdicts.length === 1 ? verdicts[0] : undefined;
  const none = !open && pairs.length === 0 ? { status: 200 } : undefined;
  return { query, ...((single ?? none) !== undefined && { expect: single ?? none }) };
}

export function feedCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  return fc
    .record({
      who: fc.constantFrom(...context.member, ...context.admin, ...context.viewer),
      plan: queryPlanArb,
      path: fc.constantFrom(...Array<string>(8).fill('/api/events'), '/api/events/', '/api/events/live'),
    })
    .map(({ who, plan, path }) => (pools) => {
      const resolved = resolveQuery(plan, pools, who.tenant, otherTenantOf(context, who.tenant), true);
      const decided = path === '/api/events' && resolved.expect !== undefined;
      return {
        label: path === '/api/events/live' ? 'feed:live-without-upgrade' : 'feed',
        method: 'GET',
        path: `${path}${resolved.query}`,
        ...header(who),
        ...tenantOf(who),
        ...(decided && { expect: resolved.expect }),
      };
    });
}

const VIEWS: readonly Segment[] = [
  { raw: 'orders', decoded: 'orders' },
  { raw: 'customer-orders', decoded: 'customer-orders' },
  { raw: 'sales-by-day', decoded: 'sales-by-day' },
];
const OTHER_VIEWS: readonly Segment[] = [
  { raw: 'nope', decoded: 'nope' },
  { raw: 'Orders', decoded: 'Orders' },
  { raw: 'order-views', decoded: 'order-views' },
  { raw: '__proto__', decoded: '__proto__' },
  { raw: 'constructor', decoded: 'constructor' },
  { raw: 'hasOwnProperty', decoded: 'hasOwnProperty' },
];

export function viewCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  return fc
    .record({
      who: fc.constantFrom(...context.member, ...context.admin, ...context.viewer),
      view: fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom(...VIEWS) },
        { weight: 1, arbitrary: fc.constantFrom(...OTHER_VIEWS) },
        { weight: 1, arbitrary: segmentArb(['orders']) },
      ),
      key: maybe(segmentArb([...context.orderIds, 'cust-1', 'cust-j', new Date().toISOString().slice(0, 10)]), 1),
      plan: queryPlanArb,
    })
    .map(({ who, view, key, plan }) => (pools) => {
      const list = key === undefined;
      // A row read takes only `waitFor`; a listing's `after` is a key, not a cursor.
      const rowPlan = { ...plan, after: undefined, limit: undefined };
      const resolved = resolveQuery(
        list ? plan : rowPlan,
        pools,
        who.tenant,
        otherTenantOf(context, who.tenant),
        false,
      );
      let expect: FuzzRequest['expect'];
      const known = view.decoded !== undefined && VIEWS.some((candidate) => candidate.decoded === view.decoded);
      const unknown = view.decoded !== undefined && isName(view.decoded) && !known;
      if (resolved.query === '' && unknown && (list || (key?.decoded !== undefined && isName(key.decoded)))) {
        expect = { status: 404, code: 'not_found' };
      } else if (known && list && resolved.expect !== undefined && plan.after === undefined) {
        expect = resolved.expect;
      } else if (known && !list && key?.decoded !== undefined && !isName(key.decoded) && resolved.query === '') {
        expect = { status: 400, code: 'invalid_request' };
      }
      return {
        label: list ? 'view:list' : 'view:row',
        method: 'GET',
        path: `/api/views/${view.raw}${list ? '' : `/${key.raw}`}${resolved.query}`,
        ...header(who),
        ...tenantOf(who),
        ...(expect !== undefined && { expect }),
      };
    });
}
