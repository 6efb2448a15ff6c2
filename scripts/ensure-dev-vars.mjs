// `wrangler dev` reads development settings from the git-ignored `.dev.vars`.
// Copies the committed `.dev.vars.example` there when it is missing, so
// `npm start` and `npm test` work on a fresh clone; an existing `.dev.vars`
// (a developer's own settings) is never overwritten.
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const target = join(root, '.dev.vars');
if (!existsSync(target)) {
  copyFileSync(join(root, '.dev.vars.example'), target);
  console.log('Created .dev.vars from .dev.vars.example (development settings for wrangler dev).');
}
