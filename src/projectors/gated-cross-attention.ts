/**
 * One GATED XATTN-DENSE block (OpenFlamingo GatedCrossAttentionBlock): text states attend to visual
 * tokens through tanh-gated residual branches, so the frozen LM is unchanged while the gates are 0.
 *
 * Shapes: text [B, Nt, Dm] and vision [B, Nv, Dv] → tokens [B, Nt, Dm] (the updated text states).
 *   y ← y + tanh(attn_gate) · xattn(q = LN(y), kv = vision)
 *   y ← y + tanh(ff_gate) · ffw(y),   ffw = LN → Linear(no bias) → GELU → Linear(no bias)
 *
 * Papers: alayrac2022flamingo §2.2 (tanh gating, "α is a layer-specific learnable scalar
 * initialized to 0"); awadalla2023openflamingo, code mlfoundations/open_flamingo
 * open_flamingo/src/helpers.py (MaskedCrossAttention, GatedCrossAttentionBlock, FeedForward) and
 * flamingo_lm.py (a block before LM layer i when (i+1) % cross_attn_every_n_layers == 0).
 *
 * Weights (open_flamingo names): attn.norm.{weight,bias}, attn.to_q.weight [H·Dh, Dm],
 * attn.to_kv.weight [2·H·Dh, Dv], attn.to_out.weight [Dm, H·Dh], attn_gate [1], ff.0.{weight,bias}
 * (LayerNorm), ff.1.weight [mult·Dm, Dm], ff.3.weight [Dm, mult·Dm], ff_gate [1].
 *
 * Departures:
 * - No media_locations masking: every text token attends to all vision tokens (open_flamingo's
 *   default only_attend_immediate_media restricts text to the latest image; with one image and
 *   text after it the two agree). The optional text `mask` is not used: padded text rows are
 *   computed and left for the caller to ignore, as in the reference.
 * - Vision input is [B, Nv, Dv] with all media tokens flattened (open_flamingo: [B, T, n, Dv]).
 * - The FFN activation is a config field: OpenFlamingo uses GELU, the Flamingo paper Squared ReLU
 *   (alayrac2022flamingo Table 4).
 *
 * Shape legend: B batch, Nv vision tokens, Nt text tokens, Dv vision width, Dm LLM width,
 * H heads, Dh head width.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { gelu, squaredRelu } from './ops/activations';
import { attentionFlops, kvPackedProjections, multiHeadAttention, requireWeight } from './ops/attention';
import { linear, linearFlops, initLinear, linearSpecs } from './ops/linear';
import { initLayerNorm, layerNorm, layerNormSpecs } from './ops/norm';
import type { ApplyInput, ApplyOutput, InputShapes, ProjectorSpec, Shape, WeightSpec, Weights } from './types';

const positiveInt = z.number().int().positive();

export const activationSchema = z.enum(['gelu', 'squared-relu']);
export type FfnActivation = z.infer<typeof activationSchema>;

export const gatedCrossAttentionSchema = z
  .object({
    dim: positiveInt, // Dm, the LM width (OpenFlamingo-3B: 2048)
    visionWidth: positiveInt, // Dv, width of the media tokens (CLIP ViT-L/14: 1024)
    heads: positiveInt, // H (OpenFlamingo: 8)
    dimHead: positiveInt, // Dh (OpenFlamingo: 64)
    ffMult: positiveInt, // FFN hidden = ffMult·Dm (OpenFlamingo: 4)
    activation: activationSchema, // 'gelu' (OpenFlamingo) or 'squared-relu' (Flamingo paper)
  })
  .strict();
export type GatedCrossAttentionConfig = z.infer<typeof gatedCrossAttentionSchema>;

/** Small defaults that run fast in a browser. */
export const gatedCrossAttentionDefaults: GatedCrossAttentionConfig = {
  dim: 64, // Dm
  visionWidth: 48, // Dv
  heads: 4, // H
  dimHead: 16, // Dh, so inner width 64
  ffMult: 4, // FFN hidden 256
  activation: 'gelu', // OpenFlamingo's choice
};

/** Keys of the trace: attention weights [B, H, Nt, Nv] and the two tanh-gate values (scalars). */
export const TRACE_KEYS = {
  attention: 'attention',
  attnGate: 'tanhAttnGate',
  ffGate: 'tanhFfGate',
} as const;

export function activate(x: tf.Tensor, activation: FfnActivation): tf.Tensor {
  return activation === 'gelu' ? gelu(x) : squaredRelu(x);
}

/** open_flamingo FeedForward: LN → Linear(no bias) → activation → Linear(no bias); names prefix.{0,1,3}. */
export function flamingoFeedForward(x: tf.Tensor, weights: Weights, prefix: string, activation: FfnActivation): tf.Tensor {
  return tf.tidy(() => {
    const normed = layerNorm(x, requireWeight(weights, `${prefix}.0.weight`), requireWeight(weights, `${prefix}.0.bias`));
    const hidden = activate(linear(normed, requireWeight(weights, `${prefix}.1.weight`)), activation);
    return linear(hidden, requireWeight(weights, `${prefix}.3.weight`));
  });
}

export function flamingoFeedForwardSpecs(prefix: string, dim: number, mult: number): WeightSpec[] {
  return [...layerNormSpecs(`${prefix}.0`, dim), ...linearSpecs(`${prefix}.1`, dim, mult * dim, false), ...linearSpecs(`${prefix}.3`, mult * dim, dim, false)];
}

export function initFlamingoFeedForward(prefix: string, dim: number, mult: number, seed: number): Weights {
  return { ...initLayerNorm(`${prefix}.0`, dim), ...initLinear(`${prefix}.1`, dim, mult * dim, seed, false), ...initLinear(`${prefix}.3`, mult * dim, dim, seed, false) };
}

function weightSpecs(cfg: GatedCrossAttentionConfig): WeightSpec[] {
  const inner = cfg.heads * cfg.dimHead;
  return [
    ...layerNormSpecs('attn.norm', cfg.dim),
    ...linearSpecs('attn.to_q', cfg.dim, inner, false),
    ...linearSpecs('attn.to_kv', cfg.visionWidth, 2 * inner, false),
    ...linearSpecs('attn.to_out', inner, cfg.dim, false),
    { name: 'attn_gate', shape: [1], doc: 'attention gate α (tanh applied), initialised to 0' },
    ...flamingoFeedForwardSpecs('ff', cfg.dim, cfg.ffMult),
    { name: 'ff_gate', shape: [1], doc: 'dense gate α (tanh applied), initialised to 0' },
  ];
}

/** 4·Dm + Dm·inner·2 + Dv·2·inner + 2·ffMult·Dm² + 2 (facts.md: 4d + 1024d + 1,048,576 + 8d² + 2 for OpenFlamingo). */
function paramCount(cfg: GatedCrossAttentionConfig): number {
  const inner = cfg.heads * cfg.dimHead;
  return 4 * cfg.dim + 2 * cfg.dim * inner + 2 * cfg.visionWidth * inner + 2 * cfg.ffMult * cfg.dim * cfg.dim + 2;
}

function checkShapes(cfg: GatedCrossAttentionConfig, input: InputShapes): { b: number; nt: number; nv: number } {
  const v = input.vision;
  if (v.length !== 3) throw new Error(`vision: expected [B, Nv, Dv], got [${v}]`);
  if (v[2] !== cfg.visionWidth) throw new Error(`vision: width ${v[2]} must equal visionWidth ${cfg.visionWidth}`);
  const t = input.text;
  if (!t) throw new Error('text: gated cross-attention needs text states [B, Nt, Dm]');
  if (t.length !== 3) throw new Error(`text: expected [B, Nt, Dm], got [${t}]`);
  if (t[2] !== cfg.dim) throw new Error(`text: width ${t[2]} must equal dim ${cfg.dim}`);
  if (t[0] !== v[0]) throw new Error(`text: batch ${t[0]} must equal vision batch ${v[0]}`);
  return { b: v[0] as number, nt: t[1] as number, nv: v[1] as number };
}

function outputShape(cfg: GatedCrossAttentionConfig, input: InputShapes): Shape {
  const { b, nt } = checkShapes(cfg, input);
  return [b, nt, cfg.dim];
}

/** Per forward pass: cross-attention (Nt queries over Nv keys) + FFN over Nt tokens, times B. */
function flops(cfg: GatedCrossAttentionConfig, input: InputShapes): number {
  const { b, nt, nv } = checkShapes(cfg, input);
  const inner = cfg.heads * cfg.dimHead;
  const attn = attentionFlops({ queries: nt, keys: nv, queryDim: cfg.dim, keyDim: cfg.visionWidth, inner, outDim: cfg.dim });
  const ffn = linearFlops(nt, cfg.dim, cfg.ffMult * cfg.dim) + linearFlops(nt, cfg.ffMult * cfg.dim, cfg.dim);
  return b * (attn + ffn);
}

/** PyTorch defaults for the Linears (U(±1/√in)), LayerNorm 1/0, gates 0 (identity at init). */
function init(cfg: GatedCrossAttentionConfig, seed: number): Weights {
  const inner = cfg.heads * cfg.dimHead;
  return {
    ...initLayerNorm('attn.norm', cfg.dim),
    ...initLinear('attn.to_q', cfg.dim, inner, seed, false),
    ...initLinear('attn.to_kv', cfg.visionWidth, 2 * inner, seed, false),
    ...initLinear('attn.to_out', inner, cfg.dim, seed, false),
    attn_gate: tf.zeros([1]),
    ...initFlamingoFeedForward('ff', cfg.dim, cfg.ffMult, seed),
    ff_gate: tf.zeros([1]),
  };
}

function apply(cfg: GatedCrossAttentionConfig, weights: Weights, input: ApplyInput): ApplyOutput {
  const text = input.text;
  checkShapes(cfg, { vision: input.vision.shape, ...(text ? { text: text.shape } : {}) });
  if (!text) throw new Error('text: gated cross-attention needs text states [B, Nt, Dm]');
  return tf.tidy(() => {
    const normed = layerNorm(text, requireWeight(weights, 'attn.norm.weight'), requireWeight(weights, 'attn.norm.bias')) as tf.Tensor3D;
    const proj = kvPackedProjections(weights, { q: 'attn.to_q', kv: 'attn.to_kv', out: 'attn.to_out' });
    const { output: attended, weights: attention } = multiHeadAttention(normed, input.vision, input.vision, proj, { heads: cfg.heads });
    const attnGate = tf.tanh(requireWeight(weights, 'attn_gate')); // [1], broadcasts over [B, Nt, Dm]
    const afterAttn = text.add(attended.mul(attnGate));
    const ffGate = tf.tanh(requireWeight(weights, 'ff_gate'));
    const tokens = afterAttn.add(flamingoFeedForward(afterAttn, weights, 'ff', cfg.activation).mul(ffGate)) as tf.Tensor3D;
    return { tokens, trace: { [TRACE_KEYS.attention]: attention, [TRACE_KEYS.attnGate]: attnGate, [TRACE_KEYS.ffGate]: ffGate } };
  });
}

export const spec: ProjectorSpec<GatedCrossAttentionConfig> = {
  kind: 'gated-cross-attention',
  side: 'input',
  title: 'Gated cross-attention block (Flamingo GATED XATTN-DENSE)',
  cite: ['alayrac2022flamingo', 'awadalla2023openflamingo'],
  schema: gatedCrossAttentionSchema,
  defaults: gatedCrossAttentionDefaults,
  outputShape,
  paramCount,
  flops,
  weightSpecs,
  init,
  apply,
};

/**
 * LM layer indices that get a gated block: open_flamingo flamingo_lm.py adds one before decoder
 * layer i when (i + 1) % everyN === 0 (OpenFlamingo-3B: every layer of 24; 9B: every 4th of 32).
 */
export function crossAttnEveryNLayers(lmLayers: number, everyN: number): number[] {
  if (!Number.isInteger(lmLayers) || lmLayers < 1) throw new Error(`lmLayers: ${lmLayers} must be a positive integer`);
  if (!Number.isInteger(everyN) || everyN < 1) throw new Error(`everyN: ${everyN} must be a positive integer`);
  const layers: number[] = [];
  for (let i = 0; i < lmLayers; i += 1) if ((i + 1) % everyN === 0) layers.push(i);
  return layers;
}

/** Parameters of all gated blocks of a model: block count × one block's parameters. */
export function gatedBlocksTotalParams(cfg: GatedCrossAttentionConfig, lmLayers: number, everyN: number): number {
  return crossAttnEveryNLayers(lmLayers, everyN).length * paramCount(cfg);
}
