/**
 * Web Worker entry: runs one notebook at a time off the main thread, so the page stays responsive
 * during heavy runs. Receives {type:'run'} and {type:'cancel'}; posts progress, then a result or
 * an error. Cancel aborts the run's AbortSignal; the notebook throws an AbortError at its next
 * checkpoint and every tensor is released by its finally blocks.
 */
import { useBestBackend } from '../../src/runtime/backend';
import { getNotebook } from '../registry';
import { runWithMeta } from './run-meta';
import { ConfigError } from '../types';
import { toWorkerSchema, type FromWorker } from './worker-protocol';

const scope = self as unknown as { postMessage(m: FromWorker): void; onmessage: ((e: MessageEvent) => void) | null };
const post = (m: FromWorker): void => scope.postMessage(m);
const running = new Map<number, AbortController>();

async function start(runId: number, id: string, config: unknown, backend: 'wasm' | 'cpu'): Promise<void> {
  const controller = new AbortController();
  running.set(runId, controller);
  try {
    const nb = getNotebook(id);
    post({ type: 'progress', runId, fraction: 0, message: `loading the ${backend} backend` });
    const used = await useBestBackend(backend);
    // performance.now only times the run for display; it never enters the record.
    const t0 = performance.now();
    const record = await runWithMeta(
      nb,
      config,
      { onProgress: (fraction, message) => post({ type: 'progress', runId, fraction: Math.min(1, Math.max(0, fraction)), message }), signal: controller.signal },
      used,
    );
    post({ type: 'result', runId, record, elapsedMs: performance.now() - t0, ...(used.fallbackReason ? { fallbackReason: used.fallbackReason } : {}) });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    post({ type: 'error', runId, name: e.name, message: e.message, ...(err instanceof ConfigError ? { issues: [...err.issues] } : {}) });
  } finally {
    running.delete(runId);
  }
}

scope.onmessage = (event: MessageEvent) => {
  const parsed = toWorkerSchema.safeParse(event.data);
  if (!parsed.success) {
    post({ type: 'error', runId: -1, name: 'ProtocolError', message: `bad message to the notebook worker: ${parsed.error.message}` });
    return;
  }
  const msg = parsed.data;
  if (msg.type === 'cancel') running.get(msg.runId)?.abort();
  else void start(msg.runId, msg.id, msg.config, msg.backend);
};
