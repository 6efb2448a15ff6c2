// Builds the bench page, serves it on 127.0.0.1, runs it in headless Chromium, prints JSON.
import { createServer } from 'node:http';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const orders = Number(process.argv[2] ?? 20000);
const naiveEvents = Number(process.argv[3] ?? 5000);
const bundle = await build({
  entryPoints: [new URL('./bench-page.ts', import.meta.url).pathname],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  write: false,
  target: 'es2022',
  minify: true,
});
const js = bundle.outputFiles[0].text;
const server = createServer((req, res) => {
  if (req.url === '/bench.js') {
    res.writeHead(200, { 'content-type': 'text/javascript' });
    res.end(js);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end('<!doctype html><script type="module" src="/bench.js"></script>');
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--enable-precise-memory-info',
  ],
});
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('pageerror', e.message));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => typeof window.runBench === 'function');
  const result = await page.evaluate(([o, n]) => window.runBench(o, n), [orders, naiveEvents]);
  console.log(JSON.stringify(result, null, 2));
} finally {
  await browser.close();
  server.close();
}
