/**
 * Limits on what a client may send, each with its reason. The edge enforces
 * them before any work is done; the browser client checks them before queueing
 * so an offline command cannot be one the server will refuse for size.
 */

/** CONTRACT.md: a single command body, 256 KiB. Well under the 128 MiB Worker memory. */
export const MAX_COMMAND_BYTES = 256 * 1024;

/** CONTRACT.md: a batch body, 1 MiB. */
export const MAX_BATCH_BYTES = 1024 * 1024;

/** CONTRACT.md: commands in one batch. */
export const MAX_BATCH_COMMANDS = 100;

/**
 * Nesting of a payload. Deep nesting is a cheap way to make recursive code
 * (validation, canonical JSON, structured clone over RPC) overflow the stack;
 * no sane domain payload needs more than a few levels.
 */
export const MAX_PAYLOAD_DEPTH = 32;

/** Longest string anywhere in a payload; the body limit bounds the total anyway. */
export const MAX_STRING_LENGTH = 64 * 1024;
