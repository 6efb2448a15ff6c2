import { describe, expect, it } from 'vitest';
import { appManifest, appName, NODE_ENGINE, tarballOf } from './app-manifest';

describe('appName', () => {
  it('makes an npm package name of a folder name', () => {
    expect(appName('My Board!')).toBe('my-board');
    expect(appName('board-app')).toBe('board-app');
    expect(appName('***')).toBe('tidemark-app');
  });
});

describe('tarballOf', () => {
  const files = ['tidemark-core-0.1.0.tgz', 'tidemark-core-extra-0.1.0.tgz', 'create-tidemark-0.1.0.tgz'];

  it('finds a scoped package by npm pack’s file name, not a package whose name only starts the same', () => {
    expect(tarballOf('@tidemark/core', files)).toBe('tidemark-core-0.1.0.tgz');
    expect(tarballOf('@tidemark/edge', files)).toBeUndefined();
  });
});

describe('appManifest', () => {
  it('depends on the Tidemark packages as given, the CLI as a dev tool, on the Node the toolchain needs', () => {
    const manifest = appManifest('board', {
      '@tidemark/core': '^0.1.0',
      '@tidemark/edge': '^0.1.0',
      '@tidemark/client': 'file:/packs/tidemark-client-0.1.0.tgz',
      '@tidemark/cli': '^0.1.0',
    });
    expect(manifest.dependencies).toMatchObject({
      '@tidemark/core': '^0.1.0',
      '@tidemark/client': 'file:/packs/tidemark-client-0.1.0.tgz',
      zod: expect.any(String),
    });
    expect(manifest.devDependencies['@tidemark/cli']).toBe('^0.1.0');
    expect(manifest.engines.node).toBe(NODE_ENGINE);
    // The development switches come from .dev.vars, made before start and test.
    expect(manifest.scripts.start).toMatch(/^node scripts\/dev-vars\.mjs && /);
    expect(manifest.scripts.test).toMatch(/^node scripts\/dev-vars\.mjs && /);
  });
});
