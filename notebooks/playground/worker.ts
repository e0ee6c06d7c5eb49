/**
 * The Playground's Web Worker: one projector run at a time, off the page's thread. Cancel is the
 * page terminating this Worker (a forward pass is one synchronous tfjs call that no signal can
 * interrupt); every message is validated with zod.
 */
import { z } from 'zod';
import { useBestBackend } from '../../src/runtime/backend';
import { runPlayground } from './run';

const toWorker = z.object({ type: z.literal('run'), runId: z.number().int(), request: z.unknown() }).strict();
const scope = self as unknown as { postMessage(m: unknown): void; onmessage: ((e: MessageEvent) => void) | null };

scope.onmessage = (event: MessageEvent) => {
  const parsed = toWorker.safeParse(event.data);
  if (!parsed.success) {
    scope.postMessage({ type: 'error', runId: -1, name: 'ProtocolError', message: 'bad message to the playground worker' });
    return;
  }
  const { runId, request } = parsed.data;
  const progress = (fraction: number, message: string): void => scope.postMessage({ type: 'progress', runId, fraction, message });
  void (async () => {
    try {
      progress(0.05, 'loading the wasm backend');
      const used = await useBestBackend('wasm');
      const { record, forwardMs } = await runPlayground(request, { onProgress: progress, now: () => performance.now() }, used);
      scope.postMessage({ type: 'result', runId, record, forwardMs, ...(used.fallbackReason ? { fallbackReason: used.fallbackReason } : {}) });
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      scope.postMessage({ type: 'error', runId, name: e.name, message: e.message });
    }
  })();
};
