/**
 * Test helper: selects the tfjs wasm backend once per worker (the site's default backend, and
 * bit-identical between Node and Chromium; stack.md §5) and offers small comparison helpers.
 */
import { useBestBackend } from '../../../src/runtime/backend';

let ready: Promise<void> | undefined;

/** The site's own backend selection (wasm, with the transposed-matMul kernels re-routed). */
export function setupBackend(): Promise<void> {
  ready ??= (async () => {
    const used = await useBestBackend('wasm');
    if (used.backend !== 'wasm') throw new Error(`tfjs wasm backend failed to initialise: ${used.fallbackReason ?? 'unknown reason'}`);
  })();
  return ready;
}

/** max |a − b| / max(1, max |b|): the golden parity measure. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < a.length; i += 1) {
    maxDiff = Math.max(maxDiff, Math.abs((a[i] as number) - (b[i] as number)));
    maxRef = Math.max(maxRef, Math.abs(b[i] as number));
  }
  return maxDiff / Math.max(1, maxRef);
}
