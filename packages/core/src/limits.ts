/**
 * Limits on what a client may send, each with its reason. The edge enforces
 * them before any work is done; the browser client checks them before queueing
 * so an offline command cannot be one the server will refuse for size.
 */

/** docs/api.md § Limits: a single command body, 256 KiB. Well under the 128 MiB Worker memory. */
export const MAX_COMMAND_BYTES = 256 * 1024;

/** docs/api.md § Limits: a batch body, 1 MiB. */
export const MAX_BATCH_BYTES = 1024 * 1024;

/** docs/api.md § Limits: commands in one batch. */
export const MAX_BATCH_COMMANDS = 100;

/**
 * Nesting of a payload. Deep nesting is a cheap way to make recursive code
 * (validation, canonical JSON, structured clone over RPC) overflow the stack;
 * no sane domain payload needs more than a few levels.
 */
export const MAX_PAYLOAD_DEPTH = 32;

/** Longest string anywhere in a payload; the body limit bounds the total anyway. */
export const MAX_STRING_LENGTH = 64 * 1024;

/**
 * Bytes of one `GET /api/events` answer, and of one page a projection reads
 * from the feed: the answer of a Durable Object call is capped at 32 MiB,
 * and a Worker holds a page as objects and as text in a 128 MiB isolate. A page
 * stops before the event that would cross this (so it may hold fewer than
 * `limit`; `hasMore` says so), but always holds at least one event: a stored
 * event is at most 2 MB (the Durable Object row limit), under this bound, so
 * every committed event can be delivered.
 */
export const MAX_FEED_PAGE_BYTES = 2 * 1024 * 1024;

/**
 * Bytes of one live socket frame. A fan-out or backlog larger than this goes
 * out as several frames; an event larger than this alone goes out alone.
 */
export const MAX_LIVE_FRAME_BYTES = 512 * 1024;

/** Bytes of rows in one `GET /api/views/:view` page; `next` continues after the last one. */
export const MAX_VIEW_PAGE_BYTES = 2 * 1024 * 1024;
