/**
 * scripts/check-standalone.mjs, run as `npm run check` runs it, on small git
 * repositories made for each case: what it must refuse and what it must let be.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'check-standalone.mjs');
/** Built from parts, so that this file does not trip the check itself. */
const OUTSIDE = ['CONTRACT', 'md'].join('.');
const UP = '../';

const made = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A git repository holding `files` (path → text), all tracked. */
function repository(files) {
  const root = mkdtempSync(join(tmpdir(), 'standalone-'));
  made.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  execFileSync('git', ['init', '-q'], { cwd: root });
  execFileSync('git', ['add', '.'], { cwd: root });
  return root;
}

function check(root) {
  const run = spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe('check-standalone', () => {
  it('refuses a file that names a design document kept outside the repository', () => {
    const result = check(repository({ 'src/a.ts': `/** As ${OUTSIDE} says. */\n` }));
    expect(result.status).toBe(1);
    expect(result.output).toContain('src/a.ts:1');
  });

  it('refuses a link that climbs out of the repository', () => {
    const result = check(repository({ 'README.md': `Read [it](${UP}shared/notes.md).\n` }));
    expect(result.status).toBe(1);
    expect(result.output).toContain('README.md:1');
  });

  it('takes relative paths that stay inside, from any depth', () => {
    const root = repository({
      'docs/README.md': `Back to the [README](${UP}README.md).\n`,
      'test/bench/edge/a.ts': `import { b } from '${UP}shared/b';\n`,
      'test/bench/common/b.ts': 'export const b = 1;\n',
      'README.md': 'See docs/api.md § Limits... and .../elsewhere.\n',
    });
    expect(check(root)).toEqual({ status: 0, output: expect.stringContaining('no file cites') });
  });

  it('passes on this repository', () => {
    expect(check(join(dirname(SCRIPT), '..')).status).toBe(0);
  });
});
