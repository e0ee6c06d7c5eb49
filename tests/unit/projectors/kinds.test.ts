/**
 * Contract tests for every non-attention projector kind: shape table, errors naming the bad
 * argument (config schema and input shapes), config JSON round trip, determinism by seed,
 * paramCount = initialised size = weightSpecs size, no leaked tensors, and gradients reaching
 * every weight through tf.variableGrads on the wasm backend.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fnv1aFloat32 } from '../../../src/primitives/rng';
import { clipLoss } from '../../../src/projectors/dual-projection';
import { specsSize, weightsSize } from '../../../src/projectors/ops/common';
import { getProjector, parseConfig } from '../../../src/projectors/registry';
import type { ApplyInput, InputShapes, Weights } from '../../../src/projectors/types';
import { setupBackend } from './setup';

beforeAll(setupBackend);

interface Case {
  name: string;
  kind: string;
  cfg: Record<string, unknown>;
  input: InputShapes;
  out: number[];
  badInput: InputShapes;
  badInputMessage: string;
  badField: string;
}

const cases: Case[] = [
  { name: 'linear', kind: 'linear', cfg: { visionDim: 6, llmDim: 8 }, input: { vision: [2, 4, 6] }, out: [2, 4, 8], badInput: { vision: [2, 4, 5] }, badInputMessage: 'input.vision[2] must equal config.visionDim = 6, got 5', badField: 'visionDim' },
  { name: 'linear concat 4', kind: 'linear', cfg: { visionDim: 6, llmDim: 8, concat: 4 }, input: { vision: [2, 8, 6] }, out: [2, 2, 8], badInput: { vision: [2, 6, 6] }, badInputMessage: 'input.vision[1] = 6 must be divisible by config.concat = 4', badField: 'concat' },
  { name: 'linear split 4', kind: 'linear', cfg: { visionDim: 6, llmDim: 8, split: 4 }, input: { vision: [2, 1, 6] }, out: [2, 4, 8], badInput: { vision: [2, 6] }, badInputMessage: 'input.vision must have rank 3', badField: 'split' },
  { name: 'mlp', kind: 'mlp', cfg: { visionDim: 6, llmDim: 8, depth: 3 }, input: { vision: [2, 5, 6] }, out: [2, 5, 8], badInput: { vision: [2, 5, 8] }, badInputMessage: 'input.vision[2] must equal config.visionDim = 6, got 8', badField: 'depth' },
  { name: 'low-rank', kind: 'low-rank', cfg: { visionDim: 6, rank: 2, llmDim: 8 }, input: { vision: [1, 3, 6] }, out: [1, 3, 8], badInput: { vision: [0, 3, 6] }, badInputMessage: 'input.vision[0] must be a positive integer, got 0', badField: 'rank' },
  { name: 'pixel-shuffle-mlp', kind: 'pixel-shuffle-mlp', cfg: { visionDim: 4, llmDim: 8 }, input: { vision: [2, 36, 4] }, out: [2, 9, 8], badInput: { vision: [2, 25, 4] }, badInputMessage: 'grid side 5 must be divisible by config.downsample = 2', badField: 'downsample' },
  { name: 'ldp v1', kind: 'ldp', cfg: { visionDim: 4, llmDim: 8, version: 1 }, input: { vision: [2, 25, 4] }, out: [2, 9, 8], badInput: { vision: [2, 24, 4] }, badInputMessage: 'input.vision[1] = 24 is not a perfect square', badField: 'version' },
  { name: 'ldp v2', kind: 'ldp', cfg: { visionDim: 4, llmDim: 8, version: 2, poolSize: 3 }, input: { vision: [1, 36, 4] }, out: [1, 9, 8], badInput: { vision: [1, 35, 4] }, badInputMessage: 'is not a perfect square', badField: 'poolSize' },
  { name: 'c-abstractor', kind: 'c-abstractor', cfg: { visionDim: 4, hiddenDim: 8, llmDim: 8, depth: 1, numQueries: 4, numInputTokens: 16 }, input: { vision: [1, 16, 4] }, out: [1, 4, 8], badInput: { vision: [1, 9, 4] }, badInputMessage: 'input.vision[1] = 9 must equal config.numInputTokens = 16', badField: 'numQueries' },
  { name: 'token-selection', kind: 'token-selection', cfg: { visionDim: 6, llmDim: 8, keep: 3 }, input: { vision: [2, 5, 6], text: [2, 4, 8] }, out: [2, 3, 8], badInput: { vision: [2, 2, 6], text: [2, 4, 8] }, badInputMessage: 'config.keep = 3 must be ≤ input.vision[1] = 2', badField: 'keep' },
  { name: 'dual-projection', kind: 'dual-projection', cfg: { visionDim: 6, textDim: 4, embedDim: 3 }, input: { vision: [3, 1, 6], text: [3, 1, 4] }, out: [3, 1, 3], badInput: { vision: [3, 1, 6], text: [2, 1, 4] }, badInputMessage: 'input.text[0] = 2 must equal input.vision[0] = 3', badField: 'embedDim' },
  { name: 'codebook', kind: 'codebook', cfg: { codebookSize: 5, codeDim: 3 }, input: { vision: [2, 4, 3] }, out: [2, 4, 3], badInput: { vision: [2, 4, 2] }, badInputMessage: 'input.vision[2] must equal config.codeDim = 3, got 2', badField: 'codebookSize' },
];

/** Deterministic input tensors for a case (seeded tfjs RNG, identical on every backend). */
function makeInput(shapes: InputShapes, seed: number): ApplyInput {
  return {
    vision: tf.randomNormal<tf.Rank>([...shapes.vision], 0, 1, 'float32', seed) as tf.Tensor3D,
    text: shapes.text ? (tf.randomNormal<tf.Rank>([...shapes.text], 0, 1, 'float32', seed + 1) as tf.Tensor3D) : undefined,
  };
}

const hashWeights = (w: Weights): string => {
  const names = Object.keys(w).sort();
  const all = new Float32Array(names.reduce((a, n) => a + (w[n]?.size ?? 0), 0));
  let off = 0;
  for (const n of names) {
    const d = w[n]?.dataSync() as Float32Array;
    all.set(d, off);
    off += d.length;
  }
  return fnv1aFloat32(all);
};

describe.each(cases)('$name', (c) => {
  const spec = getProjector(c.kind);
  const cfg = parseConfig(c.kind, c.cfg);

  it('config survives a JSON round trip through the schema', () => {
    expect(parseConfig(c.kind, JSON.parse(JSON.stringify(cfg)))).toEqual(cfg);
    expect(parseConfig(c.kind, spec.defaults)).toEqual(spec.defaults);
  });

  it('rejects a bad config field and an unknown field, naming them', () => {
    expect(() => parseConfig(c.kind, { ...c.cfg, [c.badField]: -1 })).toThrow(`config.${c.badField}`);
    expect(() => parseConfig(c.kind, { ...c.cfg, bogusField: 1 })).toThrow("Unrecognized key(s) in object: 'bogusField'");
  });

  it('outputShape and apply agree with the shape table', () => {
    expect(spec.outputShape(cfg, c.input)).toEqual(c.out);
    const w = spec.init(cfg, 1);
    const x = makeInput(c.input, 3);
    const { tokens, trace } = spec.apply(cfg, w, x);
    expect(tokens.shape).toEqual(c.out);
    expect(Array.from(tokens.dataSync()).every(Number.isFinite)).toBe(true);
    expect(spec.flops(cfg, c.input)).toBeGreaterThan(0);
    tf.dispose([tokens, ...Object.values(trace), ...Object.values(w), x.vision, x.text ?? []]);
  });

  it('rejects a bad input shape, naming the argument (outputShape and apply)', () => {
    expect(() => spec.outputShape(cfg, c.badInput)).toThrow(c.badInputMessage);
    if (c.badInput.vision.length === 3 && c.badInput.vision.every((d) => d > 0)) {
      const w = spec.init(cfg, 1);
      const x = makeInput(c.badInput, 3);
      const before = tf.memory().numTensors;
      expect(() => spec.apply(cfg, w, x)).toThrow(c.badInputMessage);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([...Object.values(w), x.vision, x.text ?? []]);
    }
  });

  it('paramCount = summed weightSpecs = summed initialised weights, same names and shapes', () => {
    const w = spec.init(cfg, 5);
    const specs = spec.weightSpecs(cfg);
    expect(spec.paramCount(cfg)).toBe(specsSize(specs));
    expect(weightsSize(w)).toBe(specsSize(specs));
    expect(Object.keys(w).sort()).toEqual(specs.map((s) => s.name).sort());
    for (const s of specs) expect(w[s.name]?.shape).toEqual([...s.shape]);
    tf.dispose(Object.values(w));
  });

  it('is deterministic by seed (init and forward)', () => {
    const a = spec.init(cfg, 11);
    const b = spec.init(cfg, 11);
    const d = spec.init(cfg, 12);
    expect(hashWeights(a)).toBe(hashWeights(b));
    expect(hashWeights(a)).not.toBe(hashWeights(d));
    const x = makeInput(c.input, 4);
    const ya = spec.apply(cfg, a, x);
    const yb = spec.apply(cfg, b, x);
    expect(fnv1aFloat32(ya.tokens.dataSync() as Float32Array)).toBe(fnv1aFloat32(yb.tokens.dataSync() as Float32Array));
    tf.dispose([...Object.values(a), ...Object.values(b), ...Object.values(d), x.vision, x.text ?? [], ya.tokens, yb.tokens, ...Object.values(ya.trace), ...Object.values(yb.trace)]);
  });

  it('leaks no tensors: only the returned tokens and trace remain', () => {
    const w = spec.init(cfg, 2);
    const x = makeInput(c.input, 5);
    const before = tf.memory().numTensors;
    const { tokens, trace } = spec.apply(cfg, w, x);
    const returned = new Set([tokens, ...Object.values(trace)].map((t) => t.id)).size;
    expect(tf.memory().numTensors).toBe(before + returned);
    tf.dispose([tokens, ...Object.values(trace)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...Object.values(w), x.vision, x.text ?? []]);
  });

  it('is differentiable: tf.variableGrads gives a finite, non-zero gradient for every weight', () => {
    const init = spec.init(cfg, 9);
    const vars: Record<string, tf.Variable> = Object.fromEntries(Object.entries(init).map(([n, t]) => [n, tf.variable(t, true, `${c.name}/${n}/${Object.keys(init).indexOf(n)}`)]));
    const x = makeInput(c.input, 6);
    const { value, grads } = tf.variableGrads(() => {
      const { tokens, trace } = spec.apply(cfg, vars, x);
      let loss = tokens.square().sum() as tf.Scalar;
      if (c.kind === 'codebook') loss = loss.add(trace.loss as tf.Scalar);
      if (c.kind === 'dual-projection') loss = loss.add(clipLoss(trace.logitsPerImage as tf.Tensor2D));
      return loss;
    }, Object.values(vars));
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    for (const [n, v] of Object.entries(vars)) {
      const g = grads[v.name];
      expect(g, `gradient of '${n}'`).toBeDefined();
      const vals = Array.from(g?.dataSync() ?? []);
      expect(vals.every(Number.isFinite), `finite gradient of '${n}'`).toBe(true);
      expect(vals.some((v2) => v2 !== 0), `non-zero gradient of '${n}'`).toBe(true);
    }
    tf.dispose([value, ...Object.values(grads), ...Object.values(vars), ...Object.values(init), x.vision, x.text ?? []]);
  });
});
