/**
 * ops/attention: analytic cases. One key → every query returns that key's projected value;
 * attention rows sum to 1; a padded key gets weight 0 and does not change the output; the three
 * weight layouts (separate, open_flamingo to_kv, nn.MultiheadAttention in_proj) agree; errors name
 * the bad argument; FLOP formula.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  attentionFlops,
  kvPackedProjections,
  multiHeadAttention,
  packedAttentionParams,
  packedProjections,
  separateProjections,
} from '../../../src/projectors/ops/attention';
import { getWeight } from '../../../src/projectors/ops/common';
import { linear } from '../../../src/projectors/ops/linear';
import type { Weights } from '../../../src/projectors/types';
import { disposeWeights, relError, setupBackend } from './setup';

beforeAll(setupBackend);

const E = 8;
function separate(seed: number, kdim = E): Weights {
  const r = (shape: number[], s: number) => tf.randomNormal(shape, 0, 0.5, 'float32', seed + s);
  return {
    'q.weight': r([E, E], 1), 'q.bias': r([E], 2),
    'k.weight': r([E, kdim], 3), 'k.bias': r([E], 4),
    'v.weight': r([E, kdim], 5), 'v.bias': r([E], 6),
    'o.weight': r([E, E], 7), 'o.bias': r([E], 8),
  };
}
const names = { q: 'q', k: 'k', v: 'v', out: 'o' };

describe('multiHeadAttention', () => {
  test('with one key, every query returns that key\'s value projection, whatever the query', () => {
    const w = separate(1);
    const query = tf.randomNormal([2, 5, E], 0, 1, 'float32', 3) as tf.Tensor3D;
    const key = tf.randomNormal([2, 1, E], 0, 1, 'float32', 4) as tf.Tensor3D;
    const { output, weights } = tf.tidy(() => multiHeadAttention(query, key, key, separateProjections(w, names, true), { heads: 2 }));
    expect(Array.from(weights.dataSync()).every((v) => v === 1)).toBe(true);
    const expected = tf.tidy(() => linear(linear(key, w['v.weight'] as tf.Tensor, w['v.bias']), w['o.weight'] as tf.Tensor, w['o.bias']).tile([1, 5, 1]));
    expect(relError(output, expected)).toBeLessThan(1e-6);
    tf.dispose([query, key, output, weights, expected]);
    disposeWeights(w);
  });

  test('attention rows sum to 1 and a padded key gets weight 0 and changes nothing', () => {
    const w = separate(2);
    const query = tf.randomNormal([2, 3, E], 0, 1, 'float32', 5) as tf.Tensor3D;
    const key = tf.randomNormal([2, 4, E], 0, 1, 'float32', 6) as tf.Tensor3D;
    const mask = tf.tensor2d([[1, 1, 1, 0], [1, 1, 1, 1]]);
    const res = tf.tidy(() => {
      const p = separateProjections(w, names, true);
      const masked = multiHeadAttention(query, key, key, p, { heads: 4, keyPaddingMask: mask });
      const truncated = multiHeadAttention(query.slice([0, 0, 0], [1, 3, E]), key.slice([0, 0, 0], [1, 3, E]), key.slice([0, 0, 0], [1, 3, E]), p, { heads: 4 });
      return { masked, truncated, sums: masked.weights.sum(-1) };
    });
    expect(Array.from(res.sums.dataSync()).every((s) => Math.abs(s - 1) < 1e-6)).toBe(true);
    const w4 = res.masked.weights.arraySync() as number[][][][];
    for (const h of w4[0] ?? []) for (const row of h) expect(row[3]).toBe(0);
    expect(relError(res.masked.output.slice([0, 0, 0], [1, 3, E]), res.truncated.output)).toBeLessThan(1e-6);
    tf.dispose([query, key, mask, res.masked.output, res.masked.weights, res.truncated.output, res.truncated.weights, res.sums]);
    disposeWeights(w);
  });

  test('separate, to_kv-packed and in_proj-packed layouts give the same result', () => {
    const w = separate(3);
    const packed: Weights = {
      'attn.in_proj_weight': tf.concat([w['q.weight'] as tf.Tensor, w['k.weight'] as tf.Tensor, w['v.weight'] as tf.Tensor], 0),
      'attn.in_proj_bias': tf.concat([w['q.bias'] as tf.Tensor, w['k.bias'] as tf.Tensor, w['v.bias'] as tf.Tensor], 0),
      'attn.out_proj.weight': (w['o.weight'] as tf.Tensor).clone(),
      'attn.out_proj.bias': (w['o.bias'] as tf.Tensor).clone(),
    };
    const flamingo: Weights = {
      'to_q.weight': (w['q.weight'] as tf.Tensor).clone(),
      'to_kv.weight': tf.concat([w['k.weight'] as tf.Tensor, w['v.weight'] as tf.Tensor], 0),
      'to_out.weight': (w['o.weight'] as tf.Tensor).clone(),
    };
    const noBias: Weights = { 'q.weight': w['q.weight'] as tf.Tensor, 'k.weight': w['k.weight'] as tf.Tensor, 'v.weight': w['v.weight'] as tf.Tensor, 'o.weight': w['o.weight'] as tf.Tensor };
    const q = tf.randomNormal([1, 3, E], 0, 1, 'float32', 7) as tf.Tensor3D;
    const kv = tf.randomNormal([1, 6, E], 0, 1, 'float32', 8) as tf.Tensor3D;
    const outs = tf.tidy(() => [
      multiHeadAttention(q, kv, kv, separateProjections(w, names, true), { heads: 2 }).output,
      multiHeadAttention(q, kv, kv, packedProjections(packed, 'attn'), { heads: 2 }).output,
      multiHeadAttention(q, kv, kv, separateProjections(noBias, names, false), { heads: 2 }).output,
      multiHeadAttention(q, kv, kv, kvPackedProjections(flamingo, { q: 'to_q', kv: 'to_kv', out: 'to_out' }), { heads: 2 }).output,
    ]);
    expect(relError(outs[1] as tf.Tensor, outs[0] as tf.Tensor)).toBeLessThan(1e-6);
    expect(relError(outs[3] as tf.Tensor, outs[2] as tf.Tensor)).toBeLessThan(1e-6);
    expect(relError(outs[2] as tf.Tensor, outs[0] as tf.Tensor)).toBeGreaterThan(1e-3); // biases matter
    tf.dispose([...outs, q, kv]);
    disposeWeights(packed);
    disposeWeights(flamingo);
    disposeWeights(w);
  });

  test('errors name the bad argument', () => {
    const w = separate(4);
    const p = separateProjections(w, names, true);
    const q = tf.zeros([1, 2, E]) as tf.Tensor3D;
    const k = tf.zeros([1, 3, E]) as tf.Tensor3D;
    const v = tf.zeros([1, 4, E]) as tf.Tensor3D;
    const mask = tf.ones([1, 5]) as tf.Tensor2D;
    expect(() => multiHeadAttention(q, k, k, p, { heads: 3 })).toThrow('heads: 3 must be a positive integer dividing the inner width 8');
    expect(() => multiHeadAttention(q, k, v, p, { heads: 2 })).toThrow('value: expected [B, Nk, Ev] with B = query[0] = 1, Nk = key[1] = 3, got [1, 4, 8]');
    expect(() => multiHeadAttention(q, k, k, p, { heads: 2, keyPaddingMask: mask })).toThrow('keyPaddingMask: expected [B, Nk] with B = query[0] = 1, Nk = key[1] = 3, got [1, 5]');
    expect(() => getWeight(w, 'nope.weight')).toThrow("weights: missing tensor 'nope.weight'");
    tf.dispose([q, k, v, mask]);
    disposeWeights(w);
  });

  test('FLOPs and nn.MultiheadAttention parameter count', () => {
    // q 2·3·8·8 = 384, kv 4·5·8·8 = 1280, scores and mix 2·2·3·5·8 = 480, out 2·3·8·8 = 384
    expect(attentionFlops({ queries: 3, keys: 5, queryDim: 8, keyDim: 8, inner: 8, outDim: 8 })).toBe(2528);
    expect(packedAttentionParams(512)).toBe(1_050_624); // facts.md NExT-GPT note: 2 per decoder layer
  });
});
