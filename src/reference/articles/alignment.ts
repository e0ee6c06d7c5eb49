/**
 * Computed numbers, figure data and links for the article "How projectors align modalities".
 * Shapes and parameter counts come from the projector presets (src/projectors), verdicts from the
 * claim ledger (content/data/claims.json), the survey tally from content/data/survey-projectors.json
 * and LVP's wording from the model catalogue. Experiment numbers are not here: the article binds
 * them to the committed results with <ResultNum>.
 */
import { z } from 'zod';
import emojiManifest from '../../../public/data/emoji/manifest.json';
import survey from '../../../content/data/survey-projectors.json';
import { claimHref, claims, type Claim } from '../claims';
import { listCards } from '../../../notebooks/catalog';
import { configToQuery } from '../../../notebooks/runtime/config-codec';
import type { BaseConfig } from '../../../notebooks/types';
import { loadCatalogue } from '../catalogue';
import { committedRecord } from '../results';
import { summarizePreset } from '../preset-summary';
import { INSTRUCTBLIP_TRAINABLE_AT_LEAST } from '../qformer-counts';
import { defaults as dualDefaults } from '../../projectors/dual-projection';
import { crossAttnEveryNLayers } from '../../projectors/gated-cross-attention';
import { getPreset } from '../../projectors/presets';
import { getProjector } from '../../projectors/registry';

// ---- Presets the article draws on ------------------------------------------------------------

export const llava15 = summarizePreset('llava-1.5-7b');
export const llavaV1 = summarizePreset('llava-v1-13b');
export const clipL14 = summarizePreset('clip-l14');
export const minigpt4 = summarizePreset('minigpt4-vicuna13b');
export const instructblipProj = summarizePreset('instructblip-vicuna7b');
export const ofResampler = summarizePreset('openflamingo-3b-resampler');
export const ofBlock = summarizePreset('openflamingo-3b-xattn');

const shape3 = (s: readonly number[] | undefined, what: string): [number, number, number] => {
  if (!s || s.length !== 3) throw new Error(`alignment: ${what} has no [B, N, D] shape`);
  return [s[0] as number, s[1] as number, s[2] as number];
};

const [, llavaTokens, llavaVisionDim] = shape3(llava15.input?.vision, 'llava-1.5-7b input');
const [, , llavaLlmDim] = shape3(llava15.outputShape, 'llava-1.5-7b output');
export const LLAVA15 = { tokens: llavaTokens, visionDim: llavaVisionDim, llmDim: llavaLlmDim, params: llava15.params } as const;
export const LLAVA_V1 = { tokens: shape3(llavaV1.outputShape, 'llava-v1-13b output')[1], params: llavaV1.params } as const;

// ---- CLIP: the projections and the temperature ------------------------------------------------

const clipConfig = z
  .object({ visionDim: z.number().int().positive(), textDim: z.number().int().positive(), embedDim: z.number().int().positive() })
  .passthrough()
  .parse(getPreset('clip-l14').config);
/** Each tower's bias-free projection, `visual.proj` [Dv, E] and `text_projection` [Dt, E]. */
export const CLIP_L14 = {
  visionDim: clipConfig.visionDim,
  textDim: clipConfig.textDim,
  embedDim: clipConfig.embedDim,
  imageProj: clipConfig.visionDim * clipConfig.embedDim,
  textProj: clipConfig.textDim * clipConfig.embedDim,
  params: clipL14.params,
} as const;
if (CLIP_L14.imageProj + CLIP_L14.textProj !== clipL14.params) throw new Error('alignment: CLIP projection split does not add up to paramCount');

/**
 * CLIP stores the log of the logit multiplier, initialised to ln(1/0.07) (openai/CLIP clip/model.py;
 * the site's dual-projection default). The multiplier is exp of that, the temperature its inverse.
 */
export const CLIP_INIT_MULTIPLIER = Math.exp(dualDefaults.logitScaleInit);
export const CLIP_INIT_TEMPERATURE = 1 / CLIP_INIT_MULTIPLIER;
export const CLIP_INIT_LOG_SCALE = dualDefaults.logitScaleInit;

// ---- Training stages: trainable parameters per model -----------------------------------------

/** MPT-1B has 24 decoder layers and OpenFlamingo-3B puts a gated block before every one (facts.md b). */
const OPENFLAMINGO_3B_LM_LAYERS = 24;
const OPENFLAMINGO_3B_EVERY_N = 1;
export const OF3B = {
  blocks: crossAttnEveryNLayers(OPENFLAMINGO_3B_LM_LAYERS, OPENFLAMINGO_3B_EVERY_N).length,
  blockParams: ofBlock.params,
  resamplerParams: ofResampler.params,
} as const;
export const OF3B_TRAINABLE = OF3B.resamplerParams + OF3B.blocks * OF3B.blockParams;

/** InstructBLIP (Vicuna-7B) trains its Q-Former and llm_proj: at least BLIP-2's query path plus llm_proj. */
export const INSTRUCTBLIP_TRAINABLE = INSTRUCTBLIP_TRAINABLE_AT_LEAST.vicuna7b;

// ---- The survey's tally (facts.md d.5) -----------------------------------------------------------

const surveyTally = z
  .object({ total: z.number().int().positive(), input: z.array(z.object({ category: z.string(), count: z.number().int().positive() }).passthrough()) })
  .passthrough()
  .parse(survey);
const countInput = (category: string): number => surveyTally.input.filter((r) => r.category === category).reduce((a, r) => a + r.count, 0);
export const SURVEY = {
  total: surveyTally.total,
  linear: countInput('linear'),
  mlp: countInput('mlp'),
} as const;
export const SURVEY_MAPPING_SHARE = (SURVEY.linear + SURVEY.mlp) / SURVEY.total;

// ---- The ledger: the source's §3 claims and their verdicts -------------------------------------

const claimById = new Map(claims.map((c) => [c.id, c]));
export function claim(id: string): Claim & { href: string } {
  const c = claimById.get(id);
  if (!c) throw new Error(`alignment: no ledger claim "${id}"`);
  return { ...c, href: claimHref(id) };
}
/** The source article's §3 claims in ledger order (C13–C19). */
export const section3Claims = ['C13', 'C14', 'C15', 'C16', 'C17', 'C18', 'C19'].map(claim);

// ---- Widths of the emoji artefacts (the feature-map experiment's full-width ridge reference) --------

const artefactShape = (file: string): number[] => {
  const found = emojiManifest.artefacts.find((a) => a.file === file);
  if (!found || found.shape.length !== 2) throw new Error(`alignment: the emoji manifest has no 2-D artefact ${file}`);
  return found.shape;
};
/** Image features after the committed PCA, and the caption embeddings: [N, width] each. */
export const EMOJI_WIDTHS = {
  image: artefactShape('data/emoji/image-pooled-pca.f16.bin')[1] as number,
  text: artefactShape('data/emoji/use-caption.f16.bin')[1] as number,
} as const;

// ---- LVP's wording, from the catalogue row (quoted with its locator there) ---------------------

const lvp = loadCatalogue().find((e) => e.id === 'lvp');
if (!lvp) throw new Error('alignment: the catalogue lost its LVP row');
const lvpQuote = (label: string): string => {
  const q = lvp.quoted.find((x) => x.label === label);
  if (!q || q.status !== 'VERIFIED') throw new Error(`alignment: LVP quote "${label}" is missing or not VERIFIED`);
  return q.text;
};
export const LVP_TOKEN_QUOTE = lvpQuote('token reduction');

// ---- Lab links ---------------------------------------------------------------------------------

/**
 * A Lab URL that opens the notebook with some controls changed (the Lab reads `set.key=value`).
 * Fails the build when the notebook or a key does not exist, so an exercise cannot link to a
 * control that was renamed.
 */
export function labHref(notebook: string, overrides: Record<string, unknown> = {}): string {
  const card = listCards().find((c) => c.id === notebook);
  if (!card) throw new Error(`alignment: no notebook "${notebook}" in notebooks/catalog.ts`);
  const shape = card.schema.shape as Record<string, unknown>;
  for (const key of Object.keys(overrides)) {
    if (!(key in shape)) throw new Error(`alignment: notebook "${notebook}" has no control "${key}" (known: ${Object.keys(shape).join(', ')})`);
  }
  const config = card.schema.parse({ ...(card.defaults as unknown as Record<string, unknown>), ...overrides }) as BaseConfig;
  const query = configToQuery(card, config).toString();
  return Object.keys(overrides).length === 0 ? `/lab/${notebook}/` : `/lab/${notebook}/?${query}`;
}

/**
 * A control's value in the committed result of a notebook, so an exercise can name the value the
 * reader starts from on the Lab page (the Lab opens at the committed config, not the defaults).
 */
export function committedValue(notebook: string, key: string): unknown {
  const config = committedRecord(notebook).meta.config;
  if (!(key in config)) throw new Error(`alignment: the committed config of "${notebook}" has no control "${key}"`);
  return config[key];
}

// ---- Diagrams (pipeline renderer) -------------------------------------------------------------

/** Figure: feature-space mapping in LLaVA-1.5-7B, shapes from the preset. */
export const featureMapDiagram = {
  stages: [
    { key: 'encoder', role: 'encoder', label: 'Vision encoder', note: 'CLIP ViT-L/14-336, frozen', shape: [LLAVA15.tokens, LLAVA15.visionDim] },
    { key: 'projector', role: 'input-projector', label: 'Projector', note: 'Linear (LLaVA) or GELU MLP (LLaVA-1.5)', shape: [LLAVA15.tokens, LLAVA15.llmDim], params: LLAVA15.params, highlight: true },
    { key: 'llm', role: 'llm', label: 'LLM', note: 'reads them in place of <image>; frozen in stage 1' },
  ],
  inputs: [{ key: 'text', label: 'Text tokens', to: 'llm' }],
};

/** Figure: CLIP's two projections into one joint space (ViT-L/14 widths from the preset). */
export const contrastiveDiagram = {
  stages: [
    { key: 'image', role: 'encoder', label: 'Image tower', note: 'pooled CLS state', shape: [1, CLIP_L14.visionDim] },
    { key: 'visual-proj', role: 'input-projector', label: 'visual.proj', note: 'bias-free linear', shape: [1, CLIP_L14.embedDim], params: CLIP_L14.imageProj, highlight: true },
    { key: 'joint', role: 'other', label: 'Joint space', note: 'batch similarities ÷ τ, symmetric InfoNCE' },
  ],
  inputs: [{ key: 'text', label: 'Text tower → text_projection', to: 'joint', shape: [1, CLIP_L14.embedDim] }],
};

/** Figure: language-guided token selection after LVP's abstract, with LLaVA-1.5's token grid. */
export const tokenSelectionDiagram = {
  stages: [
    { key: 'encoder', role: 'encoder', label: 'Vision encoder', note: 'patch grid', shape: [LLAVA15.tokens, LLAVA15.visionDim] },
    { key: 'score', role: 'input-projector', label: 'Project and score', note: 'similarity of each token to the text', highlight: true },
    { key: 'select', role: 'other', label: 'Keep top-k', note: 'the rest are dropped; kept tokens keep their order' },
    { key: 'llm', role: 'llm', label: 'LLM', note: 'reads k visual tokens' },
  ],
  inputs: [{ key: 'text', label: 'Question text', to: 'score' }],
};

/** Figure: ACMR's interplay, as its abstract describes it. */
export const adversarialDiagram = {
  stages: [
    { key: 'features', role: 'encoder', label: 'Image features', note: 'one branch per modality' },
    { key: 'projector', role: 'input-projector', label: 'Feature projector', note: 'into a common subspace', highlight: true },
    { key: 'label', role: 'other', label: 'Label and triplet losses', note: 'same label together, different labels apart' },
    { key: 'adversary', role: 'other', label: 'Modality classifier', note: 'image or text? (gradient reversed)' },
  ],
  inputs: [{ key: 'text', label: 'Text features', to: 'projector' }],
};

/** Figure: alignment in two spaces at once (the mechanism the source attributes to "CDRA"). */
export const multispaceDiagram = {
  stages: [
    { key: 'features', role: 'encoder', label: 'Image features', note: 'one branch per modality' },
    { key: 'projector', role: 'input-projector', label: 'Projectors', note: 'one per modality, into a common space', highlight: true },
    { key: 'points', role: 'other', label: 'Feature space', note: 'each pair pulled together (triplet loss)' },
    { key: 'dist', role: 'other', label: 'Distribution space', note: 'one Gaussian per modality; means and covariances matched' },
  ],
  inputs: [{ key: 'text', label: 'Text features', to: 'projector' }],
};

// ---- Exercises: one changed control each ---------------------------------------------------------

/**
 * The setting each exercise asks the reader to try. The text of the exercise and its Lab link are
 * both generated from this table, so they cannot disagree, and labHref fails the build when a
 * control no longer exists.
 */
const EXERCISE_SETTINGS = {
  'fm-loss': { notebook: 'align-feature-map', set: { loss: 'mse' } },
  'fm-rank': { notebook: 'align-feature-map', set: { rank: 128 } },
  'fm-steps': { notebook: 'align-feature-map', set: { steps: 20 } },
  'fm-seed': { notebook: 'align-feature-map', set: { seed: 8 } },
  'fm-width': { notebook: 'align-feature-map', set: { textDims: 512 } },
  'ct-temperature': { notebook: 'align-contrastive', set: { sweep: 'temperature' } },
  'ct-batch': { notebook: 'align-contrastive', set: { sweep: 'batch' } },
  'ct-fixed': { notebook: 'align-contrastive', set: { temperature: 'fixed', initTemperature: 0.5 } },
  'ts-columns': { notebook: 'align-token-selection', set: { targetColumns: 1 } },
  'ts-dot': { notebook: 'align-token-selection', set: { score: 'dot' } },
  'ts-lambda': { notebook: 'align-token-selection', set: { ridgeLambda: 100 } },
  'adv-off': { notebook: 'align-adversarial', set: { adversaryWeight: 0 } },
  'adv-strong': { notebook: 'align-adversarial', set: { adversaryWeight: 4 } },
  'adv-nolabel': { notebook: 'align-adversarial', set: { labelWeight: 0 } },
  'ms-heavy': { notebook: 'align-multispace', set: { distributionWeight: 10 } },
  'ms-narrow': { notebook: 'align-multispace', set: { commonDim: 4 } },
  'ms-epochs': { notebook: 'align-multispace', set: { epochs: 30 } },
} as const satisfies Record<string, { notebook: string; set: Record<string, unknown> }>;

export type ExerciseId = keyof typeof EXERCISE_SETTINGS;

/**
 * Parameter counts an exercise answer names: the feature-map students at the widths an exercise
 * sets, counted by the same projector modules and configs the notebook builds (align-feature-map.ts
 * `students`: {visionDim, llmDim}, depth 2 for the MLP, rank r for the low-rank map).
 */
function featureMapParams(kind: 'linear' | 'mlp' | 'low-rank', overrides: { textDims?: number; rank?: number } = {}): number {
  const config = z.object({ imageDims: z.number().int(), textDims: z.number().int(), rank: z.number().int() }).passthrough().parse(committedRecord('align-feature-map').meta.config);
  const io = { visionDim: config.imageDims, llmDim: overrides.textDims ?? config.textDims };
  const cfg = kind === 'mlp' ? { ...io, depth: 2 } : kind === 'low-rank' ? { ...io, rank: overrides.rank ?? config.rank } : io;
  const spec = getProjector(kind);
  return spec.paramCount(spec.schema.parse(cfg));
}
const widerRank = EXERCISE_SETTINGS['fm-rank'].set.rank;
const widerText = EXERCISE_SETTINGS['fm-width'].set.textDims;
/** fm-rank: the low-rank map at the exercise's rank against the linear map (committed widths). */
export const EX_FM_RANK = { rank: widerRank, lowRank: featureMapParams('low-rank', { rank: widerRank }), linear: featureMapParams('linear') } as const;
/** fm-width: the linear and MLP students when the targets keep their full width. */
export const EX_FM_WIDTH = { textDims: widerText, linear: featureMapParams('linear', { textDims: widerText }), mlp: featureMapParams('mlp', { textDims: widerText }) } as const;

/** `setting` reads like "loss = mse"; `from` names the committed value it replaces on the Lab page. */
export function exercise(id: ExerciseId): { href: string; setting: string; from: string } {
  const { notebook, set } = EXERCISE_SETTINGS[id];
  const pairs = Object.entries(set);
  return {
    href: labHref(notebook, set),
    setting: pairs.map(([k, v]) => `${k} = ${String(v)}`).join(', '),
    from: pairs.map(([k]) => `${k} = ${String(committedValue(notebook, k))}`).join(', '),
  };
}
