/**
 * BLIP-2 Q-Former (and InstructBLIP's instruction-aware variant): Q learned queries pass through L
 * post-LN BERT layers (self-attention over the queries [and instruction tokens], cross-attention to
 * the frozen image features in every `crossAttentionFreq`-th layer, the query FFN), then one Linear
 * into the LLM width.
 *
 * Shapes: vision [B, Nv, Dv] (+ text [B, Nt, W], mask [B, Nt] when instructionAware)
 *         → tokens [B, Q, Dm] (Q = queries, whatever Nv and Nt are).
 *   h = LN_emb(concat[query_tokens, text])                         [B, Q + Nt, W]
 *   per layer l: h = LN(h + Wo·selfattn(h))                        (queries and text together)
 *                queries: if l % crossAttentionFreq == 0: hq = LN(hq + Wo·crossattn(q = hq, kv = vision))
 *                         hq = LN(hq + W2·gelu(W1·hq))             (intermediate_query / output_query)
 *                text:    ht = LN(ht + W2·gelu(W1·ht))             (intermediate / output)
 *   tokens = proj(hq)                                              (opt_proj / llm_proj / t5_proj)
 *
 * Papers: li2023blip2 §3.1 (32 queries × 768, BERT-base initialised, cross-attention every other
 * block); dai2023instructblip (same Q-Former, llm_proj). Code: salesforce/LAVIS
 * lavis/models/blip2_models/Qformer.py (BertEmbeddings applies LayerNorm to query_embeds when no
 * input_ids; BertLayer runs crossattention on the query part when layer_num % cross_attention_freq
 * == 0; feed_forward_chunk_query), blip2.py (init_Qformer), blip2_opt.py (opt_proj, and the
 * generative stage deletes the text embeddings, cls head and text FFN).
 *
 * Weights (LAVIS state-dict names of Blip2OPT, l = layer):
 *   query_tokens [1, Q, W]; Qformer.bert.embeddings.LayerNorm;
 *   Qformer.bert.encoder.layer.l.attention.self.{query,key,value} (Linear W→W),
 *   ...attention.output.dense (W→W), ...attention.output.LayerNorm;
 *   ...crossattention.self.query (W→W), ...crossattention.self.{key,value} (Dv→W),
 *   ...crossattention.output.dense, ...crossattention.output.LayerNorm  (cross layers only);
 *   ...intermediate_query.dense (W→F), ...output_query.dense (F→W), ...output_query.LayerNorm;
 *   <projName> Linear(W, Dm).
 *   The names keep LAVIS's `Qformer.` module prefix, so the Q-Former entries of a Blip2OPT state dict
 *   match them by name (its other entries belong to the vision tower and the LLM).
 *
 *   With instructionAware, each layer also has the text FFN: ...intermediate.dense (W→F),
 *   ...output.dense (F→W), ...output.LayerNorm.
 *
 * Departures (simplifications):
 * - Without instructionAware: no text branch (no word/position embeddings, no text FFN, no
 *   MLM/ITC/ITM heads, no vision_proj/text_proj, no temperature): the generative-stage module of
 *   blip2_opt.py. Stage-1 (representation learning) is not modelled.
 * - With instructionAware (InstructBLIP, qformer_text_input=True, blip2_vicuna_instruct.py): the
 *   instruction enters as already-embedded tokens `text` [B, Nt, W] = word_embeddings(ids) +
 *   position_embeddings(0 … Nt−1); the 30,523 × W word table and 512 × W position table are not
 *   weights here (no tokenizer in this module). `mask` [B, Nt] marks instruction padding; LAVIS's
 *   additive −10000 mask and the −1e9 used here both give exactly 0 weight in float32.
 * - `ln_vision` (LayerNorm over the EVA ViT features) belongs to the vision side in LAVIS and is
 *   not part of this module: inputs are assumed already normalised.
 * - No dropout (eval mode); no image attention mask (LAVIS passes all-ones image_atts).
 *
 * Letters and config fields: the types.ts vocabulary (W = hiddenDim, the Q-Former width; F = ffnDim).
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { gelu } from './ops/activations';
import { attentionFlops, multiHeadAttention, separateProjections } from './ops/attention';
import { checkShape, checkVision, getWeight, shapeError } from './ops/common';
import { normal, zeros } from './ops/init';
import { initLinear, linear, linearFlops, linearParams, linearSpecs } from './ops/linear';
import { initLayerNorm, layerNorm, layerNormSpecs } from './ops/norm';
import type { ApplyInput, ApplyOutput, InputShapes, ProjectorSpec, Shape, WeightSpec, Weights } from './types';

const positiveInt = z.number().int().positive();

export const schema = z
  .object({
    /** Q: learned queries = output tokens (BLIP-2: 32). */
    numQueries: positiveInt,
    /** W: Q-Former width (bert-base: 768). */
    hiddenDim: positiveInt,
    /** L: BERT layers (12). */
    depth: positiveInt,
    /** H: attention heads (12); must divide W. */
    numHeads: positiveInt,
    /** F: FFN width, BERT's intermediate_size (3072). */
    ffnDim: positiveInt,
    /** Cross-attention in layers l with l % crossAttentionFreq == 0 (2 → layers 0, 2, 4, …). */
    crossAttentionFreq: positiveInt,
    /** Dv: vision width (EVA ViT-g/14: 1408). */
    visionDim: positiveInt,
    /** Dm: LLM width (OPT-2.7B: 2560). */
    llmDim: positiveInt,
    /** Name of the final Linear in the reference (its state-dict prefix). */
    projName: z.enum(['opt_proj', 'llm_proj', 't5_proj', 'llama_proj']),
    /** LayerNorm eps (BERT's layer_norm_eps 1e-12). */
    eps: z.number().positive().default(1e-12),
    /** InstructBLIP: instruction tokens join the self-attention (adds the text FFN). */
    instructionAware: z.boolean().default(false),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.hiddenDim % c.numHeads !== 0) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['numHeads'], message: `numHeads ${c.numHeads} must divide hiddenDim ${c.hiddenDim}` });
  });
export type Config = z.infer<typeof schema>;

/** Small defaults that run fast in a browser. */
export const defaults: Config = {
  numQueries: 8, // Q
  hiddenDim: 64, // W
  depth: 2, // L
  numHeads: 4, // H, head width 16
  ffnDim: 256, // F = 4W as in BERT
  crossAttentionFreq: 2, // BLIP-2's every-other-layer cross-attention
  visionDim: 96, // Dv
  llmDim: 128, // Dm
  projName: 'opt_proj', // BLIP-2 OPT naming
  eps: 1e-12, // BERT
  instructionAware: false, // BLIP-2 query path
};

/**
 * Trace: self-attention maps [L, B, H, Q + Nt, Q + Nt] (Nt = 0 without instructions; queries
 * first) and cross-attention maps [Lx, B, H, Q, Nv], where Lx = number of layers with
 * cross-attention (in layer order).
 */
export const TRACE_KEYS = { selfAttention: 'selfAttention', crossAttention: 'crossAttention' } as const;

const layerPrefix = (l: number): string => `Qformer.bert.encoder.layer.${l}`;
const hasCross = (cfg: Config, l: number): boolean => l % cfg.crossAttentionFreq === 0;
export const crossLayerCount = (cfg: Config): number => Math.ceil(cfg.depth / cfg.crossAttentionFreq);

function attentionBlockSpecs(prefix: string, width: number, kvWidth: number): WeightSpec[] {
  return [
    ...linearSpecs(`${prefix}.self.query`, width, width),
    ...linearSpecs(`${prefix}.self.key`, kvWidth, width),
    ...linearSpecs(`${prefix}.self.value`, kvWidth, width),
    ...linearSpecs(`${prefix}.output.dense`, width, width),
    ...layerNormSpecs(`${prefix}.output.LayerNorm`, width),
  ];
}

/** One FFN branch: intermediate{suffix}.dense, output{suffix}.dense, output{suffix}.LayerNorm. */
function ffnSpecs(p: string, suffix: '' | '_query', cfg: Config): WeightSpec[] {
  return [
    ...linearSpecs(`${p}.intermediate${suffix}.dense`, cfg.hiddenDim, cfg.ffnDim),
    ...linearSpecs(`${p}.output${suffix}.dense`, cfg.ffnDim, cfg.hiddenDim),
    ...layerNormSpecs(`${p}.output${suffix}.LayerNorm`, cfg.hiddenDim),
  ];
}

function weightSpecs(cfg: Config): WeightSpec[] {
  const specs: WeightSpec[] = [
    { name: 'query_tokens', shape: [1, cfg.numQueries, cfg.hiddenDim], doc: 'learned queries [1, Q, W], init N(0, 0.02)' },
    ...layerNormSpecs('Qformer.bert.embeddings.LayerNorm', cfg.hiddenDim),
  ];
  for (let l = 0; l < cfg.depth; l += 1) {
    const p = layerPrefix(l);
    specs.push(...attentionBlockSpecs(`${p}.attention`, cfg.hiddenDim, cfg.hiddenDim));
    if (hasCross(cfg, l)) specs.push(...attentionBlockSpecs(`${p}.crossattention`, cfg.hiddenDim, cfg.visionDim));
    specs.push(...ffnSpecs(p, '_query', cfg));
    if (cfg.instructionAware) specs.push(...ffnSpecs(p, '', cfg));
  }
  specs.push(...linearSpecs(cfg.projName, cfg.hiddenDim, cfg.llmDim));
  return specs;
}

/**
 * Parameters split into the Q-Former proper and the final projection (facts.md BLIP-2 note):
 * per layer self-attention 4·(W² + W) + 2W and the query FFN (W·F + F) + (F·W + W) + 2W (twice with
 * instructions), per cross layer 2·(W² + W) + 2·(Dv·W + W) + 2W, then embeddings LN 2W, queries Q·W,
 * and the projection W·Dm + Dm.
 */
export function paramBreakdown(cfg: Config): { qformer: number; proj: number } {
  const w = cfg.hiddenDim;
  const selfBlock = 4 * linearParams(w, w) + 2 * w; // 2,363,904 at W = 768
  const crossBlock = 2 * linearParams(w, w) + 2 * linearParams(cfg.visionDim, w) + 2 * w; // 3,346,944 at Dv = 1408
  const ffn = linearParams(w, cfg.ffnDim) + linearParams(cfg.ffnDim, w) + 2 * w; // 4,723,968
  const ffnBranches = cfg.instructionAware ? 2 : 1; // the text FFN only exists with instructions
  const qformer = cfg.depth * (selfBlock + ffnBranches * ffn) + crossLayerCount(cfg) * crossBlock + 2 * w + cfg.numQueries * w;
  return { qformer, proj: linearParams(w, cfg.llmDim) };
}

function paramCount(cfg: Config): number {
  const { qformer, proj } = paramBreakdown(cfg);
  return qformer + proj;
}

/**
 * vision [B, Nv, Dv]; with instructionAware, text [B, Nt, W] (embedded instruction tokens) and an
 * optional mask [B, Nt]; without it, no text.
 */
function checkShapes(cfg: Config, input: InputShapes): { b: number; nv: number; nt: number } {
  const [b, nv] = checkVision(input, cfg.visionDim);
  const textLegend = ['B', 'Nt', 'W'] as const;
  if (!cfg.instructionAware) {
    if (input.text) throw shapeError('text', input.text, [], '', 'only an instructionAware Q-Former reads instruction tokens');
    return { b, nv, nt: 0 };
  }
  const [, nt] = checkShape('text', input.text, textLegend, { B: ['vision[0]', b], W: ['hiddenDim', cfg.hiddenDim] });
  if (input.mask) checkShape('mask', input.mask, ['B', 'Nt'], { B: ['vision[0]', b], Nt: ['text[1]', nt] });
  return { b, nv, nt };
}

function outputShape(cfg: Config, input: InputShapes): Shape {
  const { b } = checkShapes(cfg, input);
  return [b, cfg.numQueries, cfg.llmDim];
}

/** Self-attention over Q + Nt tokens, cross-attention for the Q queries, FFNs over all tokens, projection of Q. */
function flops(cfg: Config, input: InputShapes): number {
  const { b, nv, nt } = checkShapes(cfg, input);
  const q = cfg.numQueries;
  const w = cfg.hiddenDim;
  const self = attentionFlops({ queries: q + nt, keys: q + nt, queryDim: w, keyDim: w, inner: w, outDim: w });
  const cross = attentionFlops({ queries: q, keys: nv, queryDim: w, keyDim: cfg.visionDim, inner: w, outDim: w });
  const ffn = linearFlops(q + nt, w, cfg.ffnDim) + linearFlops(q + nt, cfg.ffnDim, w);
  const proj = linearFlops(q, w, cfg.llmDim);
  return b * (cfg.depth * (self + ffn) + crossLayerCount(cfg) * cross + proj);
}

/** BERT init (BertPreTrainedModel._init_weights): Linear N(0, 0.02) with zero bias, LayerNorm 1/0. */
function initBertLinear(prefix: string, inDim: number, outDim: number, seed: number): Weights {
  return { [`${prefix}.weight`]: normal([outDim, inDim], 0.02, seed, `${prefix}.weight`), [`${prefix}.bias`]: zeros([outDim]) };
}

function initAttentionBlock(prefix: string, width: number, kvWidth: number, seed: number): Weights {
  return {
    ...initBertLinear(`${prefix}.self.query`, width, width, seed),
    ...initBertLinear(`${prefix}.self.key`, kvWidth, width, seed),
    ...initBertLinear(`${prefix}.self.value`, kvWidth, width, seed),
    ...initBertLinear(`${prefix}.output.dense`, width, width, seed),
    ...initLayerNorm(`${prefix}.output.LayerNorm`, width),
  };
}

/**
 * Fresh init: BERT-style weights and N(0, 0.02) queries (blip2.py init_Qformer), PyTorch default for
 * the projection. BLIP-2 itself starts the layers from bert-base-uncased; a random start is what a
 * notebook trains from.
 */
function init(cfg: Config, seed: number): Weights {
  const w: Weights = {
    query_tokens: normal([1, cfg.numQueries, cfg.hiddenDim], 0.02, seed, 'query_tokens'),
    ...initLayerNorm('Qformer.bert.embeddings.LayerNorm', cfg.hiddenDim),
  };
  for (let l = 0; l < cfg.depth; l += 1) {
    const p = layerPrefix(l);
    Object.assign(w, initAttentionBlock(`${p}.attention`, cfg.hiddenDim, cfg.hiddenDim, seed));
    if (hasCross(cfg, l)) Object.assign(w, initAttentionBlock(`${p}.crossattention`, cfg.hiddenDim, cfg.visionDim, seed));
    for (const suffix of cfg.instructionAware ? (['_query', ''] as const) : (['_query'] as const)) {
      Object.assign(
        w,
        initBertLinear(`${p}.intermediate${suffix}.dense`, cfg.hiddenDim, cfg.ffnDim, seed),
        initBertLinear(`${p}.output${suffix}.dense`, cfg.ffnDim, cfg.hiddenDim, seed),
        initLayerNorm(`${p}.output${suffix}.LayerNorm`, cfg.hiddenDim),
      );
    }
  }
  Object.assign(w, initLinear(cfg.projName, cfg.hiddenDim, cfg.llmDim, seed));
  return w;
}

function apply(cfg: Config, weights: Weights, input: ApplyInput): ApplyOutput {
  const { text, mask } = input;
  const { b, nt } = checkShapes(cfg, { vision: input.vision.shape, text: text?.shape, mask: mask?.shape });
  const q = cfg.numQueries;
  return tf.tidy(() => {
    const ln = (x: tf.Tensor, name: string) =>
      layerNorm(x, getWeight(weights, `${name}.weight`), getWeight(weights, `${name}.bias`), cfg.eps) as tf.Tensor3D;
    // BertAttention + BertSelfOutput: post-LN residual, LN(dense(attn) + input).
    const attentionBlock = (prefix: string, h: tf.Tensor3D, kv: tf.Tensor3D, keyPaddingMask?: tf.Tensor2D) => {
      const proj = separateProjections(
        weights,
        { q: `${prefix}.self.query`, k: `${prefix}.self.key`, v: `${prefix}.self.value`, out: `${prefix}.output.dense` },
        true,
      );
      const { output, weights: map } = multiHeadAttention(h, kv, kv, proj, { heads: cfg.numHeads, ...(keyPaddingMask ? { keyPaddingMask } : {}) });
      return { h: ln(output.add(h), `${prefix}.output.LayerNorm`), map };
    };
    // BertIntermediate (dense → GELU) + BertOutput (LN(dense + input)); suffix '_query' for queries.
    const ffn = (p: string, suffix: '' | '_query', h: tf.Tensor3D) => {
      const inner = gelu(linear(h, getWeight(weights, `${p}.intermediate${suffix}.dense.weight`), getWeight(weights, `${p}.intermediate${suffix}.dense.bias`)));
      const out = linear(inner, getWeight(weights, `${p}.output${suffix}.dense.weight`), getWeight(weights, `${p}.output${suffix}.dense.bias`));
      return ln(out.add(h), `${p}.output${suffix}.LayerNorm`);
    };
    // [1, Q, W] → [B, Q, W]: the same queries for every image; instructions follow them: [B, Q + Nt, W].
    const queries = getWeight(weights, 'query_tokens').tile([b, 1, 1]) as tf.Tensor3D;
    let h = ln(text ? tf.concat([queries, text], 1) : queries, 'Qformer.bert.embeddings.LayerNorm');
    // Queries are never padding; instruction padding comes from `mask`: [B, Q] ++ [B, Nt] → [B, Q + Nt].
    const selfMask = text && mask ? (tf.concat([tf.ones([b, q]), mask.toFloat()], 1) as tf.Tensor2D) : undefined;
    const selfMaps: tf.Tensor4D[] = [];
    const crossMaps: tf.Tensor4D[] = [];
    for (let l = 0; l < cfg.depth; l += 1) {
      const p = layerPrefix(l);
      const sa = attentionBlock(`${p}.attention`, h, h, selfMask);
      selfMaps.push(sa.map);
      let hq = nt > 0 ? (sa.h.slice([0, 0, 0], [b, q, cfg.hiddenDim]) as tf.Tensor3D) : sa.h; // [B, Q + Nt, W] → [B, Q, W]
      if (hasCross(cfg, l)) {
        const ca = attentionBlock(`${p}.crossattention`, hq, input.vision);
        crossMaps.push(ca.map);
        hq = ca.h;
      }
      hq = ffn(p, '_query', hq);
      if (nt > 0) {
        const ht = ffn(p, '', sa.h.slice([0, q, 0], [b, nt, cfg.hiddenDim]) as tf.Tensor3D); // [B, Q + Nt, W] → [B, Nt, W]
        h = tf.concat([hq, ht], 1) as tf.Tensor3D; // → [B, Q + Nt, W]
      } else {
        h = hq;
      }
    }
    const finalQueries = nt > 0 ? h.slice([0, 0, 0], [b, q, cfg.hiddenDim]) : h; // [B, Q + Nt, W] → [B, Q, W]
    const tokens = linear(finalQueries, getWeight(weights, `${cfg.projName}.weight`), getWeight(weights, `${cfg.projName}.bias`)); // [B, Q, W] → [B, Q, Dm]
    return {
      tokens,
      trace: {
        [TRACE_KEYS.selfAttention]: tf.stack(selfMaps), // L × [B, H, Q+Nt, Q+Nt] → [L, B, H, Q+Nt, Q+Nt]
        [TRACE_KEYS.crossAttention]: tf.stack(crossMaps), // Lx × [B, H, Q, Nv] → [Lx, B, H, Q, Nv]
      },
    };
  });
}

export const spec: ProjectorSpec<Config> = {
  kind: 'qformer',
  side: 'input',
  title: 'Q-Former (BLIP-2, InstructBLIP): learned queries + BERT layers + Linear',
  cite: ['li2023blip2', 'dai2023instructblip'],
  schema,
  defaults,
  outputShape,
  paramCount,
  flops,
  weightSpecs,
  init,
  apply,
};
