/**
 * Worker entry for the Lab benchmark page: runs the benchmark off the main thread, so the page stays
 * responsive during multi-second matmuls. Cancel is `worker.terminate()` on the page (a matmul in
 * flight cannot be interrupted any other way); the next Run starts a fresh Worker.
 *
 * In:  {only?: string[], sizes?: number[], variants?: boolean}
 * Out: {type:'progress', done, total, label} before each measurement,
 *      {type:'peak', row} / {type:'row', row} after each, then {type:'done', report} or {type:'error', message}.
 */
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../runtime/backend';
import { runBench } from './bench-core';

const scope = self as unknown as { postMessage(m: unknown): void; onmessage: ((e: MessageEvent) => void) | null; navigator: Navigator };

scope.onmessage = (event: MessageEvent) => {
  const data = (event.data ?? {}) as { only?: unknown; sizes?: unknown; variants?: unknown };
  const only = Array.isArray(data.only) ? data.only.map(String) : undefined;
  const sizes = Array.isArray(data.sizes) ? data.sizes.map(Number) : undefined;
  void (async () => {
    try {
      const used = await useBestBackend('wasm');
      if (used.backend !== 'wasm') throw new Error(`wasm did not load: ${used.fallbackReason ?? 'unknown'}`);
      const nav = scope.navigator;
      const ua = nav.userAgent;
      const report = await runBench(
        {
          env: /HeadlessChrome|Chrome\//.test(ua) ? 'chromium' : 'browser',
          runtime: ua,
          machine: `${nav.hardwareConcurrency} logical cores (as the browser reports them)`,
          date: new Date().toISOString(),
        },
        { now: () => performance.now(), pause: () => tf.nextFrame() },
        {
          only,
          peakSizes: sizes,
          variants: data.variants === true,
          onProgress: (done, total, label) => scope.postMessage({ type: 'progress', done, total, label }),
          onPeak: (row) => scope.postMessage({ type: 'peak', row }),
          onRow: (row) => scope.postMessage({ type: 'row', row }),
        },
      );
      scope.postMessage({ type: 'done', report });
    } catch (err) {
      scope.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  })();
};
