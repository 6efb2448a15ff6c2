#!/usr/bin/env node
/**
 * The repository stands alone: no tracked file may cite a document that a
 * person who clones it does not get. Fails (exit 1), listing file:line, when a
 * file names one of the design documents that lived beside the repository
 * while it was written, or holds a relative path that climbs out of the
 * repository root. Cite docs/ (api.md, architecture.md, guide.md) instead.
 *
 * Run by `npm run check`. Usage: node scripts/check-standalone.mjs [root]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Documents outside the repository, built from parts so this file does not cite them itself. */
const OUTSIDE_DOCUMENTS = new RegExp(`\\b(?:${['CONTRACT', 'DESIGN', 'STYLE'].join('|')})\\.md\\b`);

/** A relative path: `../` once or more, then a path character; not the tail of `.../`. */
const RELATIVE_PATH = /(?<![\w.])(?:\.\.\/)+[\w@-][\w@.\-/]*/g;

/** Generated files, whose relative paths are not relative to the file itself (pnpm's `link:` entries). */
const SKIPPED = new Set(['pnpm-lock.yaml']);

/** Files that are not text: nothing to cite in them. */
const BINARY = /\.(?:png|jpe?g|gif|webp|ico|woff2?|ttf|wasm|zip|gz)$/i;

const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const problems = [];
for (const file of trackedFiles(root)) {
  if (SKIPPED.has(file) || BINARY.test(file)) continue;
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  lines.forEach((line, index) => {
    for (const reason of citationsOutside(file, line)) problems.push(`${file}:${index + 1}: ${reason}`);
  });
}

if (problems.length > 0) {
  console.error(`${problems.length} citation(s) of files outside the repository; cite docs/ instead:`);
  for (const problem of problems) console.error(`  ${problem}`);
  process.exit(1);
}
console.log('check-standalone: no file cites anything outside the repository');

/** Why a line of `file` (a path from the root) cites something outside the repository, if it does. */
function citationsOutside(file, line) {
  const reasons = [];
  const document = OUTSIDE_DOCUMENTS.exec(line);
  if (document !== null) reasons.push(`cites ${document[0]}, which is not in the repository`);
  for (const [path] of line.matchAll(RELATIVE_PATH)) {
    const target = relative(root, resolve(root, dirname(file), path));
    if (target.startsWith('..')) reasons.push(`${path} points outside the repository`);
  }
  return reasons;
}

function trackedFiles(dir) {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: dir, encoding: 'utf8' });
  return out.split('\0').filter((file) => file !== '');
}
