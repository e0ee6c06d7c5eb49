/**
 * What visual tokens cost the language model: prefill FLOPs (the linear part and attention's
 * quadratic part), KV-cache bytes and context share, for a decoder-only LLM of a given shape; and the
 * token count of Qwen2-VL-style dynamic resolution. Pure arithmetic, no tfjs: the performance
 * article's cost model runs it in the browser as the reader moves the controls, and the e2e test
 * recomputes every painted number with it.
 *
 * Conventions (the same as the projectors' `flops`: 2 FLOPs per multiply-add):
 * - Linear part, per token per layer: Q and O projections 2·d·d each, K and V 2·d·d_kv each
 *   (d_kv = kvHeads·d/heads, grouped-query attention when kvHeads < heads), and the feed-forward
 *   block 2·d·f per matrix: three matrices when gated (SwiGLU, as in LLaMA: touvron2023llama §2.2),
 *   two otherwise. Embedding lookups cost nothing; the LM head is left out because prefill needs the
 *   logits of the last position only.
 * - Attention, causal prefill of S tokens: token i attends to i positions (itself included), so
 *   S(S+1)/2 query-key pairs per layer, each costing 2·d for the scores and 2·d for the weighted sum
 *   (summed over heads): 2·d·S(S+1) per layer. Softmax and norms are not counted.
 * - KV cache: K and V of every layer for every token, d_kv values each, `bytesPerValue` bytes.
 */
import { z } from 'zod';

export const llmShapeSchema = z
  .object({
    /** Hidden width d (the projector's output width). */
    width: z.number().int().min(64).max(32768),
    /** Decoder layers L. */
    layers: z.number().int().min(1).max(256),
    /** Attention heads; must divide the width. */
    heads: z.number().int().min(1).max(256),
    /** Key/value heads (= heads without grouped-query attention); must divide heads. */
    kvHeads: z.number().int().min(1).max(256),
    /** Feed-forward inner width f. */
    ffnWidth: z.number().int().min(64).max(131072),
    /** Gated feed-forward (SwiGLU: three matrices) or plain (two). */
    gatedFfn: z.boolean(),
    /** Bytes per cached value: 2 for fp16/bf16. */
    bytesPerValue: z.number().positive().max(8),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.width % s.heads !== 0) ctx.addIssue({ code: 'custom', path: ['heads'], message: `${s.heads} heads do not divide the width ${s.width}` });
    if (s.heads % s.kvHeads !== 0) ctx.addIssue({ code: 'custom', path: ['kvHeads'], message: `${s.kvHeads} key/value heads do not divide ${s.heads} heads` });
  });
export type LlmShape = z.infer<typeof llmShapeSchema>;

/**
 * LLaMA's feed-forward width for a model width d: 2/3 of 4d (touvron2023llama §2.2, "a dimension of
 * 2/3 4d instead of 4d as in PaLM"), rounded up to a multiple of 256 as the reference code does
 * (multiple_of = 256): 4096 → 11008, 5120 → 13824.
 */
export const llamaFfnWidth = (d: number): number => Math.ceil((2 / 3) * 4 * d / 256) * 256;

/** A LLaMA-shaped LLM of width d with L layers and d/128 heads (head width 128, as LLaMA-7B and -13B). */
export function llamaShape(width: number, layers: number): LlmShape {
  return llmShapeSchema.parse({ width, layers, heads: width / 128, kvHeads: width / 128, ffnWidth: llamaFfnWidth(width), gatedFfn: true, bytesPerValue: 2 });
}

const kvWidth = (s: LlmShape): number => (s.kvHeads * s.width) / s.heads;

/** Matmul FLOPs one token costs one layer outside attention's token-token products. */
export function linearFlopsPerTokenLayer(s: LlmShape): number {
  const d = s.width;
  const attnProj = 2 * d * d * 2 + 2 * d * kvWidth(s) * 2; // Q, O: d×d; K, V: d×d_kv
  const ffn = 2 * d * s.ffnWidth * (s.gatedFfn ? 3 : 2);
  return attnProj + ffn;
}

export interface PrefillFlops {
  /** Projections and feed-forward: linear in the number of tokens. */
  linear: number;
  /** Scores and weighted sums of causal attention: quadratic in the number of tokens. */
  attention: number;
  total: number;
}

/** Prefill FLOPs of a sequence of `tokens` tokens. */
export function prefillFlops(s: LlmShape, tokens: number): PrefillFlops {
  if (!Number.isInteger(tokens) || tokens < 0) throw new RangeError(`prefillFlops: tokens must be a whole number ≥ 0, got ${tokens}`);
  const linear = s.layers * tokens * linearFlopsPerTokenLayer(s);
  const attention = s.layers * 2 * s.width * tokens * (tokens + 1);
  return { linear, attention, total: linear + attention };
}

/** KV-cache bytes of `tokens` tokens. */
export const kvCacheBytes = (s: LlmShape, tokens: number): number => 2 * s.layers * tokens * kvWidth(s) * s.bytesPerValue;

export interface VisualTokenCost {
  /** What the visual tokens add to the prefill of the text alone. */
  added: PrefillFlops;
  /** Prefill of the whole sequence (text + visual tokens). */
  whole: PrefillFlops;
  /** Share of the whole prefill the visual tokens add. */
  share: number;
  kvBytes: number;
  /** Share of the context window the visual tokens fill. */
  contextShare: number;
  /** Images of this many tokens that fit in the context next to the text (0 when none fits). */
  imagesThatFit: number;
}

/**
 * The cost of `visualTokens` tokens in a sequence that also holds `textTokens` text tokens, for a
 * context window of `context` tokens. Causal attention's pair count depends only on the sequence
 * length, so where the image sits does not change the total.
 */
export function visualTokenCost(s: LlmShape, visualTokens: number, textTokens: number, context: number): VisualTokenCost {
  if (!Number.isInteger(context) || context < 1) throw new RangeError(`visualTokenCost: context must be a whole number ≥ 1, got ${context}`);
  const whole = prefillFlops(s, textTokens + visualTokens);
  const text = prefillFlops(s, textTokens);
  const added = { linear: whole.linear - text.linear, attention: whole.attention - text.attention, total: whole.total - text.total };
  return {
    added,
    whole,
    share: whole.total === 0 ? 0 : added.total / whole.total,
    kvBytes: kvCacheBytes(s, visualTokens),
    contextShare: visualTokens / context,
    imagesThatFit: visualTokens === 0 ? 0 : Math.max(0, Math.floor((context - textTokens) / visualTokens)),
  };
}

// ---- Qwen2-VL-style dynamic resolution ------------------------------------------------------------

/** Python's round(): halves go to the even neighbour (banker's rounding), as smart_resize relies on. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export const dynamicResolutionSchema = z
  .object({
    height: z.number().int().min(10).max(100000),
    width: z.number().int().min(10).max(100000),
    /** ViT patch side in pixels: 14 for Qwen2-VL and Qwen2.5-VL, 16 for Qwen3-VL. */
    patch: z.number().int().min(1).max(64),
    /** Side of the square of patches merged into one LLM token (2 in Qwen2-VL). */
    merge: z.number().int().min(1).max(8),
    minPixels: z.number().int().min(1),
    maxPixels: z.number().int().min(1),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.minPixels > c.maxPixels) ctx.addIssue({ code: 'custom', path: ['minPixels'], message: 'min pixels is larger than max pixels' });
    if (Math.max(c.height, c.width) / Math.min(c.height, c.width) > 200) ctx.addIssue({ code: 'custom', path: ['width'], message: 'aspect ratio above 200 is refused by the processor' });
  });
export type DynamicResolution = z.infer<typeof dynamicResolutionSchema>;

export interface DynamicTokens {
  resizedHeight: number;
  resizedWidth: number;
  /** ViT patches (rows × columns) before merging. */
  patches: number;
  /** Visual tokens the LLM reads: patches / merge². */
  tokens: number;
  /** With the <|vision_start|> and <|vision_end|> markers around them. */
  tokensWithMarkers: number;
}

/**
 * The image side after resizing and the token count, as Hugging Face transformers' Qwen2-VL image
 * processor computes them (models/qwen2_vl/image_processing_qwen2_vl.py, `smart_resize` with
 * factor = patch·merge): each side rounded to a multiple of the factor; if the area then exceeds
 * max_pixels, both sides are scaled by √(area/max) and floored to the factor; if below min_pixels,
 * scaled up by √(min/area) and ceiled. The processor's defaults are min 56·56 and max 28·28·1280 pixels.
 * The LLM sees one token per merge×merge patches (the processor divides the grid by merge_size²).
 */
export function dynamicResolutionTokens(cfg: DynamicResolution): DynamicTokens {
  const c = dynamicResolutionSchema.parse(cfg);
  const factor = c.patch * c.merge;
  let h = roundHalfEven(c.height / factor) * factor;
  let w = roundHalfEven(c.width / factor) * factor;
  if (h * w > c.maxPixels) {
    const beta = Math.sqrt((c.height * c.width) / c.maxPixels);
    h = Math.floor(c.height / beta / factor) * factor;
    w = Math.floor(c.width / beta / factor) * factor;
  } else if (h * w < c.minPixels) {
    const beta = Math.sqrt(c.minPixels / (c.height * c.width));
    h = Math.ceil((c.height * beta) / factor) * factor;
    w = Math.ceil((c.width * beta) / factor) * factor;
  }
  if (h === 0 || w === 0) throw new RangeError(`dynamicResolutionTokens: a ${c.height} × ${c.width} image shrinks to a side of 0 under max pixels ${c.maxPixels}`);
  const patches = (h / c.patch) * (w / c.patch);
  const tokens = patches / (c.merge * c.merge);
  return { resizedHeight: h, resizedWidth: w, patches, tokens, tokensWithMarkers: tokens + 2 };
}

/** The transformers processor's default pixel bounds for Qwen2-VL (image_processing_qwen2_vl.py). */
export const QWEN2VL_DEFAULT_PIXELS = { min: 56 * 56, max: 28 * 28 * 1280 } as const;

// ---- The article's interactive cost model: one list of outputs, computed the same way at build time and in the browser ----

/** What the cost model needs to know of a projector (from its preset's paramCount, flops and outputShape). */
export interface ProjectorCost {
  params: number;
  flops: number;
  tokensIn: number;
  tokensOut: number;
  width: number;
}

export const COST_OUTPUTS = [
  { key: 'params', label: 'projector parameters', format: { kind: 'count', digits: 2 } },
  { key: 'projectorFlops', label: 'projector FLOPs (one image)', format: { kind: 'gflop', digits: 2 } },
  { key: 'tokensIn', label: 'visual tokens into the projector', format: { kind: 'int' } },
  { key: 'tokensOut', label: 'visual tokens the LLM reads', format: { kind: 'int' } },
  { key: 'addedLinear', label: 'LLM prefill they add: projections and feed-forward', format: { kind: 'gflop', digits: 1 } },
  { key: 'addedAttention', label: 'LLM prefill they add: attention (quadratic)', format: { kind: 'gflop', digits: 1 } },
  { key: 'addedTotal', label: 'LLM prefill they add: total', format: { kind: 'gflop', digits: 1 } },
  { key: 'llmOverProjector', label: 'LLM work ÷ projector work', format: { kind: 'fixed', digits: 0, suffix: '×' } },
  { key: 'share', label: 'share of the whole prefill (text + image)', format: { kind: 'percent', digits: 1 } },
  { key: 'kvBytes', label: 'KV cache they hold', format: { kind: 'bytes', digits: 1 } },
  { key: 'contextShare', label: 'share of the context window', format: { kind: 'percent', digits: 1 } },
  { key: 'imagesThatFit', label: 'images of this size that fit next to the text', format: { kind: 'int' } },
] as const;
export type CostOutputKey = (typeof COST_OUTPUTS)[number]['key'];

/** Every output of the cost model for one projector, LLM shape, prompt length and context window. */
export function costModelOutputs(p: ProjectorCost, s: LlmShape, textTokens: number, context: number): Record<CostOutputKey, number> {
  const c = visualTokenCost(s, p.tokensOut, textTokens, context);
  return {
    params: p.params,
    projectorFlops: p.flops,
    tokensIn: p.tokensIn,
    tokensOut: p.tokensOut,
    addedLinear: c.added.linear,
    addedAttention: c.added.attention,
    addedTotal: c.added.total,
    llmOverProjector: c.added.total / p.flops,
    share: c.share,
    kvBytes: c.kvBytes,
    contextShare: c.contextShare,
    imagesThatFit: c.imagesThatFit,
  };
}
