/**
 * Output projector: LLM hidden states of the signal tokens → conditioning features for a generator,
 * through a tiny encoder-decoder Transformer with learned output queries (NExT-GPT TextFcLayer
 * mode 'transformer', GILL's GILLMapper), or through a per-token MLP (mode 'mlp').
 *
 * Shapes ('transformer'): hidden [B, Nsig, Dm] → tokens [B, Q, Do]
 *   x = fc(hidden (+ input embeddings))                      [B, Nsig, W]   Linear(Dm, 512)
 *   memory = nn.Transformer encoder(x)                       [B, Nsig, W]   4 pre-LN layers + final LN
 *   y = nn.Transformer decoder(query_embs, memory)           [B, Q, W]      4 pre-LN layers + final LN
 *   tokens = model(y)                                        [B, Q, Do]     Linear(512, Do)
 *   e.g. Q × Do = 77 × 768 for Stable Diffusion v1.5, 77 × 1024 Zeroscope, 1 × 512 AudioLDM.
 * Shapes ('mlp'): hidden [B, Nsig, Dm] → tokens [B, Nsig, Do] via Linear → GELU → Linear per token.
 *
 * Papers: wu2024nextgpt (output projection Transformers, Table 1: 31M / 32M / 31M), koh2023generating
 * (GILLMapper). Code: kohjingyu/gill gill/layers.py (TextFcLayer 'gill_mapper': fc, tfm =
 * nn.Transformer(batch_first, norm_first, d_model 512, 4 + 4 layers, dim_feedforward 2048, dropout 0, nhead 4),
 * model, query_embs [1, Q, 512]); NExT-GPT/NExT-GPT NExT-GPT-Lagacy/code/model/layers.py (mode
 * 'transformer', same structure, per facts.md).
 *
 * Inputs: `vision` carries the LLM hidden states of the signal tokens [B, Nsig, Dm] (it is the
 * projector's input slot; for this output-side kind it holds no pixels); optional `text` [B, Nsig, Dm]
 * carries the input embeddings of the same tokens, which GILL adds (x + input_embs) before fc.
 *
 * Weights (PyTorch names): fc.{weight [W, Dm], bias}; query_embs [1, Q, W];
 *   tfm.encoder.layers.i.self_attn.{in_proj_weight, in_proj_bias, out_proj.weight, out_proj.bias},
 *   tfm.encoder.layers.i.linear1 [F, W], .linear2 [W, F], .norm1, .norm2; tfm.encoder.norm;
 *   tfm.decoder.layers.i.self_attn.*, .multihead_attn.*, .linear1, .linear2, .norm1, .norm2, .norm3;
 *   tfm.decoder.norm; model.{weight [Do, W], bias}.
 *   'mlp' mode: mlp.0.{weight, bias} (Linear(Dm, W)), mlp.2.{weight, bias} (Linear(W, Do)).
 *
 * Departures:
 * - No dropout (GILL sets 0; eval mode). No masks: nn.Transformer is called without masks in the
 *   reference, so decoder queries see each other and every signal token.
 * - 'mlp' mode is a generic two-layer GELU MLP standing for the survey's "MLP" output projectors
 *   (zhang2024mmllms); it is not taken from one model's code.
 *
 * Letters and config fields: the types.ts vocabulary (W = hiddenDim, the d_model; Q = numQueries,
 * the query_embs; Do = outputDim).
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { gelu } from './ops/activations';
import { attentionFlops, initPackedAttention, multiHeadAttention, packedAttentionParams, packedAttentionSpecs, packedProjections, xavierUniform } from './ops/attention';
import { checkShape, getWeight, shapeError } from './ops/common';
import { normal, uniformFanIn } from './ops/init';
import { initLinear, linear, linearFlops, linearParams, linearSpecs } from './ops/linear';
import { initLayerNorm, layerNorm, layerNormSpecs } from './ops/norm';
import type { ApplyInput, ApplyOutput, InputShapes, ProjectorSpec, Shape, WeightSpec, Weights } from './types';

const positiveInt = z.number().int().positive();

const transformerMode = z
  .object({
    mode: z.literal('transformer'),
    /** Dm: LLM width, the width of the signal tokens' states (Vicuna-7B / OPT-6.7B: 4096). */
    llmDim: positiveInt,
    /** W: the Transformer's d_model (512). */
    hiddenDim: positiveInt,
    /** H: attention heads (4); must divide W. */
    numHeads: positiveInt,
    /** Encoder layers (4). */
    encoderDepth: positiveInt,
    /** Decoder layers (4). */
    decoderDepth: positiveInt,
    /** F: dim_feedforward (2048). */
    ffnDim: positiveInt,
    /** Do: the generator's condition width (SD v1.5: 768). */
    outputDim: positiveInt,
    /** Q: learned decoder queries = the generator's condition length (77). */
    numQueries: positiveInt,
    /** LayerNorm eps (nn.Transformer default 1e-5). */
    eps: z.number().positive().default(1e-5),
  })
  .strict();

const mlpMode = z
  .object({
    mode: z.literal('mlp'),
    /** Dm: LLM width. */
    llmDim: positiveInt,
    /** W: MLP hidden width. */
    hiddenDim: positiveInt,
    /** Do: output width. */
    outputDim: positiveInt,
  })
  .strict();

export const schema = z
  .discriminatedUnion('mode', [transformerMode, mlpMode])
  .superRefine((c, ctx) => {
    if (c.mode === 'transformer' && c.hiddenDim % c.numHeads !== 0) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['numHeads'], message: `numHeads ${c.numHeads} must divide hiddenDim ${c.hiddenDim}` });
    }
  });
export type Config = z.infer<typeof schema>;
export type TransformerConfig = z.infer<typeof transformerMode>;

/** Small defaults that run fast in a browser. */
export const defaults: Config = {
  mode: 'transformer', // NExT-GPT / GILL
  llmDim: 64, // Dm
  hiddenDim: 32, // W
  numHeads: 4, // H
  encoderDepth: 2,
  decoderDepth: 2,
  ffnDim: 128, // F = 4W as in the reference
  outputDim: 48, // Do
  numQueries: 6, // Q
  eps: 1e-5, // nn.Transformer default
};

/**
 * Trace ('transformer' mode): encoder self-attention [Le, B, H, Nsig, Nsig], decoder self-attention
 * [Ld, B, H, Q, Q] and decoder cross-attention to the signal tokens [Ld, B, H, Q, Nsig]. 'mlp' mode
 * has no trace.
 */
export const TRACE_KEYS = { encoderSelf: 'encoderSelfAttention', decoderSelf: 'decoderSelfAttention', decoderCross: 'decoderCrossAttention' } as const;

const enc = (i: number): string => `tfm.encoder.layers.${i}`;
const dec = (i: number): string => `tfm.decoder.layers.${i}`;

function ffSpecs(prefix: string, d: number, ff: number): WeightSpec[] {
  return [...linearSpecs(`${prefix}.linear1`, d, ff), ...linearSpecs(`${prefix}.linear2`, ff, d)];
}

function weightSpecs(cfg: Config): WeightSpec[] {
  if (cfg.mode === 'mlp') return [...linearSpecs('mlp.0', cfg.llmDim, cfg.hiddenDim), ...linearSpecs('mlp.2', cfg.hiddenDim, cfg.outputDim)];
  const d = cfg.hiddenDim;
  const specs: WeightSpec[] = [...linearSpecs('fc', cfg.llmDim, d)];
  for (let i = 0; i < cfg.encoderDepth; i += 1) {
    specs.push(...packedAttentionSpecs(`${enc(i)}.self_attn`, d), ...ffSpecs(enc(i), d, cfg.ffnDim), ...layerNormSpecs(`${enc(i)}.norm1`, d), ...layerNormSpecs(`${enc(i)}.norm2`, d));
  }
  specs.push(...layerNormSpecs('tfm.encoder.norm', d));
  for (let i = 0; i < cfg.decoderDepth; i += 1) {
    specs.push(
      ...packedAttentionSpecs(`${dec(i)}.self_attn`, d),
      ...packedAttentionSpecs(`${dec(i)}.multihead_attn`, d),
      ...ffSpecs(dec(i), d, cfg.ffnDim),
      ...layerNormSpecs(`${dec(i)}.norm1`, d),
      ...layerNormSpecs(`${dec(i)}.norm2`, d),
      ...layerNormSpecs(`${dec(i)}.norm3`, d),
    );
  }
  specs.push(...layerNormSpecs('tfm.decoder.norm', d));
  specs.push(...linearSpecs('model', d, cfg.outputDim));
  specs.push({ name: 'query_embs', shape: [1, cfg.numQueries, d], doc: 'learned decoder queries [1, Q, W], init N(0, 1)' });
  return specs;
}

/**
 * Parameters of the nn.Transformer core alone: per encoder layer self-attention 4W² + 4W, FFN
 * (W·F + F) + (F·W + W) and two LayerNorms 4W; per decoder layer two attentions, the FFN and three
 * LayerNorms 6W; the two final LayerNorms 4W (29,427,712 at W 512, F 2048, 4 + 4 layers; facts.md).
 */
export function transformerCoreParams(cfg: TransformerConfig): number {
  const d = cfg.hiddenDim;
  const ff = linearParams(d, cfg.ffnDim) + linearParams(cfg.ffnDim, d);
  const encoderLayer = packedAttentionParams(d) + ff + 4 * d; // 3,152,384
  const decoderLayer = 2 * packedAttentionParams(d) + ff + 6 * d; // 4,204,032
  return cfg.encoderDepth * encoderLayer + cfg.decoderDepth * decoderLayer + 4 * d;
}

/**
 * 'transformer': fc Dm·W + W, the core, model W·Do + Do and query_embs Q·W (facts.md: 2,097,664 +
 * 29,427,712 + 393,984 + 39,424 = 31,958,784 for SD v1.5). 'mlp': (Dm·W + W) + (W·Do + Do).
 */
function paramCount(cfg: Config): number {
  if (cfg.mode === 'mlp') return linearParams(cfg.llmDim, cfg.hiddenDim) + linearParams(cfg.hiddenDim, cfg.outputDim);
  return linearParams(cfg.llmDim, cfg.hiddenDim) + transformerCoreParams(cfg) + linearParams(cfg.hiddenDim, cfg.outputDim) + cfg.numQueries * cfg.hiddenDim;
}

/**
 * vision [B, Nsig, Dm] (the signal tokens' LLM states); optional text of the same shape (their
 * input embeddings, 'transformer' mode only).
 */
function checkShapes(cfg: Config, input: InputShapes): { b: number; n: number } {
  const [b, n] = checkShape('vision', input.vision, ['B', 'Nsig', 'Dm'], { Dm: ['llmDim', cfg.llmDim] });
  if (input.text && cfg.mode === 'mlp') throw shapeError('text', input.text, [], '', "input embeddings are only used in mode 'transformer'");
  if (input.text) checkShape('text', input.text, ['B', 'Nsig', 'Dm'], { B: ['vision[0]', b], Nsig: ['vision[1]', n], Dm: ['llmDim', cfg.llmDim] });
  return { b, n };
}

function outputShape(cfg: Config, input: InputShapes): Shape {
  const { b, n } = checkShapes(cfg, input);
  return cfg.mode === 'mlp' ? [b, n, cfg.outputDim] : [b, cfg.numQueries, cfg.outputDim];
}

function flops(cfg: Config, input: InputShapes): number {
  const { b, n } = checkShapes(cfg, input);
  if (cfg.mode === 'mlp') return b * (linearFlops(n, cfg.llmDim, cfg.hiddenDim) + linearFlops(n, cfg.hiddenDim, cfg.outputDim));
  const d = cfg.hiddenDim;
  const q = cfg.numQueries;
  const ff = (tokens: number) => linearFlops(tokens, d, cfg.ffnDim) + linearFlops(tokens, cfg.ffnDim, d);
  const attn = (nq: number, nk: number) => attentionFlops({ queries: nq, keys: nk, queryDim: d, keyDim: d, inner: d, outDim: d });
  const encoder = cfg.encoderDepth * (attn(n, n) + ff(n));
  const decoder = cfg.decoderDepth * (attn(q, q) + attn(q, n) + ff(q));
  return b * (linearFlops(n, cfg.llmDim, d) + encoder + decoder + linearFlops(q, d, cfg.outputDim));
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
function init(cfg: Config, seed: number): Weights {
  if (cfg.mode === 'mlp') return { ...initLinear('mlp.0', cfg.llmDim, cfg.hiddenDim, seed), ...initLinear('mlp.2', cfg.hiddenDim, cfg.outputDim, seed) };
  const d = cfg.hiddenDim;
  const w: Weights = { ...initLinear('fc', cfg.llmDim, d, seed) };
  for (let i = 0; i < cfg.encoderDepth; i += 1) {
    Object.assign(
      w,
      initPackedAttention(`${enc(i)}.self_attn`, d, seed, 'xavier'),
      initTfmLinear(`${enc(i)}.linear1`, d, cfg.ffnDim, seed),
      initTfmLinear(`${enc(i)}.linear2`, cfg.ffnDim, d, seed),
      initLayerNorm(`${enc(i)}.norm1`, d),
      initLayerNorm(`${enc(i)}.norm2`, d),
    );
  }
  Object.assign(w, initLayerNorm('tfm.encoder.norm', d));
  for (let i = 0; i < cfg.decoderDepth; i += 1) {
    Object.assign(
      w,
      initPackedAttention(`${dec(i)}.self_attn`, d, seed, 'xavier'),
      initPackedAttention(`${dec(i)}.multihead_attn`, d, seed, 'xavier'),
      initTfmLinear(`${dec(i)}.linear1`, d, cfg.ffnDim, seed),
      initTfmLinear(`${dec(i)}.linear2`, cfg.ffnDim, d, seed),
      initLayerNorm(`${dec(i)}.norm1`, d),
      initLayerNorm(`${dec(i)}.norm2`, d),
      initLayerNorm(`${dec(i)}.norm3`, d),
    );
  }
  Object.assign(w, initLayerNorm('tfm.decoder.norm', d), initLinear('model', d, cfg.outputDim, seed));
  w.query_embs = normal([1, cfg.numQueries, d], 1, seed, 'query_embs');
  return w;
}

function apply(cfg: Config, weights: Weights, input: ApplyInput): ApplyOutput {
  const { b } = checkShapes(cfg, { vision: input.vision.shape, text: input.text?.shape });
  const get = (name: string) => getWeight(weights, name);
  if (cfg.mode === 'mlp') {
    return tf.tidy(() => {
      const h = gelu(linear(input.vision, get('mlp.0.weight'), get('mlp.0.bias'))); // [B, Nsig, Dm] → [B, Nsig, W]
      return { tokens: linear(h, get('mlp.2.weight'), get('mlp.2.bias')), trace: {} }; // → [B, Nsig, Do]
    });
  }
  return tf.tidy(() => {
    const ln = (x: tf.Tensor, name: string) => layerNorm(x, get(`${name}.weight`), get(`${name}.bias`), cfg.eps) as tf.Tensor3D;
    const ff = (x: tf.Tensor, p: string) => linear(tf.relu(linear(x, get(`${p}.linear1.weight`), get(`${p}.linear1.bias`))), get(`${p}.linear2.weight`), get(`${p}.linear2.bias`));
    const attend = (qIn: tf.Tensor3D, kvIn: tf.Tensor3D, prefix: string) =>
      multiHeadAttention(qIn, kvIn, kvIn, packedProjections(weights, prefix), { heads: cfg.numHeads });

    const hidden = input.text ? input.vision.add(input.text) : input.vision; // GILL: x + input_embs
    let x = linear(hidden, get('fc.weight'), get('fc.bias')) as tf.Tensor3D; // [B, Nsig, Dm] → [B, Nsig, W]
    const encMaps: tf.Tensor4D[] = [];
    for (let i = 0; i < cfg.encoderDepth; i += 1) {
      // norm_first: x = x + SA(norm1(x)); x = x + FF(norm2(x))
      const n1 = ln(x, `${enc(i)}.norm1`);
      const sa = attend(n1, n1, `${enc(i)}.self_attn`);
      encMaps.push(sa.weights);
      x = x.add(sa.output) as tf.Tensor3D;
      x = x.add(ff(ln(x, `${enc(i)}.norm2`), enc(i))) as tf.Tensor3D;
    }
    const memory = ln(x, 'tfm.encoder.norm');
    let y = get('query_embs').tile([b, 1, 1]) as tf.Tensor3D; // [1, Q, W] → [B, Q, W]
    const decSelf: tf.Tensor4D[] = [];
    const decCross: tf.Tensor4D[] = [];
    for (let i = 0; i < cfg.decoderDepth; i += 1) {
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
    const tokens = linear(ln(y, 'tfm.decoder.norm'), get('model.weight'), get('model.bias')); // [B, Q, W] → [B, Q, Do]
    return {
      tokens,
      trace: {
        [TRACE_KEYS.encoderSelf]: tf.stack(encMaps), // Le × [B, H, Nsig, Nsig] → [Le, B, H, Nsig, Nsig]
        [TRACE_KEYS.decoderSelf]: tf.stack(decSelf), // Ld × [B, H, Q, Q] → [Ld, B, H, Q, Q]
        [TRACE_KEYS.decoderCross]: tf.stack(decCross), // Ld × [B, H, Q, Nsig] → [Ld, B, H, Q, Nsig]
      },
    };
  });
}

export const spec: ProjectorSpec<Config> = {
  kind: 'output-transformer',
  side: 'output',
  title: 'Output Transformer (NExT-GPT, GILLMapper) or output MLP',
  cite: ['wu2024nextgpt', 'koh2023generating'],
  schema,
  defaults,
  outputShape,
  paramCount,
  flops,
  weightSpecs,
  init,
  apply,
};
