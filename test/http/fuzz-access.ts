/**
 * Hostile access: no token, forged tokens, malformed `Authorization` headers,
 * admin routes with every role, unknown routes and odd methods.
 */
import fc from 'fast-check';
import { type FuzzCase, type FuzzContext, header, type Identity, pick, valid } from './fuzz-context';
import { type Segment, segmentArb, weirdValue } from './fuzz-values';
import type { FuzzRequest } from './fuzz-wire';

/**
 * docs/api.md § Events: no route writes a raw event. Sent as the body of odd
 * methods on every route; if any route stored it, the feed check would find
 * an event no command was answered for.
 */
const RAW_EVENT = JSON.stringify({
  id: 'forged-event',
  aggregate: 'Order',
  aggregateId: 'o-1',
  version: 1,
  type: 'OrderShipped',
  schemaVersion: 1,
  payload: {},
  meta: { commandId: 'forged', actor: 'mallory', at: '2026-01-01T00:00:00.000Z' },
});

/** Paths of every route, for auth and method cases. */
const ROUTES = [
  '/api/commands',
  '/api/commands/batch',
  '/api/streams/Order/o-1',
  '/api/events',
  '/api/events?limit=5',
  '/api/events/live',
  '/api/views/orders',
  '/api/views/orders/o-1',
  '/api/views/sales-by-day?limit=3',
  '/api/admin/projections',
  '/api/admin/metrics',
  '/api/admin/dead-letters',
  '/api/admin/projections/order-views/pause',
  '/api/admin/dead-letters/order-views:1/retry',
  '/api/admin/faults',
];
const POST_ROUTES = new Set([
  '/api/commands',
  '/api/commands/batch',
  '/api/admin/projections/order-views/pause',
  '/api/admin/dead-letters/order-views:1/retry',
  '/api/admin/faults',
]);

export function healthCases(): fc.Arbitrary<FuzzCase> {
  return fc.constantFrom('', '?x=1', '?x=%ZZ').map((query) => () => ({
    label: 'health',
    method: 'GET',
    path: `/api/health${query}`,
    expect: { status: 200 },
  }));
}

/** No token, or one the contract says is worthless: `401 unauthorized` on every protected route. */
export function unauthenticatedCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const none: Identity = { name: 'none' };
  return fc
    .record({ who: fc.constantFrom(none, ...context.forged, ...context.odd), route: fc.constantFrom(...ROUTES) })
    .map(({ who, route }) => () => {
      const post = POST_ROUTES.has(route);
      const sure = who !== none ? context.forged.includes(who) : true;
      return {
        label: `auth:${who.name}`,
        method: post ? 'POST' : 'GET',
        path: route,
        ...header(who),
        ...(post && { body: JSON.stringify({ commandId: 'x', aggregate: 'Order', aggregateId: 'o-1' }) }),
        ...(sure && { expect: { status: 401, code: 'unauthorized' } }),
      };
    });
}

export function authorizationHeaderCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  return fc
    .record({ who: valid(context), variant: fc.nat(9), route: fc.constantFrom('/api/events', '/api/views/orders') })
    .map(({ who, variant, route }) => () => {
      const token = (who.authorization ?? '').replace(/^Bearer /, '');
      const [head, claims, signature] = token.split('.');
      // Each is malformed or wrongly signed, except the two the contract leaves open (marked null).
      const values: [string, boolean][] = [
        ['Bearer', true],
        ['Bearer ', true],
        ['Basic dXNlcjpwYXNz', true],
        [`Bearer ${token}x`, true],
        [`Bearer ${token}.extra`, true],
        [`Bearer ${head}.${claims}.${(signature ?? '').split('').reverse().join('')}`, true],
        [`Bearer ${'a'.repeat(8000)}`, true],
        ['Bearer \u00e9\u00ff', true],
        [`bearer ${token}`, false],
        [`Bearer  ${token}`, false],
      ];
      const [authorization, sure] = values[variant % values.length] as [string, boolean];
      return {
        label: 'auth:header',
        method: 'GET',
        path: route,
        authorization,
        ...(sure && { expect: { status: 401, code: 'unauthorized' } }),
      };
    });
}

const ADMIN_GETS = ['/api/admin/projections', '/api/admin/dead-letters', '/api/admin/metrics'];

export function adminCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const name = fc.oneof(
    segmentArb(['nope', 'Order-Views', 'constructor', '__proto__']),
    fc.constantFrom<Segment>({ raw: 'order-views' }),
  );
  const action = fc.oneof(
    fc.constantFrom('rebuild', 'pause', 'resume'),
    segmentArb(['stop', 'REBUILD']).map((s) => s.raw),
  );
  const route = fc.oneof(
    fc.constantFrom(...ADMIN_GETS).map((path) => ({ method: 'GET', path, body: undefined as unknown })),
    fc.tuple(name, action).map(([projection, verb]) => ({
      method: 'POST',
      path: `/api/admin/projections/${projection.raw}/${verb}`,
      body: undefined as unknown,
    })),
    fc
      .oneof(segmentArb(['order-views:1', 'order-views:999999999999999999', 'order-views:0']), fc.constant({ raw: '' }))
      .map((id) => ({ method: 'POST', path: `/api/admin/dead-letters/${id.raw}/retry`, body: undefined as unknown })),
    fc
      .oneof(
        weirdValue,
        fc.nat(5).map((feedAppendFailures) => ({ feedAppendFailures })),
      )
      .map((body) => ({ method: 'POST', path: '/api/admin/faults', body })),
    segmentArb(['nope']).map((segment) => ({
      method: 'GET',
      path: `/api/admin/${segment.raw}`,
      body: undefined as unknown,
    })),
  );
  const role = fc.constantFrom('member', 'viewer', 'admin', 'sandbox');
  return fc.record({ route, role, index: fc.nat(9) }).map(({ route, role, index }) => () => {
    const identities =
      role === 'member'
        ? context.member
        : role === 'viewer'
          ? context.viewer
          : role === 'admin'
            ? context.admin
            : [context.sandboxAdmin];
    const who = pick(identities, index) ?? context.sandboxAdmin;
    // Only the sandbox tenant's projections may be paused, rebuilt or faulted: the fuzz tenants' views are checked after the run.
    const mutates =
      /\/projections\/order-views\//.test(route.path) ||
      (route.path === '/api/admin/faults' &&
        typeof (route.body as { feedAppendFailures?: unknown } | null)?.feedAppendFailures === 'number');
    const as = mutates && role === 'admin' ? context.sandboxAdmin : who;
    const forbidden = role === 'member' || role === 'viewer';
    const normalised = !/(^|\/)(\.|%2e){1,2}(\/|$)/i.test(route.path);
    let expect: FuzzRequest['expect'];
    if (forbidden && normalised) expect = { status: 403, code: 'forbidden' };
    else if (!forbidden && route.method === 'GET' && ADMIN_GETS.includes(route.path)) expect = { status: 200 };
    return {
      label: `admin:${role === 'admin' && as === context.sandboxAdmin ? 'sandbox' : role}`,
      method: route.method,
      path: route.path,
      ...header(as),
      ...(route.body !== undefined && { body: JSON.stringify(route.body) ?? 'null' }),
      ...(expect !== undefined && { expect }),
    };
  });
}

export function unknownRouteCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const api = fc
    .record({
      who: valid(context),
      segments: fc.array(segmentArb(['x']), { minLength: 0, maxLength: 3 }),
      method: fc.constantFrom('GET', 'POST'),
    })
    .map(({ who, segments, method }) => () => ({
      label: 'route:unknown-api',
      method,
      path: `/api/zz-nope${segments.map((segment) => `/${segment.raw}`).join('')}`,
      ...header(who),
      ...(method === 'POST' && { body: '{}' }),
      expect: { status: 404, code: 'not_found' },
    }));
  // Outside /api the PWA's assets answer: only "no 5xx" applies.
  const outside = fc
    .constantFrom(
      '/',
      '/nope',
      '/API/events',
      '/api',
      '/index.html',
      '/%2e%2e/etc/passwd',
      '/api%2Fevents',
      '/sw.js',
      '/%ZZ',
    )
    .map((path) => () => ({ label: 'route:outside-api', method: 'GET', path }));
  return fc.oneof({ weight: 2, arbitrary: api }, { weight: 1, arbitrary: outside });
}

export function oddMethodCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  return fc
    .record({
      who: fc.constantFrom<Identity>({ name: 'none' }, ...context.member, ...context.admin),
      method: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'GET', 'POST'),
      route: fc.constantFrom(...ROUTES, '/api/health', '/api/dev/token'),
      body: fc.boolean(),
    })
    .filter(({ method, route }) =>
      method === 'GET' ? POST_ROUTES.has(route) : method === 'POST' ? !POST_ROUTES.has(route) : true,
    )
    .map(({ who, method, route, body }) => () => {
      const withBody = body && method !== 'HEAD' && method !== 'GET';
      const open = route === '/api/health' || route === '/api/dev/token';
      return {
        label: `method:${method}`,
        method,
        path: route,
        ...header(who),
        ...(withBody && { body: RAW_EVENT }),
        // OPTIONS is left open: a server may answer a CORS preflight without a token.
        ...(who.authorization === undefined &&
          !open &&
          method !== 'OPTIONS' && { expect: { status: 401, code: 'unauthorized' } }),
      };
    });
}
