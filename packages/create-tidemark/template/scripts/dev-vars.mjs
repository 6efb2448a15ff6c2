// `npm start` and `npm test` run this first: the development switches live in a
// git-ignored .dev.vars, made from the committed example, never in wrangler.toml.
import { copyFileSync, existsSync } from 'node:fs';

if (!existsSync('.dev.vars')) {
  copyFileSync('.dev.vars.example', '.dev.vars');
  console.log('wrote .dev.vars from .dev.vars.example (development sign-in on for wrangler dev)');
}
