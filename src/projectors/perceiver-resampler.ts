/**
 * Perceiver Resampler (Flamingo / OpenFlamingo): Q learned latents repeatedly attend to the
 * concatenation of the media tokens and themselves, giving a fixed number of visual tokens.
 *
 * Shapes: vision [B, Nv, Dv] → tokens [B, Q, Dv] (Q = numQueries latents, whatever Nv is).
 *   per layer: latents ← latents + attn(q = LN(latents), kv = concat[LN(media), LN(latents)])
 *              latents ← latents + ffw(latents)      (ffw = LN → Linear → act → Linear, no biases)
 *   then a final LayerNorm.
 *
 * Papers: alayrac2022flamingo §2.1 and Figure 5 (kv = concat([x_f, x])), Table 4 (6 layers, 1536
 * wide, 16 heads, Squared ReLU); awadalla2023openflamingo, code mlfoundations/open_flamingo
 * open_flamingo/src/helpers.py (PerceiverAttention, PerceiverResampler, FeedForward).
 *
 * Weights (open_flamingo names, i = layer): latents [Q, Dv];
 *   layers.i.0.norm_media, layers.i.0.norm_latents (LayerNorm Dv), layers.i.0.to_q.weight [H·Dh, Dv],
 *   layers.i.0.to_kv.weight [2·H·Dh, Dv], layers.i.0.to_out.weight [Dv, H·Dh];
 *   layers.i.1.0 (LayerNorm Dv), layers.i.1.1.weight [ffnMult·Dv, Dv], layers.i.1.3.weight [Dv, ffnMult·Dv];
 *   norm (final LayerNorm Dv).
 *
 * Departures:
 * - Vision input is [B, Nv, Dv] for one media item (open_flamingo: [B, T, F, v, Dv], with T media and
 *   F frames). OpenFlamingo's factory builds the resampler without frame or media-time embeddings,
 *   so none are modelled; the resampler runs at the vision width Dv, as in
 *   PerceiverResampler(dim=vis_dim).
 * - The FFN activation is a config field: 'gelu' (OpenFlamingo) or 'squared-relu' (the Flamingo
 *   paper's Table 4). The paper's own resampler width (1536) and key size (96) are expressible
 *   through visionDim/numHeads/headDim, but its vision encoder (NFNet-F6) is not modelled.
 * - No key padding mask over media tokens (the reference has none either).
 *
 * Letters and config fields: the types.ts vocabulary (the resampler's width is Dv = visionDim).
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { attentionFlops, kvPackedProjections, multiHeadAttention } from './ops/attention';
import { checkVision, getWeight } from './ops/common';
import { activationSchema, flamingoFeedForward, flamingoFeedForwardFlops, flamingoFeedForwardParams, flamingoFeedForwardSpecs, initFlamingoFeedForward } from './ops/flamingo-feed-forward';
import { normal } from './ops/init';
import { initLinear, linearSpecs } from './ops/linear';
import { initLayerNorm, layerNorm, layerNormParams, layerNormSpecs } from './ops/norm';
import type { ApplyInput, ApplyOutput, InputShapes, ProjectorSpec, Shape, WeightSpec, Weights } from './types';

const positiveInt = z.number().int().positive();

export const schema = z
  .object({
    /** Dv: vision width, which is also the resampler's width (OpenFlamingo: 1024, CLIP ViT-L/14). */
    visionDim: positiveInt,
    /** L: layers (OpenFlamingo and Flamingo: 6). */
    depth: positiveInt,
    /** H: attention heads (OpenFlamingo: 8; Flamingo paper: 16). */
    numHeads: positiveInt,
    /** Dh: width per head (OpenFlamingo: 64; Flamingo paper: 96). */
    headDim: positiveInt,
    /** Q: learned latents = output tokens (64 in both). */
    numQueries: positiveInt,
    /** FFN hidden width F = ffnMult·Dv (4). */
    ffnMult: positiveInt,
    /** 'gelu' (OpenFlamingo) or 'squared-relu' (Flamingo paper). */
    activation: activationSchema,
  })
  .strict();
export type Config = z.infer<typeof schema>;

/** Small defaults that run fast in a browser. */
export const defaults: Config = {
  visionDim: 64, // Dv
  depth: 2, // L
  numHeads: 4, // H
  headDim: 16, // Dh
  numQueries: 8, // Q
  ffnMult: 4, // FFN hidden 256
  activation: 'gelu', // OpenFlamingo
};

/** Trace: attention weights per layer, stacked [depth, B, H, Q, Nv + Q] (media keys first, then latents). */
export const TRACE_KEYS = { attention: 'attention' } as const;

const layerPrefix = (i: number): string => `layers.${i}`;

function weightSpecs(cfg: Config): WeightSpec[] {
  const inner = cfg.numHeads * cfg.headDim;
  const specs: WeightSpec[] = [{ name: 'latents', shape: [cfg.numQueries, cfg.visionDim], doc: 'learned latent queries [Q, Dv], init N(0, 1)' }];
  for (let i = 0; i < cfg.depth; i += 1) {
    const a = `${layerPrefix(i)}.0`;
    specs.push(
      ...layerNormSpecs(`${a}.norm_media`, cfg.visionDim),
      ...layerNormSpecs(`${a}.norm_latents`, cfg.visionDim),
      ...linearSpecs(`${a}.to_q`, cfg.visionDim, inner, false),
      ...linearSpecs(`${a}.to_kv`, cfg.visionDim, 2 * inner, false),
      ...linearSpecs(`${a}.to_out`, inner, cfg.visionDim, false),
      ...flamingoFeedForwardSpecs(`${layerPrefix(i)}.1`, cfg.visionDim, cfg.ffnMult),
    );
  }
  specs.push(...layerNormSpecs('norm', cfg.visionDim));
  return specs;
}

/**
 * L·(attention + FFN) + Q·Dv latents + 2·Dv final LayerNorm, with attention = two LayerNorms 4·Dv +
 * to_q Dv·E + to_kv 2·Dv·E + to_out E·Dv (E = H·Dh, no biases) and the FFN 2·Dv + 2·ffnMult·Dv²
 * (facts.md: 6 × (2,101,248 + 8,390,656) + 64·1024 + 2,048 = 63,019,008 for OpenFlamingo).
 */
function paramCount(cfg: Config): number {
  const d = cfg.visionDim;
  const inner = cfg.numHeads * cfg.headDim;
  const attn = 2 * layerNormParams(d) + 4 * d * inner;
  return cfg.depth * (attn + flamingoFeedForwardParams(d, cfg.ffnMult)) + cfg.numQueries * d + layerNormParams(d);
}

/** The media tokens are [B, Nv, Dv]: the resampler runs at the vision width. */
function outputShape(cfg: Config, input: InputShapes): Shape {
  const [b] = checkVision(input, cfg.visionDim);
  return [b, cfg.numQueries, cfg.visionDim];
}

/** Per layer: attention with Q queries over Nv + Q keys, then the FFN over Q latents; times B. */
function flops(cfg: Config, input: InputShapes): number {
  const [b, nv] = checkVision(input, cfg.visionDim);
  const inner = cfg.numHeads * cfg.headDim;
  const attn = attentionFlops({ queries: cfg.numQueries, keys: nv + cfg.numQueries, queryDim: cfg.visionDim, keyDim: cfg.visionDim, inner, outDim: cfg.visionDim });
  return b * cfg.depth * (attn + flamingoFeedForwardFlops(cfg.numQueries, cfg.visionDim, cfg.ffnMult));
}

/** latents ~ N(0, 1) (torch.randn); Linears PyTorch default; LayerNorms 1/0. */
function init(cfg: Config, seed: number): Weights {
  const inner = cfg.numHeads * cfg.headDim;
  const w: Weights = { latents: normal([cfg.numQueries, cfg.visionDim], 1, seed, 'latents') };
  for (let i = 0; i < cfg.depth; i += 1) {
    const a = `${layerPrefix(i)}.0`;
    Object.assign(
      w,
      initLayerNorm(`${a}.norm_media`, cfg.visionDim),
      initLayerNorm(`${a}.norm_latents`, cfg.visionDim),
      initLinear(`${a}.to_q`, cfg.visionDim, inner, seed, false),
      initLinear(`${a}.to_kv`, cfg.visionDim, 2 * inner, seed, false),
      initLinear(`${a}.to_out`, inner, cfg.visionDim, seed, false),
      initFlamingoFeedForward(`${layerPrefix(i)}.1`, cfg.visionDim, cfg.ffnMult, seed),
    );
  }
  Object.assign(w, initLayerNorm('norm', cfg.visionDim));
  return w;
}

function apply(cfg: Config, weights: Weights, input: ApplyInput): ApplyOutput {
  const [b] = checkVision({ vision: input.vision.shape }, cfg.visionDim);
  return tf.tidy(() => {
    const ln = (x: tf.Tensor, name: string) => layerNorm(x, getWeight(weights, `${name}.weight`), getWeight(weights, `${name}.bias`)) as tf.Tensor3D;
    // [Q, Dv] → [1, Q, Dv] → [B, Q, Dv]: the same latents for every batch element.
    let latents = getWeight(weights, 'latents').expandDims(0).tile([b, 1, 1]) as tf.Tensor3D;
    const maps: tf.Tensor4D[] = [];
    for (let i = 0; i < cfg.depth; i += 1) {
      const a = `${layerPrefix(i)}.0`;
      const media = ln(input.vision, `${a}.norm_media`);
      const normedLatents = ln(latents, `${a}.norm_latents`);
      const kvInput = tf.concat([media, normedLatents], 1) as tf.Tensor3D; // [B, Nv + Q, Dv], media first as in the reference
      const proj = kvPackedProjections(weights, { q: `${a}.to_q`, kv: `${a}.to_kv`, out: `${a}.to_out` });
      const { output, weights: attention } = multiHeadAttention(normedLatents, kvInput, kvInput, proj, { heads: cfg.numHeads });
      maps.push(attention);
      latents = latents.add(output) as tf.Tensor3D;
      latents = latents.add(flamingoFeedForward(latents, weights, `${layerPrefix(i)}.1`, cfg.activation)) as tf.Tensor3D;
    }
    const tokens = ln(latents, 'norm');
    return { tokens, trace: { [TRACE_KEYS.attention]: tf.stack(maps) } }; // depth × [B, H, Q, Nv+Q] → [depth, B, H, Q, Nv+Q]
  });
}

export const spec: ProjectorSpec<Config> = {
  kind: 'perceiver-resampler',
  side: 'input',
  title: 'Perceiver Resampler (Flamingo, OpenFlamingo)',
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
