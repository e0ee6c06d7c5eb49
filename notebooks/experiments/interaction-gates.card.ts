/**
 * Card of the interaction-gates notebook (schema, defaults, result, presentation; no tfjs).
 *
 * Flamingo's way in (alayrac2022flamingo §2.2; awadalla2023openflamingo): the image does not enter
 * the language model's sequence. Instead, GATED XATTN-DENSE blocks are inserted between the frozen
 * LM layers, a block before layer i when (i + 1) % everyN = 0 (open_flamingo flamingo_lm.py), and
 * each adds its output to the residual stream through a tanh gate whose scalar starts at 0:
 *   y ← y + tanh(α_attn) · xattn(LN(y), image),   y ← y + tanh(α_ff) · ffw(y).
 * At initialisation every gate is tanh(0) = 0, so the stack computes exactly what the frozen LM
 * computes; the run measures that difference (it must be 0, not merely small) before training.
 *
 * The toy model: a frozen "LM" of `lmLayers` pre-LN residual MLP layers of width Dm (seeded random
 * weights, never trained) reads `textTokens` fixed prompt embeddings (seeded, frozen, the same for
 * every image). Its answer is the last token's final state, scored by cosine against the caption
 * embedding of the image (USE-lite, randomly projected to Dm, unit rows). The frozen LM alone gives
 * the same answer for every image, so only the gated blocks, which read the image's 7 × 7
 * MobileNetV2 grid ([49, 20], src/data/emoji.ts), can lower the loss; only they are trained (Adam).
 *
 * Departures from Flamingo: the frozen layers are residual MLPs without self-attention (a stand-in
 * for a pre-trained decoder; the point is what is frozen and where the blocks sit); the image
 * tokens go to the blocks directly, without a Perceiver Resampler; one image per example; a cosine
 * loss against a caption embedding instead of next-token prediction.
 */
import { z } from 'zod';
import { finite, intField, learningRateField, seedField } from '../toolkit/cards';
import { chanceRetrieval, retrievalSchema, sampledSteps } from '../toolkit/retrieval';
import { seedSweepSchema, type SeedSweepSpec } from '../toolkit/seed-sweep';
import type { NotebookCard } from '../types';
import { num, type Cell, type ViewBlock } from '../view';

export const schema = z
  .object({
    seed: seedField('frozen LM, prompt, block initialisation, minibatches and the caption projection'),
    steps: intField(1, 2000).describe('Adam steps (only the gated blocks train)'),
    batchSize: intField(4, 512).describe('Minibatch size (images per step)'),
    learningRate: learningRateField(),
    lmLayers: intField(1, 8).describe('Frozen LM layers L'),
    everyN: intField(1, 8).describe('A gated block before LM layer i when (i + 1) is a multiple of this'),
    lmDim: intField(8, 128).describe('LM width Dm'),
    textTokens: intField(1, 16).describe('Prompt tokens Nt'),
  })
  .strict();

export type Config = z.infer<typeof schema>;

/**
 * Sized for the browser budget: two blocks among four frozen layers (OpenFlamingo-9B's every-4th
 * rule would leave one block in four layers), Dm = 32 and 60 steps of 16 images (the cost grows with the batch: the blocks
 * read all 49 tokens of every image).
 */
export const defaults: Config = {
  seed: 7,
  steps: 60,
  batchSize: 16, // 60 steps see 960 images, most of the train split once
  learningRate: 0.025,
  lmLayers: 4, // L frozen layers
  everyN: 2, // blocks before layers 1 and 3
  lmDim: 32, // Dm
  textTokens: 4, // Nt
};

/** The block's attention heads and width per head (fixed; the inner width H·Dh equals Dm by default). */
export const BLOCK_HEADS = 2;
export const BLOCK_HEAD_DIM = 16;
export const BLOCK_FFN_MULT = 4;

/** Steps at which the gates and the curve are read: step 0 (the untrained stack), then about 12 points. */
export const gateSteps = (steps: number): number[] => [0, ...sampledSteps(steps, 12)];

/** The held-out loss curve is read on the first this many held-out images (the final numbers use all of them). */
export const CURVE_TEST_IMAGES = 128;

const gateSeriesSchema = z
  .object({
    /** The LM layer the block sits before. */
    layer: z.number().int().nonnegative(),
    /** tanh(α) of the attention gate and of the dense gate at each sampled step. */
    attn: z.array(finite),
    ff: z.array(finite),
  })
  .strict();

export const resultSchema = z
  .object({
    trainImages: z.number().int().positive(),
    testImages: z.number().int().positive(),
    /** Visual tokens per image and their width (the 7 × 7 grid). */
    visionTokens: z.number().int().positive(),
    visionDim: z.number().int().positive(),
    /** LM layers a block sits before (crossAttnEveryNLayers). */
    blockLayers: z.array(z.number().int().nonnegative()).min(1),
    /**
     * The gate-0 identity on the held-out images: the largest |difference| between the untrained
     * stack's output and the frozen LM's, over the whole output and after each block. Exactly 0.
     */
    identity: z.object({ maxAbsDiff: z.number().min(0), perBlock: z.array(z.number().min(0)), values: z.number().int().positive() }).strict(),
    params: z.object({ block: z.number().int().positive(), blocks: z.number().int().positive(), frozenLm: z.number().int().positive() }).strict(),
    /**
     * Loss (1 − cos) at the sampled steps: `train` on that step's minibatch before its update (step 0:
     * the first minibatch, untrained), `test` on the first CURVE_TEST_IMAGES held-out images.
     */
    curve: z.object({ step: z.array(z.number().int().nonnegative()), train: z.array(finite), test: z.array(finite) }).strict(),
    gates: z.array(gateSeriesSchema),
    lmAlone: z.object({ testLoss: finite, retrieval: retrievalSchema }).strict(),
    trained: z.object({ testLoss: finite, retrieval: retrievalSchema }).strict(),
    chance: retrievalSchema,
    /** The headline numbers over the seed sweep's seeds (committed by the CLI only). */
    seedSweep: seedSweepSchema.optional(),
  })
  .strict();

export type Result = z.infer<typeof resultSchema>;

function present(result: Result, config: Config): ViewBlock[] {
  const steps = result.curve.step;
  const retrievalRow = (label: string, key: 'lmAlone' | 'trained', loss: number): Cell[] => [
    label,
    num(loss, 'fixed4', `${key}.testLoss`),
    num(result[key].retrieval.recallAt1, 'percent', `${key}.retrieval.recallAt1`),
    num(result[key].retrieval.recallAt10, 'percent', `${key}.retrieval.recallAt10`),
    num(result[key].retrieval.medianRank, 'sig4', `${key}.retrieval.medianRank`),
  ];
  return [
    {
      kind: 'table',
      caption: `The gate-0 identity: the untrained stack against the frozen LM on ${result.testImages} held-out images`,
      columns: ['Where', 'Largest |difference|', 'Values compared'],
      rows: [
        ['Final output', num(result.identity.maxAbsDiff, 'sig3', 'identity.maxAbsDiff'), num(result.identity.values, 'int', 'identity.values')],
        ...result.identity.perBlock.map((d, i): Cell[] => [`After the block before layer ${result.blockLayers[i]}`, num(d, 'sig3', `identity.perBlock.${i}`), num(result.identity.values, 'int', 'identity.values')]),
      ],
    },
    {
      kind: 'figure',
      figure: 'line',
      caption: 'tanh(α) of both gates of each block over the Adam steps (solid: attention gate; dashed: dense gate)',
      data: {
        series: result.gates.flatMap((g, i) => [
          { key: `attn-${i}`, label: `Attention gate, block before layer ${g.layer}`, points: steps.map((s, j) => [s, g.attn[j] as number]) },
          { key: `ff-${i}`, label: `Dense gate, block before layer ${g.layer}`, dashed: true, points: steps.map((s, j) => [s, g.ff[j] as number]) },
        ]),
      },
      opts: { id: 'gates-open', title: 'The tanh gates open during training', xLabel: 'Adam step', yLabel: 'tanh(α)', yFormat: { kind: 'fixed', digits: 2 } },
    },
    {
      kind: 'table',
      caption: `Held-out image → caption retrieval among ${result.testImages} captions, before and after ${config.steps} steps`,
      columns: ['Model', 'Test loss (1 − cos)', 'R@1', 'R@10', 'Median rank'],
      rows: [
        retrievalRow('Frozen LM alone (step 0)', 'lmAlone', result.lmAlone.testLoss),
        retrievalRow('With the trained gated blocks', 'trained', result.trained.testLoss),
        [`Chance (${result.testImages} candidates)`, '—', num(result.chance.recallAt1, 'percent', 'chance.recallAt1'), num(result.chance.recallAt10, 'percent', 'chance.recallAt10'), num(result.chance.medianRank, 'sig4', 'chance.medianRank')],
      ],
    },
    {
      kind: 'figure',
      figure: 'line',
      caption: `Loss (1 − cos) per Adam step: solid on the step’s minibatch, dashed on the first ${CURVE_TEST_IMAGES} held-out images; step 0 is the frozen LM alone`,
      data: {
        series: [
          { key: 'train', label: 'Train minibatch', points: steps.map((s, j) => [s, result.curve.train[j] as number]) },
          { key: 'test', label: 'Held-out subset', dashed: true, points: steps.map((s, j) => [s, result.curve.test[j] as number]) },
        ],
      },
      opts: { id: 'gates-loss', title: 'Training and held-out loss', xLabel: 'Adam step', yLabel: '1 − cos', yFormat: { kind: 'sig', digits: 3 } },
    },
    {
      kind: 'table',
      caption: 'Parameters (the library’s paramCount): only the gated blocks train',
      columns: ['Part', 'Parameters', 'Trained'],
      rows: [
        ['One gated block', num(result.params.block, 'int', 'params.block'), 'yes'],
        [`All ${result.blockLayers.length} gated blocks`, num(result.params.blocks, 'int', 'params.blocks'), 'yes'],
        ['Frozen LM layers', num(result.params.frozenLm, 'int', 'params.frozenLm'), 'no'],
      ],
    },
  ];
}

export { chanceRetrieval };

const main = (runs: Record<string, Result>): Result => runs.main as Result;
const lastOf = (xs: readonly number[]): number => xs[xs.length - 1] as number;

/**
 * Over five seeds (frozen LM, prompt, block initialisation, minibatches and the caption projection
 * all change): the identity at step 0, how far each gate ends from 0, and what the trained blocks
 * add to the frozen LM's held-out loss and retrieval.
 */
const seedSweep: SeedSweepSpec<Config, Result> = {
  seeds: [7, 8, 9, 10, 11],
  measures: {
    identity: { label: 'Gate-0 identity, largest |difference|', format: 'sig3', of: (r) => main(r).identity.maxAbsDiff },
    attnGate0: { label: 'First block, |tanh(α_attn)| at the end', format: 'fixed4', of: (r) => Math.abs(lastOf(main(r).gates[0]?.attn ?? [0])) },
    ffGate0: { label: 'First block, |tanh(α_ff)| at the end', format: 'fixed4', of: (r) => Math.abs(lastOf(main(r).gates[0]?.ff ?? [0])) },
    attnGateLast: { label: 'Last block, |tanh(α_attn)| at the end', format: 'fixed4', of: (r) => Math.abs(lastOf(main(r).gates.at(-1)?.attn ?? [0])) },
    ffGateLast: { label: 'Last block, |tanh(α_ff)| at the end', format: 'fixed4', of: (r) => Math.abs(lastOf(main(r).gates.at(-1)?.ff ?? [0])) },
    lmLoss: { label: 'Frozen LM alone, held-out loss', format: 'fixed4', of: (r) => main(r).lmAlone.testLoss },
    trainedLoss: { label: 'With the gated blocks, held-out loss', format: 'fixed4', of: (r) => main(r).trained.testLoss },
    lmR10: { label: 'Frozen LM alone, R@10', format: 'percent', of: (r) => main(r).lmAlone.retrieval.recallAt10 },
    trainedR10: { label: 'With the gated blocks, R@10', format: 'percent', of: (r) => main(r).trained.retrieval.recallAt10 },
  },
  differences: {
    lossGain: { label: 'Frozen LM − gated, held-out loss', a: 'lmLoss', b: 'trainedLoss' },
    r10Gain: { label: 'Gated − frozen LM, R@10', a: 'trainedR10', b: 'lmR10' },
  },
};

/** The one cross-field rule (the form validates fields one by one): at least one block must be inserted. */
export function configProblem(c: Config): { field: string; message: string } | undefined {
  return c.everyN > c.lmLayers ? { field: 'everyN', message: `must be at most lmLayers (${c.lmLayers}), or no gated block is inserted` } : undefined;
}

export const card: NotebookCard<Config, Result> = {
  id: 'interaction-gates',
  title: 'Gated cross-attention: does the frozen LM pass through unchanged, and do the gates open?',
  question:
    'Flamingo inserts gated cross-attention blocks between the frozen layers of a language model, each adding tanh(α) times its output to the residual stream with α starting at 0 (Alayrac et al., 2022). ' +
    'With the blocks between frozen layers reading the 7 × 7 MobileNetV2 grid of real emoji images, is the untrained model exactly the frozen LM, ' +
    'and when only the blocks are trained to match each image’s caption, how far do the two gates of each block open and what does the image add over the LM alone?',
  schema,
  defaults,
  resultSchema,
  present,
  seedSweep,
};
