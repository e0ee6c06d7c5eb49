/**
 * The ProjectorSpec contract for every attention kind (small configs): output shapes agree with
 * apply, paramCount = Σ weightSpecs = Σ initialised sizes, init is deterministic by seed, configs
 * round-trip through JSON and the schema, apply leaks no tensors, repeated apply is bit-identical,
 * and apply is differentiable with a non-zero, finite gradient for every weight.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { spec as crossAttentionResampler } from '../../../../src/projectors/cross-attention-resampler';
import { spec as gatedCrossAttention } from '../../../../src/projectors/gated-cross-attention';
import { specsSize } from '../../../../src/projectors/ops/attention';
import { spec as outputTransformer } from '../../../../src/projectors/output-transformer';
import { spec as perceiverResampler } from '../../../../src/projectors/perceiver-resampler';
import { spec as qformer } from '../../../../src/projectors/qformer';
import type { ApplyInput, InputShapes, ProjectorSpec, Weights } from '../../../../src/projectors/types';
import { disposeWeights, useWasm, weightsSize } from './helpers';

beforeAll(useWasm);

interface Case {
  name: string;
  spec: ProjectorSpec<any>;
  cfg: unknown;
  input: InputShapes;
  expected: number[];
  /** Weights that cannot reach the output, so their gradient must be exactly 0. */
  dead?: RegExp;
}

const mlpCfg = { mode: 'mlp', inWidth: 40, hidden: 24, outWidth: 12 };
const cases: Case[] = [
  { name: 'gated-cross-attention', spec: gatedCrossAttention, cfg: gatedCrossAttention.defaults, input: { vision: [2, 9, 48], text: [2, 5, 64] }, expected: [2, 5, 64] },
  { name: 'perceiver-resampler', spec: perceiverResampler, cfg: perceiverResampler.defaults, input: { vision: [2, 9, 64] }, expected: [2, 8, 64] },
  { name: 'qformer', spec: qformer, cfg: qformer.defaults, input: { vision: [2, 9, 96] }, expected: [2, 8, 128] },
  { name: 'qformer (instruction-aware)', spec: qformer, cfg: { ...qformer.defaults, instructionAware: true }, input: { vision: [2, 9, 96], text: [2, 4, 64] }, expected: [2, 8, 128],
    // the last layer's text FFN only updates instruction states, which are then dropped (as in LAVIS)
    dead: /^Qformer\.bert\.encoder\.layer\.1\.(intermediate|output)\.(dense|LayerNorm)\./ },
  { name: 'cross-attention-resampler', spec: crossAttentionResampler, cfg: crossAttentionResampler.defaults, input: { vision: [2, 9, 48] }, expected: [2, 16, 64] },
  { name: 'output-transformer', spec: outputTransformer, cfg: outputTransformer.defaults, input: { vision: [2, 3, 64] }, expected: [2, 6, 48] },
  { name: 'output-transformer (mlp)', spec: outputTransformer, cfg: mlpCfg, input: { vision: [2, 3, 40] }, expected: [2, 3, 12] },
];

function makeInput(shapes: InputShapes, seed: number): ApplyInput {
  const vision = tf.randomNormal([...shapes.vision] as [number, number, number], 0, 1, 'float32', seed) as tf.Tensor3D;
  return shapes.text ? { vision, text: tf.randomNormal([...shapes.text] as [number, number, number], 0, 1, 'float32', seed + 1) as tf.Tensor3D } : { vision };
}
const disposeInput = (x: ApplyInput) => tf.dispose([x.vision, ...(x.text ? [x.text] : [])]);

/** Non-zero gates so that every weight of the gated block reaches the output. */
function openGates(name: string, w: Weights): void {
  if (name !== 'gated-cross-attention') return;
  tf.dispose([w.attn_gate as tf.Tensor, w.ff_gate as tf.Tensor]);
  w.attn_gate = tf.tensor1d([0.5]);
  w.ff_gate = tf.tensor1d([-0.3]);
}

describe.each(cases)('$name', ({ name, spec, cfg: raw, input, expected, dead }) => {
  const cfg = spec.schema.parse(raw);

  test('outputShape gives the expected shape and apply produces it', () => {
    expect(spec.outputShape(cfg, input)).toEqual(expected);
    const w = spec.init(cfg, 3);
    const x = makeInput(input, 11);
    const out = spec.apply(cfg, w, x);
    expect(out.tokens.shape).toEqual(expected);
    expect(Array.from(out.tokens.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([out.tokens, ...Object.values(out.trace)]);
    disposeInput(x);
    disposeWeights(w);
  });

  test('paramCount = Σ weightSpecs = Σ initialised weights, with matching names and shapes', () => {
    const specs = spec.weightSpecs(cfg);
    const w = spec.init(cfg, 1);
    expect(spec.paramCount(cfg)).toBe(specsSize(specs));
    expect(weightsSize(w)).toBe(spec.paramCount(cfg));
    expect(Object.keys(w).sort()).toEqual(specs.map((s) => s.name).sort());
    for (const s of specs) expect(w[s.name]?.shape).toEqual([...s.shape]);
    expect(new Set(specs.map((s) => s.name)).size).toBe(specs.length);
    disposeWeights(w);
  });

  test('init is deterministic by seed and differs across seeds', () => {
    const a = spec.init(cfg, 42);
    const b = spec.init(cfg, 42);
    const c = spec.init(cfg, 43);
    let differs = false;
    for (const k of Object.keys(a)) {
      const av = Array.from((a[k] as tf.Tensor).dataSync());
      expect(Array.from((b[k] as tf.Tensor).dataSync())).toEqual(av);
      if (Array.from((c[k] as tf.Tensor).dataSync()).some((v, i) => v !== av[i])) differs = true;
    }
    expect(differs).toBe(true);
    [a, b, c].forEach(disposeWeights);
  });

  test('config round-trips through JSON and the schema', () => {
    expect(spec.schema.parse(JSON.parse(JSON.stringify(cfg)))).toEqual(cfg);
  });

  test('schema errors name the offending field', () => {
    const bad = { ...(cfg as Record<string, unknown>), [name.startsWith('output') ? 'outWidth' : 'heads']: -1 };
    const r = spec.schema.safeParse(bad);
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0]?.path).toEqual([name.startsWith('output') ? 'outWidth' : 'heads']);
    const extra = spec.schema.safeParse({ ...(cfg as Record<string, unknown>), bogus: 1 });
    expect(extra.success).toBe(false);
    if (!extra.success) expect(JSON.stringify(extra.error.issues)).toContain('bogus');
  });

  test('apply leaks no tensors and is bit-identical when repeated', () => {
    const w = spec.init(cfg, 5);
    const x = makeInput(input, 17);
    const first = spec.apply(cfg, w, x);
    const firstValues = Array.from(first.tokens.dataSync());
    tf.dispose([first.tokens, ...Object.values(first.trace)]);
    const before = tf.memory().numTensors;
    const again = spec.apply(cfg, w, x);
    expect(Array.from(again.tokens.dataSync())).toEqual(firstValues);
    tf.dispose([again.tokens, ...Object.values(again.trace)]);
    expect(tf.memory().numTensors).toBe(before);
    disposeInput(x);
    disposeWeights(w);
  });

  test('apply is differentiable: every weight that reaches the output gets a finite, non-zero gradient', () => {
    const w = spec.init(cfg, 9);
    openGates(name, w);
    const x = makeInput(input, 23);
    const names = Object.keys(w).sort();
    const before = tf.memory().numTensors;
    const grads = tf.grads((...ts: tf.Tensor[]) => {
      const ws: Weights = {};
      names.forEach((n, i) => (ws[n] = ts[i] as tf.Tensor));
      const out = spec.apply(cfg, ws, x);
      return out.tokens.square().mean();
    })(names.map((n) => w[n] as tf.Tensor));
    grads.forEach((g, i) => {
      const v = Array.from(g.dataSync());
      expect(v.every(Number.isFinite), names[i]).toBe(true);
      const isDead = dead?.test(names[i] as string) ?? false;
      expect(v.some((e) => e !== 0), `gradient of ${names[i]} should be ${isDead ? 'zero' : 'non-zero'}`).toBe(!isDead);
    });
    tf.dispose(grads);
    expect(tf.memory().numTensors).toBe(before);
    disposeInput(x);
    disposeWeights(w);
  });
});
