/**
 * Peak JS heap of a dedicated worker, sampled over CDP (`Runtime.getHeapUsage`
 * every 50 ms): `performance.memory` does not exist in workers. The heap is
 * V8's used size only; IndexedDB's buffers live in the browser process and
 * are not in it.
 */
import type { Browser, CDPSession } from 'playwright-core';

export interface HeapSampler {
  /** Stops sampling; the peak in MiB, or null if the worker was never seen. */
  stop(): Promise<number | null>;
}

/** Samples the first worker whose script URL ends with `suffix` that starts after this call. */
export async function sampleWorkerHeap(browser: Browser, suffix: string): Promise<HeapSampler> {
  const cdp = await browser.newBrowserCDPSession();
  const before = new Set((await targets(cdp)).map((target) => target.targetId));
  let sessionId: string | undefined;
  let peak: number | null = null;
  let nextId = 0;
  const answers = new Map<number, (usedSize: number) => void>();
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    const message = JSON.parse(event.message) as { id?: number; result?: { usedSize?: number } };
    if (message.id !== undefined) answers.get(message.id)?.(message.result?.usedSize ?? 0);
  });

  const sample = async (): Promise<void> => {
    if (sessionId === undefined) {
      const target = (await targets(cdp)).find(
        (t) => t.type === 'worker' && t.url.endsWith(suffix) && !before.has(t.targetId),
      );
      if (target === undefined) return;
      ({ sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false }));
    }
    const id = ++nextId;
    const used = new Promise<number>((resolve) => {
      answers.set(id, resolve);
      setTimeout(() => resolve(0), SAMPLE_TIMEOUT_MS);
    });
    const message = JSON.stringify({ id, method: 'Runtime.getHeapUsage' });
    await cdp.send('Target.sendMessageToTarget', { sessionId, message }).catch(() => undefined);
    const bytes = await used;
    answers.delete(id);
    if (bytes > 0) peak = Math.max(peak ?? 0, bytes / 2 ** 20);
  };

  let running = true;
  const loop = (async () => {
    while (running) {
      await sample().catch(() => undefined);
      await new Promise((done) => setTimeout(done, SAMPLE_EVERY_MS));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await cdp.detach().catch(() => undefined);
      return peak;
    },
  };
}

const SAMPLE_EVERY_MS = 50;
/** A worker inside a long task answers late; a missed sample is skipped, not waited for. */
const SAMPLE_TIMEOUT_MS = 1000;

async function targets(cdp: CDPSession) {
  return (await cdp.send('Target.getTargets')).targetInfos;
}
