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
