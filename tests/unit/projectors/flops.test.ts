/**
 * Every kind's `flops` against an independent count on the small configs of ./cases: the forward
 * pass runs under tf.profile, every BatchMatMul kernel it executes is counted (2·M·K·N per product,
 * read from the kernel's input and output shapes), and the few things the types.ts convention
 * counts differently are added or removed by hand here: depthwise convolutions (this
 * implementation writes them as shifted multiplies, the convention counts 2·k²·positions·channels)
 * and products the model does not compute as matmuls (one-hot gathers, adaptive-pooling matrices,
 * the resized position table). None of this calls a module's own flops code.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getProjector, listKinds, parseConfig } from '../../../src/projectors/registry';
import type { InputShapes } from '../../../src/projectors/types';
import { cases, disposeInput, makeInput, type Case } from './cases';
import { disposeWeights, setupBackend } from './setup';

beforeAll(setupBackend);

const prod = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);

/** 2·M·K·N of a BatchMatMul from its shapes: out [..., M, N]; a holds M·K in its last two axes (transposed or not). */
function matmulFlops(inputShapes: (number[] | null)[], outputShape: number[]): number {
  const a = inputShapes[0] as number[];
  const m = outputShape[outputShape.length - 2] as number;
  const k = prod(a.slice(-2)) / m;
  return 2 * prod(outputShape) * k;
}

/** Runs one forward pass under tf.profile and sums the FLOPs of its matrix products. */
async function countedMatmulFlops(c: Case): Promise<number> {
  const spec = getProjector(c.kind);
  const cfg = parseConfig(c.kind, c.cfg);
  const w = spec.init(cfg, 1);
  const x = makeInput(c.input, 2);
  const profile = await tf.profile(() => {
    const { tokens, trace } = spec.apply(cfg, w, x);
    tf.dispose(Object.values(trace));
    return tokens;
  });
  disposeWeights(w);
  disposeInput(x);
  return profile.kernels.filter((k) => k.name === 'BatchMatMul').reduce((sum, k) => sum + matmulFlops(k.inputShapes, k.outputShapes[0] as number[]), 0);
}

/** AdaptiveAvgPool2d from h × h to p × p over C channels, as ops/conv.ts writes it: two averaging matmuls. */
const poolMatmuls = (b: number, h: number, p: number, channels: number): number => 2 * p * h * (b * h * channels) + 2 * p * h * (b * p * channels);
/** A depthwise 3×3 convolution over n positions of C channels. */
const depthwise3x3 = (b: number, n: number, channels: number): number => 2 * b * n * 9 * channels;

/**
 * Hand corrections, per kind: + convolutions the profile cannot see as matmuls, − matmuls that are
 * gathers, pooling or fixed tables in the model.
 */
function correction(c: Case): number {
  const cfg = parseConfig(c.kind, c.cfg) as Record<string, unknown>; // with the schema's defaults
  const n = (field: string): number => {
    const v = cfg[field];
    if (typeof v !== 'number') throw new Error(`${c.name}: config.${field} is not a number`);
    return v;
  };
  const [b, nv] = c.input.vision as [number, number, number];
  const side = Math.round(Math.sqrt(nv));
  switch (c.kind) {
    case 'ldp': {
      const d = n('llmDim');
      if (n('version') === 2) return depthwise3x3(b, n('poolSize') ** 2, d) - poolMatmuls(b, side, n('poolSize'), d); // PEG
      const out = Math.ceil(side / 2); // after the stride-2 block
      return depthwise3x3(b, side * side, d) + depthwise3x3(b, out * out, d);
    }
    case 'c-abstractor': {
      const q = Math.round(Math.sqrt(n('numQueries')));
      const w = n('hiddenDim');
      return n('depth') * (depthwise3x3(b, side * side, w) + depthwise3x3(b, q * q, w)) - poolMatmuls(b, side, q, w);
    }
    case 'token-selection':
      return -2 * b * n('keep') * nv * n('llmDim'); // the one-hot gather of the kept tokens [B, k, Nv] × [B, Nv, Dm]
    case 'codebook':
      return -2 * b * nv * n('codebookSize') * n('codeDim'); // the one-hot code lookup [B·N, K] × [K, Dc]
    case 'cross-attention-resampler':
      return nv === n('numQueries') ? 0 : -2 * nv * n('numQueries') * n('llmDim'); // the key position table resized [Nv, Q] × [Q, Dm]
    default:
      return 0;
  }
}

describe('flops equals an independent count', () => {
  it('covers every registered kind', () => {
    expect([...new Set(cases.map((c) => c.kind))].sort()).toEqual([...listKinds()].sort());
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const spec = getProjector(c.kind);
    const counted = (await countedMatmulFlops(c)) + correction(c);
    expect(counted).toBeGreaterThan(0);
    expect(spec.flops(parseConfig(c.kind, c.cfg), c.input)).toBe(counted);
  });

  it('hand counts: LLaVA-1.5 MLP, a 2-layer Q-Former, one gated block', () => {
    const flops = (kind: string, cfg: Record<string, unknown>, input: InputShapes): number => getProjector(kind).flops(parseConfig(kind, cfg), input);
    // Linear(6, 8) then Linear(8, 8) over 2·5 tokens: 2·10·6·8 + 2·10·8·8.
    expect(flops('mlp', { visionDim: 6, llmDim: 8, depth: 2 }, { vision: [2, 5, 6] })).toBe(960 + 1280);
    // Q-Former Q 2, W 4, F 8, 2 layers, cross-attention in layer 0 only, Dv 3, Nv 5, Dm 6, B 1:
    //   self-attention per layer: q, k, v, out 4 × 2·2·4·4 = 256, scores + mix 2 × 2·2·2·4 = 64 → 320;
    //   FFN per layer 2 × 2·2·4·8 = 256; cross: q and out 2 × 2·2·4·4 = 128, k and v 2 × 2·5·3·4 = 240,
    //   scores + mix 2 × 2·2·5·4 = 160 → 528; projection 2·2·4·6 = 96.
    const qformer = { numQueries: 2, hiddenDim: 4, depth: 2, numHeads: 2, ffnDim: 8, crossAttentionFreq: 2, visionDim: 3, llmDim: 6, projName: 'opt_proj' };
    expect(flops('qformer', qformer, { vision: [1, 5, 3] })).toBe(2 * (320 + 256) + 528 + 96);
    // Gated block Dm 4, Dv 3, H 1, Dh 2, ffnMult 2, Nt 3, Nv 5: to_q 2·3·4·2 = 48, to_kv 2 × 2·5·3·2 = 120,
    //   scores + mix 2 × 2·3·5·2 = 120, to_out 2·3·2·4 = 48, FFN 2 × 2·3·4·8 = 384.
    const gated = { llmDim: 4, visionDim: 3, numHeads: 1, headDim: 2, ffnMult: 2, activation: 'gelu' };
    expect(flops('gated-cross-attention', gated, { vision: [1, 5, 3], text: [1, 3, 4] })).toBe(48 + 120 + 120 + 48 + 384);
  });
});
