import { defineConfig } from 'tsdown';

/** The bin, and the app it writes copied beside it (dist/template). */
export default defineConfig({
  cwd: import.meta.dirname,
  entry: { index: './src/index.ts' },
  format: 'esm',
  fixedExtension: false,
  platform: 'node',
  target: 'node20',
  dts: false,
  clean: true,
  copy: [{ from: 'template', to: 'dist' }],
});
