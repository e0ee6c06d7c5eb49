/**
 * Computed numbers and figure data for the article "Comparing models". Every cost comes from the
 * projector library through the catalogue (src/reference/catalogue.ts joins content/data/models.json
 * with the presets and a unit test checks it against facts.md): parameters from paramCount, tokens
 * from outputShape, projector FLOPs from flops. The prefill estimate uses one chosen LLM for every
 * model, so that the only thing that changes between rows is what the projector hands over.
 * Nothing shown is typed by hand; text about training stages carries the facts.md item it rests on.
 */
import { loadCatalogue, type CatalogueEntry } from '../catalogue';
import { summarizePreset, type PresetSummary } from '../preset-summary';
import { getPreset } from '../../projectors/presets';
import { getProjector } from '../../projectors/registry';
import { internvlExampleTokens, internvlTiles, internvlTileTokens, INTERNVL_EXAMPLE_PX, INTERNVL_TILE_PX, anyResTokens, ANYRES_GRID, llavaTokensPerImage, INTERNVL_MAX_TILES, internvlMaxTokens } from '../catalogue-view';

const entries = loadCatalogue();
export const entry = (id: string): CatalogueEntry => {
  const e = entries.find((x) => x.id === id);
  if (!e) throw new Error(`comparing-models: no catalogue row "${id}"`);
  return e;
};

// ---- The chosen LLM ------------------------------------------------------------------------------

/**
 * The LLM every row is priced at: LLaVA-1.5-7B's Vicuna-7B (width 4096 from lmsys/vicuna-7b-v1.5
 * config.json, facts.md a; nominal size from its name, models.json). Prefill FLOPs of N visual
 * tokens ≈ 2 · P · N: one multiply-add per weight per token. Attention over the context is left out
 * (it grows with N², which the performance article treats); the estimate is a lower bound.
 */
const LLM_ROW = entry('llava-1-5-7b');
export const CHOSEN_LLM = {
  name: LLM_ROW.llm.name,
  width: LLM_ROW.llm.width ?? 0,
  params: LLM_ROW.llm.nominalParams ?? 0,
} as const;
if (CHOSEN_LLM.params <= 0 || CHOSEN_LLM.width <= 0) throw new Error('comparing-models: the chosen LLM row has no size');

/** Approximate prefill FLOPs that `tokens` visual tokens cost an LLM of `llmParams` parameters. */
export function prefillFlops(tokens: number, llmParams: number = CHOSEN_LLM.params): number {
  if (!Number.isFinite(tokens) || tokens < 0) throw new Error(`prefillFlops: tokens must be a non-negative number, got ${tokens}`);
  return 2 * llmParams * tokens;
}

// ---- What is trained when (text, each with its basis in the reference facts) ---------------------

export interface Training {
  text: string;
  basis: string;
}

const TRAINING: Record<string, Training> = {
  'clip-vit-l-14': { text: 'Both towers and both projections are optimised together with a symmetric contrastive loss; there is no LLM.', basis: 'facts.md CLIP note (paper §2.3)' },
  'flamingo-3b': { text: 'Vision encoder and LM frozen; the resampler and the gated cross-attention blocks are trained, gates starting at tanh(0) = 0.', basis: 'facts.md Flamingo note (§2.2), ledger C27' },
  'openflamingo-3b': { text: 'As Flamingo: CLIP and the LM frozen, resampler and gated blocks trained.', basis: 'facts.md Flamingo note, open_flamingo helpers.py' },
  'llava-v1-7b': { text: 'Stage 1 trains only the linear layer W (vision encoder and LLM frozen); stage 2 fine-tunes on instructions.', basis: 'facts.md d.1 LLaVA, LLaVA note' },
  'llava-1-5-7b': { text: 'The same two stages as LLaVA, with the MLP in place of W; the schedule of each stage is not recorded in the reference facts.', basis: 'facts.md LLaVA note' },
  'blip-2-opt-2-7b': { text: 'Stage 1 trains the Q-Former against the frozen image encoder (ITC, ITM, captioning); stage 2 connects it to the frozen LLM through opt_proj.', basis: 'facts.md BLIP-2 note' },
  'instructblip-vicuna-7b': { text: 'The instruction-aware Q-Former and llm_proj are trained; the instruction enters the Q-Former with the queries.', basis: 'facts.md InstructBLIP note' },
  'minigpt-4-vicuna-7b': { text: 'Only llama_proj is trained: the BLIP-2 Q-Former and Vicuna stay frozen (freeze_qformer).', basis: 'facts.md MiniGPT-4 note' },
  'qwen-vl': { text: 'finetune.py freezes the visual tower except the adapter attn_pool (module code UNVERIFIED).', basis: 'facts.md Qwen-VL note' },
  'internvl-1-5': { text: 'A randomly initialised MLP joins a pre-trained InternViT-6B and InternLM2-20B; the stage schedule is not recorded in the reference facts.', basis: 'facts.md InternVL note (release blog)' },
  'honeybee-c-7b-m144': { text: 'Not recorded in the reference facts.', basis: 'facts.md Honeybee note' },
  'mobilevlm-1-7b': { text: 'Not recorded in the reference facts.', basis: 'facts.md MobileVLM note' },
  'mobilevlm-v2-1-7b': { text: 'Not recorded in the reference facts.', basis: 'facts.md MobileVLM note' },
  'next-gpt': { text: 'Only the input projection, LoRA weights and the output Transformers are updated (about 1% of all parameters); encoders, Vicuna and generators frozen.', basis: 'facts.md NExT-GPT note, P21' },
  gill: { text: 'The input Linear and GILLMapper are trained, GILLMapper by an l2 loss against the generator’s text encoder.', basis: 'facts.md GILL note' },
  'unified-io-2': { text: 'Not recorded in the reference facts.', basis: 'facts.md Unified-IO 2 note' },
  pali: { text: 'UNVERIFIED: which parts are frozen in which stage was not read in the paper (ledger C31).', basis: 'facts.md PaLI note, C31' },
};

// ---- The comparison table ------------------------------------------------------------------------

/** The source's four, then the models that define practice, in the order the article discusses them. */
export const COMPARED_IDS = [
  'clip-vit-l-14',
  'flamingo-3b',
  'pali',
  'lvp',
  'llava-v1-7b',
  'llava-1-5-7b',
  'blip-2-opt-2-7b',
  'instructblip-vicuna-7b',
  'minigpt-4-vicuna-7b',
  'openflamingo-3b',
  'qwen-vl',
  'internvl-1-5',
  'internvl2-8b',
  'honeybee-c-7b-m144',
  'mobilevlm-1-7b',
  'mobilevlm-v2-1-7b',
  'next-gpt',
  'gill',
  'unified-io-2',
] as const;

export interface ComparedRow {
  id: string;
  model: string;
  cite: string | null;
  status: 'VERIFIED' | 'UNVERIFIED';
  kind: string | null;
  /** The kind's one-line title up to its first bracket or colon ("MLP with GELU"). */
  kindLabel: string | null;
  inputLabel: string;
  /** Where the visual tokens enter the LLM. */
  inject: 'sequence' | 'cross-attention';
  /** Visual tokens the projector hands over per image or tile (outputShape[1] of the token preset). */
  tokens: number | null;
  tokensIn: number | null;
  /** Input-side projector parameters (paramCount of each component × its copies); null = not computed. */
  params: number | null;
  outputParams: number | null;
  /** True when the count leaves out trainable parts (InstructBLIP). */
  lowerBound: boolean;
  /** The preset whose forward pass is priced, and its FLOPs for one image (or tile). */
  flopsPreset: string | null;
  projectorFlops: number | null;
  /** Prefill FLOPs of the tokens at the chosen LLM; 0 when they do not enter the sequence. */
  prefill: number | null;
  /** "preset*times" for each input-side component, for the page's recomputation test. */
  components: string;
  training: Training | null;
  note: string;
}

/** A preset may be shown as a cost only when its count is the model's (Flamingo's paper preset is not). */
const NOT_THE_MODELS = new Set(['flamingo-paper-resampler']);

/**
 * "preset:part*times" for each input-side component. The catalogue splits BLIP-2's preset into its
 * Q-Former and its projection (two components of one preset, `part`), so the page's recomputation
 * test needs the part to reproduce each count from the preset.
 */
export function componentSpec(id: string): string {
  const e = entry(id);
  return e.components
    .map((c, i) => ({ raw: c, computed: e.computed.components[i] }))
    .filter((x) => x.computed?.side === 'input')
    .map((x) => `${x.raw.preset}:${x.raw.part ?? 'all'}*${x.raw.times}`)
    .join(',');
}

export const kindLabel = (kind: string): string => (getProjector(kind).title.split(/ \(|:/)[0] ?? kind).trim();

function row(id: string): ComparedRow {
  const e = entry(id);
  const inputs = e.computed.components.filter((c) => c.side === 'input');
  const tokenPreset = e.tokenPreset !== null && !NOT_THE_MODELS.has(e.tokenPreset) ? e.tokenPreset : null;
  const s: PresetSummary | null = tokenPreset ? summarizePreset(tokenPreset) : null;
  const tokens = tokenPreset ? e.computed.tokensOut : null;
  const tokensInSeq = tokens === null ? null : e.inject === 'cross-attention' ? 0 : tokens;
  // CLIP has no LLM: its one embedding per image is compared, not prefilled.
  const hasLlm = e.llm.width !== null || e.llm.nominalParams !== null;
  return {
    id,
    model: e.model,
    cite: e.cite,
    status: e.status,
    kind: tokenPreset ? getPreset(tokenPreset).kind : null,
    kindLabel: tokenPreset ? kindLabel(getPreset(tokenPreset).kind) : null,
    inputLabel: e.inputProjector.label,
    inject: e.inject,
    tokens,
    tokensIn: tokenPreset ? e.computed.tokensIn : null,
    params: inputs.length > 0 ? inputs.reduce((a, c) => a + c.params, 0) : null,
    outputParams: e.computed.outputParams,
    lowerBound: e.lowerBound === true,
    flopsPreset: tokenPreset,
    projectorFlops: s?.flops ?? null,
    prefill: tokensInSeq !== null && hasLlm ? prefillFlops(tokensInSeq) : null,
    components: componentSpec(id),
    training: TRAINING[id] ?? null,
    note: e.note,
  };
}

export const compared: ComparedRow[] = COMPARED_IDS.map(row);
export const comparedRow = (id: string): ComparedRow => {
  const r = compared.find((x) => x.id === id);
  if (!r) throw new Error(`comparing-models: "${id}" is not a compared row`);
  return r;
};

// ---- Figures -------------------------------------------------------------------------------------

const SHORT: Record<string, string> = {
  'clip-vit-l-14': 'CLIP ViT-L/14',
  'llava-v1-7b': 'LLaVA',
  'llava-1-5-7b': 'LLaVA-1.5',
  'blip-2-opt-2-7b': 'BLIP-2',
  'instructblip-vicuna-7b': 'InstructBLIP (at least)',
  'minigpt-4-vicuna-7b': 'MiniGPT-4',
  'openflamingo-3b': 'OpenFlamingo-3B',
  'qwen-vl': 'Qwen-VL (UNVERIFIED)',
  'internvl-1-5': 'InternVL 1.5',
  'internvl2-8b': 'InternVL2-8B',
  'honeybee-c-7b-m144': 'Honeybee',
  'mobilevlm-1-7b': 'MobileVLM',
  'mobilevlm-v2-1-7b': 'MobileVLM V2',
  'next-gpt': 'NExT-GPT',
  gill: 'GILL',
};
export const shortName = (id: string): string => SHORT[id] ?? entry(id).model;

type Pos = 'right' | 'left' | 'above' | 'below';
const TOKEN_LABEL_POS: Record<string, Pos> = {
  'blip-2-opt-2-7b': 'left',
  'instructblip-vicuna-7b': 'above',
  'minigpt-4-vicuna-7b': 'below',
  'internvl2-8b': 'below',
  'llava-1-5-7b': 'below',
  'qwen-vl': 'left',
  'mobilevlm-1-7b': 'left',
  'mobilevlm-v2-1-7b': 'below',
  'llava-v1-7b': 'below',
  'honeybee-c-7b-m144': 'above',
  'openflamingo-3b': 'right',
  'internvl-1-5': 'left',
};

/** Figure: input-projector parameters against the visual tokens handed over, one point per model. */
export const tokensVsParams = {
  points: compared
    .filter((r) => r.tokens !== null && r.params !== null && r.params > 0)
    .map((r) => ({
      key: r.id,
      label: shortName(r.id),
      x: r.tokens ?? 0,
      y: r.params ?? 0,
      group: r.inject === 'cross-attention' ? 'tokens reach the LLM by cross-attention' : r.id === 'clip-vit-l-14' ? 'joint embedding (no LLM)' : 'tokens enter the LLM sequence',
      labelPosition: TOKEN_LABEL_POS[r.id] ?? 'right',
      // No highlight: the accent colour is the first series colour and would read as a group.
      highlight: false,
    })),
};

/**
 * Figure: prefill FLOPs at the chosen LLM against tokens, next to the projector's own forward FLOPs
 * for the same image, so the two costs sit on one axis. Rows with the same token count share a
 * prefill point (its label names them all).
 */
export const prefillVsTokens = (() => {
  const seq = compared.filter((r) => r.prefill !== null && r.prefill > 0 && r.tokens !== null);
  const byTokens = new Map<number, ComparedRow[]>();
  for (const r of seq) byTokens.set(r.tokens ?? 0, [...(byTokens.get(r.tokens ?? 0) ?? []), r]);
  const prefillPoints = [...byTokens.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([tokens, rows]) => ({
      key: `prefill:${rows.map((r) => r.id).join('+')}`,
      label: rows.map((r) => shortName(r.id)).join(', '),
      x: tokens,
      y: prefillFlops(tokens),
      group: 'LLM prefill of the visual tokens',
      labelPosition: (tokens >= 256 ? 'left' : 'right') as Pos,
      highlight: false,
    }));
  const projectorPoints = seq
    .filter((r) => r.projectorFlops !== null && r.projectorFlops > 0)
    .map((r) => ({
      key: `projector:${r.id}`,
      x: r.tokens ?? 0,
      y: r.projectorFlops ?? 0,
      group: 'projector forward pass',
      labelPosition: 'right' as Pos,
      highlight: false,
    }));
  return { points: [...prefillPoints, ...projectorPoints] };
})();

/** The largest ratio between prefill and projector FLOPs over the rows, and the smallest. */
export const prefillOverProjector = (() => {
  const ratios = compared
    .filter((r) => r.prefill !== null && r.prefill > 0 && r.projectorFlops !== null && r.projectorFlops > 0)
    .map((r) => ({ id: r.id, ratio: (r.prefill ?? 0) / (r.projectorFlops ?? 1) }));
  const sorted = [...ratios].sort((a, b) => a.ratio - b.ratio);
  const min = sorted[0];
  const max = sorted[sorted.length - 1];
  if (!min || !max) throw new Error('comparing-models: no row has both prefill and projector FLOPs');
  return { min, max };
})();

// ---- The shape flow per model (one pipeline figure, redrawn by a select) -------------------------

interface Stage {
  key: string;
  role: 'encoder' | 'input-projector' | 'llm' | 'output-projector' | 'generator' | 'other';
  label: string;
  note?: string;
  shape?: number[];
  params?: number;
  highlight?: boolean;
  absent?: boolean;
}
export interface FlowData {
  stages: Stage[];
  inputs: { key: string; label: string; to: string }[];
}

/** The models the select offers: every compared row whose token preset is the model's own. */
export const FLOW_IDS = compared.filter((r) => r.flopsPreset !== null && r.id !== 'clip-vit-l-14').map((r) => r.id);

/** The pipeline of one model: the encoder's tokens in, the projector's tokens out, the LLM, the output side. */
export function flowData(id: string): FlowData {
  const r = comparedRow(id);
  if (!r.flopsPreset) throw new Error(`comparing-models: "${id}" has no preset to draw`);
  const e = entry(id);
  const s = summarizePreset(r.flopsPreset);
  const inShape = s.input?.vision;
  const outShape = s.outputShape;
  if (!inShape || !outShape) throw new Error(`comparing-models: preset ${r.flopsPreset} has no shapes`);
  const outputs = e.computed.components.filter((c) => c.side === 'output');
  const hasOutput = outputs.length > 0;
  return {
    stages: [
      // Shapes drop the batch dimension: [B, N, D] → N × D.
      { key: 'encoder', role: 'encoder', label: 'Encoder', note: e.visionEncoder.split(/ \(|,/)[0], shape: inShape.slice(1) as number[] },
      { key: 'input-projector', role: 'input-projector', label: 'Input projector', note: r.kindLabel ?? undefined, shape: outShape.slice(1) as number[], params: r.params ?? undefined, highlight: true },
      { key: 'llm', role: 'llm', label: r.inject === 'cross-attention' ? 'LLM (gated cross-attention)' : 'LLM backbone', note: e.llm.name.split(' (')[0] },
      hasOutput
        ? { key: 'output-projector', role: 'output-projector', label: 'Output projector', note: 'Tiny Transformer', params: e.computed.outputParams ?? undefined }
        : { key: 'output-projector', role: 'output-projector', label: 'Output projector', absent: true },
      hasOutput ? { key: 'generator', role: 'generator', label: 'Generator', note: 'diffusion model' } : { key: 'generator', role: 'generator', label: 'Generator', absent: true },
    ],
    inputs: [{ key: 'text', label: 'Text tokens', to: 'llm' }],
  };
}

export const FLOW_DEFAULT = 'llava-1-5-7b';
export const flows: Record<string, FlowData> = Object.fromEntries(FLOW_IDS.map((id) => [id, flowData(id)]));
export const flowOptions = FLOW_IDS.map((id) => ({ value: id, label: entry(id).model }));

// ---- Reader questions ----------------------------------------------------------------------------

/** S4: tiles × tokens per tile (+ a thumbnail), from the catalogue's worked InternVL and AnyRes counts. */
export const S4 = {
  internvlTilePx: INTERNVL_TILE_PX,
  internvlTileTokens,
  internvlExamplePx: INTERNVL_EXAMPLE_PX,
  internvlTiles,
  internvlExampleTokens,
  internvlMaxTiles: INTERNVL_MAX_TILES,
  internvlMaxTokens,
  anyResGrid: ANYRES_GRID,
  llavaTokensPerImage,
  anyResTokens,
  /** The same 896 px image at the chosen LLM. */
  internvlPrefill: prefillFlops(internvlExampleTokens),
  singleTilePrefill: prefillFlops(internvlTileTokens),
} as const;

/**
 * O2: Unified-IO 2's image tokens, from its VQ-GAN config (allenai/unified-io-2
 * t5x/examples/unified_io/config.py, facts.md Unified-IO 2 note): resolution 256, patch 8, 16,384 codes.
 */
export const UIO2_IMAGE_RES = 256;
export const UIO2_PATCH = 8;
export const UIO2_CODES = 16384;
export const uio2Grid = UIO2_IMAGE_RES / UIO2_PATCH;
export const uio2ImageTokens = uio2Grid * uio2Grid; // 32 × 32 codes per image
/** The same image as continuous tokens through LLaVA-1.5's projector, for contrast. */
export const uio2VsLlava = uio2ImageTokens / (comparedRow('llava-1-5-7b').tokens ?? 1);

/** CLIP ViT-L/14's patch side in pixels (facts.md CLIP notes); an image side is √tokens × patch. */
const PATCH = 14;

/** C2: the MLP against the linear layer at the same LLM width and 336 px input. */
const llava15 = comparedRow('llava-1-5-7b');
const llavaV1 = comparedRow('llava-v1-7b');
export const C2 = {
  mlpParams: llava15.params ?? 0,
  linearParams: llavaV1.params ?? 0,
  paramRatio: (llava15.params ?? 0) / (llavaV1.params ?? 1),
  mlpTokens: llava15.tokens ?? 0,
  mlpImageSide: Math.sqrt(llava15.tokens ?? 0) * PATCH,
  linearImageSide: Math.sqrt(llavaV1.tokens ?? 0) * PATCH,
  linearTokens: llavaV1.tokens ?? 0,
  mlpFlops: llava15.projectorFlops ?? 0,
  /** The prefill the 336 px grid adds over the 224 px grid, at the chosen LLM. */
  extraPrefill: prefillFlops((llava15.tokens ?? 0) - (llavaV1.tokens ?? 0)),
  /** MLP forward FLOPs against the prefill of its own tokens. */
  mlpShareOfPrefill: (llava15.projectorFlops ?? 0) / prefillFlops(llava15.tokens ?? 0),
} as const;

/** Flamingo: the paper preset's computed count is not the paper's module (presets.ts note), so it is never shown as Flamingo's. */
export const openflamingo3b = comparedRow('openflamingo-3b');
export const openflamingoBlocks = entry('openflamingo-3b').computed.components.find((c) => c.preset === 'openflamingo-3b-xattn');
export const openflamingoResampler = entry('openflamingo-3b').computed.components.find((c) => c.preset === 'openflamingo-3b-resampler');

export const blip2 = comparedRow('blip-2-opt-2-7b');
export const clip = comparedRow('clip-vit-l-14');
export const nextgpt = comparedRow('next-gpt');
export const gill = comparedRow('gill');
export const internvl15 = comparedRow('internvl-1-5');
export const mobilevlm = comparedRow('mobilevlm-1-7b');
export const mobilevlmV2 = comparedRow('mobilevlm-v2-1-7b');
export const honeybee = comparedRow('honeybee-c-7b-m144');
export const qwen = comparedRow('qwen-vl');

/** Token reduction of a row, 1 − out/in. */
export const reduction = (r: ComparedRow): number => (r.tokens !== null && r.tokensIn !== null && r.tokensIn > 0 ? 1 - r.tokens / r.tokensIn : 0);

/** Ratio of the most to the fewest tokens among LLM rows whose tokens enter the sequence. */
export const tokenSpread = (() => {
  const seq = compared.filter((r) => r.prefill !== null && r.prefill > 0 && r.tokens !== null);
  const most = seq.reduce((a, b) => ((b.tokens ?? 0) > (a.tokens ?? 0) ? b : a));
  const fewest = seq.reduce((a, b) => ((b.tokens ?? 0) < (a.tokens ?? 0) ? b : a));
  return { most, fewest, ratio: (most.tokens ?? 0) / (fewest.tokens ?? 1) };
})();

/** Exercise: LLaVA-1.5-13B priced at its own LLM instead of the chosen one. */
const llava13 = entry('llava-1-5-13b');
const llava13Tokens = llava13.computed.tokensOut ?? 0;
export const EX_13B = {
  llm: llava13.llm.name,
  params: llava13.computed.inputParams ?? 0,
  tokens: llava13Tokens,
  prefillOwn: prefillFlops(llava13Tokens, llava13.llm.nominalParams ?? 0),
  prefillChosen: prefillFlops(llava13Tokens),
  factor: (llava13.llm.nominalParams ?? 0) / CHOSEN_LLM.params,
} as const;

/** Exercise: a 1344 × 896 image on InternVL's 448 px tiles (3 × 2 tiles plus a thumbnail). */
export const EX_TILES = (() => {
  const w = 1344;
  const h = 896;
  const tiles = (w / INTERNVL_TILE_PX) * (h / INTERNVL_TILE_PX) + 1;
  return { w, h, cols: w / INTERNVL_TILE_PX, rows: h / INTERNVL_TILE_PX, tiles, tokens: tiles * internvlTileTokens };
})();

/** The Q-Former's depth, from the BLIP-2 preset's config. */
export const QFORMER_DEPTH = Number(summarizePreset('blip2-opt-2.7b').config.depth);
