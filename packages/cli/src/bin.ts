#!/usr/bin/env node
import { moduleLoader } from './load-module';
/**
 * The `tidemark` command (package.json `bin`, built to dist/bin.js): runs on
 * plain Node, Ctrl-C stops it cleanly (twice: at once).
 */
import { run } from './main';

const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort();
});

process.exitCode = await run(process.argv, {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
  loadModule: moduleLoader(process.cwd()),
});
