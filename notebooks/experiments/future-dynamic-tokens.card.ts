/**
 * Card of the future-dynamic-tokens notebook (schema, defaults, result, presentation; no tfjs).
 *
 * A projector whose token budget depends on the input, the source article's first direction
 * ("dynamic projection"). Every deployed projector in the comparison article fixes its token count
 * per image or per tile; this one keeps, for each image, the fewest tokens that carry a share τ of
 * the image's saliency, so a sparse image (one small emoji on an empty background) costs fewer
 * tokens than a busy one.
 *
 * Task (emoji data, held-out split): each image is its 7×7 grid of MobileNetV2 tokens (PCA-20). The
 * projector's Linear W is fitted by ridge from an emoji's mean token to its centred USE caption, on a
 * seeded subsample of the train split (as in align-token-selection). A token's saliency is the norm
 * of its projection minus the projection of the train mean token, ‖(x_t − x̄)·W‖: how far the token
 * moves the output from "an average emoji". Selection rules, each followed by the mean of the kept
 * projected tokens, which must retrieve the image's own caption among the 382 held-out captions:
 *   - dynamic: per image, the most salient tokens until their saliency sum reaches τ of the image's total;
 *   - fixed: the k most salient tokens for every image, k = the dynamic rule's mean budget (rounded);
 *   - random: k tokens at random (seeded), the same k.
 * Reference: all 49 tokens. Sweep: τ over THRESHOLDS; the seed sweep compares dynamic and fixed at
 * SWEEP_TAU (same mean budget), over five seeds (train subsample and random draws change).
 *
 * Shapes: grid [n, 49, 20]; W [20, 512]; pooled kept tokens [n, 20]; similarities [n, n].
 * Departures: saliency from the projector's own output norm, not from a learned router or the text
 * (LVP selects by similarity to the text; this rule never reads it); a closed-form ridge map instead
 * of training through an LLM; retrieval instead of VQA.
 */
import { z } from 'zod';
import { finite, intField, seedField } from '../toolkit/cards';
import { seedSweepSchema, type SeedSweepSpec } from '../toolkit/seed-sweep';
import type { NotebookCard } from '../types';
import { num, type Cell, type ViewBlock } from '../view';

/** Saliency shares τ on the x axis of the sweep. */
export const THRESHOLDS = [0.2, 0.35, 0.5, 0.65, 0.8, 0.9] as const;
/** The τ the seed sweep compares at. */
export const SWEEP_TAU = 0.5;
export const TOKENS = 49;

export const schema = z
  .object({
    seed: seedField('train subsample and the random control'),
    ridgeLambda: z.number().min(0.01).max(1000).describe('Ridge strength λ of the token → caption map'),
    subsample: z.number().min(0.2).max(1).describe('Fraction of the train split the map is fitted on'),
  })
  .strict();

export type Config = z.infer<typeof schema>;

/** Closed form on 20-d tokens: well under a second in Node. */
export const defaults: Config = { seed: 7, ridgeLambda: 1, subsample: 0.8 };

const methodSchema = z.object({ recallAt1: finite, recallAt10: finite }).strict();
const rowSchema = z
  .object({
    tau: finite,
    /** Tokens the dynamic rule keeps: mean over images, minimum and maximum. */
    meanTokens: finite,
    minTokens: z.number().int(),
    maxTokens: z.number().int(),
    /** The fixed budget k = round(meanTokens). */
    fixedK: z.number().int().positive(),
    dynamic: methodSchema,
    fixed: methodSchema,
    random: methodSchema,
  })
  .strict();

export const resultSchema = z
  .object({
    n: z.number().int().positive(),
    rows: z.array(rowSchema).length(THRESHOLDS.length),
    allTokens: methodSchema,
    chanceRecallAt10: finite,
    /** Tokens kept per image at SWEEP_TAU, counted per budget 1…49 (index = tokens − 1). */
    histogram: z.array(z.number().int().nonnegative()).length(TOKENS),
    seedSweep: seedSweepSchema.optional(),
  })
  .strict();

export type Result = z.infer<typeof resultSchema>;

const at = (r: Result, tau: number) => {
  const row = r.rows.find((x) => x.tau === tau);
  if (!row) throw new Error(`future-dynamic-tokens: no row for τ = ${tau}`);
  return row;
};

const seedSweep: SeedSweepSpec<Config, Result> = {
  seeds: [7, 8, 9, 10, 11],
  measures: {
    meanTokens: { label: `Mean tokens kept at τ = ${SWEEP_TAU}`, format: 'sig3', of: (r) => at(r.main as Result, SWEEP_TAU).meanTokens },
    dynamicR10: { label: `Dynamic R@10 at τ = ${SWEEP_TAU}`, format: 'percent', of: (r) => at(r.main as Result, SWEEP_TAU).dynamic.recallAt10 },
    fixedR10: { label: 'Fixed top-k R@10, same mean budget', format: 'percent', of: (r) => at(r.main as Result, SWEEP_TAU).fixed.recallAt10 },
    randomR10: { label: 'Random k R@10, same budget', format: 'percent', of: (r) => at(r.main as Result, SWEEP_TAU).random.recallAt10 },
    allR10: { label: 'All 49 tokens R@10', format: 'percent', of: (r) => (r.main as Result).allTokens.recallAt10 },
  },
  differences: {
    dynamicMinusFixed: { label: 'Dynamic − fixed R@10 (same mean budget)', a: 'dynamicR10', b: 'fixedR10' },
    fixedMinusRandom: { label: 'Fixed top-k − random R@10', a: 'fixedR10', b: 'randomR10' },
    allMinusDynamic: { label: 'All tokens − dynamic R@10', a: 'allR10', b: 'dynamicR10' },
  },
};

function present(result: Result): ViewBlock[] {
  const rows: Cell[][] = result.rows.map((r, i) => [
    num(r.tau, { kind: 'fixed', digits: 2 }, `rows.${i}.tau`),
    num(r.meanTokens, 'sig3', `rows.${i}.meanTokens`),
    `${r.minTokens}–${r.maxTokens}`,
    num(r.dynamic.recallAt10, 'percent', `rows.${i}.dynamic.recallAt10`),
    num(r.fixed.recallAt10, 'percent', `rows.${i}.fixed.recallAt10`),
    num(r.random.recallAt10, 'percent', `rows.${i}.random.recallAt10`),
  ]);
  rows.push(['all tokens', String(TOKENS), '—', num(result.allTokens.recallAt10, 'percent', 'allTokens.recallAt10'), '—', '—']);
  const series = (key: 'dynamic' | 'fixed' | 'random', label: string) => ({
    key,
    label,
    points: result.rows.map((r) => [r.meanTokens, r[key].recallAt10] as [number, number]),
  });
  return [
    {
      kind: 'table',
      caption: 'Saliency share τ against the tokens the dynamic rule keeps (mean and range over images) and held-out R@10 of each rule at that mean budget',
      columns: ['τ', 'Mean tokens', 'Range', 'Dynamic R@10', 'Fixed top-k R@10', 'Random R@10'],
      rows,
    },
    {
      kind: 'figure',
      figure: 'line',
      caption: 'Held-out R@10 against the mean number of tokens kept: a per-image budget, a fixed top-k budget and random tokens',
      data: { series: [series('dynamic', 'dynamic budget'), series('fixed', 'fixed top-k'), series('random', 'random k')] },
      opts: { id: 'dynamic-r10', title: 'R@10 against tokens kept', xLabel: 'mean tokens kept of 49', yLabel: 'R@10', xFormat: { kind: 'fixed', digits: 0 }, yFormat: { kind: 'percent', digits: 0 }, showPoints: true },
    },
    {
      kind: 'figure',
      figure: 'bar',
      caption: `How many tokens each held-out image costs at τ = ${SWEEP_TAU}`,
      data: { rows: result.histogram.map((count, i) => ({ key: `t${i + 1}`, label: String(i + 1), value: count })).filter((r) => r.value > 0) },
      opts: { id: 'dynamic-histogram', title: `Tokens per image at τ = ${SWEEP_TAU}`, format: { kind: 'int' }, xLabel: 'images' },
    },
  ];
}

export const card: NotebookCard<Config, Result> = {
  id: 'future-dynamic-tokens',
  title: 'A projector whose token budget follows the image',
  question:
    'Every projector in the comparison article hands the LLM the same number of tokens for every image (or tile). ' +
    'If a projector instead keeps, per image, only the tokens that carry most of its saliency, how many tokens does it spend across real images, ' +
    'and does it retrieve captions better than a fixed budget of the same average size?',
  schema,
  defaults,
  resultSchema,
  present,
  seedSweep,
};
