/**
 * Worker entry for the Chromium bench page: runs the benchmark off the main thread, so the page
 * (and the Playwright driver polling it) stays responsive during multi-second matmuls.
 * In: {only?: string[]}. Out: {type:'row', text} per preset, then {type:'done', report} or {type:'error', message}.
 */
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../runtime/backend';
import { formatFixed } from '../primitives/format';
import { runBench } from './bench-core';

const scope = self as unknown as { postMessage(m: unknown): void; onmessage: ((e: MessageEvent) => void) | null };

scope.onmessage = (event: MessageEvent) => {
  const data = event.data as { only?: unknown };
  const only = Array.isArray(data.only) ? data.only.map(String) : undefined;
  void (async () => {
    try {
      const used = await useBestBackend('wasm');
      if (used.backend !== 'wasm') throw new Error(`wasm did not load: ${used.fallbackReason ?? 'unknown'}`);
      const report = await runBench(
        'chromium',
        () => performance.now(),
        () => tf.nextFrame(),
        (r) => scope.postMessage({ type: 'row', text: `${r.preset}: ${r.skipped ?? `${formatFixed(r.ms ?? 0, 1)} ms`}` }),
        only,
      );
      scope.postMessage({ type: 'done', report });
    } catch (err) {
      scope.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  })();
};
