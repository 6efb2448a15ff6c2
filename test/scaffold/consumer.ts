/**
 * TypeScript projects that import every entry point of the packed packages,
 * as an app would, for the scaffold test to type-check under both module
 * resolutions a consumer may use: `bundler` (Vite, wrangler) and `node16`.
 * Two environments, as an app has them: the Worker (Workers types, no DOM)
 * imports core and edge; the browser and tools (DOM) import core, client and
 * cli. Library checking stays on: the declarations are what is under test.
 */

/** Package name → its export subpaths (`.`, `./testing`, ...), as the packed package.json lists them. */
export type PackedExports = Readonly<Record<string, readonly string[]>>;

export const RESOLUTIONS = ['bundler', 'node16'] as const;
export const ENVIRONMENTS = ['worker', 'browser'] as const;
type Environment = (typeof ENVIRONMENTS)[number];

const specifierOf = (name: string, subpath: string) => (subpath === '.' ? name : `${name}/${subpath.slice(2)}`);
const belongsTo = (name: string, environment: Environment) =>
  name === '@tidemark/core' || (name === '@tidemark/edge') === (environment === 'worker');

function checkFile(packed: PackedExports, environment: Environment): string {
  const specifiers = Object.entries(packed)
    .filter(([name]) => belongsTo(name, environment))
    .flatMap(([name, subpaths]) => subpaths.map((subpath) => specifierOf(name, subpath)));
  return [
    ...specifiers.map((specifier, i) => `import * as entry${i} from '${specifier}';`),
    // Every entry point must resolve to a module with declarations.
    `export const entries: object[] = [${specifiers.map((_, i) => `entry${i}`).join(', ')}];`,
    '',
  ].join('\n');
}

function tsconfig(environment: Environment, resolution: (typeof RESOLUTIONS)[number]): string {
  const compilerOptions = {
    target: 'ES2022',
    module: resolution === 'node16' ? 'Node16' : 'ESNext',
    moduleResolution: resolution === 'node16' ? 'Node16' : 'Bundler',
    lib: environment === 'worker' ? ['ES2023'] : ['ES2023', 'DOM', 'DOM.Iterable'],
    types: environment === 'worker' ? ['@cloudflare/workers-types/2023-07-01'] : [],
    strict: true,
    noEmit: true,
    skipLibCheck: false,
  };
  return `${JSON.stringify({ compilerOptions, files: [`${environment}.ts`] }, null, 2)}\n`;
}

/** File name → text: `<environment>.ts` and `tsconfig.<environment>.<resolution>.json`. */
export function consumerFiles(packed: PackedExports): Record<string, string> {
  const files: Record<string, string> = {
    'package.json': `${JSON.stringify({ name: 'consumer-check', private: true, type: 'module' })}\n`,
  };
  for (const environment of ENVIRONMENTS) {
    files[`${environment}.ts`] = checkFile(packed, environment);
    for (const resolution of RESOLUTIONS) {
      files[`tsconfig.${environment}.${resolution}.json`] = tsconfig(environment, resolution);
    }
  }
  return files;
}
