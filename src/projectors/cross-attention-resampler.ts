/**
 * Qwen-VL's single-layer cross-attention resampler ("position-aware VL adapter"): Q learned queries
 * attend once to the projected vision tokens, with a fixed 2D sin-cos position table added to the
 * queries and, resized bicubically to the input grid, to the keys.
 *
 * Shapes: vision [B, Nv, Dv] (Nv a perfect square, the ViT grid) → tokens [B, Q, D].
 *   x = ln_kv(kv_proj(vision))                       [B, Nv, D]
 *   q = ln_q(query) + pos(Q)                         [B, Q, D]
 *   tokens = MHA(q, key = x + resize(pos, Nv), value = x)
 *
 * Paper: bai2023qwenvl (256 queries, one cross-attention layer, 2D absolute positions). Sources:
 * QwenLM/Qwen-VL README.md and finetune.py (the trainable adapter is transformer.visual.attn_pool).
 * UNVERIFIED: the module definition (`Resampler` in visual.py on the Hugging Face Hub, Qwen/Qwen-VL)
 * is known only through consistent third-party copies (facts.md, Qwen-VL row and note); this file
 * follows those copies: query (trunc-normal 0.02), kv_proj Linear(Dv, D, no bias) (Identity when
 * Dv = D), ln_q and ln_kv LayerNorm(eps 1e-6), nn.MultiheadAttention(D, D/128 heads), a frozen MAE-style
 * 2D sin-cos table (first half encodes the column, second half the row) and get_abs_pos's bicubic
 * F.interpolate (align_corners=False) to the input grid.
 *
 * Weights (module-local names; in the checkpoint they sit under transformer.visual.attn_pool.):
 *   query [Q, D]; kv_proj.weight [D, Dv] (only when Dv ≠ D); attn.in_proj_weight [3D, D];
 *   attn.in_proj_bias [3D]; attn.out_proj.{weight [D, D], bias [D]}; ln_q, ln_kv (LayerNorm D).
 *
 * Departures:
 * - The frozen `pos_embed` [Q, D] (requires_grad False in the reference) is not a weight here: it is
 *   a fixed function of (Q, D), recomputed in apply. paramCount counts the trainable parameters
 *   (75,005,952 for Qwen-VL); frozenParamCount gives the table's size (1,048,576).
 * - ln_post and proj, which follow attn_pool in the Qwen-VL vision tower (16,785,408 parameters),
 *   are not part of this module.
 * - The position table is computed in float64 then rounded to float32 (the reference computes it in
 *   float32 numpy); differences are below 1e-6.
 * - No attention mask (the reference passes attn_mask=None in Qwen-VL).
 *
 * Shape legend: B batch, Nv vision tokens, Q queries, Dv vision width, D width, H heads.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { attentionFlops, initPackedAttention, multiHeadAttention, packedAttentionParams, packedAttentionSpecs, packedProjections, requireWeight } from './ops/attention';
import { normal } from './ops/init';
import { linear, linearFlops, linearSpecs } from './ops/linear';
import { initLayerNorm, layerNorm, layerNormSpecs } from './ops/norm';
import type { ApplyInput, ApplyOutput, InputShapes, ProjectorSpec, Shape, WeightSpec, Weights } from './types';

const positiveInt = z.number().int().positive();

const isSquare = (n: number): boolean => Number.isInteger(Math.sqrt(n));

export const crossAttentionResamplerSchema = z
  .object({
    queries: positiveInt, // Q, a perfect square (the query grid; Qwen-VL: 256 = 16²)
    width: positiveInt, // D output width (Qwen-VL: 4096, the LLM width); divisible by 4 for the 2D sin-cos table
    heads: positiveInt, // H (Qwen-VL: D / 128 = 32)
    visionWidth: positiveInt, // Dv (ViT-bigG: 1664)
    layerNormEps: z.number().positive(), // 1e-6 in the reference
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!isSquare(c.queries)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['queries'], message: `queries ${c.queries} must be a perfect square (a 2D grid)` });
    if (c.width % 4 !== 0) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['width'], message: `width ${c.width} must be divisible by 4 (2D sin-cos table)` });
    if (c.width % c.heads !== 0) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['heads'], message: `heads ${c.heads} must divide width ${c.width}` });
  });
export type CrossAttentionResamplerConfig = z.infer<typeof crossAttentionResamplerSchema>;

export const crossAttentionResamplerDefaults: CrossAttentionResamplerConfig = {
  queries: 16, // Q = 4²
  width: 64, // D
  heads: 4, // H
  visionWidth: 48, // Dv ≠ D, so kv_proj exists
  layerNormEps: 1e-6, // reference
};

/** Trace: attention weights [B, H, Q, Nv]. */
export const TRACE_KEYS = { attention: 'attention' } as const;

const hasKvProj = (cfg: CrossAttentionResamplerConfig): boolean => cfg.visionWidth !== cfg.width;

/**
 * MAE-style 2D sin-cos table [G², D] as a flat row-major Float32Array. For token i = r·G + c, the
 * first D/2 entries encode the column c and the last D/2 the row r (the reference builds the grid
 * with meshgrid(w, h), "w goes first"); each half is [sin(p·ω), cos(p·ω)], ω_k = 10000^(−k/(D/4)).
 */
export function sincos2dTable(dim: number, grid: number): Float32Array {
  if (dim % 4 !== 0) throw new Error(`dim: ${dim} must be divisible by 4`);
  const quarter = dim / 4;
  const out = new Float32Array(grid * grid * dim);
  for (let r = 0; r < grid; r += 1) {
    for (let c = 0; c < grid; c += 1) {
      const base = (r * grid + c) * dim;
      for (let k = 0; k < quarter; k += 1) {
        const omega = 1 / 10000 ** (k / quarter);
        out[base + k] = Math.sin(c * omega);
        out[base + quarter + k] = Math.cos(c * omega);
        out[base + 2 * quarter + k] = Math.sin(r * omega);
        out[base + 3 * quarter + k] = Math.cos(r * omega);
      }
    }
  }
  return out;
}

/** PyTorch's cubic convolution kernel with A = −0.75 (upsample_bicubic2d). */
function cubicWeights(t: number): [number, number, number, number] {
  const a = -0.75;
  const near = (x: number) => ((a + 2) * x - (a + 3)) * x * x + 1; // |x| ≤ 1
  const far = (x: number) => ((a * x - 5 * a) * x + 8 * a) * x - 4 * a; // 1 < |x| < 2
  return [far(t + 1), near(t), near(1 - t), far(2 - t)];
}

/**
 * 1D bicubic resampling matrix [tgt, src] matching F.interpolate(mode='bicubic',
 * align_corners=False): source x = (dst + 0.5)·src/tgt − 0.5, taps at ⌊x⌋−1 … ⌊x⌋+2 clamped to
 * the border.
 */
export function bicubicMatrix(src: number, tgt: number): Float64Array {
  const m = new Float64Array(tgt * src);
  const scale = src / tgt;
  for (let d = 0; d < tgt; d += 1) {
    const real = scale * (d + 0.5) - 0.5;
    const i0 = Math.floor(real);
    const w = cubicWeights(real - i0);
    for (let k = 0; k < 4; k += 1) {
      const idx = Math.min(Math.max(i0 - 1 + k, 0), src - 1);
      m[d * src + idx] = (m[d * src + idx] as number) + (w[k] as number);
    }
  }
  return m;
}

/**
 * The position table for a grid of n = g² tokens: the Q-entry table itself when g² = Q, otherwise
 * resized bicubically from √Q × √Q to g × g (get_abs_pos). Returns [n, D].
 */
export function positionTable(cfg: CrossAttentionResamplerConfig, n: number): tf.Tensor2D {
  const src = Math.round(Math.sqrt(cfg.queries));
  const tgt = Math.round(Math.sqrt(n));
  if (tgt * tgt !== n) throw new Error(`vision: ${n} tokens is not a square grid`);
  const table = tf.tensor2d(sincos2dTable(cfg.width, src), [src * src, cfg.width]);
  if (src === tgt) return table;
  return tf.tidy(() => {
    const m1 = bicubicMatrix(src, tgt);
    // 2D separable resize as one matrix: K[(ty·g + tx), (sy·s + sx)] = m[ty, sy]·m[tx, sx].
    const k = new Float32Array(tgt * tgt * src * src);
    for (let ty = 0; ty < tgt; ty += 1)
      for (let tx = 0; tx < tgt; tx += 1)
        for (let sy = 0; sy < src; sy += 1)
          for (let sx = 0; sx < src; sx += 1)
            k[(ty * tgt + tx) * src * src + sy * src + sx] = (m1[ty * src + sy] as number) * (m1[tx * src + sx] as number);
    return tf.matMul(tf.tensor2d(k, [tgt * tgt, src * src]), table); // [g², s²] × [s², D] → [g², D]
  });
}

function weightSpecs(cfg: CrossAttentionResamplerConfig): WeightSpec[] {
  return [
    { name: 'query', shape: [cfg.queries, cfg.width], doc: 'learned queries [Q, D], init trunc-normal 0.02' },
    ...(hasKvProj(cfg) ? linearSpecs('kv_proj', cfg.visionWidth, cfg.width, false) : []),
    ...packedAttentionSpecs('attn', cfg.width),
    ...layerNormSpecs('ln_q', cfg.width),
    ...layerNormSpecs('ln_kv', cfg.width),
  ];
}

/** Trainable parameters: Q·D + Dv·D (kv_proj) + 4D² + 4D (attention) + 2·LN(D) (facts.md Qwen-VL row). */
function paramCount(cfg: CrossAttentionResamplerConfig): number {
  const d = cfg.width;
  return cfg.queries * d + (hasKvProj(cfg) ? cfg.visionWidth * d : 0) + packedAttentionParams(d) + 4 * d;
}

/** The frozen position table's size, Q·D (not a weight here; see the header). */
export const frozenParamCount = (cfg: CrossAttentionResamplerConfig): number => cfg.queries * cfg.width;

function checkShapes(cfg: CrossAttentionResamplerConfig, input: InputShapes): { b: number; nv: number } {
  const v = input.vision;
  if (v.length !== 3) throw new Error(`vision: expected [B, Nv, Dv], got [${v}]`);
  if (v[2] !== cfg.visionWidth) throw new Error(`vision: width ${v[2]} must equal visionWidth ${cfg.visionWidth}`);
  if (!isSquare(v[1] as number)) throw new Error(`vision: ${v[1]} tokens is not a square grid (the position table needs g × g)`);
  return { b: v[0] as number, nv: v[1] as number };
}

function outputShape(cfg: CrossAttentionResamplerConfig, input: InputShapes): Shape {
  const { b } = checkShapes(cfg, input);
  return [b, cfg.queries, cfg.width];
}

/** kv_proj over Nv tokens + one attention (Q queries over Nv keys); the fixed table resize is not counted. */
function flops(cfg: CrossAttentionResamplerConfig, input: InputShapes): number {
  const { b, nv } = checkShapes(cfg, input);
  const kv = hasKvProj(cfg) ? linearFlops(nv, cfg.visionWidth, cfg.width) : 0;
  return b * (kv + attentionFlops({ queries: cfg.queries, keys: nv, queryDim: cfg.width, keyDim: cfg.width, inner: cfg.width, outDim: cfg.width }));
}

/**
 * Reference init (_init_weights): Linear weights trunc_normal_(std 0.02) with bounds ±2 absolute,
 * i.e. ±100 std, so a plain N(0, 0.02) matches it; out_proj (a Linear subclass) likewise with zero
 * bias; in_proj keeps nn.MultiheadAttention's Xavier; LayerNorm 1/0.
 */
function init(cfg: CrossAttentionResamplerConfig, seed: number): Weights {
  const d = cfg.width;
  const attn = initPackedAttention('attn', d, seed, { normalStd: 0.02 });
  return {
    query: normal([cfg.queries, d], 0.02, seed, 'query'),
    ...(hasKvProj(cfg) ? { 'kv_proj.weight': normal([d, cfg.visionWidth], 0.02, seed, 'kv_proj.weight') } : {}),
    ...attn,
    ...initLayerNorm('ln_q', d),
    ...initLayerNorm('ln_kv', d),
  };
}

function apply(cfg: CrossAttentionResamplerConfig, weights: Weights, input: ApplyInput): ApplyOutput {
  const { b, nv } = checkShapes(cfg, { vision: input.vision.shape });
  return tf.tidy(() => {
    const ln = (x: tf.Tensor, name: string) =>
      layerNorm(x, requireWeight(weights, `${name}.weight`), requireWeight(weights, `${name}.bias`), cfg.layerNormEps) as tf.Tensor3D;
    const projected = hasKvProj(cfg) ? linear(input.vision, requireWeight(weights, 'kv_proj.weight')) : input.vision; // [B, Nv, Dv] → [B, Nv, D]
    const x = ln(projected, 'ln_kv');
    const queryPos = positionTable(cfg, cfg.queries); // [Q, D]
    const keyPos = positionTable(cfg, nv); // [Nv, D]
    // ln_q(query) [Q, D] + pos [Q, D] → [1, Q, D] → [B, Q, D]
    const q = ln(requireWeight(weights, 'query'), 'ln_q').add(queryPos).expandDims(0).tile([b, 1, 1]) as tf.Tensor3D;
    const k = x.add(keyPos) as tf.Tensor3D; // [Nv, D] broadcasts over B
    const { output, weights: attention } = multiHeadAttention(q, k, x, packedProjections(weights, 'attn'), { heads: cfg.heads });
    return { tokens: output, trace: { [TRACE_KEYS.attention]: attention } };
  });
}

export const spec: ProjectorSpec<CrossAttentionResamplerConfig> = {
  kind: 'cross-attention-resampler',
  side: 'input',
  title: 'Cross-attention resampler (Qwen-VL position-aware adapter)',
  cite: ['bai2023qwenvl'],
  schema: crossAttentionResamplerSchema,
  defaults: crossAttentionResamplerDefaults,
  outputShape,
  paramCount,
  flops,
  weightSpecs,
  init,
  apply,
};
