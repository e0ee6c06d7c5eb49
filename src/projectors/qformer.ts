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
 *   ...intermediate_query.dense (W→I), ...output_query.dense (I→W), ...output_query.LayerNorm;
 *   <projName> Linear(W, Dm).
 *   The names keep LAVIS's `Qformer.` module prefix, so the Q-Former entries of a Blip2OPT state dict
 *   match them by name (its other entries belong to the vision tower and the LLM).
 *
 *   With instructionAware, each layer also has the text FFN: ...intermediate.dense (W→I),
 *   ...output.dense (I→W), ...output.LayerNorm.
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
 * Shape legend: B batch, Nv vision tokens, Q queries, Dv vision width, W Q-Former width, I FFN
 * width, Dm LLM width, H heads.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { gelu } from './ops/activations';
import { attentionFlops, multiHeadAttention, requireWeight, separateProjections } from './ops/attention';
import { normal, zeros } from './ops/init';
import { initLinear, linear, linearFlops, linearParams, linearSpecs } from './ops/linear';
import { initLayerNorm, layerNorm, layerNormSpecs } from './ops/norm';
import type { ApplyInput, ApplyOutput, InputShapes, ProjectorSpec, Shape, WeightSpec, Weights } from './types';

const positiveInt = z.number().int().positive();

export const qformerSchema = z
  .object({
    queries: positiveInt, // Q learned queries (BLIP-2: 32)
    width: positiveInt, // W hidden width (bert-base: 768)
    layers: positiveInt, // L (12)
    heads: positiveInt, // H (12), must divide width
    intermediate: positiveInt, // I FFN width (3072)
    crossAttentionFreq: positiveInt, // cross-attention in layers l with l % freq == 0 (2 → 0, 2, 4, ...)
    visionWidth: positiveInt, // Dv (EVA ViT-g/14: 1408)
    llmWidth: positiveInt, // Dm (OPT-2.7B: 2560)
    projName: z.enum(['opt_proj', 'llm_proj', 't5_proj', 'llama_proj']), // name of the final Linear in the reference
    layerNormEps: z.number().positive(), // BERT's 1e-12
    instructionAware: z.boolean().default(false), // InstructBLIP: instruction tokens join the self-attention (adds the text FFN)
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.width % c.heads !== 0) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['heads'], message: `heads ${c.heads} must divide width ${c.width}` });
  });
export type QformerConfig = z.infer<typeof qformerSchema>;

export const qformerDefaults: QformerConfig = {
  queries: 8, // Q
  width: 64, // W
  layers: 2, // L
  heads: 4, // H, head width 16
  intermediate: 256, // I = 4W as in BERT
  crossAttentionFreq: 2, // BLIP-2's every-other-layer cross-attention
  visionWidth: 96, // Dv
  llmWidth: 128, // Dm
  projName: 'opt_proj', // BLIP-2 OPT naming
  layerNormEps: 1e-12, // BERT
  instructionAware: false, // BLIP-2 query path
};

/**
 * Trace: self-attention maps [L, B, H, Q + Nt, Q + Nt] (Nt = 0 without instructions; queries
 * first) and cross-attention maps [Lx, B, H, Q, Nv], where Lx = number of layers with
 * cross-attention (in layer order).
 */
export const TRACE_KEYS = { selfAttention: 'selfAttention', crossAttention: 'crossAttention' } as const;

const layerPrefix = (l: number): string => `Qformer.bert.encoder.layer.${l}`;
const hasCross = (cfg: QformerConfig, l: number): boolean => l % cfg.crossAttentionFreq === 0;
export const crossLayerCount = (cfg: QformerConfig): number => Math.ceil(cfg.layers / cfg.crossAttentionFreq);

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
function ffnSpecs(p: string, suffix: '' | '_query', cfg: QformerConfig): WeightSpec[] {
  return [
    ...linearSpecs(`${p}.intermediate${suffix}.dense`, cfg.width, cfg.intermediate),
    ...linearSpecs(`${p}.output${suffix}.dense`, cfg.intermediate, cfg.width),
    ...layerNormSpecs(`${p}.output${suffix}.LayerNorm`, cfg.width),
  ];
}

function weightSpecs(cfg: QformerConfig): WeightSpec[] {
  const specs: WeightSpec[] = [
    { name: 'query_tokens', shape: [1, cfg.queries, cfg.width], doc: 'learned queries [1, Q, W], init N(0, 0.02)' },
    ...layerNormSpecs('Qformer.bert.embeddings.LayerNorm', cfg.width),
  ];
  for (let l = 0; l < cfg.layers; l += 1) {
    const p = layerPrefix(l);
    specs.push(...attentionBlockSpecs(`${p}.attention`, cfg.width, cfg.width));
    if (hasCross(cfg, l)) specs.push(...attentionBlockSpecs(`${p}.crossattention`, cfg.width, cfg.visionWidth));
    specs.push(...ffnSpecs(p, '_query', cfg));
    if (cfg.instructionAware) specs.push(...ffnSpecs(p, '', cfg));
  }
  specs.push(...linearSpecs(cfg.projName, cfg.width, cfg.llmWidth));
  return specs;
}

/** Parameters split into the Q-Former proper and the final projection (facts.md BLIP-2 note). */
export function qformerParamBreakdown(cfg: QformerConfig): { qformer: number; proj: number } {
  const w = cfg.width;
  const selfBlock = 4 * linearParams(w, w) + 2 * w; // 2,363,904 at W = 768
  const crossBlock = 2 * linearParams(w, w) + 2 * linearParams(cfg.visionWidth, w) + 2 * w; // 3,346,944 at Dv = 1408
  const ffn = linearParams(w, cfg.intermediate) + linearParams(cfg.intermediate, w) + 2 * w; // 4,723,968
  const ffnBranches = cfg.instructionAware ? 2 : 1; // the text FFN only exists with instructions
  const qformer = cfg.layers * (selfBlock + ffnBranches * ffn) + crossLayerCount(cfg) * crossBlock + 2 * w + cfg.queries * w;
  return { qformer, proj: linearParams(w, cfg.llmWidth) };
}

function paramCount(cfg: QformerConfig): number {
  const { qformer, proj } = qformerParamBreakdown(cfg);
  return qformer + proj;
}

function checkShapes(cfg: QformerConfig, input: InputShapes & { mask?: Shape }): { b: number; nv: number; nt: number } {
  const v = input.vision;
  if (v.length !== 3) throw new Error(`vision: expected [B, Nv, Dv], got [${v}]`);
  if (v[2] !== cfg.visionWidth) throw new Error(`vision: width ${v[2]} must equal visionWidth ${cfg.visionWidth}`);
  const t = input.text;
  if (!cfg.instructionAware) {
    if (t) throw new Error('text: only an instructionAware Q-Former reads instruction tokens');
    return { b: v[0] as number, nv: v[1] as number, nt: 0 };
  }
  if (!t) throw new Error('text: an instructionAware Q-Former needs embedded instruction tokens [B, Nt, W]');
  if (t.length !== 3 || t[0] !== v[0] || t[2] !== cfg.width) throw new Error(`text: expected [${v[0]}, Nt, ${cfg.width}], got [${t}]`);
  const m = input.mask;
  if (m && (m.length !== 2 || m[0] !== t[0] || m[1] !== t[1])) throw new Error(`mask: expected [${t[0]}, ${t[1]}], got [${m}]`);
  return { b: v[0] as number, nv: v[1] as number, nt: t[1] as number };
}

function outputShape(cfg: QformerConfig, input: InputShapes): Shape {
  const { b } = checkShapes(cfg, input);
  return [b, cfg.queries, cfg.llmWidth];
}

/** Self-attention over Q + Nt tokens, cross-attention for the Q queries, FFNs over all tokens, projection of Q. */
function flops(cfg: QformerConfig, input: InputShapes): number {
  const { b, nv, nt } = checkShapes(cfg, input);
  const q = cfg.queries;
  const w = cfg.width;
  const self = attentionFlops({ queries: q + nt, keys: q + nt, queryDim: w, keyDim: w, inner: w, outDim: w });
  const cross = attentionFlops({ queries: q, keys: nv, queryDim: w, keyDim: cfg.visionWidth, inner: w, outDim: w });
  const ffn = linearFlops(q + nt, w, cfg.intermediate) + linearFlops(q + nt, cfg.intermediate, w);
  const proj = linearFlops(q, w, cfg.llmWidth);
  return b * (cfg.layers * (self + ffn) + crossLayerCount(cfg) * cross + proj);
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
function init(cfg: QformerConfig, seed: number): Weights {
  const w: Weights = {
    query_tokens: normal([1, cfg.queries, cfg.width], 0.02, seed, 'query_tokens'),
    ...initLayerNorm('Qformer.bert.embeddings.LayerNorm', cfg.width),
  };
  for (let l = 0; l < cfg.layers; l += 1) {
    const p = layerPrefix(l);
    Object.assign(w, initAttentionBlock(`${p}.attention`, cfg.width, cfg.width, seed));
    if (hasCross(cfg, l)) Object.assign(w, initAttentionBlock(`${p}.crossattention`, cfg.width, cfg.visionWidth, seed));
    for (const suffix of cfg.instructionAware ? (['_query', ''] as const) : (['_query'] as const)) {
      Object.assign(
        w,
        initBertLinear(`${p}.intermediate${suffix}.dense`, cfg.width, cfg.intermediate, seed),
        initBertLinear(`${p}.output${suffix}.dense`, cfg.intermediate, cfg.width, seed),
        initLayerNorm(`${p}.output${suffix}.LayerNorm`, cfg.width),
      );
    }
  }
  Object.assign(w, initLinear(cfg.projName, cfg.width, cfg.llmWidth, seed));
  return w;
}

function apply(cfg: QformerConfig, weights: Weights, input: ApplyInput): ApplyOutput {
  const { text, mask } = input;
  const { b, nt } = checkShapes(cfg, { vision: input.vision.shape, ...(text ? { text: text.shape } : {}), ...(mask ? { mask: mask.shape } : {}) });
  const q = cfg.queries;
  return tf.tidy(() => {
    const ln = (x: tf.Tensor, name: string) =>
      layerNorm(x, requireWeight(weights, `${name}.weight`), requireWeight(weights, `${name}.bias`), cfg.layerNormEps) as tf.Tensor3D;
    // BertAttention + BertSelfOutput: post-LN residual, LN(dense(attn) + input).
    const attentionBlock = (prefix: string, h: tf.Tensor3D, kv: tf.Tensor3D, keyPaddingMask?: tf.Tensor2D) => {
      const proj = separateProjections(
        weights,
        { q: `${prefix}.self.query`, k: `${prefix}.self.key`, v: `${prefix}.self.value`, out: `${prefix}.output.dense` },
        true,
      );
      const { output, weights: map } = multiHeadAttention(h, kv, kv, proj, { heads: cfg.heads, ...(keyPaddingMask ? { keyPaddingMask } : {}) });
      return { h: ln(output.add(h), `${prefix}.output.LayerNorm`), map };
    };
    // BertIntermediate (dense → GELU) + BertOutput (LN(dense + input)); suffix '_query' for queries.
    const ffn = (p: string, suffix: '' | '_query', h: tf.Tensor3D) => {
      const inner = gelu(linear(h, requireWeight(weights, `${p}.intermediate${suffix}.dense.weight`), requireWeight(weights, `${p}.intermediate${suffix}.dense.bias`)));
      const out = linear(inner, requireWeight(weights, `${p}.output${suffix}.dense.weight`), requireWeight(weights, `${p}.output${suffix}.dense.bias`));
      return ln(out.add(h), `${p}.output${suffix}.LayerNorm`);
    };
    // [1, Q, W] → [B, Q, W]: the same queries for every image; instructions follow them: [B, Q + Nt, W].
    const queries = requireWeight(weights, 'query_tokens').tile([b, 1, 1]) as tf.Tensor3D;
    let h = ln(text ? tf.concat([queries, text], 1) : queries, 'Qformer.bert.embeddings.LayerNorm');
    // Queries are never padding; instruction padding comes from `mask`: [B, Q] ++ [B, Nt] → [B, Q + Nt].
    const selfMask = text && mask ? (tf.concat([tf.ones([b, q]), mask.toFloat()], 1) as tf.Tensor2D) : undefined;
    const selfMaps: tf.Tensor4D[] = [];
    const crossMaps: tf.Tensor4D[] = [];
    for (let l = 0; l < cfg.layers; l += 1) {
      const p = layerPrefix(l);
      const sa = attentionBlock(`${p}.attention`, h, h, selfMask);
      selfMaps.push(sa.map);
      let hq = nt > 0 ? (sa.h.slice([0, 0, 0], [b, q, cfg.width]) as tf.Tensor3D) : sa.h; // [B, Q + Nt, W] → [B, Q, W]
      if (hasCross(cfg, l)) {
        const ca = attentionBlock(`${p}.crossattention`, hq, input.vision);
        crossMaps.push(ca.map);
        hq = ca.h;
      }
      hq = ffn(p, '_query', hq);
      if (nt > 0) {
        const ht = ffn(p, '', sa.h.slice([0, q, 0], [b, nt, cfg.width]) as tf.Tensor3D); // [B, Q + Nt, W] → [B, Nt, W]
        h = tf.concat([hq, ht], 1) as tf.Tensor3D; // → [B, Q + Nt, W]
      } else {
        h = hq;
      }
    }
    const finalQueries = nt > 0 ? h.slice([0, 0, 0], [b, q, cfg.width]) : h; // [B, Q + Nt, W] → [B, Q, W]
    const tokens = linear(finalQueries, requireWeight(weights, `${cfg.projName}.weight`), requireWeight(weights, `${cfg.projName}.bias`)); // [B, Q, W] → [B, Q, Dm]
    return {
      tokens,
      trace: {
        [TRACE_KEYS.selfAttention]: tf.stack(selfMaps), // L × [B, H, Q+Nt, Q+Nt] → [L, B, H, Q+Nt, Q+Nt]
        [TRACE_KEYS.crossAttention]: tf.stack(crossMaps), // Lx × [B, H, Q, Nv] → [Lx, B, H, Q, Nv]
      },
    };
  });
}

export const spec: ProjectorSpec<QformerConfig> = {
  kind: 'qformer',
  side: 'input',
  title: 'Q-Former (BLIP-2, InstructBLIP): learned queries + BERT layers + Linear',
  cite: ['li2023blip2', 'dai2023instructblip'],
  schema: qformerSchema,
  defaults: qformerDefaults,
  outputShape,
  paramCount,
  flops,
  weightSpecs,
  init,
  apply,
};
