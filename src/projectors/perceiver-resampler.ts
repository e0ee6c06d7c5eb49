/**
 * Perceiver Resampler (Flamingo / OpenFlamingo): Q learned latents repeatedly attend to the
 * concatenation of the media tokens and themselves, giving a fixed number of visual tokens.
 *
 * Shapes: vision [B, Nv, D] → tokens [B, Q, D] (Q = latents, whatever Nv is).
 *   per layer: latents ← latents + attn(q = LN(latents), kv = concat[LN(media), LN(latents)])
 *              latents ← latents + ffw(latents)      (ffw = LN → Linear → act → Linear, no biases)
 *   then a final LayerNorm.
 *
 * Papers: alayrac2022flamingo §2.1 and Figure 5 (kv = concat([x_f, x])), Table 4 (6 layers, 1536
 * wide, 16 heads, Squared ReLU); awadalla2023openflamingo, code mlfoundations/open_flamingo
 * open_flamingo/src/helpers.py (PerceiverAttention, PerceiverResampler, FeedForward).
 *
 * Weights (open_flamingo names, i = layer): latents [Q, D];
 *   layers.i.0.norm_media, layers.i.0.norm_latents (LayerNorm D), layers.i.0.to_q.weight [H·Dh, D],
 *   layers.i.0.to_kv.weight [2·H·Dh, D], layers.i.0.to_out.weight [D, H·Dh];
 *   layers.i.1.0 (LayerNorm D), layers.i.1.1.weight [mult·D, D], layers.i.1.3.weight [D, mult·D];
 *   norm (final LayerNorm D).
 *
 * Departures:
 * - Vision input is [B, Nv, D] for one media item (open_flamingo: [B, T, F, v, D], with T media and
 *   F frames). OpenFlamingo's factory builds the resampler without frame or media-time embeddings,
 *   so none are modelled; the vision width must equal the resampler width D, as in
 *   PerceiverResampler(dim=vis_dim).
 * - The FFN activation is a config field: 'gelu' (OpenFlamingo) or 'squared-relu' (the Flamingo
 *   paper's Table 4). The paper's own resampler width (1536) and key size (96) are expressible
 *   through dim/heads/dimHead, but its vision encoder (NFNet-F6) is not modelled.
 * - No key padding mask over media tokens (the reference has none either).
 *
 * Shape legend: B batch, Nv vision tokens, Q latents, D width, H heads, Dh head width.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { activationSchema, flamingoFeedForward, flamingoFeedForwardSpecs, initFlamingoFeedForward } from './gated-cross-attention';
import { attentionFlops, kvPackedProjections, multiHeadAttention, requireWeight } from './ops/attention';
import { normal } from './ops/init';
import { initLinear, linearFlops, linearSpecs } from './ops/linear';
import { initLayerNorm, layerNorm, layerNormSpecs } from './ops/norm';
import type { ApplyInput, ApplyOutput, InputShapes, ProjectorSpec, Shape, WeightSpec, Weights } from './types';

const positiveInt = z.number().int().positive();

export const perceiverResamplerSchema = z
  .object({
    dim: positiveInt, // D, resampler width = vision width (OpenFlamingo: 1024, CLIP ViT-L/14)
    depth: positiveInt, // layers (OpenFlamingo and Flamingo: 6)
    heads: positiveInt, // H (OpenFlamingo: 8; Flamingo paper: 16)
    dimHead: positiveInt, // Dh (OpenFlamingo: 64; Flamingo paper: 96)
    latents: positiveInt, // Q output tokens (64 in both)
    ffMult: positiveInt, // FFN hidden = ffMult·D (4)
    activation: activationSchema, // 'gelu' (OpenFlamingo) or 'squared-relu' (Flamingo paper)
  })
  .strict();
export type PerceiverResamplerConfig = z.infer<typeof perceiverResamplerSchema>;

export const perceiverResamplerDefaults: PerceiverResamplerConfig = {
  dim: 64, // D
  depth: 2, // layers
  heads: 4, // H
  dimHead: 16, // Dh
  latents: 8, // Q
  ffMult: 4, // FFN hidden 256
  activation: 'gelu', // OpenFlamingo
};

/** Trace: attention weights per layer, stacked [depth, B, H, Q, Nv + Q] (media keys first, then latents). */
export const TRACE_KEYS = { attention: 'attention' } as const;

const layerPrefix = (i: number): string => `layers.${i}`;

function weightSpecs(cfg: PerceiverResamplerConfig): WeightSpec[] {
  const inner = cfg.heads * cfg.dimHead;
  const specs: WeightSpec[] = [{ name: 'latents', shape: [cfg.latents, cfg.dim], doc: 'learned latent queries [Q, D], init N(0, 1)' }];
  for (let i = 0; i < cfg.depth; i += 1) {
    const a = `${layerPrefix(i)}.0`;
    specs.push(
      ...layerNormSpecs(`${a}.norm_media`, cfg.dim),
      ...layerNormSpecs(`${a}.norm_latents`, cfg.dim),
      ...linearSpecs(`${a}.to_q`, cfg.dim, inner, false),
      ...linearSpecs(`${a}.to_kv`, cfg.dim, 2 * inner, false),
      ...linearSpecs(`${a}.to_out`, inner, cfg.dim, false),
      ...flamingoFeedForwardSpecs(`${layerPrefix(i)}.1`, cfg.dim, cfg.ffMult),
    );
  }
  specs.push(...layerNormSpecs('norm', cfg.dim));
  return specs;
}

/** depth·(4D + 4·D·inner + 2D + 2·mult·D²) + Q·D + 2D (facts.md: 6 × (2,101,248 + 8,390,656) + 64·1024 + 2,048). */
function paramCount(cfg: PerceiverResamplerConfig): number {
  const inner = cfg.heads * cfg.dimHead;
  const attn = 4 * cfg.dim + 4 * cfg.dim * inner;
  const ffn = 2 * cfg.dim + 2 * cfg.ffMult * cfg.dim * cfg.dim;
  return cfg.depth * (attn + ffn) + cfg.latents * cfg.dim + 2 * cfg.dim;
}

function checkShapes(cfg: PerceiverResamplerConfig, input: InputShapes): { b: number; nv: number } {
  const v = input.vision;
  if (v.length !== 3) throw new Error(`vision: expected [B, Nv, D], got [${v}]`);
  if (v[2] !== cfg.dim) throw new Error(`vision: width ${v[2]} must equal dim ${cfg.dim} (the resampler runs at the vision width)`);
  return { b: v[0] as number, nv: v[1] as number };
}

function outputShape(cfg: PerceiverResamplerConfig, input: InputShapes): Shape {
  const { b } = checkShapes(cfg, input);
  return [b, cfg.latents, cfg.dim];
}

/** Per layer: attention with Q queries over Nv + Q keys, then the FFN over Q latents; times B. */
function flops(cfg: PerceiverResamplerConfig, input: InputShapes): number {
  const { b, nv } = checkShapes(cfg, input);
  const inner = cfg.heads * cfg.dimHead;
  const attn = attentionFlops({ queries: cfg.latents, keys: nv + cfg.latents, queryDim: cfg.dim, keyDim: cfg.dim, inner, outDim: cfg.dim });
  const ffn = linearFlops(cfg.latents, cfg.dim, cfg.ffMult * cfg.dim) + linearFlops(cfg.latents, cfg.ffMult * cfg.dim, cfg.dim);
  return b * cfg.depth * (attn + ffn);
}

/** latents ~ N(0, 1) (torch.randn); Linears PyTorch default; LayerNorms 1/0. */
function init(cfg: PerceiverResamplerConfig, seed: number): Weights {
  const inner = cfg.heads * cfg.dimHead;
  const w: Weights = { latents: normal([cfg.latents, cfg.dim], 1, seed, 'latents') };
  for (let i = 0; i < cfg.depth; i += 1) {
    const a = `${layerPrefix(i)}.0`;
    Object.assign(
      w,
      initLayerNorm(`${a}.norm_media`, cfg.dim),
      initLayerNorm(`${a}.norm_latents`, cfg.dim),
      initLinear(`${a}.to_q`, cfg.dim, inner, seed, false),
      initLinear(`${a}.to_kv`, cfg.dim, 2 * inner, seed, false),
      initLinear(`${a}.to_out`, inner, cfg.dim, seed, false),
      initFlamingoFeedForward(`${layerPrefix(i)}.1`, cfg.dim, cfg.ffMult, seed),
    );
  }
  Object.assign(w, initLayerNorm('norm', cfg.dim));
  return w;
}

function apply(cfg: PerceiverResamplerConfig, weights: Weights, input: ApplyInput): ApplyOutput {
  const { b } = checkShapes(cfg, { vision: input.vision.shape });
  return tf.tidy(() => {
    const ln = (x: tf.Tensor, name: string) => layerNorm(x, requireWeight(weights, `${name}.weight`), requireWeight(weights, `${name}.bias`)) as tf.Tensor3D;
    // [Q, D] → [1, Q, D] → [B, Q, D]: the same latents for every batch element.
    let latents = requireWeight(weights, 'latents').expandDims(0).tile([b, 1, 1]) as tf.Tensor3D;
    const maps: tf.Tensor4D[] = [];
    for (let i = 0; i < cfg.depth; i += 1) {
      const a = `${layerPrefix(i)}.0`;
      const media = ln(input.vision, `${a}.norm_media`);
      const normedLatents = ln(latents, `${a}.norm_latents`);
      const kvInput = tf.concat([media, normedLatents], 1) as tf.Tensor3D; // [B, Nv + Q, D], media first as in the reference
      const proj = kvPackedProjections(weights, { q: `${a}.to_q`, kv: `${a}.to_kv`, out: `${a}.to_out` });
      const { output, weights: attention } = multiHeadAttention(normedLatents, kvInput, kvInput, proj, { heads: cfg.heads });
      maps.push(attention);
      latents = latents.add(output) as tf.Tensor3D;
      latents = latents.add(flamingoFeedForward(latents, weights, `${layerPrefix(i)}.1`, cfg.activation)) as tf.Tensor3D;
    }
    const tokens = ln(latents, 'norm');
    return { tokens, trace: { [TRACE_KEYS.attention]: tf.stack(maps) } }; // depth × [B, H, Q, Nv+Q] → [depth, B, H, Q, Nv+Q]
  });
}

export const spec: ProjectorSpec<PerceiverResamplerConfig> = {
  kind: 'perceiver-resampler',
  side: 'input',
  title: 'Perceiver Resampler (Flamingo, OpenFlamingo)',
  cite: ['alayrac2022flamingo', 'awadalla2023openflamingo'],
  schema: perceiverResamplerSchema,
  defaults: perceiverResamplerDefaults,
  outputShape,
  paramCount,
  flops,
  weightSpecs,
  init,
  apply,
};
