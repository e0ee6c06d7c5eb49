/**
 * The model catalogue (content/data/models.json): zod schema, and the join of each row with the
 * projector presets that recompute its numbers. Server/Node only (the presets pull in the projector
 * modules, and through them tfjs); the browser island only sorts and filters the rendered table.
 *
 * Why recompute: the file holds the figures the reference facts mark VERIFIED (facts.md section b),
 * but the site never paints them from the file. Every parameter and token count shown comes from
 * `paramCount` / `outputShape` of the site's own projector modules, and `catalogueMismatches`
 * (checked by the page at build time and by tests/unit/reference) proves the two agree exactly.
 */
import { z } from 'zod';
import data from '../../content/data/models.json';
import { summarizePreset, type PresetSummary } from './preset-summary';

/** Where visual information enters the LLM; sets which tokens cost prefill compute. */
export const INJECT = ['sequence', 'cross-attention'] as const;

/**
 * Input-projector categories of the taxonomy article. The first six follow the MM-LLMs survey's
 * input-projector types (zhang2024mmllms §2.2); the next four are the token-compressing designs of
 * facts.md d.6. `point-query` is TokenPacker's: its queries are the image's own features downsampled
 * to a smaller grid, so their number follows the image (facts.md d.6, P13), unlike the fixed learned
 * queries of `cross-attention` and `qformer`. The last four mark rows that have no LLM, no projector,
 * an unconfirmed one, or one the reference does not record (Unified-IO 2's current image enters as
 * ViT features; its resamplers handle only image and audio history, facts.md b).
 */
export const INPUT_CATEGORIES = [
  'linear',
  'mlp',
  'cross-attention',
  'qformer',
  'pformer',
  'mqformer',
  'conv-abstractor',
  'pixel-shuffle',
  'point-query',
  'token-selection',
  'joint-embedding',
  'none',
  'unverified',
  'not-recorded',
] as const;
export type InputCategory = (typeof INPUT_CATEGORIES)[number];

/** Output-side classes of the source article (its three classes plus "none"); see ledger C05. */
export const OUTPUT_CATEGORIES = ['none', 'text-tokens', 'continuous-embedding', 'codebook'] as const;
export type OutputCategory = (typeof OUTPUT_CATEGORIES)[number];

/** The survey's own output-projector types (zhang2024mmllms). */
export const SURVEY_OUTPUT_TYPES = ['tiny-transformer', 'mlp'] as const;

export const STATUSES = ['VERIFIED', 'UNVERIFIED'] as const;
export const GROUPS = ['source-comparison', 'catalogue', 'token-compression'] as const;

export const INPUT_CATEGORY_LABELS: Record<InputCategory, string> = {
  linear: 'Linear',
  mlp: 'MLP',
  'cross-attention': 'Cross-attention / resampler',
  qformer: 'Q-Former',
  pformer: 'P-Former',
  mqformer: 'MQ-Former',
  'conv-abstractor': 'Convolutional abstractor',
  'pixel-shuffle': 'Pixel shuffle + MLP',
  'point-query': 'Downsampled point queries',
  'token-selection': 'Token selection',
  'joint-embedding': 'Joint embedding (no LLM)',
  none: 'None',
  unverified: 'Not confirmed',
  'not-recorded': 'Not recorded',
};

export const OUTPUT_CATEGORY_LABELS: Record<OutputCategory, string> = {
  none: 'None',
  'text-tokens': 'Text tokens',
  'continuous-embedding': 'Continuous embedding',
  codebook: 'Codebook',
};

const bibKey = z.string().regex(/^[a-z0-9]+$/, 'bibliography keys are lowercase ASCII letters and digits');
const count = z.number().int().nonnegative();

const quotedSchema = z
  .object({
    label: z.string().min(1),
    /** The figure as the source writes it. */
    text: z.string().min(1),
    value: z.number().finite().optional(),
    /** null only for the anonymous LVP submission, which has no bib entry (facts.md section a). */
    cite: bibKey.nullable(),
    locator: z.string().min(1),
    status: z.enum(['VERIFIED', 'UNVERIFIED']),
  })
  .strict();

const componentSchema = z
  .object({
    label: z.string().min(1),
    /** Preset id in src/projectors/presets.ts. */
    preset: z.string().min(1),
    /** How many copies the model has (OpenFlamingo: one gated block per LM layer that gets one). */
    times: z.number().int().positive(),
    /**
     * Which part of the preset's count: the whole module, or, for a Q-Former preset, the Q-Former
     * alone (`qformer`) or its final projection (`proj`). InstructBLIP counts BLIP-2's query path.
     */
    part: z.enum(['all', 'qformer', 'proj']).default('all'),
    /** The verified figure for `times` copies, from facts.md; code must reproduce it exactly. */
    figure: count,
    side: z.enum(['input', 'output']).default('input'),
  })
  .strict();

export const modelSchema = z
  .object({
    /** kebab-case; the row's anchor is `model-<id>`. */
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'ids are kebab-case'),
    model: z.string().min(1),
    family: z.string().min(1),
    group: z.enum(GROUPS),
    year: z.number().int().min(2015).max(2030).nullable(),
    cite: bibKey.nullable(),
    visionEncoder: z.string().min(1),
    visionDim: count.nullable(),
    visionDimNote: z.string().optional(),
    llm: z
      .object({
        name: z.string().min(1),
        width: count.nullable(),
        widthNote: z.string().optional(),
        /** The LLM size in its name (Vicuna-7B → 7e9) unless nominalSource says otherwise. */
        nominalParams: count.nullable(),
        nominalSource: z.string().optional(),
      })
      .strict(),
    /** Verified token counts (null = variable or not recorded; `unit` says which). */
    tokens: z.object({ in: count.nullable(), out: count.nullable(), unit: z.string().min(1) }).strict(),
    /** The preset whose input and output shapes give the token counts. */
    tokenPreset: z.string().min(1).nullable(),
    inject: z.enum(INJECT).default('sequence'),
    inputProjector: z.object({ label: z.string().min(1), category: z.enum(INPUT_CATEGORIES) }).strict(),
    outputProjector: z
      .object({ label: z.string().min(1), category: z.enum(OUTPUT_CATEGORIES), surveyType: z.enum(SURVEY_OUTPUT_TYPES).nullable() })
      .strict(),
    components: z.array(componentSchema),
    /**
     * True when the computed total leaves out trainable parts the reference gives no verified figure
     * for (InstructBLIP's instruction embeddings and text FFNs): the page shows it as "at least".
     */
    lowerBound: z.boolean().optional(),
    quoted: z.array(quotedSchema),
    /** Learned projector parameters of a design that has none (Visual ChatGPT). */
    learnedParams: z.literal(0).optional(),
    source: z.string().min(1),
    status: z.enum(STATUSES),
    /** Items in the row that must not be stated as fact. */
    unverified: z.array(z.string().min(1)),
    note: z.string(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.cite === null && !m.source.includes('OpenReview')) {
      ctx.addIssue({ code: 'custom', path: ['cite'], message: 'a row without a bib key must name its OpenReview source' });
    }
    if (m.tokens.in !== null && m.tokenPreset === null && m.group !== 'token-compression') {
      ctx.addIssue({ code: 'custom', path: ['tokenPreset'], message: 'verified token counts need a preset that recomputes them' });
    }
  });
export type ModelRow = z.infer<typeof modelSchema>;

export const modelsFileSchema = z
  .object({ $comment: z.string(), models: z.array(modelSchema).min(1) })
  .strict()
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.models.forEach((m, i) => {
      if (seen.has(m.id)) ctx.addIssue({ code: 'custom', path: ['models', i, 'id'], message: `duplicate id "${m.id}"` });
      seen.add(m.id);
    });
  });

/** Parses a models file; the error names the row and field (models[3].tokens.in: …). */
export function parseModels(raw: unknown): ModelRow[] {
  const parsed = modelsFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}: ${i.message}`);
    throw new Error(`content/data/models.json is invalid: ${issues.join('; ')}`);
  }
  return parsed.data.models;
}

export interface ComputedComponent {
  label: string;
  preset: string;
  side: 'input' | 'output';
  times: number;
  /** paramCount of one copy, from the projector module. */
  paramsEach: number;
  /** paramsEach × times. */
  params: number;
  /** The verified figure from the file, kept for the comparison only. */
  figure: number;
}

export interface CatalogueEntry extends ModelRow {
  anchor: string;
  computed: {
    components: ComputedComponent[];
    /** Sum over input-side components; null when no component is computed. */
    inputParams: number | null;
    outputParams: number | null;
    /** Visual tokens into and out of the projector, from the token preset's shapes. */
    tokensIn: number | null;
    tokensOut: number | null;
    /** Visual tokens placed in the LLM's input sequence (0 for cross-attention injection). */
    tokensInSequence: number | null;
    /**
     * Approximate prefill FLOPs the visual tokens cost the LLM: 2 FLOPs per parameter per token
     * (one multiply-add per weight; attention over the context and the text tokens are left out).
     */
    prefillFlops: number | null;
  };
}

const presetCache = new Map<string, PresetSummary>();
function preset(id: string): PresetSummary {
  let s = presetCache.get(id);
  if (!s) {
    s = summarizePreset(id);
    presetCache.set(id, s);
  }
  return s;
}

const sumOrNull = (xs: number[]): number | null => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0));

/** Joins one row with its presets. Throws naming the row when a preset is unknown. */
export function computeEntry(row: ModelRow): CatalogueEntry {
  const components = row.components.map((c): ComputedComponent => {
    let s: PresetSummary;
    try {
      s = preset(c.preset);
    } catch (e) {
      throw new Error(`models.json row "${row.id}": ${(e as Error).message}`);
    }
    let paramsEach = s.params;
    if (c.part !== 'all') {
      if (!s.breakdown) throw new Error(`models.json row "${row.id}": component "${c.label}" asks for part "${c.part}" of ${c.preset}, which is not a Q-Former preset`);
      paramsEach = s.breakdown[c.part];
    }
    return { label: c.label, preset: c.preset, side: c.side, times: c.times, paramsEach, params: paramsEach * c.times, figure: c.figure };
  });
  let tokensIn: number | null = null;
  let tokensOut: number | null = null;
  if (row.tokenPreset !== null) {
    const s = preset(row.tokenPreset);
    // Shapes are [batch, tokens, width]; the second entry is the token count (types.ts legend).
    if (row.tokens.in !== null) tokensIn = s.input?.vision[1] ?? null;
    if (row.tokens.out !== null || row.tokens.in === null) tokensOut = s.outputShape?.[1] ?? null;
  }
  const tokensInSequence = tokensOut === null ? null : row.inject === 'cross-attention' ? 0 : tokensOut;
  const prefillFlops = tokensInSequence !== null && row.llm.nominalParams !== null ? 2 * row.llm.nominalParams * tokensInSequence : null;
  return {
    ...row,
    anchor: `model-${row.id}`,
    computed: {
      components,
      inputParams: sumOrNull(components.filter((c) => c.side === 'input').map((c) => c.params)),
      outputParams: sumOrNull(components.filter((c) => c.side === 'output').map((c) => c.params)),
      tokensIn,
      tokensOut,
      tokensInSequence,
      prefillFlops,
    },
  };
}

/** Every row, joined and computed, in file order. */
export function loadCatalogue(raw: unknown = data): CatalogueEntry[] {
  return parseModels(raw).map(computeEntry);
}

export interface Mismatch {
  id: string;
  field: string;
  computed: number | null;
  file: number | null;
}

/** Every place the computed numbers differ from the file's figures (empty when all agree). */
export function catalogueMismatches(entries: readonly CatalogueEntry[]): Mismatch[] {
  const out: Mismatch[] = [];
  for (const e of entries) {
    for (const c of e.computed.components) {
      if (c.params !== c.figure) out.push({ id: e.id, field: `components[${c.label}]`, computed: c.params, file: c.figure });
    }
    if (e.tokenPreset !== null) {
      if (e.tokens.in !== null && e.computed.tokensIn !== e.tokens.in) out.push({ id: e.id, field: 'tokens.in', computed: e.computed.tokensIn, file: e.tokens.in });
      if (e.tokens.out !== null && e.computed.tokensOut !== e.tokens.out) out.push({ id: e.id, field: 'tokens.out', computed: e.computed.tokensOut, file: e.tokens.out });
    }
  }
  return out;
}

/** Throws with every mismatch listed: the catalogue page calls it so a drift fails the build. */
export function assertCatalogueConsistent(entries: readonly CatalogueEntry[]): void {
  const bad = catalogueMismatches(entries);
  if (bad.length > 0) {
    throw new Error(`models.json disagrees with the projector presets: ${bad.map((m) => `${m.id} ${m.field}: computed ${String(m.computed)}, file ${String(m.file)}`).join('; ')}`);
  }
}
