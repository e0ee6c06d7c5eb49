/**
 * The Playground's Web Worker: one projector run at a time, off the page's thread. Cancel is the
 * page terminating this Worker (a forward pass is one synchronous tfjs call that no signal can
 * interrupt); every message is validated with zod.
 */
import { z } from 'zod';
import { useBestBackend } from '../../src/runtime/backend';
import { blobSource } from '../../src/primitives/safetensors';
import { getProjector, parseConfig } from '../../src/projectors/registry';
import { inspectCheckpoint } from './checkpoint';
import { runPlayground, saveSeededWeights, WeightsError } from './run';

const toWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run'), runId: z.number().int(), request: z.unknown() }).strict(),
  z.object({ type: z.literal('save'), runId: z.number().int(), kind: z.string(), config: z.unknown(), seed: z.number().int().min(0) }).strict(),
  z.object({ type: z.literal('inspect'), runId: z.number().int(), kind: z.string(), config: z.unknown(), file: z.custom<Blob>((v) => v instanceof Blob) }).strict(),
]);
const scope = self as unknown as { postMessage(m: unknown): void; onmessage: ((e: MessageEvent) => void) | null };

scope.onmessage = (event: MessageEvent) => {
  const parsed = toWorker.safeParse(event.data);
  if (!parsed.success) {
    scope.postMessage({ type: 'error', runId: -1, name: 'ProtocolError', message: 'bad message to the playground worker' });
    return;
  }
  const msg = parsed.data;
  const { runId } = msg;
  if (msg.type === 'save') {
    void (async () => {
      try {
        await useBestBackend('wasm');
        const bytes = saveSeededWeights(msg.kind, msg.config, msg.seed);
        scope.postMessage({ type: 'saved', runId, bytes });
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        scope.postMessage({ type: 'error', runId, name: e.name, message: e.message });
      }
    })();
    return;
  }
  if (msg.type === 'inspect') {
    void (async () => {
      try {
        const spec = getProjector(msg.kind);
        const config = parseConfig(msg.kind, msg.config);
        const { inspection } = await inspectCheckpoint(spec, config, blobSource(msg.file));
        scope.postMessage({ type: 'inspected', runId, inspection });
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        scope.postMessage({ type: 'error', runId, name: e.name, message: e.message });
      }
    })();
    return;
  }
  const { request } = msg;
  const progress = (fraction: number, message: string): void => scope.postMessage({ type: 'progress', runId, fraction, message });
  void (async () => {
    try {
      progress(0.05, 'loading the wasm backend');
      const used = await useBestBackend('wasm');
      const { record, forwardMs } = await runPlayground(request, { onProgress: progress, now: () => performance.now() }, used);
      scope.postMessage({ type: 'result', runId, record, forwardMs, ...(used.fallbackReason ? { fallbackReason: used.fallbackReason } : {}) });
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      scope.postMessage({ type: 'error', runId, name: e.name, message: e.message, ...(err instanceof WeightsError ? { inspection: err.inspection } : {}) });
    }
  })();
};
