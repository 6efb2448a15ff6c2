/**
 * A TypeScript project that imports every entry point of the packed packages,
 * as an app would, for the scaffold test to type-check under both module
 * resolutions a consumer may use: `bundler` (Vite, wrangler) and `node16`.
 */

/** Package name → its export subpaths (`.`, `./testing`, ...), as the packed package.json lists them. */
export type PackedExports = Readonly<Record<string, readonly string[]>>;

const specifierOf = (name: string, subpath: string) => (subpath === '.' ? name : `${name}/${subpath.slice(2)}`);

/** File name → text: `check.ts` and one tsconfig per module resolution. */
export function consumerFiles(packed: PackedExports): Record<string, string> {
  const specifiers = Object.entries(packed).flatMap(([name, subpaths]) =>
    subpaths.map((subpath) => specifierOf(name, subpath)),
  );
  const imports = specifiers.map((specifier, i) => `import * as entry${i} from '${specifier}';`);
  const check = [
    ...imports,
    // Every entry point must export something, and a type from it must resolve.
    `export const entries: object[] = [${specifiers.map((_, i) => `entry${i}`).join(', ')}];`,
    `export type App = import('@tidemark/core').App;`,
    '',
  ].join('\n');
  const options = {
    target: 'ES2022',
    lib: ['ES2023', 'DOM', 'DOM.Iterable', 'WebWorker'],
    types: ['@cloudflare/workers-types/2023-07-01'],
    strict: true,
    noEmit: true,
    // Our declarations are what is under test: check them too, not only this file.
    skipLibCheck: false,
  };
  const tsconfig = (extra: object) =>
    `${JSON.stringify({ compilerOptions: { ...options, ...extra }, files: ['check.ts'] }, null, 2)}\n`;
  return {
    'package.json': `${JSON.stringify({ name: 'consumer-check', private: true, type: 'module' })}\n`,
    'check.ts': check,
    'tsconfig.bundler.json': tsconfig({ module: 'ESNext', moduleResolution: 'Bundler' }),
    'tsconfig.node16.json': tsconfig({ module: 'Node16', moduleResolution: 'Node16' }),
  };
}
