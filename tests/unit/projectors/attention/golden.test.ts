/**
 * Golden parity: each attention kind, run in tfjs (wasm) on the PyTorch fixture's weights and
 * inputs, matches PyTorch's output within max|a − b| / max(1, max|b|) ≤ 1e-4.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { bicubicMatrix, positionTable, sincos2dTable, spec as crossAttentionResampler } from '../../../../src/projectors/cross-attention-resampler';
import { spec as gatedCrossAttention } from '../../../../src/projectors/gated-cross-attention';
import { spec as outputTransformer } from '../../../../src/projectors/output-transformer';
import { spec as perceiverResampler } from '../../../../src/projectors/perceiver-resampler';
import { spec as qformer } from '../../../../src/projectors/qformer';
import type { ProjectorSpec } from '../../../../src/projectors/types';
import { loadGolden, relError, useWasm } from './helpers';

beforeAll(useWasm);

const kinds: [string, ProjectorSpec<any>][] = [
  ['gated-cross-attention', gatedCrossAttention],
  ['perceiver-resampler', perceiverResampler],
  ['qformer', qformer],
  ['qformer-instruct', qformer],
  ['cross-attention-resampler', crossAttentionResampler],
  ['output-transformer', outputTransformer],
];

describe('golden parity with PyTorch', () => {
  test.each(kinds)('%s matches the PyTorch output', (kind, spec) => {
    const g = loadGolden(kind);
    const cfg = spec.schema.parse(g.config);
    // The fixture's state dict has exactly the names and shapes weightSpecs promises.
    const specs = spec.weightSpecs(cfg);
    expect(Object.keys(g.weights).sort()).toEqual(specs.map((s) => s.name).sort());
    for (const s of specs) expect(g.weights[s.name]?.shape).toEqual([...s.shape]);
    const vision = g.inputs.vision as tf.Tensor3D;
    const text = g.inputs.text as tf.Tensor3D | undefined;
    const mask = g.inputs.mask as tf.Tensor2D | undefined;
    const out = spec.apply(cfg, g.weights, { vision, ...(text ? { text } : {}), ...(mask ? { mask } : {}) });
    const err = relError(out.tokens, g.outputs.tokens as tf.Tensor);
    console.log(`golden ${kind}: max rel error ${err.toExponential(2)}`);
    expect(err).toBeLessThanOrEqual(1e-4);
    tf.dispose([out.tokens, ...Object.values(out.trace)]);
    g.dispose();
  });

  test('Qwen-VL position tables equal the PyTorch sin-cos table and its bicubic resize', () => {
    const g = loadGolden('cross-attention-resampler');
    const cfg = crossAttentionResampler.schema.parse(g.config);
    const q = positionTable(cfg, cfg.queries);
    const k = positionTable(cfg, 16);
    expect(relError(q, g.outputs.pos_query as tf.Tensor)).toBeLessThan(1e-6);
    expect(relError(k, g.outputs.pos_key as tf.Tensor)).toBeLessThan(1e-5);
    tf.dispose([q, k]);
    g.dispose();
  });
});

describe('sin-cos table and bicubic matrix, analytic values', () => {
  test('token (r, c) = (1, 2) of a 3 × 3 table: column half then row half', () => {
    const t = sincos2dTable(8, 3); // D = 8 → two frequencies ω = 1 and 1/100; a 3 × 3 grid
    const row = Array.from(t.slice((1 * 3 + 2) * 8, (1 * 3 + 2) * 8 + 8));
    const expected = [Math.sin(2), Math.sin(0.02), Math.cos(2), Math.cos(0.02), Math.sin(1), Math.sin(0.01), Math.cos(1), Math.cos(0.01)];
    row.forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 6));
  });

  test('bicubic rows sum to 1 and same-size resampling is the identity', () => {
    const m = bicubicMatrix(3, 4);
    for (let r = 0; r < 4; r += 1) expect(m.slice(r * 3, r * 3 + 3).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(Array.from(bicubicMatrix(3, 3))).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });
});
