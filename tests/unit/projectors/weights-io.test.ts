/**
 * weights-io: save → load round trip with PyTorch names, and validation that rejects a bad file
 * (missing / unexpected tensor, shape, dtype) with a message naming the tensor, before any tf
 * tensor is created.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { serializeSafetensors } from '../../../src/primitives/safetensors';
import { spec as mlp, type Config as MlpConfig } from '../../../src/projectors/mlp';
import { loadWeights, saveWeights, tensorsFromSafetensors, tensorsToSafetensors } from '../../../src/projectors/weights-io';
import { setupBackend } from './setup';

beforeAll(setupBackend);

const cfg: MlpConfig = { visionDim: 3, llmDim: 4, depth: 2 };
const good = (): Record<string, { dtype: 'F32' | 'I32'; shape: number[]; data: Float32Array | Int32Array }> => ({
  '0.weight': { dtype: 'F32', shape: [4, 3], data: Float32Array.from({ length: 12 }, (_, i) => i / 10) },
  '0.bias': { dtype: 'F32', shape: [4], data: Float32Array.from([1, 2, 3, 4]) },
  '2.weight': { dtype: 'F32', shape: [4, 4], data: new Float32Array(16).fill(0.5) },
  '2.bias': { dtype: 'F32', shape: [4], data: new Float32Array(4) },
});

function expectRejected(tensors: ReturnType<typeof good>, message: string): void {
  const before = tf.memory().numTensors;
  expect(() => loadWeights(mlp, cfg, serializeSafetensors(tensors))).toThrow(message);
  expect(tf.memory().numTensors).toBe(before); // nothing half-loaded
}

describe('loadWeights / saveWeights', () => {
  it('round-trips initialised weights exactly, names and shapes as weightSpecs', () => {
    const w = mlp.init(cfg, 7);
    const loaded = loadWeights(mlp, cfg, saveWeights(w));
    expect(Object.keys(loaded).sort()).toEqual(mlp.weightSpecs(cfg).map((s) => s.name).sort());
    for (const [name, t] of Object.entries(w)) {
      expect(loaded[name]?.shape).toEqual(t.shape);
      expect(loaded[name]?.dataSync()).toEqual(t.dataSync());
    }
    tf.dispose([...Object.values(w), ...Object.values(loaded)]);
  });

  it('loads hand-written values into the right tensors', () => {
    const loaded = loadWeights(mlp, cfg, serializeSafetensors(good()));
    expect(Array.from(loaded['0.bias']?.dataSync() ?? [])).toEqual([1, 2, 3, 4]);
    expect(loaded['0.weight']?.arraySync()).toEqual([
      [0, 0.1, 0.2],
      [0.3, 0.4, 0.5],
      [0.6, 0.7, 0.8],
      [0.9, 1, 1.1],
    ].map((r) => r.map((v) => Math.fround(v))));
    tf.dispose(Object.values(loaded));
  });

  it('rejects a missing tensor', () => {
    const t = good();
    delete t['2.bias'];
    expectRejected(t, "missing tensor '2.bias' (expected [4]");
  });
  it('rejects an unexpected tensor', () => {
    expectRejected({ ...good(), '4.weight': { dtype: 'F32', shape: [1], data: new Float32Array(1) } }, "unexpected tensor '4.weight'");
  });
  it('rejects a transposed weight with both shapes in the message', () => {
    const t = good();
    t['0.weight'] = { dtype: 'F32', shape: [3, 4], data: new Float32Array(12) };
    expectRejected(t, "tensor '0.weight': expected [4, 3], got [3, 4]");
  });
  it('rejects an integer dtype for a weight', () => {
    const t = good();
    t['0.bias'] = { dtype: 'I32', shape: [4], data: new Int32Array(4) };
    expectRejected(t, "tensor '0.bias': dtype mismatch, expected a float type (F32/F16/BF16/F64), got I32");
  });
  it('reports every problem at once', () => {
    const t = good();
    delete t['0.bias'];
    t['2.bias'] = { dtype: 'F32', shape: [5], data: new Float32Array(5) };
    expectRejected(t, '(2 problems)');
  });
});

describe('tensorsFromSafetensors / tensorsToSafetensors', () => {
  it('round-trips float and int tensors and names a missing required tensor', () => {
    const v = tf.tensor3d([1, 2, 3, 4], [1, 2, 2]);
    const i = tf.tensor1d([3, 1], 'int32');
    const bytes = tensorsToSafetensors({ vision: v, idx: i });
    const back = tensorsFromSafetensors(bytes, ['vision']);
    expect(back.vision?.arraySync()).toEqual([[[1, 2], [3, 4]]]);
    expect(back.idx?.dtype).toBe('int32');
    expect(() => tensorsFromSafetensors(bytes, ['vision', 'text'])).toThrow("missing tensor 'text' (file has: idx, vision)");
    tf.dispose([v, i, ...Object.values(back)]);
  });
});
