/**
 * Computed numbers and figure data for the article "A taxonomy of projectors". Counts per type come
 * from the model catalogue (src/reference/catalogue.ts, itself recomputed from the presets), costs from
 * the projector presets, and the survey tally from content/data/survey-projectors.json (validated
 * here). Nothing shown is typed by hand.
 */
import { z } from 'zod';
import { formatInt } from '../../primitives/format';
import survey from '../../../content/data/survey-projectors.json';
import { INPUT_CATEGORY_LABELS, OUTPUT_CATEGORY_LABELS, loadCatalogue, type CatalogueEntry, type InputCategory, type OutputCategory } from '../catalogue';
import { summarizePreset, type PresetSummary } from '../preset-summary';
import { BLIP2_STAGE1 } from '../qformer-counts';
import { INTERNVL_TILE_PX } from '../catalogue-view';
import { quotedFigure } from '../quoted-figures';
import type { ProjectorKind } from '../../projectors/types';

const entries = loadCatalogue();
const byId = (id: string): CatalogueEntry => {
  const e = entries.find((x) => x.id === id);
  if (!e) throw new Error(`taxonomy: no catalogue row "${id}"`);
  return e;
};

// ---- The survey's tally (facts.md d.5) -----------------------------------------------------------

const surveySchema = z
  .object({
    $comment: z.string(),
    cite: z.string(),
    source: z.string(),
    locator: z.string(),
    caveat: z.string(),
    versions: z.array(z.object({ version: z.string(), models: z.number().int().positive() }).strict()),
    total: z.number().int().positive(),
    input: z.array(z.object({ type: z.string(), category: z.string(), count: z.number().int().positive(), models: z.array(z.string()).optional() }).strict()),
    output: z.array(z.object({ type: z.string(), hasOutputProjector: z.boolean(), count: z.number().int().nonnegative() }).strict()),
    withOutputProjector: z.array(z.string()),
    outputNote: z.string(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const sum = (xs: { count: number }[]): number => xs.reduce((a, b) => a + b.count, 0);
    if (sum(s.input) !== s.total) ctx.addIssue({ code: 'custom', path: ['input'], message: `input tally sums to ${sum(s.input)}, not ${s.total}` });
    if (sum(s.output) !== s.total) ctx.addIssue({ code: 'custom', path: ['output'], message: `output tally sums to ${sum(s.output)}, not ${s.total}` });
    const withOut = sum(s.output.filter((o) => o.hasOutputProjector));
    if (withOut !== s.withOutputProjector.length) {
      ctx.addIssue({ code: 'custom', path: ['withOutputProjector'], message: `${s.withOutputProjector.length} names for ${withOut} models with an output projector` });
    }
  });

export const surveyData = surveySchema.parse(survey);
export const SURVEY_TOTAL = surveyData.total;
export const surveyWithOutput = surveyData.output.filter((o) => o.hasOutputProjector).reduce((a, b) => a + b.count, 0);
export const surveyWithoutOutput = SURVEY_TOTAL - surveyWithOutput;
export const surveyWithOutputShare = surveyWithOutput / SURVEY_TOTAL;

/** Figure: the output-projector field of the 43 tabulated models. */
export const surveyOutputBars = {
  rows: surveyData.output.map((o) => ({
    key: `out-${o.type.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    label: o.type === 'None' ? 'None (text output only)' : o.type,
    value: o.count,
    // Colour by group only: a highlight would paint these bars in the accent colour and hide the split.
    group: o.hasOutputProjector ? 'has an output projector' : 'no output projector',
  })),
};

/** Figure: the input-projector field of the same 43 models. */
export const surveyInputBars = {
  rows: surveyData.input.map((o) => ({
    key: `in-${o.type.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    label: o.models ? `${o.type} (${o.models.join(', ')})` : o.type,
    value: o.count,
  })),
};
export const surveyInputTop = surveyData.input[0];

/** Models of one input type in the survey tally ("Cross-attention" counts AnyMAL's mixed row apart). */
export function surveyCount(type: string): number {
  const row = surveyData.input.find((r) => r.type === type);
  if (!row) throw new Error(`taxonomy: the survey tally has no input type "${type}"`);
  return row.count;
}
/** The survey tally's single-model types, named with their model (P-Former: DLP, MQ-Former: Lyrics). */
export const surveySingles = surveyData.input.filter((r) => r.models !== undefined && r.category !== 'cross-attention');

/** Figure titles that name the tally's size, formatted, not typed. */
export const surveyOutputTitle = `Output-projector field of the ${formatInt(SURVEY_TOTAL)} models listed with projectors on the MM-LLMs survey authors' site`;
export const surveyInputTitle = `Input-projector field of the same ${formatInt(SURVEY_TOTAL)} models`;

// ---- The types of the taxonomy -----------------------------------------------------------------

export interface TypeCard {
  key: string;
  label: string;
  side: 'input' | 'output' | 'joint';
  /** Catalogue rows of this type (their count is shown in the diagram). */
  rows: CatalogueEntry[];
  /** Site modules that implement it. */
  kinds: ProjectorKind[];
  /** Presets that the Lab can run live. */
  presets: string[];
  /** A computed cost example (first preset). */
  example?: PresetSummary;
}

const rowsOfInput = (c: InputCategory): CatalogueEntry[] => entries.filter((e) => e.inputProjector.category === c);
const rowsOfOutput = (c: OutputCategory): CatalogueEntry[] => entries.filter((e) => e.outputProjector.category === c);

function card(key: string, side: TypeCard['side'], rows: CatalogueEntry[], kinds: ProjectorKind[], presets: string[], label: string): TypeCard {
  const first = presets[0];
  return { key, label, side, rows, kinds, presets, example: first ? summarizePreset(first) : undefined };
}

export const inputTypes: Record<string, TypeCard> = {
  linear: card('linear', 'input', rowsOfInput('linear'), ['linear'], ['llava-v1-7b', 'minigpt4-llama2'], INPUT_CATEGORY_LABELS.linear),
  mlp: card('mlp', 'input', rowsOfInput('mlp'), ['mlp'], ['llava-1.5-7b'], INPUT_CATEGORY_LABELS.mlp),
  'cross-attention': card('cross-attention', 'input', rowsOfInput('cross-attention'), ['perceiver-resampler', 'gated-cross-attention', 'cross-attention-resampler'], ['openflamingo-9b-resampler', 'openflamingo-9b-xattn', 'qwen-vl-resampler'], INPUT_CATEGORY_LABELS['cross-attention']),
  qformer: card('qformer', 'input', rowsOfInput('qformer'), ['qformer'], ['blip2-opt-2.7b'], INPUT_CATEGORY_LABELS.qformer),
  pformer: card('pformer', 'input', rowsOfInput('pformer'), [], [], INPUT_CATEGORY_LABELS.pformer),
  mqformer: card('mqformer', 'input', rowsOfInput('mqformer'), [], [], INPUT_CATEGORY_LABELS.mqformer),
  'conv-abstractor': card('conv-abstractor', 'input', rowsOfInput('conv-abstractor'), ['c-abstractor', 'ldp'], ['honeybee-c-abs-7b-m144', 'mobilevlm-ldp-1.7b', 'mobilevlm-v2-ldpv2-1.7b'], INPUT_CATEGORY_LABELS['conv-abstractor']),
  'pixel-shuffle': card('pixel-shuffle', 'input', rowsOfInput('pixel-shuffle'), ['pixel-shuffle-mlp'], ['internvl2-8b', 'internvl-1.5'], INPUT_CATEGORY_LABELS['pixel-shuffle']),
  'point-query': card('point-query', 'input', rowsOfInput('point-query'), [], [], INPUT_CATEGORY_LABELS['point-query']),
  'token-selection': card('token-selection', 'input', rowsOfInput('token-selection'), ['token-selection'], [], INPUT_CATEGORY_LABELS['token-selection']),
};

export const outputTypes: Record<string, TypeCard> = {
  'text-tokens': card('text-tokens', 'output', rowsOfOutput('text-tokens'), [], [], OUTPUT_CATEGORY_LABELS['text-tokens']),
  'continuous-embedding': card('continuous-embedding', 'output', rowsOfOutput('continuous-embedding'), ['output-transformer'], ['nextgpt-image-output', 'gill-mapper'], OUTPUT_CATEGORY_LABELS['continuous-embedding']),
  codebook: card('codebook', 'output', rowsOfOutput('codebook'), ['codebook'], [], OUTPUT_CATEGORY_LABELS.codebook),
};

export const jointType = card('joint-embedding', 'joint', rowsOfInput('joint-embedding'), ['dual-projection'], ['clip-l14'], INPUT_CATEGORY_LABELS['joint-embedding']);

/** The Lab page that recomputes presets live. */
export const labHref = (presetIds: readonly string[]): string => `/lab/projector-budget/?set.presets=${presetIds.map(encodeURIComponent).join(',')}`;
/** The catalogue filtered to one input or output category. */
export const catalogueHref = (side: 'input' | 'output', category: string): string => `/reference/models/?${side}=${category}#catalogue-table`;

// ---- Worked numbers used in the text -------------------------------------------------------------

export const llava = summarizePreset('llava-v1-7b');
export const llava15 = summarizePreset('llava-1.5-7b');
export const blip2 = summarizePreset('blip2-opt-2.7b');
export const resampler = summarizePreset('openflamingo-9b-resampler');
export const xattn = summarizePreset('openflamingo-9b-xattn');
export const qwen = summarizePreset('qwen-vl-resampler');
export const honeybee = summarizePreset('honeybee-c-abs-7b-m144');
export const ldp = summarizePreset('mobilevlm-ldp-1.7b');
export const ldpv2 = summarizePreset('mobilevlm-v2-ldpv2-1.7b');
export const internvl2 = summarizePreset('internvl2-8b');
export const minigptL2 = summarizePreset('minigpt4-llama2');
export const nextgptImage = summarizePreset('nextgpt-image-output');
export const gillMapper = summarizePreset('gill-mapper');
export const clip = summarizePreset('clip-l14');
export const openflamingo9b = byId('openflamingo-9b');
/** BLIP-2's stage-1 Q-Former, computed, and its unexplained gap to the paper's figure (facts.md P19). */
export const blip2Stage1 = BLIP2_STAGE1.total;
export const blip2Gap = (quotedFigure('blip2.qformer-paper').value ?? 0) - BLIP2_STAGE1.total;
export const visualChatgpt = byId('visual-chatgpt');
export const unifiedIo2 = byId('unified-io-2');

/**
 * TokenPacker at 336 px: LLaVA-1.5's patch tokens, one point query per 2 × 2 cell (ratio 1/4,
 * CircleRadon/TokenPacker README, facts.md P13). Computed from the LLaVA-1.5 preset and checked
 * against the catalogue row's recorded counts, so the prose cannot drift from the data.
 */
export const TOKENPACKER_RATIO = 4;
/** CLIP ViT-L/14's patch side in pixels (facts.md CLIP notes), for the image side of a token grid. */
const CLIP_L14_PATCH = 14;
export const tokenpackerTokens = (() => {
  const row = byId('tokenpacker');
  const tokensIn = llava15Tokens();
  const out = tokensIn / TOKENPACKER_RATIO;
  if (row.tokens.in !== tokensIn || row.tokens.out !== out) {
    throw new Error(`taxonomy: TokenPacker ${tokensIn} → ${out} disagrees with its catalogue row ${String(row.tokens.in)} → ${String(row.tokens.out)}`);
  }
  return { in: tokensIn, out, side: Math.sqrt(tokensIn) * CLIP_L14_PATCH };
})();
function llava15Tokens(): number {
  return summarizePreset('llava-1.5-7b').outputShape?.[1] ?? 0;
}

/** InternVL's tile side in pixels, from its token grid (the catalogue's worked example uses the same). */
export { INTERNVL_TILE_PX };

/** The narrow width inside NExT-GPT's image head (Linear(4096, 512) → nn.Transformer, facts.md NExT-GPT note). */
export const nextgptHiddenWidth = z.object({ hiddenDim: z.number().int().positive() }).passthrough().parse(nextgptImage.config).hiddenDim;

/** MobileVLM's LDP against LDPv2 at the same LLM width (1.7B): the exercise's comparison. */
export const ldpOverLdpv2 = ldp.params / ldpv2.params;

/** Tokens in and out of a preset ([batch, tokens, width] shapes). */
export const tokensIn = (s: PresetSummary): number => s.input?.vision[1] ?? 0;
export const tokensOut = (s: PresetSummary): number => s.outputShape?.[1] ?? 0;
export const widthOut = (s: PresetSummary): number => s.outputShape?.[2] ?? 0;
export const widthIn = (s: PresetSummary): number => s.input?.vision[2] ?? 0;

/** The side of the square block of tokens a pixel shuffle merges into one (2 for InternVL: 1024 → 256 tokens). */
export const pixelShuffleBlock = Math.sqrt(tokensIn(internvl2) / tokensOut(internvl2));

/** Reduction of a token-compressing projector, as a fraction removed (576 → 144 is 0.75). */
export const reduction = (s: PresetSummary): number => 1 - tokensOut(s) / tokensIn(s);

/** Gated blocks of OpenFlamingo-9B (catalogue component 2: times). */
export const openflamingo9bBlocks = openflamingo9b.computed.components[1]?.times ?? 0;

/** Catalogue counts shown in the diagram. */
const countInput = (c: InputCategory): number => rowsOfInput(c).length;
const countOutput = (c: OutputCategory): number => rowsOfOutput(c).length;

/**
 * The model families of a type, in catalogue order: the one list both the diagram's leaf note and
 * the article's "Representatives" line are made from, so the two cannot disagree.
 */
export const families = (c: TypeCard): string[] => c.rows.map((r) => r.family).filter((f, i, a) => a.indexOf(f) === i);

/** The families of an input type as the article's prose lists them. */
export function representatives(k: keyof typeof inputTypes): string {
  const c = inputTypes[k];
  if (!c) throw new Error(`taxonomy: no input type "${String(k)}"`);
  return families(c).join(', ');
}

/** The diagram's leaf note: the same families, cut to three with an ellipsis where there are more. */
const DIAGRAM_FAMILIES = 3;
const models = (c: TypeCard): string => {
  const all = families(c);
  return all.length > DIAGRAM_FAMILIES ? `${all.slice(0, DIAGRAM_FAMILIES).join(', ')}, …` : all.join(', ');
};

/** The interactive taxonomy diagram: every leaf links to its catalogue rows and its implementation. */
export const taxonomyTree = {
  nodes: [
    { key: 'projector', label: 'Projector', parent: null },
    { key: 'input', label: 'Input projector', parent: 'projector', note: 'encoder → LLM', branch: 0 },
    { key: 'per-token', label: 'Per-token mapping', parent: 'input', branch: 0 },
    ...(['linear', 'mlp'] as const).map((k) => leafIn(k, 'per-token', 0)),
    { key: 'queries', label: 'Learned queries', parent: 'input', branch: 1 },
    ...(['cross-attention', 'qformer', 'pformer', 'mqformer'] as const).map((k) => leafIn(k, 'queries', 1)),
    { key: 'spatial', label: 'Spatial downsampling', parent: 'input', branch: 2 },
    ...(['conv-abstractor', 'pixel-shuffle', 'point-query'] as const).map((k) => leafIn(k, 'spatial', 2)),
    { key: 'selection', label: 'Selection', parent: 'input', branch: 3 },
    leafIn('token-selection', 'selection', 3),
    { key: 'output', label: 'Output projector', parent: 'projector', note: 'LLM → generator', branch: 4, dashed: true },
    ...(['text-tokens', 'continuous-embedding', 'codebook'] as const).map((k) => leafOut(k)),
  ],
};

function leafIn(k: InputCategory & keyof typeof inputTypes, parent: string, branch: number) {
  const c = inputTypes[k] as TypeCard;
  const links = [{ label: 'models', href: catalogueHref('input', k) }];
  if (c.presets.length > 0) links.push({ label: 'run live', href: labHref(c.presets) });
  links.push({ label: 'details', href: `#type-${k}` });
  return { key: `in-${k}`, label: c.label, parent, branch, count: countInput(k), note: models(c) || 'no catalogue model', links };
}

function leafOut(k: OutputCategory & keyof typeof outputTypes) {
  const c = outputTypes[k] as TypeCard;
  const links = [{ label: 'models', href: catalogueHref('output', k) }];
  if (c.presets.length > 0) links.push({ label: 'run live', href: labHref(c.presets) });
  links.push({ label: 'details', href: `#type-${k}` });
  const note = k === 'continuous-embedding' ? 'survey: Tiny Transformer or MLP' : models(c);
  return { key: `out-${k}`, label: c.label, parent: 'output', branch: 4, count: countOutput(k), note, links, dashed: true };
}

/** LVP's token reduction as its abstract words it (catalogue row, quoted with its locator). */
export const lvpTokenQuote = byId('lvp').quoted.find((q) => q.label === 'token reduction')?.text ?? '';
if (lvpTokenQuote === '') throw new Error('taxonomy: the LVP row lost its quoted token reduction');

// ---- Exercises -----------------------------------------------------------------------------------

/** Exercise "tokens in, tokens out": one tile's patches through four kinds of projector. */
export const exTokens = (() => {
  const n = tokensIn(internvl2);
  return { in: n, mlp: n, qformer: tokensOut(blip2), pixelShuffle: tokensOut(internvl2), pointQuery: n / TOKENPACKER_RATIO };
})();
/** Exercise "parameters or tokens": LLaVA-1.5's visual tokens per BLIP-2 visual token. */
export const exTokenRatio = tokensOut(llava15) / tokensOut(blip2);
