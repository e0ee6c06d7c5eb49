/**
 * Everything the model-catalogue page shows, derived from src/reference/catalogue.ts (which recomputes
 * every count from the projector presets): table rows, chart data, the side-by-side comparison and
 * the worked token-count answers. Server-only (build time). No number here is typed by hand except
 * the image sizes of the worked examples, which are inputs, not results.
 */
import {
  INPUT_CATEGORY_LABELS,
  OUTPUT_CATEGORY_LABELS,
  assertCatalogueConsistent,
  loadCatalogue,
  type CatalogueEntry,
} from './catalogue';
import { summarizePreset } from './preset-summary';
import { BLIP2_STAGE1 } from './qformer-counts';
import { quotedFigure } from './quoted-figures';
import { formatCount } from '../primitives/format';

export const entries: CatalogueEntry[] = loadCatalogue();
// A drift between models.json and the presets fails the build here, before any number is painted.
assertCatalogueConsistent(entries);

export const byId = (id: string): CatalogueEntry => {
  const e = entries.find((x) => x.id === id);
  if (!e) throw new Error(`catalogue: no row "${id}"`);
  return e;
};

/** Total projector parameters of a row (input + output side), or null when nothing is computed. */
export function totalParams(e: CatalogueEntry): number | null {
  const { inputParams, outputParams } = e.computed;
  if (inputParams === null && outputParams === null) return e.learnedParams ?? null;
  return (inputParams ?? 0) + (outputParams ?? 0);
}

/** The Lab page that recomputes a preset live (projector-budget notebook, URL state `set.presets`). */
export const labHref = (presetIds: readonly string[]): string => `/lab/projector-budget/?set.presets=${presetIds.map(encodeURIComponent).join(',')}`;

export const inputLabel = (e: CatalogueEntry): string => INPUT_CATEGORY_LABELS[e.inputProjector.category];
export const outputLabel = (e: CatalogueEntry): string => OUTPUT_CATEGORY_LABELS[e.outputProjector.category];

/** Filter options present in the data (so no option ever yields an empty table). */
function present<T extends string>(values: T[], labels: Record<T, string>): { value: string; label: string }[] {
  const seen = [...new Set(values)];
  return seen.map((v) => ({ value: v, label: labels[v] }));
}
export const inputOptions = present(
  entries.map((e) => e.inputProjector.category),
  INPUT_CATEGORY_LABELS,
);
export const outputOptions = present(
  entries.map((e) => e.outputProjector.category),
  OUTPUT_CATEGORY_LABELS,
);
export const familyOptions = [...new Set(entries.map((e) => e.family))].sort().map((f) => ({ value: slug(f), label: f }));
export const statusOptions = [
  { value: 'VERIFIED', label: 'VERIFIED' },
  { value: 'UNVERIFIED', label: 'UNVERIFIED' },
];

export function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

type Pos = 'right' | 'left' | 'above' | 'below';

/**
 * Point labels of the parameters chart, placed by hand where points crowd (the renderer does not
 * solve collisions). Rows without an entry are drawn unlabelled; the table and the CSV name them.
 */
const PARAM_LABELS: Record<string, { label: string; pos: Pos }> = {
  'clip-vit-l-14': { label: 'CLIP', pos: 'right' },
  'next-gpt': { label: 'NExT-GPT (in + out)', pos: 'right' },
  gill: { label: 'GILL (in + out)', pos: 'right' },
  'blip-2-opt-2-7b': { label: 'BLIP-2', pos: 'left' },
  'instructblip-vicuna-13b': { label: 'InstructBLIP (at least)', pos: 'above' },
  'minigpt-4-vicuna-13b': { label: 'MiniGPT-4', pos: 'right' },
  'minigpt-4-llama-2': { label: 'MiniGPT-4 LLaMA-2', pos: 'left' },
  'openflamingo-9b': { label: 'OpenFlamingo 3B / 9B', pos: 'right' },
  'honeybee-c-7b-m144': { label: 'Honeybee C-Abs', pos: 'left' },
  'mobilevlm-1-7b': { label: 'MobileVLM', pos: 'left' },
  'mobilevlm-v2-1-7b': { label: 'MobileVLM V2', pos: 'left' },
  'internvl-1-5': { label: 'InternVL 1.5', pos: 'left' },
  'qwen-vl': { label: 'Qwen-VL (UNVERIFIED)', pos: 'right' },
  'internvl2-8b': { label: 'InternVL2-8B', pos: 'below' },
  'llava-v1-7b': { label: 'LLaVA (v1)', pos: 'below' },
  'llava-1-5-7b': { label: 'LLaVA-1.5', pos: 'below' },
};

/** Figure: projector parameters (input + output side) against the visual tokens it hands over. */
export const paramsVsTokens = {
  points: entries
    .filter((e) => (totalParams(e) ?? 0) > 0 && e.computed.tokensOut !== null)
    .map((e) => ({
      key: e.id,
      label: PARAM_LABELS[e.id]?.label,
      x: e.computed.tokensOut ?? 0,
      y: totalParams(e) ?? 0,
      group: inputLabel(e),
      labelPosition: PARAM_LABELS[e.id]?.pos ?? 'right',
      highlight: e.status === 'UNVERIFIED',
    })),
};

/** Short names for the merged points of the prefill chart. */
const SHORT_NAMES: Record<string, string> = {
  'llava-v1-13b': 'LLaVA 13B',
  'llava-v1-7b': 'LLaVA 7B',
  'llava-1-5-7b': 'LLaVA-1.5 7B',
  'llava-1-5-13b': 'LLaVA-1.5 13B',
  'blip-2-opt-2-7b': 'BLIP-2',
  'instructblip-vicuna-7b': 'InstructBLIP',
  'instructblip-vicuna-13b': 'InstructBLIP',
  'minigpt-4-vicuna-13b': 'MiniGPT-4',
  'minigpt-4-vicuna-7b': 'MiniGPT-4',
  'minigpt-4-llama-2': 'MiniGPT-4 LLaMA-2',
  'qwen-vl': 'Qwen-VL',
  'internvl-1-5': 'InternVL 1.5',
  'internvl2-8b': 'InternVL2',
  'honeybee-c-7b-m144': 'Honeybee',
  'mobilevlm-1-7b': 'MobileVLM 1.7B',
  'mobilevlm-3b': 'MobileVLM 3B',
  'mobilevlm-v2-1-7b': 'V2 1.7B',
  'mobilevlm-v2-3b': 'V2 3B',
  'next-gpt': 'NExT-GPT',
  gill: 'GILL',
};

/** Label side per merged point (keyed by its first row id), placed by hand. */
const PREFILL_POS: Record<string, Pos> = {
  'instructblip-vicuna-7b': 'left',
  'instructblip-vicuna-13b': 'left',
  'blip-2-opt-2-7b': 'left',
  'minigpt-4-llama-2': 'above',
  'honeybee-c-7b-m144': 'left',
  'llava-v1-7b': 'left',
  'llava-v1-13b': 'left',
  'internvl-1-5': 'left',
  'llava-1-5-7b': 'below',
  'llava-1-5-13b': 'above',
  'next-gpt': 'above',
};

/**
 * Figure: visual tokens in the LLM's sequence against the approximate prefill FLOPs they cost.
 * Rows with the same tokens and LLM size land on the same point, so they are merged into one point
 * whose label names them all; colours are the LLM sizes.
 */
export const tokensVsPrefill = (() => {
  const merged = new Map<string, CatalogueEntry[]>();
  for (const e of entries) {
    if (e.computed.prefillFlops === null || (e.computed.tokensInSequence ?? 0) === 0) continue;
    const k = `${e.computed.tokensInSequence}:${e.llm.nominalParams}`;
    merged.set(k, [...(merged.get(k) ?? []), e]);
  }
  return {
    // Sorted by LLM size, then tokens, so the legend runs from the smallest LLM to the largest.
    points: [...merged.values()].sort((a, b) => (a[0]?.llm.nominalParams ?? 0) - (b[0]?.llm.nominalParams ?? 0) || (a[0]?.computed.tokensInSequence ?? 0) - (b[0]?.computed.tokensInSequence ?? 0)).map((list) => {
      const first = list[0] as CatalogueEntry;
      const names = [...new Set(list.map((e) => SHORT_NAMES[e.id] ?? e.model))];
      return {
        key: list.map((e) => e.id).join('+'),
        label: names.join(', '),
        x: first.computed.tokensInSequence ?? 0,
        y: first.computed.prefillFlops ?? 0,
        group: `${formatCount(first.llm.nominalParams ?? 0, 1)} LLM`,
        labelPosition: PREFILL_POS[first.id] ?? 'right',
        highlight: false,
      };
    }),
  };
})();

/** Rows left out of the prefill chart because their visual tokens never enter the sequence. */
export const crossAttentionRows = entries.filter((e) => e.inject === 'cross-attention');

/** The source article's comparison (its section 5) plus three newer families, in that order. */
export const comparisonIds = ['clip-vit-l-14', 'flamingo-3b', 'pali', 'lvp', 'llava-1-5-7b', 'blip-2-opt-2-7b', 'internvl-1-5', 'next-gpt'] as const;
export const comparison = comparisonIds.map(byId);

// ---- Worked token counts (reader questions S4, S7, S8) -------------------------------------------

/** InternVL: tokens per 448 px tile, from the pixel-shuffle preset (1024 patches → 256). */
const internvl = summarizePreset('internvl2-8b');
export const internvlTileTokensIn = internvl.input?.vision[1] ?? 0;
/** InternViT's patch size (facts.md: InternViT-300M-448px and -6B, patch 14); the tile side follows from the token grid. */
const INTERNVL_PATCH = 14;
export const INTERNVL_TILE_PX = Math.sqrt(internvlTileTokensIn) * INTERNVL_PATCH;
if (!Number.isInteger(INTERNVL_TILE_PX)) throw new Error(`catalogue: InternVL's ${internvlTileTokensIn} tile tokens are not a square grid`);
export const internvlTileTokens = internvl.outputShape?.[1] ?? 0;
/** The side of the token block the pixel shuffle merges (2: four patch tokens become one). */
export const internvlShuffleBlock = Math.sqrt(internvlTileTokensIn / internvlTileTokens);
/** An 896 × 896 image splits into a 2 × 2 grid of tiles; with more than one tile a thumbnail tile is added. */
export const INTERNVL_EXAMPLE_PX = 896;
export const internvlGrid = INTERNVL_EXAMPLE_PX / INTERNVL_TILE_PX;
export const internvlTiles = internvlGrid * internvlGrid + (internvlGrid * internvlGrid > 1 ? 1 : 0);
export const internvlExampleTokens = internvlTiles * internvlTileTokens;
/** Training allows 1–12 tiles (max_dynamic_patch 12, facts.md InternVL note): the worst case with a thumbnail. */
export const INTERNVL_MAX_TILES = 12;
export const internvlMaxTokens = (INTERNVL_MAX_TILES + 1) * internvlTileTokens;

/** LLaVA-NeXT style AnyRes on a 2 × 2 grid: four sub-images plus the base image, each as LLaVA-1.5. */
const llava15 = summarizePreset('llava-1.5-7b');
export const llavaTokensPerImage = llava15.outputShape?.[1] ?? 0;
export const ANYRES_GRID = 2;
export const anyResTokens = (ANYRES_GRID * ANYRES_GRID + 1) * llavaTokensPerImage;

/** Qwen2-VL: 14 px patches merged 2 × 2, so one token per 28 × 28 px, plus 2 start/end tokens. */
export const QWEN2VL_PATCH = 14;
export const QWEN2VL_MERGE = 2;
export const QWEN2VL_SPECIAL = 2;
export const QWEN2VL_EXAMPLE_PX = 224;
export const qwen2vlTokenSide = QWEN2VL_PATCH * QWEN2VL_MERGE;
export const qwen2vlTokens = (QWEN2VL_EXAMPLE_PX / qwen2vlTokenSide) ** 2 + QWEN2VL_SPECIAL;

/** Fixed-query projectors: the same tokens out whatever comes in (S8). */
export const fixedQuery = ['blip-2-opt-2-7b', 'openflamingo-9b', 'qwen-vl'].map(byId);

/** The LLM width two rows share (the reuse answer's example); throws when they differ. */
export function sharedWidth(a: string, b: string): number {
  const wa = byId(a).llm.width;
  const wb = byId(b).llm.width;
  if (wa === null || wa !== wb) throw new Error(`catalogue: rows ${a} and ${b} do not share an LLM width (${String(wa)}, ${String(wb)})`);
  return wa;
}

/** Widths the projector must match for reuse (L2): rows grouped by LLM width. */
export const widthGroups = (() => {
  const m = new Map<number, CatalogueEntry[]>();
  for (const e of entries) {
    if (e.llm.width === null || e.computed.inputParams === null) continue;
    const list = m.get(e.llm.width) ?? [];
    list.push(e);
    m.set(e.llm.width, list);
  }
  return [...m.entries()].sort((a, b) => a[0] - b[0]);
})();

/**
 * Counts computed for a row beyond its projector total, shown on the row's card: BLIP-2's stage-1
 * Q-Former (the module the paper's 188M describes) and the unexplained gap between the two
 * (facts.md BLIP-2 note). Computed by src/reference/qformer-counts.ts.
 */
export interface AlsoComputed {
  key: string;
  label: string;
  value: number;
}
const blip2Paper = quotedFigure('blip2.qformer-paper').value ?? 0;
export const alsoComputed: Record<string, AlsoComputed[]> = {
  'blip-2-opt-2-7b': [
    { key: 'stage1', label: 'stage-1 Q-Former with its text parts and heads, computed from salesforce/LAVIS (the module the paper’s figure describes)', value: BLIP2_STAGE1.total },
    { key: 'gap', label: 'difference from the paper’s figure (unexplained)', value: blip2Paper - BLIP2_STAGE1.total },
  ],
};

/** Bib keys the page cites (for its reference list). */
export const citedKeys = [...new Set(entries.flatMap((e) => [e.cite, ...e.quoted.map((q) => q.cite)]).filter((k): k is string => k !== null))];
