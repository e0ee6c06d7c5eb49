/**
 * Computed numbers for the article "What projector design costs": for every catalogue model whose
 * visual tokens enter the LLM's sequence, the projector's parameters, FLOPs and tokens from its
 * preset (the projector modules' own paramCount / flops / outputShape), and what those tokens cost a
 * LLaMA-shaped LLM (./llm-cost.ts). The interactive cost model starts from `costPresets` and
 * `defaultShapeFor`; the prose reads the named exports below. Nothing here is typed by hand except
 * the LLM shapes, each with its source.
 */
import { summarizeReport } from '../../bench/report';
import { committedBenchMeasurement } from '../bench-measurement';
import { loadCatalogue } from '../catalogue';
import { claimHref, claims, type Claim } from '../claims';
import { committedRecord } from '../results';
import { card as compressionCard, measureName, type MethodKey as CompressionMethod } from '../../../notebooks/experiments/perf-token-compression.card';
import { summarizePreset } from '../preset-summary';
import { QWEN2VL_DEFAULT_PIXELS, dynamicResolutionTokens, linearFlopsPerTokenLayer, llamaShape, llmShapeSchema, prefillFlops, visualTokenCost, type LlmShape } from '../llm-cost';

export interface CostPreset {
  /** Preset id (src/projectors/presets.ts). */
  id: string;
  /** Catalogue models that use it, joined for the label. */
  models: string;
  kind: string;
  params: number;
  flops: number;
  tokensIn: number;
  tokensOut: number;
  /** Output width: the LLM width the tokens are made for. */
  width: number;
}

/** Presets of catalogue models whose visual tokens enter the LLM's sequence (cross-attention models and dual encoders excluded). */
export const costPresets: CostPreset[] = (() => {
  const byPreset = new Map<string, CostPreset>();
  for (const e of loadCatalogue()) {
    if (e.inject !== 'sequence' || e.tokenPreset === null || e.llm.nominalParams === null) continue;
    const seen = byPreset.get(e.tokenPreset);
    if (seen) {
      seen.models = `${seen.models}, ${e.model}`;
      continue;
    }
    const s = summarizePreset(e.tokenPreset);
    if (!s.input || !s.outputShape || s.flops === undefined) throw new Error(`performance: preset ${s.id} has no input shape`);
    // Shapes are [batch, tokens, width] (src/projectors/types.ts legend).
    byPreset.set(e.tokenPreset, {
      id: s.id,
      models: e.model,
      kind: s.kind,
      params: s.params,
      flops: s.flops,
      tokensIn: s.input.vision[1] as number,
      tokensOut: s.outputShape[1] as number,
      width: s.outputShape[2] as number,
    });
  }
  return [...byPreset.values()];
})();

export function costPreset(id: string): CostPreset {
  const p = costPresets.find((x) => x.id === id);
  if (!p) throw new Error(`performance: no cost preset "${id}" (known: ${costPresets.map((x) => x.id).join(', ')})`);
  return p;
}

/**
 * LLaMA-7B and LLaMA-13B: width 4096 with 32 layers and 32 heads, width 5120 with 40 and 40
 * (touvron2023llama, Table 2); Vicuna and LLaMA-2 of the same sizes keep these shapes.
 */
export const LLAMA_LAYERS: Readonly<Record<number, number>> = { 4096: 32, 5120: 40 };
/** Depth used for widths without a cited shape: the reader sets the real one. */
export const DEFAULT_LAYERS = 32;

/** The starting LLM shape for a preset's output width: LLaMA's when cited, else 32 layers with 128-wide heads where they divide. */
export function defaultShapeFor(width: number): LlmShape {
  const layers = LLAMA_LAYERS[width] ?? DEFAULT_LAYERS;
  if (width % 128 === 0) return llamaShape(width, layers);
  return llmShapeSchema.parse({ width, layers, heads: 1, kvHeads: 1, ffnWidth: Math.ceil((8 / 3) * width), gatedFfn: true, bytesPerValue: 2 });
}

/** The defaults the interactive model opens with. */
export const DEFAULT_PRESET = 'llava-1.5-7b';
export const DEFAULT_TEXT_TOKENS = 100;
export const DEFAULT_CONTEXT = 4096;

// ---- Numbers the prose reads -----------------------------------------------------------------------

const llava = costPreset('llava-1.5-7b');
export const llama7b = defaultShapeFor(llava.width);
export const llavaCost = visualTokenCost(llama7b, llava.tokensOut, DEFAULT_TEXT_TOKENS, DEFAULT_CONTEXT);
export { llava };
/** How many times the LLM work the 576 tokens cause exceeds the projector's own FLOPs. */
export const llavaLlmOverProjector = llavaCost.added.total / llava.flops;
/** Share of the added prefill that is attention's quadratic term at this length. */
export const llavaAttentionShare = llavaCost.added.attention / llavaCost.added.total;

/**
 * Sequence length at which one more token's attention (2·d·2S per layer for the new pairs, ≈ 4·d·S)
 * costs as much as its linear work: S = linear per token-layer ÷ (4·d). Below it the linear part dominates.
 */
export const crossoverTokens = (s: LlmShape): number => Math.round(linearFlopsPerTokenLayer(s) / (4 * s.width));
export const llama7bCrossover = crossoverTokens(llama7b);

/** E4: the same 7B-shaped LLM fed LLaVA-1.5's 576 tokens or MobileVLM's LDP 144 (the encoder's 576 patches are computed either way). */
export const ldp = costPreset('mobilevlm-ldp-1.7b');
export const ldpOn7b = visualTokenCost(llama7b, ldp.tokensOut, DEFAULT_TEXT_TOKENS, DEFAULT_CONTEXT);
export const ldpSaving = 1 - ldpOn7b.added.total / llavaCost.added.total;

/** E2: keeping a quarter of LLaVA-1.5's tokens by dropping the rest, versus masking them in attention. */
export const prunedKept = llava.tokensOut / 4;
export const prunedCost = visualTokenCost(llama7b, prunedKept, DEFAULT_TEXT_TOKENS, DEFAULT_CONTEXT);
/** Masking keeps every token's hidden state: the sequence, and so the prefill, is unchanged. */
export const maskedCost = llavaCost;

/** A long context: 16 images of LLaVA-1.5's size in one prompt (e.g. video frames). */
export const manyImages = 16;
export const manyImagesCost = visualTokenCost(llama7b, manyImages * llava.tokensOut, DEFAULT_TEXT_TOKENS, manyImages * llava.tokensOut + DEFAULT_TEXT_TOKENS);
export const manyImagesAttentionShare = manyImagesCost.added.attention / manyImagesCost.added.total;

/** S5: tokens for common image sizes under the transformers processor's default bounds. */
export const QWEN_SIZES: readonly [number, number][] = [
  [224, 224],
  [448, 448],
  [1080, 1920],
  [3024, 4032],
];
export const qwenRows = QWEN_SIZES.map(([height, width]) => ({
  height,
  width,
  ...dynamicResolutionTokens({ height, width, patch: 14, merge: 2, minPixels: QWEN2VL_DEFAULT_PIXELS.min, maxPixels: QWEN2VL_DEFAULT_PIXELS.max }),
}));
/** The processor's default cap in tokens: max_pixels / (28·28). */
export const qwenDefaultMaxTokens = QWEN2VL_DEFAULT_PIXELS.max / (28 * 28);
/** A 1080p frame capped at 256 tokens (max_pixels = 256·28·28). */
export const qwenCapTokens = 256;
export const qwenCapped = dynamicResolutionTokens({ height: 1080, width: 1920, patch: 14, merge: 2, minPixels: QWEN2VL_DEFAULT_PIXELS.min, maxPixels: qwenCapTokens * 28 * 28 });

/** The 7B shape's prefill of a whole 4,096-token window, for scale. */
export const fullWindow = prefillFlops(llama7b, DEFAULT_CONTEXT);

/** The rows of qwenRows by name, for the prose. */
export const [qwen224, qwen448, qwen1080] = qwenRows as [DynamicRow, DynamicRow, DynamicRow, DynamicRow];
type DynamicRow = (typeof qwenRows)[number];

/** For every cost preset with its default LLM shape: how many times its tokens' prefill exceeds its own FLOPs. */
export const llmOverProjectorAll = costPresets.map((p) => ({
  id: p.id,
  ratio: visualTokenCost(defaultShapeFor(p.width), p.tokensOut, DEFAULT_TEXT_TOKENS, DEFAULT_CONTEXT).added.total / p.flops,
}));
export const minLlmOverProjector = llmOverProjectorAll.reduce((a, b) => (b.ratio < a.ratio ? b : a));

/** The last committed benchmark (content/data/bench-measurement.json): the fastest and slowest preset relative to the peak. */
export const benchMeasurement = committedBenchMeasurement();
export const benchSummary = summarizeReport(benchMeasurement);

// ---- The token-compression notebook (content/data/perf-token-compression.json) -------------------

const compressionRecord = committedRecord('perf-token-compression');
export const compression = compressionCard.resultSchema.parse(compressionRecord.result);
export const compressionSeed = compressionRecord.meta.seed;
const compressionSweep = (() => {
  if (!compression.seedSweep) throw new Error('content/data/perf-token-compression.json has no seed sweep; run `npm run notebook -- perf-token-compression`');
  return compression.seedSweep;
})();
export const compressionSeeds = compressionSweep.seeds;

/** Mean, min and max of R@10 over the seeds for one method at one budget. */
export function compressionSpread(key: CompressionMethod, k: number): { mean: number; min: number; max: number } {
  const s = compressionSweep.measures[measureName(key, k)];
  if (!s) throw new Error(`perf-token-compression: no seed-sweep measure for ${key} at ${k} tokens`);
  return { mean: s.mean, min: s.min, max: s.max };
}
export const compressionDifference = (name: string) => {
  const d = compressionSweep.differences[name];
  if (!d) throw new Error(`perf-token-compression: no seed-sweep difference "${name}"`);
  return d;
};

/** What k visual tokens add to a 7B-shaped LLM's prefill (with the default prompt), plus the compressor's own FLOPs, in TFLOP. */
const totalTflop = (k: number, compressorFlops: number): number => (visualTokenCost(llama7b, k, DEFAULT_TEXT_TOKENS, DEFAULT_CONTEXT).added.total + compressorFlops) / 1e12;

/** Figure: mean R@10 over the seeds against the FLOPs the tokens cost, one line per method (points at 49, 36, 16, 9, 4 tokens). */
export const compressionChart = {
  series: compression.methods.map((m) => ({
    key: m.key,
    label: m.label,
    dashed: m.key !== 'avgpool',
    points: compression.budgets.map((k, j) => [totalTflop(k, m.flops[j] as number), compressionSpread(m.key, k).mean] as [number, number]),
  })),
};

/** Table rows: method, tokens, mean and range of R@10 over the seeds, compressor FLOPs and LLM TFLOP. */
export const compressionRows = compression.methods.flatMap((m) =>
  compression.budgets.map((k, j) => ({ key: `${m.key}-${k}`, method: m.label, k, ...compressionSpread(m.key, k), flops: m.flops[j] as number, tflop: totalTflop(k, m.flops[j] as number) })),
);
export const compressionChance = compression.chance.recallAt10;
export const pool49 = compressionSpread('avgpool', 49);
export const pool36 = compressionSpread('avgpool', 36);
export const pool4 = compressionSpread('avgpool', 4);
export const pool9 = compressionSpread('avgpool', 9);
export const conv9 = compressionSpread('conv', 9);
export const guided9 = compressionSpread('guided', 9);
export const resampler9 = compressionSpread('resampler', 9);
export const compressionMaxFlops = Math.max(...compression.methods.flatMap((m) => m.flops));
/** The FLOPs 4 tokens save a 7B-shaped LLM against 49. */
export const tokens49Tflop = totalTflop(49, 0);
export const tokens4Tflop = totalTflop(4, 0);
export const compressionConfig = compressionCard.schema.parse(compressionRecord.meta.config);
/** Readout inputs at 49 and 36 tokens: tokens × components per token. */
export const readoutInputs49 = 49 * compressionConfig.tokenDims;
export const readoutInputs36 = 36 * compressionConfig.tokenDims;

// ---- The source article's §6 performance figures and their verdicts in the claim ledger -----------

const claimById = new Map(claims.map((c) => [c.id, c]));
export function ledgerClaim(id: string): Claim & { href: string } {
  const c = claimById.get(id);
  if (!c) throw new Error(`performance: no ledger claim "${id}"`);
  return { ...c, href: claimHref(id) };
}
/** The source's §6 claims in ledger order (C34–C39). */
export const section6Claims = ['C34', 'C35', 'C36', 'C37', 'C38', 'C39'].map(ledgerClaim);

// ---- Exercises -------------------------------------------------------------------------------------

/** KV cache of 16 LLaVA-1.5 images in the 7B shape at 16-bit precision. */
export const manyImagesKv = manyImagesCost.kvBytes;
/** The same 7B shape with 8 key/value heads instead of 32 (grouped-query attention). */
export const gqaKvHeads = 8;
export const llama7bGqa = llmShapeSchema.parse({ ...llama7b, kvHeads: gqaKvHeads });
export const gqaCost = visualTokenCost(llama7bGqa, llava.tokensOut, DEFAULT_TEXT_TOKENS, DEFAULT_CONTEXT);
export const gqaKvRatio = gqaCost.kvBytes / llavaCost.kvBytes;
export const gqaPrefillRatio = gqaCost.added.total / llavaCost.added.total;
/** A 12-megapixel phone photo under the processor's default bounds. */
export const qwenPhoto = qwenRows[3] as (typeof qwenRows)[number];
export const blip2 = costPreset('blip2-opt-2.7b');
