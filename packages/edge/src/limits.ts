/**
 * Edge limits beyond the wire limits of @tidemark/core, each with its reason.
 */

/**
 * Events in one `GET /api/streams` answer. A Worker response has no hard cap,
 * but a stream of 100,000 events is tens of MiB of JSON held in memory twice
 * (object and text) in a 128 MiB isolate; callers page with `after`.
 */
export const MAX_STREAM_PAGE = 1000;

/** Snapshot an aggregate's state every this many events unless configured otherwise. */
export const DEFAULT_SNAPSHOT_EVERY = 100;

/** Lifetime of a token from `POST /api/dev/token`: a working day. */
export const DEV_TOKEN_TTL_SECONDS = 12 * 60 * 60;

/** Longest `sub` claim accepted; it is copied into every event's `meta.actor`. */
export const MAX_ACTOR_LENGTH = 256;

/** docs/api.md § Feed: `limit` of `GET /api/events` when absent. */
export const DEFAULT_FEED_PAGE = 500;

/** docs/api.md § Limits: a larger `limit` is treated as this. ~1 KiB an event keeps a page near 1 MiB. */
export const MAX_FEED_PAGE = 1000;

/** Events a live socket gets in one frame while it catches up; bytes are bounded by MAX_LIVE_FRAME_BYTES (core). */
export const LIVE_FRAME_EVENTS = 200;

/**
 * Bytes kept back from a page's byte bound for what wraps its items: the
 * `cursor`, `hasMore` or `next`, brackets and commas are counted apart.
 */
export const PAGE_ENVELOPE_BYTES = 1024;

/**
 * Bytes of last good view answers the Worker keeps per isolate to serve when a
 * projection fails. An isolate has 128 MB, shared by every tenant it serves;
 * one view page can be MAX_VIEW_PAGE_BYTES (core), so this holds several.
 */
export const STALE_CACHE_BYTES = 8 * 1024 * 1024;

/** WebSocket close code of a live socket whose token expired; the client reconnects with a fresh token. */
export const TOKEN_EXPIRED_CLOSE = { code: 4401, reason: 'token_expired' } as const;

/** docs/api.md § Consistency tokens: `waitFor` holds an answer at most this long, then `504 consistency_timeout`. */
export const WAIT_FOR_TIMEOUT_MS = 5000;

/**
 * How long a command's answer waits for the feed hand-off. Past it the command
 * still succeeds: the outbox and an alarm deliver the events later.
 */
export const HANDOFF_TIMEOUT_MS = 2000;

/** Events a projection reads from the feed and applies in one transaction; bytes are bounded by MAX_FEED_PAGE_BYTES (core). */
export const PROJECTION_PAGE = 500;

/**
 * Live sockets one tenant may hold open at once. A hibernated socket costs no
 * CPU, but each is memory in the feed object and a fan-out target on every
 * append; 500 covers many devices per tenant with room to spare.
 */
export const MAX_LIVE_SOCKETS_PER_TENANT = 500;
