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
 * (LayerNorm), ff.1.weight [ffnMult·Dm, Dm], ff.3.weight [Dm, ffnMult·Dm], ff_gate [1].
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
 * Letters and config fields: the types.ts vocabulary.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { attentionFlops, kvPackedProjections, multiHeadAttention } from './ops/attention';
import { checkShape, checkVision, getWeight } from './ops/common';
import { activationSchema, flamingoFeedForward, flamingoFeedForwardFlops, flamingoFeedForwardParams, flamingoFeedForwardSpecs, initFlamingoFeedForward } from './ops/flamingo-feed-forward';
import { initLinear, linearSpecs } from './ops/linear';
import { initLayerNorm, layerNorm, layerNormParams, layerNormSpecs } from './ops/norm';
import type { ApplyInput, ApplyOutput, InputShapes, ProjectorSpec, Shape, WeightSpec, Weights } from './types';

const positiveInt = z.number().int().positive();

export const schema = z
  .object({
    /** Dm: LM width, the width of the text states (OpenFlamingo-3B: 2048). */
    llmDim: positiveInt,
    /** Dv: width of the media tokens (CLIP ViT-L/14: 1024). */
    visionDim: positiveInt,
    /** H: attention heads (OpenFlamingo: 8). */
    numHeads: positiveInt,
    /** Dh: width per head (OpenFlamingo: 64). */
    headDim: positiveInt,
    /** FFN hidden width F = ffnMult·Dm (OpenFlamingo: 4). */
    ffnMult: positiveInt,
    /** 'gelu' (OpenFlamingo) or 'squared-relu' (Flamingo paper). */
    activation: activationSchema,
  })
  .strict();
export type Config = z.infer<typeof schema>;

/** Small defaults that run fast in a browser. */
export const defaults: Config = {
  llmDim: 64, // Dm
  visionDim: 48, // Dv
  numHeads: 4, // H
  headDim: 16, // Dh, so inner width 64
  ffnMult: 4, // FFN hidden 256
  activation: 'gelu', // OpenFlamingo's choice
};

/** Keys of the trace: attention weights [B, H, Nt, Nv] and the two tanh-gate values (scalars). */
export const TRACE_KEYS = {
  attention: 'attention',
  attnGate: 'tanhAttnGate',
  ffGate: 'tanhFfGate',
} as const;

function weightSpecs(cfg: Config): WeightSpec[] {
  const inner = cfg.numHeads * cfg.headDim;
  return [
    ...layerNormSpecs('attn.norm', cfg.llmDim),
    ...linearSpecs('attn.to_q', cfg.llmDim, inner, false),
    ...linearSpecs('attn.to_kv', cfg.visionDim, 2 * inner, false),
    ...linearSpecs('attn.to_out', inner, cfg.llmDim, false),
    { name: 'attn_gate', shape: [1], doc: 'attention gate α (tanh applied), initialised to 0' },
    ...flamingoFeedForwardSpecs('ff', cfg.llmDim, cfg.ffnMult),
    { name: 'ff_gate', shape: [1], doc: 'dense gate α (tanh applied), initialised to 0' },
  ];
}

/**
 * attn LayerNorm 2·Dm + to_q Dm·E + to_kv 2·Dv·E + to_out E·Dm (E = H·Dh, no biases) + FFN
 * 2·Dm + 2·ffnMult·Dm² + the two gates (facts.md: 4d + 1024d + 1,048,576 + 8d² + 2 for OpenFlamingo,
 * 36,708,354 at d = 2048).
 */
function paramCount(cfg: Config): number {
  const inner = cfg.numHeads * cfg.headDim;
  const attn = layerNormParams(cfg.llmDim) + 2 * cfg.llmDim * inner + 2 * cfg.visionDim * inner;
  return attn + flamingoFeedForwardParams(cfg.llmDim, cfg.ffnMult) + 2;
}

/** vision [B, Nv, Dv] (the media tokens) and text [B, Nt, Dm] (the LM's states). */
function checkShapes(cfg: Config, input: InputShapes): { b: number; nt: number; nv: number } {
  const [b, nv] = checkVision(input, cfg.visionDim);
  const [, nt] = checkShape('text', input.text, ['B', 'Nt', 'Dm'], { B: ['vision[0]', b], Dm: ['llmDim', cfg.llmDim] });
  return { b, nt, nv };
}

function outputShape(cfg: Config, input: InputShapes): Shape {
  const { b, nt } = checkShapes(cfg, input);
  return [b, nt, cfg.llmDim];
}

/** Per forward pass: cross-attention (Nt queries over Nv keys) + FFN over Nt tokens, times B. */
function flops(cfg: Config, input: InputShapes): number {
  const { b, nt, nv } = checkShapes(cfg, input);
  const inner = cfg.numHeads * cfg.headDim;
  const attn = attentionFlops({ queries: nt, keys: nv, queryDim: cfg.llmDim, keyDim: cfg.visionDim, inner, outDim: cfg.llmDim });
  return b * (attn + flamingoFeedForwardFlops(nt, cfg.llmDim, cfg.ffnMult));
}

/** PyTorch defaults for the Linears (U(±1/√in)), LayerNorm 1/0, gates 0 (identity at init). */
function init(cfg: Config, seed: number): Weights {
  const inner = cfg.numHeads * cfg.headDim;
  return {
    ...initLayerNorm('attn.norm', cfg.llmDim),
    ...initLinear('attn.to_q', cfg.llmDim, inner, seed, false),
    ...initLinear('attn.to_kv', cfg.visionDim, 2 * inner, seed, false),
    ...initLinear('attn.to_out', inner, cfg.llmDim, seed, false),
    attn_gate: tf.zeros([1]),
    ...initFlamingoFeedForward('ff', cfg.llmDim, cfg.ffnMult, seed),
    ff_gate: tf.zeros([1]),
  };
}

function apply(cfg: Config, weights: Weights, input: ApplyInput): ApplyOutput {
  checkShapes(cfg, { vision: input.vision.shape, text: input.text?.shape });
  const text = input.text as tf.Tensor3D; // checked above
  return tf.tidy(() => {
    const normed = layerNorm(text, getWeight(weights, 'attn.norm.weight'), getWeight(weights, 'attn.norm.bias')) as tf.Tensor3D;
    const proj = kvPackedProjections(weights, { q: 'attn.to_q', kv: 'attn.to_kv', out: 'attn.to_out' });
    const { output: attended, weights: attention } = multiHeadAttention(normed, input.vision, input.vision, proj, { heads: cfg.numHeads });
    const attnGate = tf.tanh(getWeight(weights, 'attn_gate')); // [1], broadcasts over [B, Nt, Dm]
    const afterAttn = text.add(attended.mul(attnGate));
    const ffGate = tf.tanh(getWeight(weights, 'ff_gate'));
    const tokens = afterAttn.add(flamingoFeedForward(afterAttn, weights, 'ff', cfg.activation).mul(ffGate)) as tf.Tensor3D;
    return { tokens, trace: { [TRACE_KEYS.attention]: attention, [TRACE_KEYS.attnGate]: attnGate, [TRACE_KEYS.ffGate]: ffGate } };
  });
}

export const spec: ProjectorSpec<Config> = {
  kind: 'gated-cross-attention',
  side: 'input',
  title: 'Gated cross-attention block (Flamingo GATED XATTN-DENSE)',
  cite: ['alayrac2022flamingo', 'awadalla2023openflamingo'],
  schema,
  defaults,
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
export function blocksTotalParams(cfg: Config, lmLayers: number, everyN: number): number {
  return crossAttnEveryNLayers(lmLayers, everyN).length * paramCount(cfg);
}
