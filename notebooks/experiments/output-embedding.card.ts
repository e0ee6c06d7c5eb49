/**
 * Card of the output-embedding notebook (schema, defaults, result, presentation; no tfjs).
 *
 * The continuous-embedding route of the output side (GILL's GILLMapper, NExT-GPT's output
 * Transformer; facts.md "GILL", "NExT-GPT"): the LLM's hidden states at a few signal tokens
 * ([IMG] tokens) go through a small encoder–decoder Transformer whose decoder reads Q learned
 * queries, and come out as a Q × Do sequence in the conditioning space of a generator's text
 * encoder (Stable Diffusion v1.5: 77 × 768). It is trained by minimising the L2 distance to what the
 * generator's own text encoder makes of the caption (koh2023generating; wu2024nextgpt).
 *
 * Stand-ins on real data (public/data/emoji, 1,911 captions, fixed 1,529 / 382 split):
 * - the LLM's signal-token states: the caption's 512-d Universal Sentence Encoder embedding, projected
 *   by a seeded Gaussian matrix to Nsig · Dm and cut into Nsig tokens of width Dm, divided by the
 *   train RMS entry (a sentence encoder's summary of the caption, where GILL has OPT-6.7B's states);
 * - the generator's text-encoder output: the caption's first Q SentencePiece tokens, each the USE-lite
 *   token-embedding row (256-d) projected by a seeded Gaussian matrix to Do, the positions after the
 *   caption's end zero (CLIP pads its 77 positions too), divided by the train RMS entry. Unlike CLIP's
 *   last hidden state these rows are not contextual: each position holds its own token only.
 * The mapper is the library's output-transformer (src/projectors/output-transformer.ts) at a small
 * width, trained with Adam on the mean squared error over seeded minibatches.
 *
 * Measures on the held-out captions: the mean squared error, and the same as a share of the error of
 * predicting the train mean at every position (1 − share = the variance the mapper explains), per
 * position too; and retrieval in the target space: each prediction (flattened Q · Do) ranks the 382
 * held-out targets by cosine after the train mean target is subtracted from both (the shared part
 * would otherwise make a few targets nearest to everything), R@k and the median rank of its own caption (chance: k/382, 191.5).
 * The full-size shapes and parameter counts come from the library's outputShape and paramCount for
 * the GILL preset (gill-mapper), not from this small model.
 */
import { z } from 'zod';
import { formatInt, formatShape } from '../../src/primitives/format';
import { finite, intField, learningRateField, points, retrievalCells, seedField } from '../toolkit/cards';
import { chanceRetrieval, retrievalSchema, sampledSteps } from '../toolkit/retrieval';
import { seedSweepSchema, type SeedSweepSpec } from '../toolkit/seed-sweep';
import type { NotebookCard } from '../types';
import { num, type Cell, type ViewBlock } from '../view';

/** Width of a USE-lite token-embedding row (the target before its projection). */
export const TOKEN_ROW_DIM = 256;

export const schema = z
  .object({
    seed: seedField('projections, initialisation and minibatches'),
    signalTokens: intField(1, 16).describe('Signal tokens Nsig ([IMG] tokens: GILL 8, NExT-GPT image 4)'),
    llmDim: intField(4, 512).describe('Width Dm of the stand-in LLM states'),
    queries: intField(1, 77).describe('Learned queries Q = target length (Stable Diffusion v1.5: 77)'),
    outputDim: intField(4, 768).describe('Target width Do (Stable Diffusion v1.5: 768)'),
    hiddenDim: intField(4, 512).describe('Mapper width W (GILL: 512)'),
    numHeads: intField(1, 16).describe('Attention heads H (GILL: 4; must divide W)'),
    depth: intField(1, 4).describe('Encoder layers = decoder layers (GILL: 4 + 4)'),
    steps: intField(1, 3000).describe('Adam steps'),
    batchSize: intField(8, 1529).describe('Minibatch size (captions per step)'),
    learningRate: learningRateField(),
  })
  .strict();

export type Config = z.infer<typeof schema>;

/**
 * Sized for the browser budget; the full GILL / NExT-GPT image head (Q = 77, Do = 768, W = 512,
 * 4 + 4 layers) is in the result as the library computes it.
 */
export const defaults: Config = {
  seed: 7,
  signalTokens: 4, // NExT-GPT's 4 image signal tokens
  llmDim: 64,
  queries: 8, // half the captions have at most 16 tokens; the first 8 carry the label and first tags
  outputDim: 32,
  hiddenDim: 32,
  numHeads: 4, // as GILL
  depth: 1,
  steps: 80, // ≈ 3.3 epochs of the 1,529 train captions
  batchSize: 64,
  learningRate: 0.01,
};

/** Sampled steps of the loss curve: about 5, since each costs a forward pass over all 382 held-out captions (browser budget). */
export const curveSteps = (steps: number): number[] => sampledSteps(steps, 5);

const shape = z.array(z.number().int().nonnegative());

const exampleSchema = z
  .object({
    /** Emoji index of the held-out caption. */
    emoji: z.number().int().nonnegative(),
    label: z.string(),
    /** The held-out target nearest (cosine) to this caption's prediction. */
    nearestEmoji: z.number().int().nonnegative(),
    nearestLabel: z.string(),
    /** Rank of the caption's own target among the 382 (1 = retrieved). */
    rank: z.number().int().positive(),
  })
  .strict();

export const resultSchema = z
  .object({
    trainPairs: z.number().int().positive(),
    testPairs: z.number().int().positive(),
    /** Shapes and parameters of the small mapper trained here (library outputShape / paramCount). */
    model: z.object({ inputShape: shape, outputShape: shape, params: z.number().int().positive() }).strict(),
    /** The same for the real GILLMapper preset (77 × 768 conditioning). */
    fullScale: z.object({ preset: z.string(), inputShape: shape, outputShape: shape, params: z.number().int().positive() }).strict(),
    /** Share of the held-out target positions that hold a caption token (the rest are zero padding). */
    tokenFill: z.number().min(0).max(1),
    curve: z.object({ step: z.array(z.number().int()), train: z.array(finite), test: z.array(finite) }).strict(),
    testMse: finite,
    /** Held-out MSE of predicting the train mean target at every position. */
    meanBaselineMse: finite,
    /** testMse / meanBaselineMse. */
    relativeError: finite,
    /** Held-out MSE per query position, mapper and mean baseline. */
    perPosition: z.object({ mapper: z.array(finite), baseline: z.array(finite) }).strict(),
    retrieval: retrievalSchema,
    chance: retrievalSchema,
    examples: z.array(exampleSchema),
    seedSweep: seedSweepSchema.optional(),
  })
  .strict();
export type Result = z.infer<typeof resultSchema>;

const seedSweep: SeedSweepSpec<Config, Result> = {
  seeds: [7, 8, 9, 10, 11],
  measures: {
    relativeError: { label: 'Held-out MSE / mean-baseline MSE', format: 'fixed4', of: (r) => (r.main as Result).relativeError },
    recallAt1: { label: 'Held-out R@1 in the target space', format: 'percent', of: (r) => (r.main as Result).retrieval.recallAt1 },
    recallAt10: { label: 'Held-out R@10 in the target space', format: 'percent', of: (r) => (r.main as Result).retrieval.recallAt10 },
    medianRank: { label: 'Held-out median rank', format: 'sig4', of: (r) => (r.main as Result).retrieval.medianRank },
    chanceR10: { label: 'Chance R@10', format: 'percent', of: (r) => (r.main as Result).chance.recallAt10 },
  },
  differences: {
    r10OverChance: { label: 'R@10 − chance', a: 'recallAt10', b: 'chanceR10' },
  },
};

const fmtShape = (s: readonly number[]): string => formatShape(s);

function present(result: Result, config: Config): ViewBlock[] {
  const sizeRows: Cell[][] = [
    [`This notebook’s mapper (W = ${formatInt(config.hiddenDim)}, ${formatInt(config.depth)} + ${formatInt(config.depth)} layers)`, fmtShape(result.model.inputShape), fmtShape(result.model.outputShape), num(result.model.params, 'int', 'model.params')],
    [`GILLMapper preset (${result.fullScale.preset}), 4 + 4 layers, W = 512`, fmtShape(result.fullScale.inputShape), fmtShape(result.fullScale.outputShape), num(result.fullScale.params, 'int', 'fullScale.params')],
  ];
  const positions = result.perPosition.mapper.map((_, q) => q + 1);
  return [
    {
      kind: 'table',
      caption: 'Shapes and parameters from the library (outputShape, paramCount): the mapper trained here and the real one',
      columns: ['Output projector', 'Signal-token states in', 'Conditioning out', 'Parameters'],
      rows: sizeRows,
    },
    {
      kind: 'table',
      caption: `Held-out error and retrieval among ${formatInt(result.testPairs)} targets after ${formatInt(config.steps)} Adam steps`,
      columns: ['', 'MSE', 'MSE / mean baseline', 'R@1', 'R@5', 'R@10', 'Median rank'],
      rows: [
        ['Output Transformer with learned queries', num(result.testMse, 'sig4', 'testMse'), num(result.relativeError, 'fixed4', 'relativeError'), ...retrievalCells(result.retrieval, 'retrieval', ['recallAt1', 'recallAt5', 'recallAt10', 'medianRank'])],
        ['Mean target (train mean at every position)', num(result.meanBaselineMse, 'sig4', 'meanBaselineMse'), '—', '—', '—', '—', '—'],
        [`Chance (${formatInt(result.testPairs)} candidates)`, '—', '—', ...retrievalCells(result.chance, 'chance', ['recallAt1', 'recallAt5', 'recallAt10', 'medianRank'])],
      ],
    },
    {
      kind: 'table',
      caption: 'Nearest neighbours in the target space: for a few held-out captions, the held-out target closest to the prediction, and the rank of the caption’s own target',
      columns: ['Held-out caption (label)', 'Nearest target (label)', 'Rank of own target'],
      rows: result.examples.map((e, i) => [e.label, e.nearestLabel, num(e.rank, 'int', `examples.${i}.rank`)]),
    },
    {
      kind: 'figure',
      figure: 'line',
      caption: 'Held-out MSE per query position: the mapper against the train-mean baseline (the first positions hold the label’s tokens)',
      data: {
        series: [
          { key: 'mapper', label: 'Output Transformer', points: points(positions, result.perPosition.mapper) },
          { key: 'baseline', label: 'Mean target', dashed: true, points: points(positions, result.perPosition.baseline) },
        ],
      },
      opts: { id: 'output-embedding-positions', title: 'Error per conditioning position', xLabel: 'query position q', yLabel: 'MSE', yFormat: { kind: 'sig', digits: 3 }, showPoints: true },
    },
    {
      kind: 'figure',
      figure: 'line',
      caption: 'MSE per Adam step: solid on the step’s minibatch (before its update), dashed on the held-out captions',
      data: {
        series: [
          { key: 'train', label: 'train minibatch', points: points(result.curve.step, result.curve.train) },
          { key: 'test', label: 'held-out', dashed: true, points: points(result.curve.step, result.curve.test) },
        ],
      },
      opts: { id: 'output-embedding-loss', title: 'Training and held-out MSE', xLabel: 'Adam step', yLabel: 'MSE', yFormat: { kind: 'sig', digits: 3 } },
    },
  ];
}

export const card: NotebookCard<Config, Result> = {
  id: 'output-embedding',
  title: 'Continuous output: learned queries map signal-token states to a generator’s conditioning sequence',
  question:
    'GILL and NExT-GPT hand images to Stable Diffusion as a 77 × 768 sequence made by a small Transformer whose decoder reads 77 learned queries over the LLM’s signal-token states, trained to match the generator’s own text encoder. ' +
    'Scaled down and trained on 1,529 real emoji captions (sentence-embedding states in, per-token caption targets out): how much of the target does it recover on held-out captions, and does its output retrieve the right caption in the target space?',
  schema,
  defaults,
  resultSchema,
  present,
  seedSweep,
};

export { chanceRetrieval };
