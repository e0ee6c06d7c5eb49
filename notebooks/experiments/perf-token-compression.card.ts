/**
 * Card of the perf-token-compression notebook (schema, defaults, result, presentation; no tfjs).
 *
 * Question: how much does an image lose when its 49 visual tokens are compressed to 36, 16, 9 or 4
 * before the language model, and does the way of compressing matter?
 *
 * Task (emoji data). Each emoji's 7×7 grid of MobileNetV2 tokens (PCA-20, first `tokenDims`
 * components kept) is compressed to k tokens by four methods, each after a projector family:
 * - average pooling: adaptive average pooling of the 7×7 grid to √k × √k (PyTorch's bin rule);
 * - resampler: k queries read the 49 tokens with one softmax cross-attention (scaled dot product,
 *   no learned projections); the queries are k-means centroids of the training tokens (seeded
 *   initialisation), standing in for the learned queries of a Perceiver Resampler (alayrac2022flamingo)
 *   or a Q-Former (li2023blip2);
 * - strided convolution, LDP-style (chu2023mobilevlm): a depthwise convolution whose kernel size and
 *   stride are chosen per budget so the output grid is √k × √k, with a fixed tent kernel instead of
 *   learned weights;
 * - guided selection, LVP-style: the token-selection projector's rule (src/projectors/token-selection.ts):
 *   each token, mapped to the caption space by a ridge map of pooled tokens, is scored by its cosine
 *   with the mean training caption of the emoji's category, and the top k are kept in grid order (the
 *   scores are computed in closed form; a test checks them against the projector's own).
 * A linear readout (closed-form ridge from the k concatenated tokens to the centred caption
 * embedding, fitted on a seeded `trainFraction` of the training split) plays the projector into the
 * LLM; quality is held-out caption retrieval (cosine, 382 captions). FLOPs per image are counted for
 * the compressor only (2 per multiply-add); what the k tokens cost a language model is computed by
 * the performance article (src/reference/llm-cost.ts).
 * Seed: the training subset and the k-means initialisation. Seed sweep: R@10 at every budget and
 * method over five seeds.
 *
 * Shapes: grid [N, 49, d]; compressed [N, k, d] → features [N, k·d]; captions [N, 512].
 * Departures: nothing is trained end to end; the resampler has no projections, feed-forward or
 * layers; the convolution's weights are fixed; the readout is ridge, not an LLM; single emoji, not scenes.
 */
import { z } from 'zod';
import { finite, intField, seedField } from '../toolkit/cards';
import { seedSweepSchema, type SeedSweepSpec } from '../toolkit/seed-sweep';
import type { NotebookCard } from '../types';
import { num, type Cell, type ViewBlock } from '../view';

/** Token budgets: 7×7, 6×6, 4×4, 3×3 and 2×2 grids. */
export const BUDGETS = [49, 36, 16, 9, 4] as const;
export const GRID = 7;

export const METHOD_KEYS = ['avgpool', 'resampler', 'conv', 'guided'] as const;
export type MethodKey = (typeof METHOD_KEYS)[number];
export const METHOD_LABELS: Record<MethodKey, string> = {
  avgpool: 'Average pooling',
  resampler: 'Resampler (k queries)',
  conv: 'Strided convolution (LDP-style)',
  guided: 'Guided selection (LVP-style)',
};

export const schema = z
  .object({
    seed: seedField('training subset and k-means initialisation'),
    tokenDims: intField(2, 20).describe('Components kept per token (of the 20 PCA components)'),
    trainFraction: z.number().min(0.3).max(1).describe('Share of the training split used to fit the readout'),
    ridgeLambda: z.number().min(0.01).max(10000).describe('Ridge strength λ of the readout'),
    kmeansIters: intField(1, 50).describe('k-means iterations for the resampler queries'),
  })
  .strict();
export type Config = z.infer<typeof schema>;

export const defaults: Config = {
  seed: 1,
  tokenDims: 8, // 49 × 8 = 392 readout inputs at the full budget: a default run stays within the browser budget
  trainFraction: 0.8, // the seed then changes which 80 % of the training split fits the readout
  ridgeLambda: 10,
  kmeansIters: 8,
};

const series = z.array(finite).length(BUDGETS.length);

const methodSchema = z
  .object({
    key: z.enum(METHOD_KEYS),
    label: z.string(),
    recallAt1: series,
    recallAt10: series,
    medianRank: series,
    /** Compressor FLOPs for one image at each budget (2 per multiply-add). */
    flops: series,
  })
  .strict();

export const resultSchema = z
  .object({
    n: z.number().int().positive(),
    trainUsed: z.number().int().positive(),
    budgets: z.array(z.number().int().positive()).length(BUDGETS.length),
    methods: z.array(methodSchema).length(METHOD_KEYS.length),
    chance: z.object({ recallAt1: finite, recallAt10: finite, medianRank: finite }).strict(),
    seedSweep: seedSweepSchema.optional(),
  })
  .strict();
export type Result = z.infer<typeof resultSchema>;

const methodOf = (r: Result, key: MethodKey) => r.methods.find((m) => m.key === key) as z.infer<typeof methodSchema>;

/** Seed-sweep measure name of a method's R@10 at budget k. */
export const measureName = (key: MethodKey, k: number): string => `${key}R10k${k}`;

const measures: SeedSweepSpec<Config, Result>['measures'] = {};
for (const key of METHOD_KEYS) {
  BUDGETS.forEach((k, j) => {
    measures[measureName(key, k)] = { label: `${METHOD_LABELS[key]}, R@10, ${k} tokens`, format: 'percent', of: ({ main }) => methodOf(main as Result, key).recallAt10[j] as number };
  });
}

const seedSweep: SeedSweepSpec<Config, Result> = {
  seeds: [1, 2, 3, 4, 5],
  measures,
  differences: {
    avgpool49vs4: { label: 'Average pooling, 49 − 4 tokens, R@10', a: measureName('avgpool', 49), b: measureName('avgpool', 4) },
    resamplerVsPool9: { label: 'Resampler − average pooling, 9 tokens, R@10', a: measureName('resampler', 9), b: measureName('avgpool', 9) },
    convVsPool9: { label: 'Strided convolution − average pooling, 9 tokens, R@10', a: measureName('conv', 9), b: measureName('avgpool', 9) },
    guidedVsPool9: { label: 'Guided selection − average pooling, 9 tokens, R@10', a: measureName('guided', 9), b: measureName('avgpool', 9) },
    guidedVsPool4: { label: 'Guided selection − average pooling, 4 tokens, R@10', a: measureName('guided', 4), b: measureName('avgpool', 4) },
    resamplerVsPool4: { label: 'Resampler − average pooling, 4 tokens, R@10', a: measureName('resampler', 4), b: measureName('avgpool', 4) },
  },
};

function present(result: Result): ViewBlock[] {
  const rows: Cell[][] = [];
  result.methods.forEach((m, i) => {
    result.budgets.forEach((k, j) => {
      rows.push([
        m.label,
        num(k, 'int', `budgets.${j}`),
        num(m.recallAt1[j] as number, 'percent', `methods.${i}.recallAt1.${j}`),
        num(m.recallAt10[j] as number, 'percent', `methods.${i}.recallAt10.${j}`),
        num(m.medianRank[j] as number, 'sig3', `methods.${i}.medianRank.${j}`),
        num(m.flops[j] as number, 'count', `methods.${i}.flops.${j}`),
      ]);
    });
  });
  rows.push(['Chance', '—', num(result.chance.recallAt1, 'percent', 'chance.recallAt1'), num(result.chance.recallAt10, 'percent', 'chance.recallAt10'), num(result.chance.medianRank, 'sig3', 'chance.medianRank'), '—']);
  return [
    {
      kind: 'table',
      caption: `Held-out caption retrieval (${result.n} emoji, ${result.n} candidate captions) from k compressed tokens; readout fitted on ${result.trainUsed} training emoji`,
      columns: ['Compression', 'Tokens k', 'R@1', 'R@10', 'Median rank', 'Compressor FLOPs'],
      rows,
    },
    {
      kind: 'figure',
      figure: 'line',
      caption: 'R@10 against the number of tokens handed to the readout; chance is 10 in 382',
      data: {
        series: result.methods.map((m) => ({ key: m.key, label: m.label, dashed: m.key !== 'avgpool', points: result.budgets.map((k, j) => [k, m.recallAt10[j] as number] as [number, number]) })),
      },
      opts: { id: 'compress-r10', title: 'Caption retrieval R@10 by token budget', xLabel: 'visual tokens k', yLabel: 'R@10', xFormat: { kind: 'int' }, yFormat: { kind: 'percent', digits: 0 }, showPoints: true },
    },
  ];
}

export const card: NotebookCard<Config, Result> = {
  id: 'perf-token-compression',
  title: 'How much does compressing visual tokens cost?',
  question:
    'The 7×7 grid of an emoji’s image tokens is compressed to 36, 16, 9 or 4 tokens by average pooling, a resampler with that many queries, ' +
    'an LDP-style strided convolution, or text-guided selection, then read out linearly to the caption space. ' +
    'How fast does held-out caption retrieval fall as the tokens go, and does the way of compressing change it?',
  schema,
  defaults,
  resultSchema,
  present,
  seedSweep,
};
