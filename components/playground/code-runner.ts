/**
 * Runs the code cell in its own Worker (notebooks/playground/code-worker.ts), loaded when the
 * reader first presses "Run my code". A run that takes longer than the time limit, or that the
 * reader cancels, ends the Worker: that also stops an endless loop in the reader's code.
 */
import { z } from 'zod';

export const TIME_LIMIT_MS = 30_000;

const resultSchema = z.union([
  z.object({ ok: z.literal(true), outputShape: z.array(z.number()), maxAbsDiff: z.number(), libraryMaxAbs: z.number() }),
  z.object({ ok: z.literal(false), stage: z.enum(['request', 'compile', 'run', 'result']), message: z.string(), line: z.number().optional() }),
]);
export type CodeResult = z.infer<typeof resultSchema>;
const fromWorker = z.object({ type: z.literal('code-result'), runId: z.number(), result: resultSchema });

let nextId = 1;

export function runCode(code: string, request: unknown): { promise: Promise<CodeResult>; cancel(): void } {
  const runId = nextId++;
  const w = new Worker(new URL('../../notebooks/playground/code-worker.ts', import.meta.url), { type: 'module', name: 'playground-code' });
  let settle: (r: CodeResult) => void = () => undefined;
  const promise = new Promise<CodeResult>((resolve) => {
    settle = (r) => {
      clearTimeout(timer);
      w.terminate();
      resolve(r);
    };
    w.onmessage = (event: MessageEvent) => {
      const parsed = fromWorker.safeParse(event.data);
      if (parsed.success && parsed.data.runId === runId) settle(parsed.data.result);
    };
    w.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      settle({ ok: false, stage: 'run', message: `the code Worker failed: ${event.message || 'it could not be loaded'}` });
    };
  });
  const timer = setTimeout(() => settle({ ok: false, stage: 'run', message: `stopped after ${TIME_LIMIT_MS / 1000} s (an endless loop?)` }), TIME_LIMIT_MS);
  w.postMessage({ type: 'code', runId, code, request });
  return { promise, cancel: () => settle({ ok: false, stage: 'run', message: 'cancelled' }) };
}
