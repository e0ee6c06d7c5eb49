/**
 * BLIP-2 and InstructBLIP Q-Former counts that articles and the catalogue state, computed from the
 * site's Q-Former module (src/projectors/qformer.ts, through the preset summaries), never typed.
 *
 * - The query path: the generative-stage Q-Former that feeds the LLM (blip2_opt.py drops the text
 *   parts), 105,162,240 in facts.md's BLIP-2 note.
 * - The stage-1 Q-Former with its text parts and heads: the module the paper's "188M" (li2023blip2
 *   §3.1) describes. facts.md computes 186,705,470 from salesforce/LAVIS and calls the remaining
 *   gap of about 1.3M unexplained; the site shows both and derives neither from the other.
 * - InstructBLIP: the vision encoder and the LLM are frozen and the Q-Former trains with llm_proj
 *   (salesforce/LAVIS blip2_vicuna_instruct.py: `freeze_vit=True`, `requires_grad = False` on the
 *   LLM). Its trainable count is at least the query path plus llm_proj; the text embeddings and
 *   text feed-forward layers through which the instruction enters train too and are not counted,
 *   because the reference facts give no verified figure for them.
 */
import { summarizePreset, type PresetSummary } from './preset-summary';

const breakdown = (s: PresetSummary): { qformer: number; proj: number } => {
  if (!s.breakdown) throw new Error(`qformer-counts: preset ${s.id} is not a Q-Former`);
  return s.breakdown;
};
const lastDim = (shape: readonly number[] | undefined, what: string): number => {
  const d = shape?.[shape.length - 1];
  if (d === undefined) throw new Error(`qformer-counts: ${what} has no shape`);
  return d;
};

const blip2 = summarizePreset('blip2-opt-2.7b');
/** BLIP-2's Q-Former with an instruction (text) branch: the query path plus the 12 text FFNs. */
const withTextFfn = summarizePreset('instructblip-qformer-vicuna7b');

/** The generative-stage Q-Former (query path, queries included), computed. */
export const BLIP2_QUERY_PATH = breakdown(blip2).qformer;

/** Widths read from the presets' shapes: the Q-Former width and EVA ViT-g's width (ln_vision). */
const QFORMER_WIDTH = lastDim(summarizePreset('instructblip-vicuna7b').input?.vision, 'llm_proj input');
const VISION_WIDTH = lastDim(blip2.input?.vision, 'BLIP-2 vision input');

/**
 * Sizes of the stage-1 parts outside the module (facts.md BLIP-2 note, from bert-base-uncased and
 * LAVIS blip2_qformer.py): the BERT vocabulary plus the [DEC] token, BERT's position table, the
 * width of the contrastive (ITC) projections and the two classes of the matching (ITM) head.
 */
const BERT_VOCAB = 30_522 + 1;
const BERT_POSITIONS = 512;
const ITC_DIM = 256;
const ITM_CLASSES = 2;

const linear = (i: number, o: number): number => i * o + o;
const layerNorm = (n: number): number => 2 * n;

/** The stage-1 Q-Former with text parts and heads, computed term by term as in facts.md. */
export const BLIP2_STAGE1 = (() => {
  const w = QFORMER_WIDTH;
  const core = breakdown(withTextFfn).qformer + BERT_VOCAB * w + BERT_POSITIONS * w; // word and position embeddings
  const mlmHead = linear(w, w) + layerNorm(w) + BERT_VOCAB; // transform + LayerNorm + decoder bias (weights tied)
  const itc = 2 * linear(w, ITC_DIM); // vision_proj and text_proj
  const itm = linear(w, ITM_CLASSES);
  const temperature = 1;
  const lnVision = layerNorm(VISION_WIDTH);
  return { core, total: core + mlmHead + itc + itm + temperature + lnVision };
})();

/** InstructBLIP's trainable connector, a lower bound: the query path plus llm_proj (7B and 13B). */
export const INSTRUCTBLIP_TRAINABLE_AT_LEAST = {
  vicuna7b: BLIP2_QUERY_PATH + summarizePreset('instructblip-vicuna7b').params,
  vicuna13b: BLIP2_QUERY_PATH + summarizePreset('instructblip-vicuna13b').params,
} as const;
