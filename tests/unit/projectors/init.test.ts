/**
 * Initialisation follows each reference module: learned queries N(0, 0.02) (LAVIS query_tokens,
 * Qwen-VL query) or N(0, 1) (open_flamingo latents, GILL query_embs); BERT Linears N(0, 0.02) with
 * zero bias; gates 0; nn.MultiheadAttention in_proj Xavier-bounded with zero bias; LayerNorm 1/0.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import { spec as xres } from '../../../src/projectors/cross-attention-resampler';
import { spec as gated } from '../../../src/projectors/gated-cross-attention';
import { spec as out } from '../../../src/projectors/output-transformer';
import { spec as perceiver } from '../../../src/projectors/perceiver-resampler';
import { spec as qformer } from '../../../src/projectors/qformer';
import type { Weights } from '../../../src/projectors/types';
import { disposeWeights, setupBackend } from './setup';

beforeAll(setupBackend);

function stats(t: tf.Tensor | undefined): { mean: number; std: number; maxAbs: number } {
  if (!t) throw new Error('missing tensor');
  const v = Array.from(t.dataSync());
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
  return { mean, std, maxAbs: Math.max(...v.map(Math.abs)) };
}
const allEqual = (t: tf.Tensor | undefined, value: number) => Array.from(t?.dataSync() ?? [NaN]).every((x) => x === value);

test('qformer: queries and BERT Linears N(0, 0.02), zero biases, LayerNorm 1/0', () => {
  const w: Weights = qformer.init({ ...qformer.defaults, numQueries: 32 }, 1);
  expect(stats(w.query_tokens).std).toBeGreaterThan(0.017);
  expect(stats(w.query_tokens).std).toBeLessThan(0.023);
  expect(stats(w['Qformer.bert.encoder.layer.0.attention.self.query.weight']).std).toBeCloseTo(0.02, 2);
  expect(allEqual(w['Qformer.bert.encoder.layer.1.output_query.dense.bias'], 0)).toBe(true);
  expect(allEqual(w['Qformer.bert.embeddings.LayerNorm.weight'], 1)).toBe(true);
  disposeWeights(w);
});

test('gated block: both gates 0; perceiver latents N(0, 1)', () => {
  const g = gated.init(gated.defaults, 2);
  expect(allEqual(g.attn_gate, 0) && allEqual(g.ff_gate, 0)).toBe(true);
  expect(stats(g['attn.to_q.weight']).maxAbs).toBeLessThanOrEqual(1 / Math.sqrt(64)); // nn.Linear default bound
  const p = perceiver.init({ ...perceiver.defaults, numQueries: 64 }, 3);
  expect(stats(p.latents).std).toBeGreaterThan(0.9);
  expect(stats(p.latents).std).toBeLessThan(1.1);
  disposeWeights(g);
  disposeWeights(p);
});

test('nn.MultiheadAttention / nn.Transformer: Xavier bound, zero attention biases', () => {
  const w = out.init(out.defaults, 4);
  const d = 32;
  expect(stats(w['tfm.encoder.layers.0.self_attn.in_proj_weight']).maxAbs).toBeLessThanOrEqual(Math.sqrt(6 / (4 * d)));
  expect(stats(w['tfm.decoder.layers.1.linear1.weight']).maxAbs).toBeLessThanOrEqual(Math.sqrt(6 / (d + 128)));
  expect(allEqual(w['tfm.decoder.layers.0.multihead_attn.in_proj_bias'], 0)).toBe(true);
  const q = xres.init(xres.defaults, 5);
  expect(stats(q.query).std).toBeCloseTo(0.02, 2);
  expect(stats(q['attn.out_proj.weight']).std).toBeCloseTo(0.02, 2);
  expect(allEqual(q['attn.out_proj.bias'], 0)).toBe(true);
  disposeWeights(w);
  disposeWeights(q);
});
