/**
 * The code cell's own Worker: the only place the reader's code runs (./user-code.ts compiles it
 * with new Function). It has no DOM and shares nothing with the page but these messages; the page
 * ends it after a time limit or on Cancel, which also stops an endless loop.
 */
import { z } from 'zod';
import { useBestBackend } from '../../src/runtime/backend';
import { runUserCode } from './user-code';

const toWorker = z.object({ type: z.literal('code'), runId: z.number().int(), code: z.string(), request: z.unknown() }).strict();
const scope = self as unknown as { postMessage(m: unknown): void; onmessage: ((e: MessageEvent) => void) | null };

scope.onmessage = (event: MessageEvent) => {
  const parsed = toWorker.safeParse(event.data);
  if (!parsed.success) return;
  const { runId, code, request } = parsed.data;
  void (async () => {
    try {
      await useBestBackend('wasm');
      scope.postMessage({ type: 'code-result', runId, result: await runUserCode(code, request) });
    } catch (err) {
      scope.postMessage({ type: 'code-result', runId, result: { ok: false, stage: 'run', message: err instanceof Error ? err.message : String(err) } });
    }
  })();
};
