/**
 * Computed numbers and figure data for the article "What is a projector?". Everything here is
 * derived from the projector library and its presets; nothing is typed by hand.
 */
import { summarizePreset } from '../preset-summary';
import { BLIP2_QUERY_PATH, INSTRUCTBLIP_TRAINABLE_AT_LEAST } from '../qformer-counts';

/** CLIP ViT-L/14 at 336 px: the image side in pixels and the patch size (facts.md, CLIP notes). */
export const IMAGE_SIDE = 336;
export const PATCH = 14;
/** The preset of NExT-GPT's image output head (facts.md NExT-GPT row). */
const NEXTGPT_IMAGE_PRESET = 'nextgpt-image-output';
export const GRID = IMAGE_SIDE / PATCH; // patches per side
export const PATCHES = GRID * GRID; // patch tokens, CLS excluded
export const WITH_CLS = PATCHES + 1; // what the ViT layer outputs

export const llava15 = summarizePreset('llava-1.5-7b');
export const llava15x13 = summarizePreset('llava-1.5-13b');
export const llavaV1 = summarizePreset('llava-v1-7b');

if (llava15.input?.vision[1] !== PATCHES) {
  throw new Error(`LLaVA-1.5 preset input (${String(llava15.input?.vision[1])} tokens) disagrees with ${IMAGE_SIDE}/${PATCH} patches`);
}

const [, , visionWidth] = llava15.input.vision as [number, number, number];
const [, outTokens, llmWidth] = (llava15.outputShape ?? []) as [number, number, number];

/** Width of the vision features and of the LLM embeddings for LLaVA-1.5-7B. */
export const DV = visionWidth;
export const DM = llmWidth;
export const OUT_TOKENS = outTokens;

/** Parameters of each of the two Linear layers of mlp2x_gelu, computed the same way as paramCount. */
export const FIRST_LINEAR = DV * DM + DM;
export const SECOND_LINEAR = DM * DM + DM;
if (FIRST_LINEAR + SECOND_LINEAR !== llava15.params) {
  throw new Error('The per-layer split of the LLaVA-1.5 MLP does not add up to paramCount');
}

/** Figure 1: the five components, with LLaVA-1.5-7B's shapes on the input side. */
export const pipelineData = {
  stages: [
    { key: 'encoder', role: 'encoder', label: 'Modality encoder', note: 'CLIP ViT-L/14-336', shape: [WITH_CLS, DV] },
    { key: 'input-projector', role: 'input-projector', label: 'Input projector', note: 'two-layer MLP', shape: [OUT_TOKENS, DM], params: llava15.params, highlight: true },
    { key: 'llm', role: 'llm', label: 'LLM backbone', note: 'Vicuna-7B' },
    { key: 'output-projector', role: 'output-projector', label: 'Output projector', absent: true },
    { key: 'generator', role: 'generator', label: 'Modality generator', absent: true },
  ],
  inputs: [{ key: 'text', label: 'Text tokens', to: 'llm' }],
};

/** Figure 2: trainable projector parameters of real models, computed from the presets. */
const BAR_PRESETS = ['llava-v1-7b', 'llava-v1-13b', 'llava-1.5-7b', 'llava-1.5-13b', 'minigpt4-vicuna7b', 'minigpt4-vicuna13b', 'minigpt4-llama2'] as const;

/**
 * InstructBLIP trains its Q-Former with llm_proj, so its bar is BLIP-2's query path plus llm_proj,
 * a lower bound (src/reference/qformer-counts.ts); MiniGPT-4's Q-Former is frozen, so only its
 * linear layer counts.
 */
const INSTRUCTBLIP_BARS = [
  { key: 'instructblip-vicuna7b', label: 'InstructBLIP (Vicuna-7B), at least', value: INSTRUCTBLIP_TRAINABLE_AT_LEAST.vicuna7b },
  { key: 'instructblip-vicuna13b', label: 'InstructBLIP (Vicuna-13B), at least', value: INSTRUCTBLIP_TRAINABLE_AT_LEAST.vicuna13b },
] as const;

export const paramBars = {
  rows: [
    ...BAR_PRESETS.map((id) => {
      const s = summarizePreset(id);
      // No highlight: the accent colour is also the first series colour, which the Q-Former bars take.
      return { key: id, label: s.model, value: s.params, group: s.kind, highlight: false };
    }),
    ...INSTRUCTBLIP_BARS.map((b) => ({ ...b, group: 'qformer', highlight: false })),
  ],
};
export const instructblipTrainable = INSTRUCTBLIP_TRAINABLE_AT_LEAST;
export const blip2QueryPath = BLIP2_QUERY_PATH;

/** The original LLaVA's image side: its token count is a square grid of PATCH-pixel patches (224 px, facts.md b). */
const v1Tokens = llavaV1.outputShape?.[1] ?? 0;
export const V1_TOKENS = v1Tokens;
export const V1_IMAGE_SIDE = Math.sqrt(v1Tokens) * PATCH;
if (!Number.isInteger(V1_IMAGE_SIDE)) throw new Error(`LLaVA v1 preset has ${v1Tokens} tokens, not a square grid of ${PATCH}-px patches`);

/**
 * Designs that hand the LLM fewer tokens than LLaVA-1.5's MLP ("What comes next"): MobileVLM's LDP
 * (same 576-token input), OpenFlamingo's resampler and BLIP-2's Q-Former, from their presets.
 */
const tokensOut = (id: string): number => summarizePreset(id).outputShape?.[1] ?? 0;
export const FEWER_TOKENS = {
  ldp: tokensOut('mobilevlm-ldp-1.7b'),
  ldpIn: summarizePreset('mobilevlm-ldp-1.7b').input?.vision[1] ?? 0,
  resampler: tokensOut('openflamingo-3b-resampler'),
  qformer: tokensOut('blip2-opt-2.7b'),
} as const;

// ---- Exercises -----------------------------------------------------------------------------------

/** Exercise 1: LLaVA-1.5-13B's two layers, counted the way paramCount counts them. */
const d13 = llava15x13.outputShape?.[2] ?? 0;
export const EX13 = { dv: DV, d: d13, first: DV * d13 + d13, second: d13 * d13 + d13, total: llava15x13.params } as const;
if (EX13.first + EX13.second !== EX13.total) throw new Error('LLaVA-1.5-13B: the per-layer split does not add up to paramCount');

/** Exercise 2: the same encoder run on a larger square image (an input of the exercise, not a model's setting). */
export const EX_LARGER_SIDE = 448;
export const EX_LARGER_TOKENS = (EX_LARGER_SIDE / PATCH) ** 2;

/** GILL maps CLIP's pooled embedding to a few LLM tokens (facts.md GILL row). */
export const gill = summarizePreset('gill-input');

/** Stable Diffusion v1.5's text condition, the target of NExT-GPT's image output head. */
const nextgptImage = summarizePreset(NEXTGPT_IMAGE_PRESET);
const [, sdTokens, sdWidth] = (nextgptImage.outputShape ?? []) as [number, number, number];
export const sdCondition = [sdTokens, sdWidth] as const;
