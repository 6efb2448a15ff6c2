/**
 * `@tidemark/cli`: the `tidemark` command (dist/bin.js, built from src/bin.ts, runs {@link run}),
 * and the pure helpers it is made of, for tests and other tools.
 */
export { findApp, foldStream, type ModuleLoader, splitAppSpecifier } from './app-module';
export { CliError, EXIT, errorLine, isCliError } from './cli-error';
export { type StreamSummary, summarize } from './commands/events-replay';
export { progressLine, rebuildPercent } from './commands/rebuild-progress';
export { DEFAULT_URL, parseBaseUrl, type Runtime } from './context';
export { countsLine, eventsTable, jsonLine, projectionsTable, renderTable, shortPosition } from './format';
export { httpError } from './http-client';
export { run } from './main';
export { parsePrometheus, type Sample, sumBy, sumOf } from './prometheus';
export { counterDelta, perSecond, type Reading, type Throughput, throughput } from './throughput';
