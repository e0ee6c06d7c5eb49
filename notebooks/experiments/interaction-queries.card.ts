/**
 * Card of the interaction-queries notebook (schema, defaults, result, presentation; no tfjs).
 *
 * Learned queries: a fixed set of Q query vectors reads however many image tokens there are and
 * hands the language model Q tokens. Two designs from the projector registry, trained side by side
 * on the same task and data:
 * - BLIP-2's Q-Former (li2023blip2 §3.1; salesforce/LAVIS Qformer.py): post-LN BERT layers over the
 *   queries, with cross-attention to the image tokens in every `crossAttentionFreq`-th layer, then a
 *   Linear into the LM width. BLIP-2 initialises it from BERT-base and pre-trains it with three
 *   losses (stage 1); here it starts from the library's initialisation and trains on this task only.
 * - Flamingo's Perceiver Resampler (alayrac2022flamingo §2.1, Figure 5; open_flamingo helpers.py):
 *   latents attend to the concatenation of the media tokens and themselves (keys = media ++ latents),
 *   at the vision width, with a final LayerNorm; a Linear(Dv, Dm) readout (trained) brings its Q
 *   tokens to the LM width, since the resampler itself keeps the vision width.
 *
 * Task and data: the 7 × 7 MobileNetV2 grid of each emoji ([49, 20], src/data/emoji.ts) in, the
 * mean of the Q output tokens scored by cosine against the caption embedding (USE-lite, randomly
 * projected to Dm, unit rows). Both train with Adam on the same seeded minibatches.
 *
 * What it shows: (1) for one held-out image whose picture is committed (the data set's PNG), each
 * query's attention over the 49 tokens, averaged over heads: the Q-Former's first cross-attention
 * layer (its weights over the grid sum to 1) and the resampler's last layer (the weights over the
 * grid plus those on the latents sum to 1); (2) that the output length does not depend on the input
 * length: the same trained modules read the 7 × 7 grid upsampled to 14 × 14 (each token repeated
 * over a 2 × 2 block: 196 tokens, the same picture) and still return Q tokens; the library's
 * outputShape says the same for both lengths, while the cross-attention FLOPs grow with the tokens.
 */
import { z } from 'zod';
import { finite, intField, learningRateField, seedField } from '../toolkit/cards';
import { chanceRetrieval, retrievalSchema, sampledSteps } from '../toolkit/retrieval';
import { seedSweepSchema, type SeedSweepSpec } from '../toolkit/seed-sweep';
import type { NotebookCard } from '../types';
import { num, type Cell, type ViewBlock } from '../view';

export const schema = z
  .object({
    seed: seedField('initialisation, minibatches and the caption projection'),
    steps: intField(1, 2000).describe('Adam steps per module'),
    batchSize: intField(4, 512).describe('Minibatch size (images per step)'),
    learningRate: learningRateField(),
    numQueries: intField(1, 32).describe('Learned queries Q (output tokens)'),
    lmDim: intField(8, 128).describe('LM width Dm (caption target width)'),
    picture: intField(0, 63).describe('Which held-out image with a committed picture to draw (0 = the first, in data-set order)'),
  })
  .strict();

export type Config = z.infer<typeof schema>;

/** Sized for the browser budget: two small modules, 30 steps each of 16 images. */
export const defaults: Config = {
  seed: 7,
  steps: 30,
  batchSize: 16, // the cost grows with the batch: every image's 49 tokens are keys
  learningRate: 0.01, // the training loss levels off within these 30 steps
  numQueries: 8, // Q, as the library's defaults (BLIP-2 uses 32, Flamingo 64)
  lmDim: 32, // Dm
  picture: 5, // the owl
};

/** The two modules' fixed sizes (the Q-Former: width 32, two post-LN layers with cross-attention in the first, BLIP-2's every-other rule). */
export const QFORMER_SIZE = { hiddenDim: 32, depth: 2, numHeads: 2, ffnDim: 128, crossAttentionFreq: 2 } as const;
export const RESAMPLER_SIZE = { depth: 2, numHeads: 2, headDim: 16, ffnMult: 4 } as const;

/** Sampled steps of the loss curves. */
export const curveSteps = (steps: number): number[] => sampledSteps(steps, 12);

const shapeSchema = z.array(z.number().int().positive());

const moduleSchema = z
  .object({
    kind: z.enum(['qformer', 'perceiver-resampler']),
    label: z.string(),
    /** Trained parameters (the module, plus the resampler's readout). */
    params: z.number().int().positive(),
    curve: z.object({ step: z.array(z.number().int()), train: z.array(finite) }).strict(),
    testLoss: finite,
    retrieval: retrievalSchema,
    /** Each query's attention over the grid, averaged over heads: [Q][Nv], and what it gives the latents (resampler). */
    attention: z.object({ layer: z.number().int().nonnegative(), grid: z.array(z.array(finite)), latents: z.array(finite).optional() }).strict(),
    /**
     * Output length against input length: the library's outputShape and the shape the module's own
     * apply() returned (the resampler's before its readout, at the vision width),
     * for the 7 × 7 grid and the same grid upsampled to 14 × 14; FLOPs from the library at both lengths.
     */
    lengths: z
      .object({
        inTokens: z.array(z.number().int().positive()).length(2),
        outputShape: z.array(shapeSchema).length(2),
        applied: z.array(shapeSchema).length(2),
        flops: z.array(z.number().positive()).length(2),
        /** Largest |difference| between the outputs for the two inputs. */
        maxAbsDiff: z.number().min(0),
      })
      .strict(),
  })
  .strict();
export type ModuleResult = z.infer<typeof moduleSchema>;

export const resultSchema = z
  .object({
    trainImages: z.number().int().positive(),
    testImages: z.number().int().positive(),
    gridSide: z.number().int().positive(),
    visionDim: z.number().int().positive(),
    /** The drawn image: its emoji index, label and same-origin picture path. */
    picture: z.object({ index: z.number().int().nonnegative(), label: z.string(), href: z.string() }).strict(),
    modules: z.array(moduleSchema).length(2),
    chance: retrievalSchema,
    seedSweep: seedSweepSchema.optional(),
  })
  .strict();
export type Result = z.infer<typeof resultSchema>;

const shapeText = (s: readonly number[]): string => s.join(' × ');

function overlay(result: Result, m: ModuleResult, i: number): ViewBlock {
  return {
    kind: 'figure',
    figure: 'attention-overlay',
    caption:
      m.kind === 'qformer'
        ? `Q-Former: each query’s cross-attention over the ${result.gridSide} × ${result.gridSide} grid (layer ${m.attention.layer}, mean over heads), drawn over the held-out picture “${result.picture.label}”; each panel’s weights sum to 1`
        : `Perceiver Resampler: each latent’s attention over the same grid (last layer, mean over heads); the keys are the media tokens and the latents, so the grid’s weights plus the share on the latents sum to 1`,
    data: {
      image: { href: result.picture.href, alt: result.picture.label },
      h: result.gridSide,
      w: result.gridSide,
      maps: m.attention.grid.map((values, q) => ({
        key: `modules.${i}.attention.grid.${q}`,
        label: `Query ${q + 1}`,
        values,
        ...(m.attention.latents ? { extra: { label: 'to latents', value: m.attention.latents[q] as number } } : {}),
      })),
    },
    opts: { id: `queries-${m.kind}`, title: `${m.label}: where each query looks`, columns: 4 },
  };
}

function present(result: Result, config: Config): ViewBlock[] {
  const lengthRows: Cell[][] = result.modules.flatMap((m, i) =>
    [0, 1].map((k): Cell[] => [
      m.label,
      num(m.lengths.inTokens[k] as number, 'int', `modules.${i}.lengths.inTokens.${k}`),
      shapeText(m.lengths.outputShape[k] as number[]),
      shapeText(m.lengths.applied[k] as number[]),
      num(m.lengths.flops[k] as number, { kind: 'count', digits: 2 }, `modules.${i}.lengths.flops.${k}`),
      k === 0 ? '—' : num(m.lengths.maxAbsDiff, 'sig3', `modules.${i}.lengths.maxAbsDiff`),
    ]),
  );
  return [
    overlay(result, result.modules[0] as ModuleResult, 0),
    overlay(result, result.modules[1] as ModuleResult, 1),
    {
      kind: 'table',
      caption: `Output length against input length: the ${result.gridSide} × ${result.gridSide} grid, and the same grid upsampled to twice the side`,
      columns: ['Module', 'Tokens in', 'outputShape (library)', 'Shape returned', 'FLOPs (library)', 'Largest change of the output'],
      rows: lengthRows,
    },
    {
      kind: 'table',
      caption: `Held-out image → caption retrieval among ${result.testImages} captions after ${config.steps} Adam steps`,
      columns: ['Module', 'Parameters', 'Test loss (1 − cos)', 'R@1', 'R@10', 'Median rank'],
      rows: [
        ...result.modules.map((m, i): Cell[] => [
          m.label,
          num(m.params, 'int', `modules.${i}.params`),
          num(m.testLoss, 'fixed4', `modules.${i}.testLoss`),
          num(m.retrieval.recallAt1, 'percent', `modules.${i}.retrieval.recallAt1`),
          num(m.retrieval.recallAt10, 'percent', `modules.${i}.retrieval.recallAt10`),
          num(m.retrieval.medianRank, 'sig4', `modules.${i}.retrieval.medianRank`),
        ]),
        [`Chance (${result.testImages} candidates)`, '—', '—', num(result.chance.recallAt1, 'percent', 'chance.recallAt1'), num(result.chance.recallAt10, 'percent', 'chance.recallAt10'), num(result.chance.medianRank, 'sig4', 'chance.medianRank')],
      ],
    },
    {
      kind: 'figure',
      figure: 'line',
      caption: 'Loss (1 − cos) on each step’s training minibatch, before its update',
      data: { series: result.modules.map((m) => ({ key: m.kind, label: m.label, points: m.curve.step.map((s, j) => [s, m.curve.train[j] as number]) })) },
      opts: { id: 'queries-loss', title: 'Training loss', xLabel: 'Adam step', yLabel: '1 − cos', yFormat: { kind: 'sig', digits: 3 } },
    },
  ];
}

const byKind = (runs: Record<string, Result>, kind: ModuleResult['kind']): ModuleResult => (runs.main as Result).modules.find((m) => m.kind === kind) as ModuleResult;

/** Over five seeds: each module's retrieval and loss, and the difference between them. */
const seedSweep: SeedSweepSpec<Config, Result> = {
  seeds: [7, 8, 9, 10, 11],
  measures: {
    qformerR10: { label: 'Q-Former R@10', format: 'percent', of: (r) => byKind(r, 'qformer').retrieval.recallAt10 },
    resamplerR10: { label: 'Perceiver Resampler R@10', format: 'percent', of: (r) => byKind(r, 'perceiver-resampler').retrieval.recallAt10 },
    qformerLoss: { label: 'Q-Former held-out loss', format: 'fixed4', of: (r) => byKind(r, 'qformer').testLoss },
    resamplerLoss: { label: 'Perceiver Resampler held-out loss', format: 'fixed4', of: (r) => byKind(r, 'perceiver-resampler').testLoss },
  },
  differences: {
    r10: { label: 'Q-Former − Resampler, R@10', a: 'qformerR10', b: 'resamplerR10' },
    loss: { label: 'Q-Former − Resampler, held-out loss', a: 'qformerLoss', b: 'resamplerLoss' },
  },
};

export { chanceRetrieval };

export const card: NotebookCard<Config, Result> = {
  id: 'interaction-queries',
  title: 'Learned queries: where do a Q-Former’s and a Perceiver Resampler’s queries look?',
  question:
    'A Q-Former (BLIP-2; Li et al., 2023) and a Perceiver Resampler (Flamingo; Alayrac et al., 2022) hand the language model a fixed number of tokens, one per learned query, whatever the number of image tokens. ' +
    'Trained on real emoji images (the 7 × 7 MobileNetV2 grid) to match each image’s caption, where in a held-out picture does each query look, ' +
    'and do the trained modules still return the same number of tokens when they read four times as many?',
  schema,
  defaults,
  resultSchema,
  present,
  seedSweep,
};
