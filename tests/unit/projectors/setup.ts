/**
 * Test helpers for the projector tests: selects the tfjs wasm backend once per worker (the site's
 * default backend, and bit-identical between Node and Chromium; stack.md §5), the golden parity
 * measure, and small tensor helpers.
 */
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../../../src/runtime/backend';
import type { Weights } from '../../../src/projectors/types';

let ready: Promise<void> | undefined;

/** The site's own backend selection (wasm, with the transposed-matMul kernels re-routed). */
export function setupBackend(): Promise<void> {
  ready ??= (async () => {
    const used = await useBestBackend('wasm');
    if (used.backend !== 'wasm') throw new Error(`tfjs wasm backend failed to initialise: ${used.fallbackReason ?? 'unknown reason'}`);
  })();
  return ready;
}

/**
 * max |a − b| / max(1, max |b|): the golden parity measure. Tensors must have the same shape;
 * arrays the same length.
 */
export function relError(a: ArrayLike<number> | tf.Tensor, b: ArrayLike<number> | tf.Tensor): number {
  if (a instanceof tf.Tensor && b instanceof tf.Tensor && a.shape.join() !== b.shape.join()) throw new Error(`shape mismatch [${a.shape}] vs [${b.shape}]`);
  const x = a instanceof tf.Tensor ? a.dataSync() : a;
  const y = b instanceof tf.Tensor ? b.dataSync() : b;
  if (x.length !== y.length) throw new Error(`length ${x.length} ≠ ${y.length}`);
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < x.length; i += 1) {
    maxDiff = Math.max(maxDiff, Math.abs((x[i] as number) - (y[i] as number)));
    maxRef = Math.max(maxRef, Math.abs(y[i] as number));
  }
  return maxDiff / Math.max(1, maxRef);
}

export const disposeWeights = (w: Weights): void => tf.dispose(Object.values(w));
