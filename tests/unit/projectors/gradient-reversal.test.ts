import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { gradientReversal, reversalSchedule } from '../../../src/projectors/ops/gradient-reversal';

describe('gradientReversal', () => {
  test('is the identity forward and multiplies the gradient by −λ', () => {
    const x = tf.tensor1d([1, -2, 3]);
    const y = gradientReversal(x, 0.5);
    expect(Array.from(y.dataSync())).toEqual([1, -2, 3]);
    // f(x) = Σ x² after the layer: plain gradient 2x, reversed −λ·2x.
    const g = tf.grad((t: tf.Tensor) => gradientReversal(t, 0.5).square().sum())(x);
    expect(Array.from(g.dataSync())).toEqual([-1, 2, -3]);
    const zero = tf.grad((t: tf.Tensor) => gradientReversal(t, 0).square().sum())(x);
    expect(Array.from(zero.dataSync()).map(Math.abs)).toEqual([0, 0, 0]);
    tf.dispose([x, y, g, zero]);
  });

  test('leaks no tensors and rejects a non-finite λ', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      tf.grad((t: tf.Tensor) => gradientReversal(t, 1).sum())(tf.ones([2, 3]));
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(() => gradientReversal(tf.scalar(1), Number.NaN)).toThrow(/lambda must be finite/);
  });

  test('the ACMR schedule rises from 0 towards 1', () => {
    expect(reversalSchedule(0)).toBe(0);
    expect(reversalSchedule(0.5)).toBeCloseTo(2 / (1 + Math.exp(-5)) - 1, 12);
    expect(reversalSchedule(1)).toBeCloseTo(0.99991, 5);
    expect(reversalSchedule(2)).toBe(reversalSchedule(1));
  });
});
