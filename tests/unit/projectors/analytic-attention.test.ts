/**
 * Analytic cases per attention kind: the gated block is the identity on text at init; resamplers
 * and the Q-Former emit a fixed token count whatever Nv and ignore the order of the vision tokens
 * (no positions), while the Qwen-VL resampler's positions make it order-sensitive; trace shapes;
 * batch elements are independent; shape errors name the argument.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { spec as xres } from '../../../src/projectors/cross-attention-resampler';
import { blocksTotalParams, crossAttnEveryNLayers, spec as gated, TRACE_KEYS as GATED_TRACE } from '../../../src/projectors/gated-cross-attention';
import { spec as out } from '../../../src/projectors/output-transformer';
import { spec as perceiver, TRACE_KEYS as PERCEIVER_TRACE } from '../../../src/projectors/perceiver-resampler';
import { crossLayerCount, spec as qformer, TRACE_KEYS as QFORMER_TRACE } from '../../../src/projectors/qformer';
import type { ApplyInput, ApplyOutput, ProjectorSpec, Weights } from '../../../src/projectors/types';
import { disposeWeights, relError, setupBackend } from './setup';

beforeAll(setupBackend);

const run = <C>(spec: ProjectorSpec<C>, cfg: C, w: Weights, input: ApplyInput): ApplyOutput => spec.apply(cfg, w, input);
const free = (o: ApplyOutput) => tf.dispose([o.tokens, ...Object.values(o.trace)]);
const rand = (shape: [number, number, number], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed) as tf.Tensor3D;
/** Reverse the token axis: [B, N, D] → same tokens in reverse order. */
const reverseTokens = (x: tf.Tensor3D) => tf.reverse(x, 1) as tf.Tensor3D;

describe('gated-cross-attention', () => {
  const cfg = gated.defaults;

  test('at init (gates 0) the output equals the text input exactly', () => {
    const w = gated.init(cfg, 1);
    const text = rand([2, 5, 64], 2);
    const vision = rand([2, 7, 48], 3);
    const o = run(gated, cfg, w, { vision, text });
    expect(Array.from(o.tokens.dataSync())).toEqual(Array.from(text.dataSync()));
    expect(o.trace[GATED_TRACE.attnGate]?.dataSync()[0]).toBe(0);
    expect(o.trace[GATED_TRACE.attention]?.shape).toEqual([2, 4, 5, 7]);
    free(o);
    tf.dispose((w.attn_gate as tf.Tensor));
    w.attn_gate = tf.tensor1d([0.8]);
    const opened = run(gated, cfg, w, { vision, text });
    expect(relError(opened.tokens, text)).toBeGreaterThan(1e-3);
    expect(opened.trace[GATED_TRACE.attnGate]?.dataSync()[0]).toBeCloseTo(Math.tanh(0.8), 6);
    free(opened);
    tf.dispose([text, vision]);
    disposeWeights(w);
  });

  test('block placement and totals (open_flamingo flamingo_lm.py)', () => {
    expect(crossAttnEveryNLayers(24, 1)).toHaveLength(24);
    expect(crossAttnEveryNLayers(32, 4)).toEqual([3, 7, 11, 15, 19, 23, 27, 31]);
    const of3b = { llmDim: 2048, visionDim: 1024, numHeads: 8, headDim: 64, ffnMult: 4, activation: 'gelu' as const };
    expect(blocksTotalParams(of3b, 24, 1)).toBe(881_000_496);
    expect(blocksTotalParams({ ...of3b, llmDim: 4096 }, 32, 4)).toBe(1_115_815_952);
    expect(() => crossAttnEveryNLayers(24, 0)).toThrow('everyN: 0 must be a positive integer');
  });

  test('shape errors name the argument', () => {
    expect(() => gated.outputShape(cfg, { vision: [1, 4, 48] })).toThrow('text: expected [B, Nt, Dm] with B = vision[0] = 1, Dm = llmDim = 64, got none');
    expect(() => gated.outputShape(cfg, { vision: [1, 4, 47], text: [1, 3, 64] })).toThrow('vision: expected [B, Nv, Dv] with Dv = visionDim = 48, got [1, 4, 47]');
    expect(() => gated.outputShape(cfg, { vision: [1, 4, 48], text: [1, 3, 63] })).toThrow('text: expected [B, Nt, Dm] with B = vision[0] = 1, Dm = llmDim = 64, got [1, 3, 63]');
    expect(() => gated.outputShape(cfg, { vision: [2, 4, 48], text: [1, 3, 64] })).toThrow('text: expected [B, Nt, Dm] with B = vision[0] = 2, Dm = llmDim = 64, got [1, 3, 64]');
  });
});

describe('perceiver-resampler', () => {
  const cfg = perceiver.defaults;

  test('Q output tokens whatever Nv; trace [depth, B, H, Q, Nv + Q] with rows summing to 1', () => {
    const w = perceiver.init(cfg, 4);
    for (const nv of [1, 16, 50]) {
      const vision = rand([2, nv, 64], nv);
      const o = run(perceiver, cfg, w, { vision });
      expect(o.tokens.shape).toEqual([2, 8, 64]);
      const map = o.trace[PERCEIVER_TRACE.attention] as tf.Tensor;
      expect(map.shape).toEqual([2, 2, 4, 8, nv + 8]);
      const sums = tf.tidy(() => map.sum(-1).sub(1).abs().max().dataSync()[0] as number);
      expect(sums).toBeLessThan(1e-5);
      free(o);
      vision.dispose();
    }
    disposeWeights(w);
  });

  test('order of the vision tokens does not matter, and batch elements are independent', () => {
    const w = perceiver.init(cfg, 5);
    const vision = rand([2, 10, 64], 6);
    const a = run(perceiver, cfg, w, { vision });
    const rev = reverseTokens(vision);
    const b = run(perceiver, cfg, w, { vision: rev });
    expect(relError(b.tokens, a.tokens)).toBeLessThan(1e-5);
    const first = vision.slice([0, 0, 0], [1, 10, 64]);
    const c = run(perceiver, cfg, w, { vision: first });
    expect(relError(c.tokens, a.tokens.slice([0, 0, 0], [1, 8, 64]))).toBeLessThan(1e-5);
    [a, b, c].forEach(free);
    tf.dispose([vision, rev, first]);
    disposeWeights(w);
  });

  test('squared-relu activation changes the output; vision width must equal visionDim', () => {
    const w = perceiver.init(cfg, 6);
    const vision = rand([1, 4, 64], 7);
    const g = run(perceiver, cfg, w, { vision });
    const s = run(perceiver, { ...cfg, activation: 'squared-relu' }, w, { vision });
    expect(relError(s.tokens, g.tokens)).toBeGreaterThan(1e-3);
    [g, s].forEach(free);
    vision.dispose();
    disposeWeights(w);
    expect(() => perceiver.outputShape(cfg, { vision: [1, 4, 32] })).toThrow('vision: expected [B, Nv, Dv] with Dv = visionDim = 64, got [1, 4, 32]');
  });
});

describe('qformer', () => {
  const cfg = qformer.defaults;

  test('Q tokens whatever Nv; trace shapes; cross-attention in layers 0, 2, 4, ...', () => {
    expect(crossLayerCount({ ...cfg, depth: 12, crossAttentionFreq: 2 })).toBe(6);
    expect(crossLayerCount({ ...cfg, depth: 3, crossAttentionFreq: 2 })).toBe(2);
    const w = qformer.init(cfg, 7);
    expect(Object.keys(w).filter((k) => k.includes('crossattention.self.query.weight'))).toEqual(['Qformer.bert.encoder.layer.0.crossattention.self.query.weight']);
    for (const nv of [1, 20]) {
      const vision = rand([3, nv, 96], nv);
      const o = run(qformer, cfg, w, { vision });
      expect(o.tokens.shape).toEqual([3, 8, 128]);
      expect(o.trace[QFORMER_TRACE.selfAttention]?.shape).toEqual([2, 3, 4, 8, 8]);
      expect(o.trace[QFORMER_TRACE.crossAttention]?.shape).toEqual([1, 3, 4, 8, nv]);
      if (nv === 1) expect(Array.from(o.trace[QFORMER_TRACE.crossAttention]?.dataSync() ?? []).every((v) => v === 1)).toBe(true);
      free(o);
      vision.dispose();
    }
    disposeWeights(w);
  });

  test('vision token order does not matter (no positions in the keys)', () => {
    const w = qformer.init(cfg, 8);
    const vision = rand([2, 12, 96], 9);
    const rev = reverseTokens(vision);
    const a = run(qformer, cfg, w, { vision });
    const b = run(qformer, cfg, w, { vision: rev });
    expect(relError(b.tokens, a.tokens)).toBeLessThan(1e-5);
    [a, b].forEach(free);
    tf.dispose([vision, rev]);
    disposeWeights(w);
  });

  test('errors name the field or argument', () => {
    const r = qformer.schema.safeParse({ ...cfg, numHeads: 5 });
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0]?.path).toEqual(['numHeads']);
    expect(() => qformer.outputShape(cfg, { vision: [1, 4, 95] })).toThrow('vision: expected [B, Nv, Dv] with Dv = visionDim = 96, got [1, 4, 95]');
    const w = qformer.init(cfg, 1);
    const vision = rand([1, 2, 96], 1);
    const missing: Weights = { ...w };
    delete missing['opt_proj.weight'];
    expect(() => qformer.apply(cfg, missing, { vision })).toThrow("weights: missing tensor 'opt_proj.weight'");
    vision.dispose();
    disposeWeights(w);
  });
});

describe('qformer, instruction-aware (InstructBLIP)', () => {
  const cfg = qformer.schema.parse({ ...qformer.defaults, instructionAware: true, projName: 'llm_proj' });

  test('Q tokens whatever Nt; instructions change the queries; padded instruction tokens are ignored', () => {
    const w = qformer.init(cfg, 21);
    const vision = rand([2, 6, 96], 22);
    const text = rand([2, 5, 64], 23);
    const a = run(qformer, cfg, w, { vision, text });
    expect(a.tokens.shape).toEqual([2, 8, 128]);
    expect(a.trace[QFORMER_TRACE.selfAttention]?.shape).toEqual([2, 2, 4, 13, 13]);
    const other = rand([2, 5, 64], 24);
    const b = run(qformer, cfg, w, { vision, text: other });
    expect(relError(b.tokens, a.tokens)).toBeGreaterThan(1e-4);
    // Same first 3 instruction tokens, different padding content, mask 1 1 1 0 0: identical queries out.
    const mask = tf.tensor2d([[1, 1, 1, 0, 0], [1, 1, 1, 0, 0]]);
    const padded1 = tf.concat([text.slice([0, 0, 0], [2, 3, 64]), other.slice([0, 3, 0], [2, 2, 64])], 1) as tf.Tensor3D;
    const c = run(qformer, cfg, w, { vision, text, mask });
    const d = run(qformer, cfg, w, { vision, text: padded1, mask });
    expect(relError(d.tokens, c.tokens)).toBeLessThan(1e-5);
    const short = text.slice([0, 0, 0], [2, 3, 64]) as tf.Tensor3D;
    const e = run(qformer, cfg, w, { vision, text: short });
    expect(relError(e.tokens, c.tokens)).toBeLessThan(1e-5);
    [a, b, c, d, e].forEach(free);
    tf.dispose([vision, text, other, mask, padded1, short]);
    disposeWeights(w);
  });

  test('text FFN weights exist only when instruction-aware; text errors name the argument', () => {
    const names = qformer.weightSpecs(cfg).map((s) => s.name);
    expect(names).toContain('Qformer.bert.encoder.layer.1.intermediate.dense.weight');
    expect(qformer.weightSpecs(qformer.defaults).map((s) => s.name)).not.toContain('Qformer.bert.encoder.layer.1.intermediate.dense.weight');
    expect(qformer.paramCount(cfg) - qformer.paramCount({ ...cfg, instructionAware: false })).toBe(2 * (64 * 256 + 256 + 256 * 64 + 64 + 128));
    expect(() => qformer.outputShape(cfg, { vision: [1, 4, 96] })).toThrow('text: expected [B, Nt, W] with B = vision[0] = 1, W = hiddenDim = 64, got none');
    expect(() => qformer.outputShape(qformer.defaults, { vision: [1, 4, 96], text: [1, 3, 64] })).toThrow('text: expected none, got [1, 3, 64] (only an instructionAware Q-Former reads instruction tokens)');
    expect(() => qformer.outputShape(cfg, { vision: [1, 4, 96], text: [1, 3, 63] })).toThrow('text: expected [B, Nt, W] with B = vision[0] = 1, W = hiddenDim = 64, got [1, 3, 63]');
    expect(() => qformer.outputShape(cfg, { vision: [1, 4, 96], text: [1, 3, 64], mask: [1, 4] })).toThrow('mask: expected [B, Nt] with B = vision[0] = 1, Nt = text[1] = 3, got [1, 4]');
  });
});

describe('cross-attention-resampler', () => {
  const cfg = xres.defaults;

  test('Q tokens whatever the (square) grid; positions make token order matter', () => {
    const w = xres.init(cfg, 10);
    for (const nv of [1, 9, 36]) {
      const vision = rand([2, nv, 48], nv);
      const o = run(xres, cfg, w, { vision });
      expect(o.tokens.shape).toEqual([2, 16, 64]);
      expect(o.trace.attention?.shape).toEqual([2, 4, 16, nv]);
      free(o);
      vision.dispose();
    }
    const vision = rand([1, 16, 48], 11);
    const rev = reverseTokens(vision);
    const a = run(xres, cfg, w, { vision });
    const b = run(xres, cfg, w, { vision: rev });
    expect(relError(b.tokens, a.tokens)).toBeGreaterThan(1e-4);
    [a, b].forEach(free);
    tf.dispose([vision, rev]);
    disposeWeights(w);
  });

  test('no kv_proj when Dv = D (nn.Identity in the reference)', () => {
    const same = { ...cfg, visionDim: 64 };
    expect(xres.weightSpecs(same).some((s) => s.name === 'kv_proj.weight')).toBe(false);
    expect(xres.paramCount(cfg) - xres.paramCount(same)).toBe(48 * 64);
  });

  test('errors name the field or argument', () => {
    expect(() => xres.outputShape(cfg, { vision: [1, 10, 48] })).toThrow('vision: expected [B, Nv, Dv] with Nv = g·g, a square grid for the position table, got [1, 10, 48] (10 is not a square)');
    const r = xres.schema.safeParse({ ...cfg, numQueries: 15 });
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0]?.path).toEqual(['numQueries']);
  });
});

describe('output-transformer', () => {
  const cfg = out.defaults;

  test('q output tokens whatever Nsig; zero input embeddings equal none', () => {
    const w = out.init(cfg, 12);
    for (const n of [1, 4]) {
      const hidden = rand([2, n, 64], n);
      const zeros = tf.zerosLike(hidden);
      const a = run(out, cfg, w, { vision: hidden });
      const b = run(out, cfg, w, { vision: hidden, text: zeros });
      expect(a.tokens.shape).toEqual([2, 6, 48]);
      expect(a.trace.decoderCrossAttention?.shape).toEqual([2, 2, 4, 6, n]);
      expect(Array.from(b.tokens.dataSync())).toEqual(Array.from(a.tokens.dataSync()));
      [a, b].forEach(free);
      tf.dispose([hidden, zeros]);
    }
    disposeWeights(w);
  });

  test('mlp mode maps each signal token separately', () => {
    const cfgMlp = out.schema.parse({ mode: 'mlp', llmDim: 64, hiddenDim: 32, outputDim: 16 });
    const w = out.init(cfgMlp, 13);
    const hidden = rand([1, 3, 64], 14);
    const first = hidden.slice([0, 0, 0], [1, 1, 64]);
    const all = run(out, cfgMlp, w, { vision: hidden });
    const one = run(out, cfgMlp, w, { vision: first });
    expect(all.tokens.shape).toEqual([1, 3, 16]);
    expect(relError(one.tokens, all.tokens.slice([0, 0, 0], [1, 1, 16]))).toBeLessThan(1e-6);
    [all, one].forEach(free);
    tf.dispose([hidden, first]);
    disposeWeights(w);
  });

  test('errors name the field or argument', () => {
    expect(() => out.outputShape(cfg, { vision: [1, 4, 63] })).toThrow('vision: expected [B, Nsig, Dm] with Dm = llmDim = 64, got [1, 4, 63]');
    expect(() => out.outputShape(cfg, { vision: [1, 4, 64], text: [1, 3, 64] })).toThrow('text: expected [B, Nsig, Dm] with B = vision[0] = 1, Nsig = vision[1] = 4, Dm = llmDim = 64, got [1, 3, 64]');
    const r = out.schema.safeParse({ ...cfg, numHeads: 3 });
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0]?.path).toEqual(['numHeads']);
    const m = out.schema.safeParse({ ...cfg, mode: 'linear' });
    expect(m.success).toBe(false);
    if (!m.success) expect(m.error.issues[0]?.path).toEqual(['mode']);
  });
});
