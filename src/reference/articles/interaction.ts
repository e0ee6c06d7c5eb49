/**
 * Computed numbers and figure data for the article "How projectors meet encoders and decoders".
 * Shapes, parameter counts and FLOPs come from the projector modules and their presets; the toy
 * models' layouts come from the notebooks' defaults. Experiment numbers are not here: the article
 * binds them to the committed results with <ResultNum>.
 */
import emojiManifest from '../../../public/data/emoji/manifest.json';
import { defaults as gatesDefaults, gateSteps } from '../../../notebooks/experiments/interaction-gates.card';
import { listCards } from '../../../notebooks/catalog';
import { configToQuery } from '../../../notebooks/runtime/config-codec';
import type { BaseConfig } from '../../../notebooks/types';
import { crossAttnEveryNLayers } from '../../projectors/gated-cross-attention';
import { summarizePreset } from '../preset-summary';

// ---- The emoji grids the experiments read ---------------------------------------------------------

const artefactShape = (id: string): number[] => {
  const found = emojiManifest.artefacts.find((a) => a.id === id);
  if (!found) throw new Error(`interaction: the emoji manifest has no artefact "${id}"`);
  return found.shape as number[];
};
const gridShape = artefactShape('grid-pca'); // [N, 49, 20]
const midShape = artefactShape('mid-pca'); // [M, 196, 24]

/** The 7 × 7 MobileNetV2 grid (out_relu, PCA'd) and the 14 × 14 one of an earlier layer, per image. */
export const EMOJI_GRID = { tokens: gridShape[1] as number, side: Math.sqrt(gridShape[1] as number), width: gridShape[2] as number } as const;
export const EMOJI_MID = { tokens: midShape[1] as number, side: Math.sqrt(midShape[1] as number), width: midShape[2] as number, images: midShape[0] as number } as const;

// ---- Concatenation (LLaVA) ---------------------------------------------------------------------------

export const llava15 = summarizePreset('llava-1.5-7b');
const [, llavaIn, llavaDv] = (llava15.input?.vision ?? []) as number[];
const [, llavaOut, llavaDm] = (llava15.outputShape ?? []) as number[];
if (!llavaIn || !llavaDv || !llavaOut || !llavaDm) throw new Error('interaction: llava-1.5-7b has no [B, N, D] shapes');

/** LLaVA-1.5-7B: patch tokens in, tokens into the LLM, widths, projector parameters and FLOPs. */
export const LLAVA15 = { tokensIn: llavaIn, visionDim: llavaDv, tokensOut: llavaOut, llmDim: llavaDm, params: llava15.params, flops: llava15.flops ?? 0 } as const;

/** Figure: what LLaVA-1.5 reads: the system prompt, the image tokens in place of <image>, the question (text lengths depend on the tokenizer). */
export const llavaSequence = {
  segments: [
    { key: 'system', label: 'System prompt', kind: 'text' },
    { key: 'image', label: 'Image tokens, in place of <image>', kind: 'image', tokens: LLAVA15.tokensOut, width: LLAVA15.llmDim },
    { key: 'question', label: 'Question, then ASSISTANT:', kind: 'text' },
  ],
};

// ---- Learned queries (BLIP-2, Flamingo) ------------------------------------------------------------

export const dims3 = (shape: readonly number[] | undefined, what: string): [number, number, number] => {
  if (!shape || shape.length !== 3) throw new Error(`interaction: ${what} has no [B, N, D] shape`);
  return [shape[0] as number, shape[1] as number, shape[2] as number];
};

export const blip2 = summarizePreset('blip2-opt-2.7b');
export const ofResampler = summarizePreset('openflamingo-3b-resampler');

const [, blip2In, blip2Dv] = dims3(blip2.input?.vision, 'blip2-opt-2.7b input');
const [, blip2Out, blip2Dm] = dims3(blip2.outputShape, 'blip2-opt-2.7b output');
const [, ofIn] = dims3(ofResampler.input?.vision, 'openflamingo-3b-resampler input');
const [, ofOut, ofWidth] = dims3(ofResampler.outputShape, 'openflamingo-3b-resampler output');
const blip2Cfg = blip2.config as { depth: number; crossAttentionFreq: number; hiddenDim: number };

/** BLIP-2 (OPT-2.7B): tokens in and out, widths, the Q-Former's layers and its cross-attention layers, parameters. */
export const BLIP2 = {
  tokensIn: blip2In,
  tokensOut: blip2Out,
  visionDim: blip2Dv,
  llmDim: blip2Dm,
  width: blip2Cfg.hiddenDim,
  depth: blip2Cfg.depth,
  crossLayers: Math.ceil(blip2Cfg.depth / blip2Cfg.crossAttentionFreq),
  qformerParams: blip2.breakdown?.qformer ?? blip2.params,
  projParams: blip2.breakdown?.proj ?? 0,
} as const;

/** OpenFlamingo-3B's resampler: tokens in and out, width, parameters. */
export const OF_RESAMPLER = { tokensIn: ofIn, tokensOut: ofOut, width: ofWidth, params: ofResampler.params } as const;

// ---- Gated cross-attention (Flamingo) -----------------------------------------------------------

export const ofBlock3b = summarizePreset('openflamingo-3b-xattn');
export const ofBlock9b = summarizePreset('openflamingo-9b-xattn');

/** OpenFlamingo's rule applied to its two models (open_flamingo flamingo_lm.py; facts.md model zoo). */
export const OPENFLAMINGO = {
  b3: { lmLayers: 24, everyN: 1, blocks: crossAttnEveryNLayers(24, 1).length, total: crossAttnEveryNLayers(24, 1).length * ofBlock3b.params },
  b9: { lmLayers: 32, everyN: 4, blocks: crossAttnEveryNLayers(32, 4).length, total: crossAttnEveryNLayers(32, 4).length * ofBlock9b.params },
} as const;

/** The experiment's layout: which frozen layer each gated block sits before. */
export const GATES = {
  lmLayers: gatesDefaults.lmLayers,
  everyN: gatesDefaults.everyN,
  blockLayers: crossAttnEveryNLayers(gatesDefaults.lmLayers, gatesDefaults.everyN),
  steps: gatesDefaults.steps,
  sampled: gateSteps(gatesDefaults.steps).length,
} as const;

/**
 * Figure: the experiment's stack, prompt → frozen layers with a gated block before layer i when
 * (i + 1) % everyN = 0 → the answer; the image grid enters every block.
 */
export const gatesDiagram = (() => {
  const stages: { key: string; role: 'llm' | 'input-projector' | 'other'; label: string; note?: string; highlight?: boolean }[] = [
    { key: 'prompt', role: 'other', label: 'Prompt', note: 'frozen embeddings' },
  ];
  const inputs: { key: string; label: string; to: string; shape?: number[] }[] = [];
  for (let i = 0; i < GATES.lmLayers; i += 1) {
    if (GATES.blockLayers.includes(i)) {
      stages.push({ key: `xattn-${i}`, role: 'input-projector', label: 'Gated xattn', note: 'trained; gates start at 0', highlight: true });
      inputs.push({ key: `image-${i}`, label: 'Image grid', to: `xattn-${i}`, shape: [EMOJI_GRID.tokens, EMOJI_GRID.width] });
    }
    stages.push({ key: `lm-${i}`, role: 'llm', label: `LM layer ${i}`, note: 'frozen' });
  }
  stages.push({ key: 'answer', role: 'other', label: 'Answer', note: 'last token vs caption' });
  if (stages.length > 8) throw new Error(`interaction: the gates diagram has ${stages.length} stages, the pipeline figure draws at most 8`);
  return { stages, inputs };
})();

// ---- The summary table ---------------------------------------------------------------------------------

const row = (id: string) => {
  const s = summarizePreset(id);
  const out = dims3(s.outputShape, `${id} output`);
  const inp = dims3(s.input?.vision, `${id} input`);
  return { id, model: s.model, tokensIn: inp[1], tokensOut: out[1], width: out[2], params: s.params, flops: s.flops ?? 0 };
};

/** One row per input route's representative, computed from its preset (tokens, widths, parameters, FLOPs). */
export const ROUTES = {
  concat: row('llava-1.5-7b'),
  qformer: row('blip2-opt-2.7b'),
  resampler: row('openflamingo-3b-resampler'),
  pixelShuffle: row('internvl-1.5'),
  cAbstractor: row('honeybee-c-abs-7b-m144'),
  ldp: row('mobilevlm-v2-ldpv2-1.7b'),
  gillMapper: row('gill-mapper'),
  nextgptImage: row('nextgpt-image-output'),
} as const;

// ---- Exercises -------------------------------------------------------------------------------------------

const EXERCISE_SETTINGS = {
  'gates-every': { notebook: 'interaction-gates', set: { everyN: 4 } },
  'gates-lr': { notebook: 'interaction-gates', set: { learningRate: 0.002 } },
  'queries-few': { notebook: 'interaction-queries', set: { numQueries: 1 } },
  'queries-picture': { notebook: 'interaction-queries', set: { picture: 7 } },
  'concat-linear': { notebook: 'interaction-concat', set: { projector: 'linear' } },
  'concat-text': { notebook: 'interaction-concat', set: { systemTokens: 200, questionTokens: 40 } },
} as const satisfies Record<string, { notebook: string; set: Record<string, unknown> }>;
export type ExerciseId = keyof typeof EXERCISE_SETTINGS;

/** The Lab page of a notebook with some controls changed (validated against its schema). */
function labHref(notebook: string, overrides: Record<string, unknown>): string {
  const card = listCards().find((c) => c.id === notebook);
  if (!card) throw new Error(`interaction: no notebook "${notebook}" in notebooks/catalog.ts`);
  const shape = card.schema.shape as Record<string, unknown>;
  for (const key of Object.keys(overrides)) if (!(key in shape)) throw new Error(`interaction: notebook "${notebook}" has no control "${key}"`);
  const config = card.schema.parse({ ...(card.defaults as unknown as Record<string, unknown>), ...overrides }) as BaseConfig;
  return `/lab/${notebook}/?${configToQuery(card, config).toString()}`;
}

/** An exercise's Lab link, the setting it asks for, and the value each control has by default. */
export function exercise(id: ExerciseId): { href: string; setting: string; from: string } {
  const { notebook, set } = EXERCISE_SETTINGS[id];
  const card = listCards().find((c) => c.id === notebook);
  const defaults = (card?.defaults ?? {}) as unknown as Record<string, unknown>;
  const pairs = Object.entries(set);
  return {
    href: labHref(notebook, set),
    setting: pairs.map(([k, v]) => `${k} = ${String(v)}`).join(', '),
    from: pairs.map(([k]) => `${k} = ${String(defaults[k])}`).join(', '),
  };
}

// ---- Spatial compressors -------------------------------------------------------------------------------

const internvl = ROUTES.pixelShuffle;
const internvlCfg = summarizePreset('internvl-1.5').config as { downsample: number; visionDim: number };

/** InternVL 1.5's pixel shuffle: tokens per tile in and out, the widths before and after the 2 × 2 merge. */
export const PIXEL_SHUFFLE = {
  tokensIn: internvl.tokensIn,
  tokensOut: internvl.tokensOut,
  downsample: internvlCfg.downsample,
  visionDim: internvlCfg.visionDim,
  mergedDim: internvlCfg.visionDim * internvlCfg.downsample * internvlCfg.downsample,
  llmDim: internvl.width,
} as const;
