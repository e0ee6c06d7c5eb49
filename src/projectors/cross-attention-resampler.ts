/**
 * Qwen-VL's single-layer cross-attention resampler ("position-aware VL adapter"): Q learned queries
 * attend once to the projected vision tokens, with a fixed 2D sin-cos position table added to the
 * queries and, resized bicubically to the input grid, to the keys.
 *
 * Shapes: vision [B, Nv, Dv] (Nv a perfect square, the ViT grid) → tokens [B, Q, Dm].
 *   x = ln_kv(kv_proj(vision))                       [B, Nv, Dm]
 *   q = ln_q(query) + pos(Q)                         [B, Q, Dm]
 *   tokens = MHA(q, key = x + resize(pos, Nv), value = x)
 *
 * Paper: bai2023qwenvl (256 queries, one cross-attention layer, 2D absolute positions). Sources:
 * QwenLM/Qwen-VL README.md and finetune.py (the trainable adapter is transformer.visual.attn_pool).
 * UNVERIFIED: the module definition (`Resampler` in visual.py on the Hugging Face Hub, Qwen/Qwen-VL)
 * is known only through consistent third-party copies (facts.md, Qwen-VL row and note); this file
 * follows those copies: query (trunc-normal 0.02), kv_proj Linear(Dv, Dm, no bias) (Identity when
 * Dv = Dm), ln_q and ln_kv LayerNorm(eps 1e-6), nn.MultiheadAttention(Dm, Dm/128 heads), a frozen MAE-style
 * 2D sin-cos table (first half encodes the column, second half the row) and get_abs_pos's bicubic
 * F.interpolate (align_corners=False) to the input grid.
 *
 * Weights (module-local names; in the checkpoint they sit under transformer.visual.attn_pool.):
 *   query [Q, Dm]; kv_proj.weight [Dm, Dv] (only when Dv ≠ Dm); attn.in_proj_weight [3·Dm, Dm];
 *   attn.in_proj_bias [3·Dm]; attn.out_proj.{weight [Dm, Dm], bias [Dm]}; ln_q, ln_kv (LayerNorm Dm).
 *
 * Departures:
 * - The frozen `pos_embed` [Q, Dm] (requires_grad False in the reference) is not a weight here: it is
 *   a fixed function of (Q, Dm), recomputed in apply. paramCount counts the trainable parameters
 *   (75,005,952 for Qwen-VL); frozenParamCount gives the table's size (1,048,576).
 * - ln_post and proj, which follow attn_pool in the Qwen-VL vision tower (16,785,408 parameters),
 *   are not part of this module.
 * - The position table is computed in float64 then rounded to float32 (the reference computes it in
 *   float32 numpy); differences are below 1e-6.
 * - No attention mask (the reference passes attn_mask=None in Qwen-VL).
 *
 * Letters and config fields: the types.ts vocabulary (the resampler runs at Dm = llmDim).
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { attentionFlops, initPackedAttention, multiHeadAttention, packedAttentionParams, packedAttentionSpecs, packedProjections } from './ops/attention';
import { checkVision, getWeight, gridSide, VISION } from './ops/common';
import { normal } from './ops/init';
import { linear, linearFlops, linearParams, linearSpecs } from './ops/linear';
import { initLayerNorm, layerNorm, layerNormParams, layerNormSpecs } from './ops/norm';
import type { ApplyInput, ApplyOutput, InputShapes, ProjectorSpec, Shape, WeightSpec, Weights } from './types';

const positiveInt = z.number().int().positive();

const isSquare = (n: number): boolean => Number.isInteger(Math.sqrt(n));

export const schema = z
  .object({
    /** Q: learned queries = output tokens, a perfect square (the query grid; Qwen-VL: 256 = 16²). */
    numQueries: positiveInt,
    /** Dm: the resampler's and output width (Qwen-VL: 4096, the LLM width); divisible by 4 for the 2D sin-cos table. */
    llmDim: positiveInt,
    /** H: attention heads (Qwen-VL: Dm / 128 = 32). */
    numHeads: positiveInt,
    /** Dv: vision width (ViT-bigG: 1664). */
    visionDim: positiveInt,
    /** LayerNorm eps of ln_q and ln_kv (1e-6 in the reference). */
    eps: z.number().positive().default(1e-6),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!isSquare(c.numQueries)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['numQueries'], message: `numQueries ${c.numQueries} must be a perfect square (a 2D grid)` });
    if (c.llmDim % 4 !== 0) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['llmDim'], message: `llmDim ${c.llmDim} must be divisible by 4 (2D sin-cos table)` });
    if (c.llmDim % c.numHeads !== 0) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['numHeads'], message: `numHeads ${c.numHeads} must divide llmDim ${c.llmDim}` });
  });
export type Config = z.infer<typeof schema>;

/** Small defaults that run fast in a browser. */
export const defaults: Config = {
  numQueries: 16, // Q = 4²
  llmDim: 64, // Dm
  numHeads: 4, // H
  visionDim: 48, // Dv ≠ Dm, so kv_proj exists
  eps: 1e-6, // reference
};

/** Trace: attention weights [B, H, Q, Nv]. */
export const TRACE_KEYS = { attention: 'attention' } as const;

const hasKvProj = (cfg: Config): boolean => cfg.visionDim !== cfg.llmDim;

/**
 * MAE-style 2D sin-cos table [G², Dm] as a flat row-major Float32Array. For token i = r·G + c, the
 * first Dm/2 entries encode the column c and the last Dm/2 the row r (the reference builds the grid
 * with meshgrid(w, h), "w goes first"); each half is [sin(p·ω), cos(p·ω)], ω_k = 10000^(−k/(Dm/4)).
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
 * resized bicubically from √Q × √Q to g × g (get_abs_pos). Returns [n, Dm].
 */
export function positionTable(cfg: Config, n: number): tf.Tensor2D {
  const src = Math.round(Math.sqrt(cfg.numQueries));
  const tgt = Math.round(Math.sqrt(n));
  if (tgt * tgt !== n) throw new Error(`n: ${n} is not a square, so not a g × g grid`); // callers check vision with gridSide first
  const table = tf.tensor2d(sincos2dTable(cfg.llmDim, src), [src * src, cfg.llmDim]);
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
    return tf.matMul(tf.tensor2d(k, [tgt * tgt, src * src]), table); // [g², s²] × [s², Dm] → [g², Dm]
  });
}

function weightSpecs(cfg: Config): WeightSpec[] {
  return [
    { name: 'query', shape: [cfg.numQueries, cfg.llmDim], doc: 'learned queries [Q, Dm], init trunc-normal 0.02' },
    ...(hasKvProj(cfg) ? linearSpecs('kv_proj', cfg.visionDim, cfg.llmDim, false) : []),
    ...packedAttentionSpecs('attn', cfg.llmDim),
    ...layerNormSpecs('ln_q', cfg.llmDim),
    ...layerNormSpecs('ln_kv', cfg.llmDim),
  ];
}

/**
 * Trainable parameters: queries Q·Dm + kv_proj Dv·Dm (no bias; absent when Dv = Dm) + attention
 * 4·Dm² + 4·Dm + ln_q and ln_kv 2·2·Dm (facts.md Qwen-VL row: 75,005,952).
 */
function paramCount(cfg: Config): number {
  const d = cfg.llmDim;
  const kvProj = hasKvProj(cfg) ? linearParams(cfg.visionDim, d, false) : 0;
  return cfg.numQueries * d + kvProj + packedAttentionParams(d) + 2 * layerNormParams(d);
}

/** The frozen position table's size, Q·Dm (not a weight here; see the header). */
export const frozenParamCount = (cfg: Config): number => cfg.numQueries * cfg.llmDim;

/** [B, Nv, Dv] with Nv = g·g: the key position table needs a square grid. */
function checkShapes(cfg: Config, input: InputShapes): { b: number; nv: number } {
  const [b, nv] = checkVision(input, cfg.visionDim);
  gridSide('vision', input.vision, VISION, 'Nv = g·g, a square grid for the position table');
  return { b, nv };
}

function outputShape(cfg: Config, input: InputShapes): Shape {
  const { b } = checkShapes(cfg, input);
  return [b, cfg.numQueries, cfg.llmDim];
}

/** kv_proj over Nv tokens + one attention (Q queries over Nv keys); the fixed table resize is not counted. */
function flops(cfg: Config, input: InputShapes): number {
  const { b, nv } = checkShapes(cfg, input);
  const kv = hasKvProj(cfg) ? linearFlops(nv, cfg.visionDim, cfg.llmDim) : 0;
  return b * (kv + attentionFlops({ queries: cfg.numQueries, keys: nv, queryDim: cfg.llmDim, keyDim: cfg.llmDim, inner: cfg.llmDim, outDim: cfg.llmDim }));
}

/**
 * Reference init (_init_weights): Linear weights trunc_normal_(std 0.02) with bounds ±2 absolute,
 * i.e. ±100 std, so a plain N(0, 0.02) matches it; out_proj (a Linear subclass) likewise with zero
 * bias; in_proj keeps nn.MultiheadAttention's Xavier; LayerNorm 1/0.
 */
function init(cfg: Config, seed: number): Weights {
  const d = cfg.llmDim;
  const attn = initPackedAttention('attn', d, seed, { normalStd: 0.02 });
  return {
    query: normal([cfg.numQueries, d], 0.02, seed, 'query'),
    ...(hasKvProj(cfg) ? { 'kv_proj.weight': normal([d, cfg.visionDim], 0.02, seed, 'kv_proj.weight') } : {}),
    ...attn,
    ...initLayerNorm('ln_q', d),
    ...initLayerNorm('ln_kv', d),
  };
}

function apply(cfg: Config, weights: Weights, input: ApplyInput): ApplyOutput {
  const { b, nv } = checkShapes(cfg, { vision: input.vision.shape });
  return tf.tidy(() => {
    const ln = (x: tf.Tensor, name: string) =>
      layerNorm(x, getWeight(weights, `${name}.weight`), getWeight(weights, `${name}.bias`), cfg.eps) as tf.Tensor3D;
    const projected = hasKvProj(cfg) ? linear(input.vision, getWeight(weights, 'kv_proj.weight')) : input.vision; // [B, Nv, Dv] → [B, Nv, Dm]
    const x = ln(projected, 'ln_kv');
    const queryPos = positionTable(cfg, cfg.numQueries); // [Q, Dm]
    const keyPos = positionTable(cfg, nv); // [Nv, Dm]
    // ln_q(query) [Q, Dm] + pos [Q, Dm] → [1, Q, Dm] → [B, Q, Dm]
    const q = ln(getWeight(weights, 'query'), 'ln_q').add(queryPos).expandDims(0).tile([b, 1, 1]) as tf.Tensor3D;
    const k = x.add(keyPos) as tf.Tensor3D; // [Nv, Dm] broadcasts over B
    const { output, weights: attention } = multiHeadAttention(q, k, x, packedProjections(weights, 'attn'), { heads: cfg.numHeads });
    return { tokens: output, trace: { [TRACE_KEYS.attention]: attention } };
  });
}

export const spec: ProjectorSpec<Config> = {
  kind: 'cross-attention-resampler',
  side: 'input',
  title: 'Cross-attention resampler (Qwen-VL position-aware adapter)',
  cite: ['bai2023qwenvl'],
  schema,
  defaults,
  outputShape,
  paramCount,
  flops,
  weightSpecs,
  init,
  apply,
};
