/**
 * Card of the align-token-selection notebook (schema, defaults, result, presentation; no tfjs).
 *
 * Language-guided token selection on real features, after LVP: an ICLR submission (OpenReview
 * PxBzxO02Ef) whose identity is unverified and which has no bib entry (facts.md d.2). Its abstract
 * selects visual tokens "according to the feature similarity between visual tokens and text tokens".
 *
 * Task (emoji data, held-out split only). Each test image is a two-object composite on the 7×7 grid
 * of MobileNetV2 tokens (PCA-20): the named emoji A fills `targetColumns` whole columns on one side
 * (its own tokens at those positions), a partner B from a different category fills the rest; sides
 * and partners are seeded. The text guide is a category query: the mean caption embedding of A's
 * category over the train split (it says "the animal", not which animal). A ridge map W (pooled
 * tokens → centred USE caption space, fitted on the train split) is the projector's Linear; the
 * library's token-selection projector scores the 49 projected tokens against the query and keeps
 * the top k. The kept tokens are mean-pooled and must retrieve A's own caption among all 382
 * held-out captions (cosine). Controls at the same k, none of which reads the text: random tokens
 * (seeded, per composite); strided tokens, (o + s·j) mod 49 for j < k with a stride s near 49/k that
 * is co-prime with the 7-wide grid and a seeded phase o per composite — they cover the grid evenly
 * (a new row and column at every step) yet, whatever the layout, keep each token with probability
 * k/49, so they control for spatial coverage without lining up with the composite's columns
 * (evenly spaced indices did at k = 7: stride 7 is one column, always on the named emoji); and
 * image-only saliency (largest projected-token norm). References: all 49 tokens, and A alone
 * without a partner. Uniform average pooling to k regions is not a separate row: followed by the
 * mean over kept tokens it gives (for equal regions) exactly the all-49-tokens row.
 * Seed sweep: the headline comparisons at k = 7 over five seeds (partners, sides, random and
 * strided draws change with the seed; the ridge map does not).
 *
 * Shapes: grid [N, 49, 20]; captions [N, 512]; W [512, 20] (PyTorch Linear layout); kept [n, k].
 * Departures from LVP: no text encoder, no cross-modal enhancement, no deformable attention (see
 * src/projectors/token-selection.ts); a closed-form ridge map instead of training through an LLM;
 * retrieval instead of VQA; composites built at the token level instead of real cluttered scenes.
 */
import { z } from 'zod';
import { finite, intField, seedField, shortRetrievalFields } from '../toolkit/cards';
import { seedSweepSchema, type SeedSweepSpec } from '../toolkit/seed-sweep';
import type { NotebookCard } from '../types';
import { num, type Cell, type ViewBlock } from '../view';

/** Token budgets k (of 49) on the x axis: 2 % to 100 % of the tokens. */
export const KEEP_COUNTS = [1, 2, 4, 7, 12, 25, 49] as const;
/** Composites drawn in the token-grid figure (the first test composites, in split order). */
export const EXAMPLE_COUNT = 4;
/** Examples drawn on the Lab page (the result keeps all EXAMPLE_COUNT for the article). */
const SHOWN_EXAMPLES = 2;

export const METHOD_KEYS = ['guided', 'saliency', 'strided', 'random'] as const;
export type MethodKey = (typeof METHOD_KEYS)[number];

export const schema = z
  .object({
    seed: seedField('partners, sides and random selection'),
    targetColumns: intField(1, 6).describe('Columns of the 7×7 grid the named emoji fills'),
    ridgeLambda: z.number().min(0.01).max(1000).describe('Ridge strength λ of the token → caption map'),
    score: z.enum(['cosine', 'dot']).describe('Selection score (token vs text query)'),
    figureKeep: intField(1, 49).describe('Tokens kept in the example grids'),
  })
  .strict();

export type Config = z.infer<typeof schema>;

/** About 1 s in Node on wasm: one ridge fit, then seven budgets × four selections over 382 composites. */
export const defaults: Config = {
  seed: 3,
  targetColumns: 4, // 28 of 49 tokens from the named emoji, 21 from the partner
  ridgeLambda: 1, // the data pipeline's RETRIEVAL_LAMBDA, chosen on a validation fold
  score: 'cosine', // the projector's default; scale-free
  figureKeep: 7, // 86 % fewer tokens, inside LVP's reported 75–95 % range
};

const series = z.array(finite).length(KEEP_COUNTS.length);

const methodSchema = z
  .object({
    key: z.enum(METHOD_KEYS),
    label: z.string(),
    recallAt1: series,
    recallAt10: series,
    medianRank: series,
    /** Fraction of kept tokens that belong to the named emoji. */
    targetFraction: series,
  })
  .strict();

const scoresSchema = z.object(shortRetrievalFields).strict();

const exampleSchema = z
  .object({
    index: z.number().int().nonnegative(),
    label: z.string(),
    category: z.string(),
    targetSide: z.enum(['left', 'right']),
    scores: z.array(finite).length(49),
    kept: z.array(z.number().int().min(0).max(48)),
  })
  .strict();

export const resultSchema = z
  .object({
    n: z.number().int().positive(),
    keeps: z.array(z.number().int()).length(KEEP_COUNTS.length),
    methods: z.array(methodSchema).length(METHOD_KEYS.length),
    /** The composite with all 49 tokens pooled: what selection must beat to be worth anything. */
    allTokens: scoresSchema,
    /** The named emoji alone (no partner), all 49 tokens: the ceiling of this map. */
    targetAlone: scoresSchema,
    chance: z.object({ ...shortRetrievalFields, targetFraction: finite }).strict(),
    examples: z.array(exampleSchema).length(EXAMPLE_COUNT),
    /** The headline comparisons over the seed sweep's seeds (committed by the CLI only). */
    seedSweep: seedSweepSchema.optional(),
  })
  .strict();

export type Result = z.infer<typeof resultSchema>;
export type MethodResult = z.infer<typeof methodSchema>;

/** The budget the article and the seed sweep compare at: 7 of 49 tokens (86 % dropped). */
export const HEADLINE_K = 7;
const at = KEEP_COUNTS.indexOf(HEADLINE_K);
const methodAt = (r: Result, key: MethodKey) => r.methods.find((m) => m.key === key) as MethodResult;
const r10 = (key: MethodKey) => ({ main }: Record<string, Result>) => methodAt(main as Result, key).recallAt10[at] as number;
const onTarget = (key: MethodKey) => ({ main }: Record<string, Result>) => methodAt(main as Result, key).targetFraction[at] as number;

const seedSweep: SeedSweepSpec<Config, Result> = {
  seeds: [3, 4, 5, 6, 7],
  measures: {
    guidedR10: { label: `Language-guided R@10, k = ${HEADLINE_K}`, format: 'percent', of: r10('guided') },
    randomR10: { label: `Random R@10, k = ${HEADLINE_K}`, format: 'percent', of: r10('random') },
    stridedR10: { label: `Strided R@10, k = ${HEADLINE_K}`, format: 'percent', of: r10('strided') },
    saliencyR10: { label: `Image-only saliency R@10, k = ${HEADLINE_K}`, format: 'percent', of: r10('saliency') },
    allTokensR10: { label: 'All 49 tokens R@10', format: 'percent', of: ({ main }) => (main as Result).allTokens.recallAt10 },
    guidedOnTarget: { label: `Language-guided: kept tokens on the named emoji, k = ${HEADLINE_K}`, format: 'percent', of: onTarget('guided') },
    stridedOnTarget: { label: `Strided: kept tokens on the named emoji, k = ${HEADLINE_K}`, format: 'percent', of: onTarget('strided') },
    randomOnTarget: { label: `Random: kept tokens on the named emoji, k = ${HEADLINE_K}`, format: 'percent', of: onTarget('random') },
  },
  differences: {
    guidedVsRandom: { label: 'Guided − random, R@10', a: 'guidedR10', b: 'randomR10' },
    guidedVsStrided: { label: 'Guided − strided, R@10', a: 'guidedR10', b: 'stridedR10' },
    guidedVsSaliency: { label: 'Guided − saliency, R@10', a: 'guidedR10', b: 'saliencyR10' },
    guidedVsAll: { label: `Guided (k = ${HEADLINE_K}) − all 49 tokens, R@10`, a: 'guidedR10', b: 'allTokensR10' },
    guidedVsStridedOnTarget: { label: 'Guided − strided, kept tokens on the named emoji', a: 'guidedOnTarget', b: 'stridedOnTarget' },
  },
};

function present(result: Result, config: Config): ViewBlock[] {
  const rows: Cell[][] = [];
  result.methods.forEach((m, i) => {
    result.keeps.forEach((k, j) => {
      if (k !== 4 && k !== 12 && k !== 49) return;
      rows.push([
        m.label,
        num(k, 'int', `keeps.${j}`),
        num(m.recallAt1[j] as number, 'percent', `methods.${i}.recallAt1.${j}`),
        num(m.recallAt10[j] as number, 'percent', `methods.${i}.recallAt10.${j}`),
        num(m.medianRank[j] as number, 'sig3', `methods.${i}.medianRank.${j}`),
        num(m.targetFraction[j] as number, 'percent', `methods.${i}.targetFraction.${j}`),
      ]);
    });
  });
  rows.push(['All 49 tokens of the composite', '—', num(result.allTokens.recallAt1, 'percent', 'allTokens.recallAt1'), num(result.allTokens.recallAt10, 'percent', 'allTokens.recallAt10'), num(result.allTokens.medianRank, 'sig3', 'allTokens.medianRank'), '—']);
  rows.push(['Named emoji alone (no partner)', '—', num(result.targetAlone.recallAt1, 'percent', 'targetAlone.recallAt1'), num(result.targetAlone.recallAt10, 'percent', 'targetAlone.recallAt10'), num(result.targetAlone.medianRank, 'sig3', 'targetAlone.medianRank'), '—']);
  rows.push(['Chance', '—', num(result.chance.recallAt1, 'percent', 'chance.recallAt1'), num(result.chance.recallAt10, 'percent', 'chance.recallAt10'), num(result.chance.medianRank, 'sig3', 'chance.medianRank'), num(result.chance.targetFraction, 'percent', 'chance.targetFraction')]);
  const curve = (metric: 'recallAt10' | 'targetFraction') =>
    result.methods.map((m) => ({
      key: m.key,
      label: m.label,
      dashed: m.key !== 'guided',
      points: result.keeps.map((k, j) => [k / 49, m[metric][j] as number] as [number, number]),
    }));
  return [
    {
      kind: 'table',
      caption: `Held-out caption retrieval (${result.n} composites, ${result.n} candidate captions) from the pooled kept tokens`,
      columns: ['Selection', 'Tokens kept k', 'R@1', 'R@10', 'Median rank', 'Kept tokens on the named emoji'],
      rows,
    },
    {
      kind: 'figure',
      figure: 'line',
      caption: 'R@10 against the fraction of the 49 tokens kept; chance is 10/382',
      data: { series: curve('recallAt10') },
      opts: { id: 'select-r10', title: 'Caption retrieval R@10 by token budget', xLabel: 'fraction of tokens kept', yLabel: 'R@10', xFormat: { kind: 'percent', digits: 0 }, yFormat: { kind: 'percent', digits: 1 }, showPoints: true },
    },
    {
      kind: 'figure',
      figure: 'line',
      caption: `Share of kept tokens that lie on the named emoji; chance is ${config.targetColumns * 7}/49`,
      data: { series: curve('targetFraction') },
      opts: { id: 'select-precision', title: 'Kept tokens on the named emoji', xLabel: 'fraction of tokens kept', yLabel: 'share on target', xFormat: { kind: 'percent', digits: 0 }, yFormat: { kind: 'percent', digits: 0 }, showPoints: true },
    },
    // One figure per example: the query's scores on the 7×7 grid, then the top-k kept.
    ...result.examples.slice(0, SHOWN_EXAMPLES).map(
      (e, i): ViewBlock => ({
        kind: 'figure',
        figure: 'token-grid',
        caption:
          `Held-out composite ${i + 1}: “${e.label}” fills the ${config.targetColumns} ${e.targetSide}most columns, a partner from another category the rest. ` +
          `Left, each token’s score against the “${e.category}” query; right, the ${config.figureKeep} tokens the projector keeps.`,
        data: {
          grids: [
            { key: `ex-${e.index}-scores`, label: `query score (target ${e.targetSide})`, h: 7, w: 7, values: e.scores },
            { key: `ex-${e.index}-kept`, label: `kept: top ${e.kept.length}`, h: 7, w: 7, values: e.scores, kept: e.kept },
          ],
          steps: [`top ${e.kept.length} by score`],
        },
        opts: { id: `select-grid-${i + 1}`, title: `Tokens kept by the text query, example ${i + 1}`, showValues: false, format: { kind: 'fixed', digits: 2 } },
      }),
    ),
  ];
}

export const card: NotebookCard<Config, Result> = {
  id: 'align-token-selection',
  title: 'Does a text query pick the right visual tokens?',
  question:
    'LVP (an ICLR submission, OpenReview PxBzxO02Ef, identity unverified) keeps only the visual tokens most similar to the text. ' +
    'On held-out emoji composites (the named emoji beside a partner from another category, real MobileNetV2 grid tokens), ' +
    'a category query scores the 49 tokens and the top k are pooled to retrieve the emoji’s own caption among 382. ' +
    'How does retrieval fall as k shrinks, against random, strided (evenly spread, not aligned with the composite) and image-only (norm) selection at the same budget?',
  schema,
  defaults,
  resultSchema,
  present,
  seedSweep,
};
