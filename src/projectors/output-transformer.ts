/**
 * Output projector: LLM hidden states of the signal tokens → conditioning features for a generator,
 * through a tiny encoder-decoder Transformer with learned output queries (NExT-GPT TextFcLayer
 * mode 'transformer', GILL's GILLMapper), or through a per-token MLP (mode 'mlp').
 *
 * Shapes ('transformer'): hidden [B, Nsig, Dm] → tokens [B, q, o]
 *   x = fc(hidden (+ input embeddings))                      [B, Nsig, Dh]   Linear(Dm, 512)
 *   memory = nn.Transformer encoder(x)                       [B, Nsig, Dh]   4 pre-LN layers + final LN
 *   y = nn.Transformer decoder(query_embs, memory)           [B, q, Dh]      4 pre-LN layers + final LN
 *   tokens = model(y)                                        [B, q, o]       Linear(512, o)
 *   e.g. q × o = 77 × 768 for Stable Diffusion v1.5, 77 × 1024 Zeroscope, 1 × 512 AudioLDM.
 * Shapes ('mlp'): hidden [B, Nsig, Dm] → tokens [B, Nsig, o] via Linear → GELU → Linear per token.
 *
 * Papers: wu2024nextgpt (output projection Transformers, Table 1: 31M / 32M / 31M), koh2023generating
 * (GILLMapper). Code: kohjingyu/gill gill/layers.py (TextFcLayer 'gill_mapper': fc, tfm =
 * nn.Transformer(batch_first, norm_first, d_model 512, 4 + 4 layers, ff 2048, dropout 0, nhead 4),
 * model, query_embs [1, q, 512]); NExT-GPT/NExT-GPT NExT-GPT-Lagacy/code/model/layers.py (mode
 * 'transformer', same structure, per facts.md).
 *
 * Inputs: `vision` carries the LLM hidden states of the signal tokens [B, Nsig, Dm] (it is the
 * projector's input slot; for this output-side kind it holds no pixels); optional `text` [B, Nsig, Dm]
 * carries the input embeddings of the same tokens, which GILL adds (x + input_embs) before fc.
 *
 * Weights (PyTorch names): fc.{weight [Dh, Dm], bias}; query_embs [1, q, Dh];
 *   tfm.encoder.layers.i.self_attn.{in_proj_weight, in_proj_bias, out_proj.weight, out_proj.bias},
 *   tfm.encoder.layers.i.linear1 [ff, Dh], .linear2 [Dh, ff], .norm1, .norm2; tfm.encoder.norm;
 *   tfm.decoder.layers.i.self_attn.*, .multihead_attn.*, .linear1, .linear2, .norm1, .norm2, .norm3;
 *   tfm.decoder.norm; model.{weight [o, Dh], bias}.
 *   'mlp' mode: mlp.0.{weight, bias} (Linear(Dm, hidden)), mlp.2.{weight, bias} (Linear(hidden, o)).
 *
 * Departures:
 * - No dropout (GILL sets 0; eval mode). No masks: nn.Transformer is called without masks in the
 *   reference, so decoder queries see each other and every signal token.
 * - 'mlp' mode is a generic two-layer GELU MLP standing for the survey's "MLP" output projectors
 *   (zhang2024mmllms); it is not taken from one model's code.
 *
 * Shape legend: B batch, Nsig signal tokens, Dm LLM width, Dh transformer width, q output tokens,
 * o output width, H heads.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { gelu } from './ops/activations';
import { attentionFlops, initPackedAttention, multiHeadAttention, packedAttentionParams, packedAttentionSpecs, packedProjections, requireWeight, xavierUniform } from './ops/attention';
import { normal, uniformFanIn } from './ops/init';
import { initLinear, linear, linearFlops, linearParams, linearSpecs } from './ops/linear';
import { initLayerNorm, layerNorm, layerNormSpecs } from './ops/norm';
import type { ApplyInput, ApplyOutput, InputShapes, ProjectorSpec, Shape, WeightSpec, Weights } from './types';

const positiveInt = z.number().int().positive();

const transformerMode = z
  .object({
    mode: z.literal('transformer'),
    inWidth: positiveInt, // Dm, LLM width (Vicuna-7B / OPT-6.7B: 4096)
    hidden: positiveInt, // Dh, d_model (512)
    heads: positiveInt, // H (4)
    encoderLayers: positiveInt, // 4
    decoderLayers: positiveInt, // 4
    ffWidth: positiveInt, // dim_feedforward (2048)
    outWidth: positiveInt, // o, generator condition width (SD v1.5: 768)
    outTokens: positiveInt, // q, generator condition length (77)
    layerNormEps: z.number().positive(), // nn.Transformer default 1e-5
  })
  .strict();

const mlpMode = z
  .object({
    mode: z.literal('mlp'),
    inWidth: positiveInt, // Dm
    hidden: positiveInt, // MLP hidden width
    outWidth: positiveInt, // o
  })
  .strict();

export const outputTransformerSchema = z
  .discriminatedUnion('mode', [transformerMode, mlpMode])
  .superRefine((c, ctx) => {
    if (c.mode === 'transformer' && c.hidden % c.heads !== 0) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['heads'], message: `heads ${c.heads} must divide hidden ${c.hidden}` });
    }
  });
export type OutputTransformerConfig = z.infer<typeof outputTransformerSchema>;
export type OutputTransformerModeConfig = z.infer<typeof transformerMode>;

export const outputTransformerDefaults: OutputTransformerConfig = {
  mode: 'transformer', // NExT-GPT / GILL
  inWidth: 64, // Dm
  hidden: 32, // Dh
  heads: 4, // H
  encoderLayers: 2,
  decoderLayers: 2,
  ffWidth: 128, // 4·Dh as in the reference
  outWidth: 48, // o
  outTokens: 6, // q
  layerNormEps: 1e-5, // nn.Transformer default
};

/**
 * Trace ('transformer' mode): encoder self-attention [Le, B, H, Nsig, Nsig], decoder self-attention
 * [Ld, B, H, q, q] and decoder cross-attention to the signal tokens [Ld, B, H, q, Nsig]. 'mlp' mode
 * has no trace.
 */
export const TRACE_KEYS = { encoderSelf: 'encoderSelfAttention', decoderSelf: 'decoderSelfAttention', decoderCross: 'decoderCrossAttention' } as const;

const enc = (i: number): string => `tfm.encoder.layers.${i}`;
const dec = (i: number): string => `tfm.decoder.layers.${i}`;

function ffSpecs(prefix: string, d: number, ff: number): WeightSpec[] {
  return [...linearSpecs(`${prefix}.linear1`, d, ff), ...linearSpecs(`${prefix}.linear2`, ff, d)];
}

function weightSpecs(cfg: OutputTransformerConfig): WeightSpec[] {
  if (cfg.mode === 'mlp') return [...linearSpecs('mlp.0', cfg.inWidth, cfg.hidden), ...linearSpecs('mlp.2', cfg.hidden, cfg.outWidth)];
  const d = cfg.hidden;
  const specs: WeightSpec[] = [...linearSpecs('fc', cfg.inWidth, d)];
  for (let i = 0; i < cfg.encoderLayers; i += 1) {
    specs.push(...packedAttentionSpecs(`${enc(i)}.self_attn`, d), ...ffSpecs(enc(i), d, cfg.ffWidth), ...layerNormSpecs(`${enc(i)}.norm1`, d), ...layerNormSpecs(`${enc(i)}.norm2`, d));
  }
  specs.push(...layerNormSpecs('tfm.encoder.norm', d));
  for (let i = 0; i < cfg.decoderLayers; i += 1) {
    specs.push(
      ...packedAttentionSpecs(`${dec(i)}.self_attn`, d),
      ...packedAttentionSpecs(`${dec(i)}.multihead_attn`, d),
      ...ffSpecs(dec(i), d, cfg.ffWidth),
      ...layerNormSpecs(`${dec(i)}.norm1`, d),
      ...layerNormSpecs(`${dec(i)}.norm2`, d),
      ...layerNormSpecs(`${dec(i)}.norm3`, d),
    );
  }
  specs.push(...layerNormSpecs('tfm.decoder.norm', d));
  specs.push(...linearSpecs('model', d, cfg.outWidth));
  specs.push({ name: 'query_embs', shape: [1, cfg.outTokens, d], doc: 'learned decoder queries [1, q, Dh], init N(0, 1)' });
  return specs;
}

/** Parameters of the nn.Transformer core alone (29,427,712 at d 512, ff 2048, 4 + 4 layers; facts.md). */
export function transformerCoreParams(cfg: OutputTransformerModeConfig): number {
  const d = cfg.hidden;
  const ff = linearParams(d, cfg.ffWidth) + linearParams(cfg.ffWidth, d);
  const encoderLayer = packedAttentionParams(d) + ff + 4 * d; // 3,152,384
  const decoderLayer = 2 * packedAttentionParams(d) + ff + 6 * d; // 4,204,032
  return cfg.encoderLayers * encoderLayer + cfg.decoderLayers * decoderLayer + 4 * d;
}

/** fc + core + model + query_embs (facts.md: 2,097,664 + 29,427,712 + 393,984 + 39,424 = 31,958,784 for SD v1.5). */
function paramCount(cfg: OutputTransformerConfig): number {
  if (cfg.mode === 'mlp') return linearParams(cfg.inWidth, cfg.hidden) + linearParams(cfg.hidden, cfg.outWidth);
  return linearParams(cfg.inWidth, cfg.hidden) + transformerCoreParams(cfg) + linearParams(cfg.hidden, cfg.outWidth) + cfg.outTokens * cfg.hidden;
}

function checkShapes(cfg: OutputTransformerConfig, input: InputShapes): { b: number; n: number } {
  const v = input.vision;
  if (v.length !== 3) throw new Error(`vision: expected LLM hidden states [B, Nsig, Dm], got [${v}]`);
  if (v[2] !== cfg.inWidth) throw new Error(`vision: width ${v[2]} must equal inWidth ${cfg.inWidth}`);
  const t = input.text;
  if (t && (t.length !== 3 || t[0] !== v[0] || t[1] !== v[1] || t[2] !== v[2])) {
    throw new Error(`text: input embeddings [${t}] must have the hidden states' shape [${v}]`);
  }
  if (t && cfg.mode === 'mlp') throw new Error("text: input embeddings are only used in mode 'transformer'");
  return { b: v[0] as number, n: v[1] as number };
}

function outputShape(cfg: OutputTransformerConfig, input: InputShapes): Shape {
  const { b, n } = checkShapes(cfg, input);
  return cfg.mode === 'mlp' ? [b, n, cfg.outWidth] : [b, cfg.outTokens, cfg.outWidth];
}

function flops(cfg: OutputTransformerConfig, input: InputShapes): number {
  const { b, n } = checkShapes(cfg, input);
  if (cfg.mode === 'mlp') return b * (linearFlops(n, cfg.inWidth, cfg.hidden) + linearFlops(n, cfg.hidden, cfg.outWidth));
  const d = cfg.hidden;
  const q = cfg.outTokens;
  const ff = (tokens: number) => linearFlops(tokens, d, cfg.ffWidth) + linearFlops(tokens, cfg.ffWidth, d);
  const attn = (nq: number, nk: number) => attentionFlops({ queries: nq, keys: nk, queryDim: d, keyDim: d, inner: d, outDim: d });
  const encoder = cfg.encoderLayers * (attn(n, n) + ff(n));
  const decoder = cfg.decoderLayers * (attn(q, q) + attn(q, n) + ff(q));
  return b * (linearFlops(n, cfg.inWidth, d) + encoder + decoder + linearFlops(q, d, cfg.outWidth));
}

/** nn.Linear inside nn.Transformer after _reset_parameters: Xavier weight, default U(±1/√in) bias. */
function initTfmLinear(prefix: string, inDim: number, outDim: number, seed: number): Weights {
  return {
    [`${prefix}.weight`]: xavierUniform([outDim, inDim], seed, `${prefix}.weight`),
    [`${prefix}.bias`]: uniformFanIn([outDim], inDim, seed, `${prefix}.bias`),
  };
}

/**
 * PyTorch init: fc/model default Linear; query_embs torch.randn; nn.Transformer._reset_parameters
 * applies xavier_uniform_ to every matrix of tfm (attention biases stay 0, LayerNorms 1/0).
 */
function init(cfg: OutputTransformerConfig, seed: number): Weights {
  if (cfg.mode === 'mlp') return { ...initLinear('mlp.0', cfg.inWidth, cfg.hidden, seed), ...initLinear('mlp.2', cfg.hidden, cfg.outWidth, seed) };
  const d = cfg.hidden;
  const w: Weights = { ...initLinear('fc', cfg.inWidth, d, seed) };
  for (let i = 0; i < cfg.encoderLayers; i += 1) {
    Object.assign(
      w,
      initPackedAttention(`${enc(i)}.self_attn`, d, seed, 'xavier'),
      initTfmLinear(`${enc(i)}.linear1`, d, cfg.ffWidth, seed),
      initTfmLinear(`${enc(i)}.linear2`, cfg.ffWidth, d, seed),
      initLayerNorm(`${enc(i)}.norm1`, d),
      initLayerNorm(`${enc(i)}.norm2`, d),
    );
  }
  Object.assign(w, initLayerNorm('tfm.encoder.norm', d));
  for (let i = 0; i < cfg.decoderLayers; i += 1) {
    Object.assign(
      w,
      initPackedAttention(`${dec(i)}.self_attn`, d, seed, 'xavier'),
      initPackedAttention(`${dec(i)}.multihead_attn`, d, seed, 'xavier'),
      initTfmLinear(`${dec(i)}.linear1`, d, cfg.ffWidth, seed),
      initTfmLinear(`${dec(i)}.linear2`, cfg.ffWidth, d, seed),
      initLayerNorm(`${dec(i)}.norm1`, d),
      initLayerNorm(`${dec(i)}.norm2`, d),
      initLayerNorm(`${dec(i)}.norm3`, d),
    );
  }
  Object.assign(w, initLayerNorm('tfm.decoder.norm', d), initLinear('model', d, cfg.outWidth, seed));
  w.query_embs = normal([1, cfg.outTokens, d], 1, seed, 'query_embs');
  return w;
}

function apply(cfg: OutputTransformerConfig, weights: Weights, input: ApplyInput): ApplyOutput {
  const { b } = checkShapes(cfg, { vision: input.vision.shape, ...(input.text ? { text: input.text.shape } : {}) });
  const get = (name: string) => requireWeight(weights, name);
  if (cfg.mode === 'mlp') {
    return tf.tidy(() => {
      const h = gelu(linear(input.vision, get('mlp.0.weight'), get('mlp.0.bias'))); // [B, Nsig, Dm] → [B, Nsig, hidden]
      return { tokens: linear(h, get('mlp.2.weight'), get('mlp.2.bias')), trace: {} }; // → [B, Nsig, o]
    });
  }
  return tf.tidy(() => {
    const ln = (x: tf.Tensor, name: string) => layerNorm(x, get(`${name}.weight`), get(`${name}.bias`), cfg.layerNormEps) as tf.Tensor3D;
    const ff = (x: tf.Tensor, p: string) => linear(tf.relu(linear(x, get(`${p}.linear1.weight`), get(`${p}.linear1.bias`))), get(`${p}.linear2.weight`), get(`${p}.linear2.bias`));
    const attend = (qIn: tf.Tensor3D, kvIn: tf.Tensor3D, prefix: string) =>
      multiHeadAttention(qIn, kvIn, kvIn, packedProjections(weights, prefix), { heads: cfg.heads });

    const hidden = input.text ? input.vision.add(input.text) : input.vision; // GILL: x + input_embs
    let x = linear(hidden, get('fc.weight'), get('fc.bias')) as tf.Tensor3D; // [B, Nsig, Dm] → [B, Nsig, Dh]
    const encMaps: tf.Tensor4D[] = [];
    for (let i = 0; i < cfg.encoderLayers; i += 1) {
      // norm_first: x = x + SA(norm1(x)); x = x + FF(norm2(x))
      const n1 = ln(x, `${enc(i)}.norm1`);
      const sa = attend(n1, n1, `${enc(i)}.self_attn`);
      encMaps.push(sa.weights);
      x = x.add(sa.output) as tf.Tensor3D;
      x = x.add(ff(ln(x, `${enc(i)}.norm2`), enc(i))) as tf.Tensor3D;
    }
    const memory = ln(x, 'tfm.encoder.norm');
    let y = get('query_embs').tile([b, 1, 1]) as tf.Tensor3D; // [1, q, Dh] → [B, q, Dh]
    const decSelf: tf.Tensor4D[] = [];
    const decCross: tf.Tensor4D[] = [];
    for (let i = 0; i < cfg.decoderLayers; i += 1) {
      // norm_first: y = y + SA(norm1(y)); y = y + MHA(norm2(y), memory); y = y + FF(norm3(y))
      const n1 = ln(y, `${dec(i)}.norm1`);
      const sa = attend(n1, n1, `${dec(i)}.self_attn`);
      decSelf.push(sa.weights);
      y = y.add(sa.output) as tf.Tensor3D;
      const ca = attend(ln(y, `${dec(i)}.norm2`), memory, `${dec(i)}.multihead_attn`);
      decCross.push(ca.weights);
      y = y.add(ca.output) as tf.Tensor3D;
      y = y.add(ff(ln(y, `${dec(i)}.norm3`), dec(i))) as tf.Tensor3D;
    }
    const tokens = linear(ln(y, 'tfm.decoder.norm'), get('model.weight'), get('model.bias')); // [B, q, Dh] → [B, q, o]
    return {
      tokens,
      trace: {
        [TRACE_KEYS.encoderSelf]: tf.stack(encMaps), // Le × [B, H, Nsig, Nsig] → [Le, B, H, Nsig, Nsig]
        [TRACE_KEYS.decoderSelf]: tf.stack(decSelf), // Ld × [B, H, q, q] → [Ld, B, H, q, q]
        [TRACE_KEYS.decoderCross]: tf.stack(decCross), // Ld × [B, H, q, Nsig] → [Ld, B, H, q, Nsig]
      },
    };
  });
}

export const spec: ProjectorSpec<OutputTransformerConfig> = {
  kind: 'output-transformer',
  side: 'output',
  title: 'Output Transformer (NExT-GPT, GILLMapper) or output MLP',
  cite: ['wu2024nextgpt', 'koh2023generating'],
  schema: outputTransformerSchema,
  defaults: outputTransformerDefaults,
  outputShape,
  paramCount,
  flops,
  weightSpecs,
  init,
  apply,
};
