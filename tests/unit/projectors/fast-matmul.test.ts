/**
 * The wasm speed fixes must not change the arithmetic: transposed products routed through the fast
 * kernel (src/runtime/wasm-matmul-transpose.ts) equal the same products with explicit transposes, and
 * linear()'s own gradient (src/projectors/ops/linear.ts) equals the gradient tfjs derives for the
 * textbook x·Wᵀ + b.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { installWasmMatMulTranspose, isTransposeRouted } from '../../../src/runtime/wasm-matmul-transpose';
import { l2Norm } from '../../../src/projectors/ops/l2norm';
import { linear } from '../../../src/projectors/ops/linear';
import { createRng } from '../../../src/primitives/rng';
import { relError, setupBackend } from './setup';

const rng = createRng(11);
const rand = (shape: number[]): tf.Tensor => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next() * 2 - 1), shape);
const swap = (t: tf.Tensor): tf.Tensor => tf.transpose(t, [...Array.from({ length: t.rank - 2 }, (_, i) => i), t.rank - 1, t.rank - 2]);
const dataIds = (): number => tf.engine().backend.numDataIds();

describe('wasm transposed matMul', () => {
  beforeAll(setupBackend);

  test('is installed on the wasm backend, once', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(isTransposeRouted('BatchMatMul')).toBe(true);
    expect(isTransposeRouted('_FusedMatMul')).toBe(true);
    const before = tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc;
    installWasmMatMulTranspose();
    expect(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc).toBe(before);
  });

  test.each([
    [false, true],
    [true, false],
    [true, true],
  ])('transposeA=%s transposeB=%s equals the explicit product, rank 2 and rank 4, and frees its temporaries', (ta, tb) => {
    for (const [aShape, bShape] of [
      [[37, 23], [23, 41]],
      [[2, 3, 9, 5], [2, 3, 5, 7]],
    ] as const) {
      const a0 = rand([...aShape]);
      const b0 = rand([...bShape]);
      const a = ta ? swap(a0) : a0; // stored transposed, so the flag undoes it
      const b = tb ? swap(b0) : b0;
      const ids = dataIds();
      const got = tf.matMul(a, b, ta, tb);
      expect(dataIds()).toBe(ids + 1); // only the output remains
      const want = tf.matMul(a0, b0);
      expect(got.shape).toEqual(want.shape);
      expect(relError(got.dataSync(), want.dataSync())).toBeLessThan(1e-6);
      tf.dispose([a0, b0, a, b, got, want]);
    }
  });

  test('fused matMul with transposeB and a bias equals the explicit product plus the bias', () => {
    const x = rand([13, 8]);
    const w = rand([6, 8]); // [out, in]
    const bias = rand([6]);
    const got = tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, transposeB: true, bias, activation: 'relu' });
    const want = tf.relu(tf.matMul(x, tf.transpose(w)).add(bias));
    expect(relError(got.dataSync(), want.dataSync())).toBeLessThan(1e-6);
    tf.dispose([x, w, bias, got, want]);
  });
});

describe('linear() with its own gradient', () => {
  beforeAll(setupBackend);

  test('value and gradients equal those of x·Wᵀ + b differentiated by tfjs, for a rank-3 input', () => {
    const x = rand([2, 5, 7]); // [B, N, in]
    const w = rand([4, 7]); // [out, in]
    const b = rand([4]);
    const target = rand([2, 5, 4]);
    const lossOf = (f: (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.Tensor) => (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor): tf.Scalar =>
      f(xx, ww, bb).sub(target).square().sum() as tf.Scalar;
    const ours = tf.grads(lossOf((xx, ww, bb) => linear(xx, ww, bb)));
    // The textbook form, differentiated by tfjs: [B, N, in] → [B·N, in] × [in, out] → [B, N, out].
    const textbook = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor): tf.Tensor => tf.matMul(xx.reshape([-1, 7]), ww, false, true).add(bb).reshape([2, 5, 4]);
    const reference = tf.grads(lossOf(textbook));
    const got = ours([x, w, b]);
    const want = reference([x, w, b]);
    expect(relError(linear(x, w, b).dataSync(), textbook(x, w, b).dataSync())).toBeLessThan(1e-6);
    got.forEach((g, i) => {
      expect(g.shape, `gradient ${i}`).toEqual(want[i]!.shape);
      expect(relError(g.dataSync(), want[i]!.dataSync()), `gradient ${i}`).toBeLessThan(1e-5);
    });
  });

  test('l2Norm equals tf.norm along an axis', () => {
    const x = rand([6, 9]);
    expect(relError(l2Norm(x, 1).dataSync(), tf.norm(x, 'euclidean', 1).dataSync())).toBeLessThan(1e-6);
    expect(l2Norm(x, -1, true).shape).toEqual([6, 1]);
  });
});
