/**
 * Card of the output-codebook notebook (schema, defaults, result, presentation; no tfjs).
 *
 * The codebook route of the output side: a model that emits images as discrete tokens predicts the
 * indices of a vector-quantisation codebook, and a decoder turns the codes back into pixels
 * (Unified-IO 2: a VQ-GAN with 16,384 codes of width 256; facts.md "Unified-IO 2", lu2023unifiedio2).
 * Whatever the decoder, it can only see the codes, so the codebook bounds what survives: how much of
 * a real image feature does a codebook of K entries keep, and how many of its K entries are used?
 *
 * Data (public/data/emoji): the 1,911 emoji's MobileNetV2 pooled features after the committed PCA,
 * [N, 256], of which the leading `dims` components are kept; centred on the train mean and divided by
 * one scalar (the train standard deviation), so PCA's relative variances are kept. Fixed split: 1,529
 * train vectors fit the codebook, 382 held-out vectors measure it.
 *
 * Codebooks of K = 16, 32, …, 2^maxLog2 entries, fitted three ways:
 * - 'kmeans': k-means++ seeding (seeded) and `kmeansIters` Lloyd iterations (notebooks/toolkit/kmeans.ts);
 * - 'vq': the library's codebook (src/projectors/codebook.ts) with its own initialisation, taming's
 *   U(−1/K, 1/K), trained by Adam on the VQ-VAE codebook loss ‖sg[z] − q‖² over seeded minibatches;
 * - 'vq-data': the same training started from K distinct train vectors drawn at random (the usual
 *   remedy for dead codes: put every code where the data is).
 * With no encoder in front of the codebook the commitment term has nothing to train, so only the
 * codebook term moves the codes.
 *
 * Measures (all from the codebook's own trace on the fitted codes):
 * - reconstruction error: mean ‖z − q(z)‖² over mean ‖z − z̄‖² (z̄ the train mean), the fraction of the
 *   features' variance the codes lose, on the train and the held-out vectors;
 * - usage: the fraction of the K codes that at least one train vector picks (1 − usage = dead codes);
 * - perplexity: exp(entropy) of the train vectors' code frequencies, the effective number of codes
 *   (K when every code is used equally; facts.md: li2025discrete names codebook collapse as a key
 *   challenge of VQ tokenizers).
 */
import { z } from 'zod';
import { formatInt } from '../../src/primitives/format';
import { finite, FULL_IMAGE_DIM, intField, learningRateField, points, seedField } from '../toolkit/cards';
import type { SeedSweepSpec } from '../toolkit/seed-sweep';
import { seedSweepSchema } from '../toolkit/seed-sweep';
import type { NotebookCard } from '../types';
import { num, type Cell, type ViewBlock } from '../view';

export const schema = z
  .object({
    seed: seedField('k-means++ seeding, codebook initialisation and minibatches'),
    dims: intField(2, FULL_IMAGE_DIM).describe(`Feature width D (leading PCA components of the ${FULL_IMAGE_DIM}-d image features)`),
    maxLog2: intField(4, 11).describe('Largest codebook 2^n (codebooks 16, 32, … up to it)'),
    kmeansIters: intField(1, 100).describe('Lloyd iterations of k-means'),
    vqSteps: intField(1, 2000).describe('Adam steps of each gradient-trained codebook'),
    batchSize: intField(8, 1529).describe('Minibatch size of the gradient-trained codebooks'),
    learningRate: learningRateField(1),
  })
  .strict();

export type Config = z.infer<typeof schema>;

/**
 * Sized for the browser budget: the distance products N·K·D dominate, summed over the seven
 * codebooks (2,032 codes in all), so D is cut to the leading 32 PCA components and the gradient
 * codebooks train on minibatches.
 */
export const defaults: Config = {
  seed: 7,
  dims: 32, // the leading 32 of 256 PCA components (their share of the variance is in the result)
  maxLog2: 10, // K = 16 … 1,024 (the train split has 1,529 vectors)
  kmeansIters: 10, // the held-out error changes little after this on these data
  vqSteps: 40, // ≈ 3.3 epochs of the 1,529 train vectors at 128 per step
  batchSize: 128,
  learningRate: 0.1, // the library's codes start within ±1/K of the origin and must travel to the data
};

export const METHODS = ['kmeans', 'vq', 'vq-data'] as const;
export type Method = (typeof METHODS)[number];

export const METHOD_LABELS: Record<Method, string> = {
  kmeans: 'k-means (k-means++ seeding)',
  vq: 'VQ, library init U(±1/K), Adam',
  'vq-data': 'VQ, init from data rows, Adam',
};

/** The codebook sizes of a config: 16, 32, …, 2^maxLog2. */
export const codebookSizes = (cfg: Pick<Config, 'maxLog2'>): number[] => Array.from({ length: cfg.maxLog2 - 3 }, (_, i) => 2 ** (i + 4));

const fraction = z.number().min(0).max(1);

const pointSchema = z
  .object({
    size: z.number().int().positive(),
    /** K·D, the codebook projector's paramCount. */
    params: z.number().int().positive(),
    trainError: finite,
    testError: finite,
    usage: fraction,
    perplexity: finite,
  })
  .strict();
export type CodebookPoint = z.infer<typeof pointSchema>;

const methodSchema = z
  .object({
    key: z.enum(METHODS),
    label: z.string(),
    points: z.array(pointSchema).min(1),
  })
  .strict();
export type MethodResult = z.infer<typeof methodSchema>;

export const resultSchema = z
  .object({
    trainVectors: z.number().int().positive(),
    testVectors: z.number().int().positive(),
    /** Share of the 256 PCA components' train variance held by the leading `dims`. */
    varianceKept: fraction,
    methods: z.array(methodSchema).length(METHODS.length),
    seedSweep: seedSweepSchema.optional(),
  })
  .strict();
export type Result = z.infer<typeof resultSchema>;

const log2 = (k: number): number => Math.round(Math.log2(k));

function pointOf(runs: Record<string, Result>, method: Method, size: number): CodebookPoint {
  const m = (runs.main as Result).methods.find((r) => r.key === method) as MethodResult;
  const p = m.points.find((q) => q.size === size);
  if (!p) throw new Error(`output-codebook: no codebook of size ${size} in the run (maxLog2 too small for the seed sweep)`);
  return p;
}

/** Over five seeds: error and usage at a small, a middle and the largest default codebook, per method. */
const seedSweep: SeedSweepSpec<Config, Result> = {
  seeds: [7, 8, 9, 10, 11],
  measures: {
    kmeansTest16: { label: 'k-means held-out error, K = 16', format: 'percent', of: (r) => pointOf(r, 'kmeans', 16).testError },
    kmeansTest256: { label: 'k-means held-out error, K = 256', format: 'percent', of: (r) => pointOf(r, 'kmeans', 256).testError },
    kmeansTest1024: { label: 'k-means held-out error, K = 1,024', format: 'percent', of: (r) => pointOf(r, 'kmeans', 1024).testError },
    kmeansTrain1024: { label: 'k-means train error, K = 1,024', format: 'percent', of: (r) => pointOf(r, 'kmeans', 1024).trainError },
    vqTest256: { label: 'VQ (library init) held-out error, K = 256', format: 'percent', of: (r) => pointOf(r, 'vq', 256).testError },
    vqDataTest256: { label: 'VQ (data init) held-out error, K = 256', format: 'percent', of: (r) => pointOf(r, 'vq-data', 256).testError },
    kmeansUsage256: { label: 'k-means code usage, K = 256', format: 'percent', of: (r) => pointOf(r, 'kmeans', 256).usage },
    vqUsage256: { label: 'VQ (library init) code usage, K = 256', format: 'percent', of: (r) => pointOf(r, 'vq', 256).usage },
    vqDataUsage256: { label: 'VQ (data init) code usage, K = 256', format: 'percent', of: (r) => pointOf(r, 'vq-data', 256).usage },
    kmeansPerplexity256: { label: 'k-means perplexity, K = 256', format: 'sig3', of: (r) => pointOf(r, 'kmeans', 256).perplexity },
    vqPerplexity256: { label: 'VQ (library init) perplexity, K = 256', format: 'sig3', of: (r) => pointOf(r, 'vq', 256).perplexity },
  },
  differences: {
    vqMinusKmeansTest256: { label: 'VQ (library init) − k-means, held-out error, K = 256', a: 'vqTest256', b: 'kmeansTest256' },
    vqDataMinusKmeansTest256: { label: 'VQ (data init) − k-means, held-out error, K = 256', a: 'vqDataTest256', b: 'kmeansTest256' },
    kmeansMinusVqUsage256: { label: 'k-means − VQ (library init), code usage, K = 256', a: 'kmeansUsage256', b: 'vqUsage256' },
    test16Minus256: { label: 'k-means held-out error, K = 16 − K = 256', a: 'kmeansTest16', b: 'kmeansTest256' },
    testMinusTrain1024: { label: 'k-means K = 1,024: held-out − train error', a: 'kmeansTest1024', b: 'kmeansTrain1024' },
  },
};

function present(result: Result, config: Config): ViewBlock[] {
  const rows: Cell[][] = result.methods.flatMap((m, i) =>
    m.points.map((p, j) => {
      const key = `methods.${i}.points.${j}`;
      return [
        m.label,
        num(p.size, 'int', `${key}.size`),
        num(p.params, 'int', `${key}.params`),
        num(p.trainError, 'percent', `${key}.trainError`),
        num(p.testError, 'percent', `${key}.testError`),
        num(p.usage, 'percent', `${key}.usage`),
        num(p.perplexity, 'sig3', `${key}.perplexity`),
      ];
    }),
  );
  const series = (metric: 'testError' | 'trainError' | 'usage' | 'perplexity', dashedTrain = false) =>
    result.methods.map((m) => ({ key: `${m.key}-${metric}`, label: m.label, dashed: dashedTrain, points: points(m.points.map((p) => log2(p.size)), m.points.map((p) => p[metric])) }));
  const xLabel = 'log₂ K (codebook entries)';
  return [
    {
      kind: 'table',
      caption: `Codebooks of ${codebookSizes(config).map(formatInt).join(', ')} entries on ${formatInt(result.trainVectors)} train and ${formatInt(result.testVectors)} held-out image features (${formatInt(config.dims)} dimensions)`,
      columns: ['Codebook', 'K', 'Parameters (K·D)', 'Train error', 'Held-out error', 'Codes used', 'Perplexity'],
      rows,
    },
    {
      kind: 'figure',
      figure: 'line',
      caption: 'Reconstruction error (share of the feature variance lost) against codebook size: solid held-out, dashed train',
      data: {
        series: [
          ...series('testError'),
          ...result.methods.map((m) => ({ key: `${m.key}-trainError`, label: `${m.label} (train)`, dashed: true, points: points(m.points.map((p) => log2(p.size)), m.points.map((p) => p.trainError)) })),
        ],
      },
      opts: { id: 'codebook-error', title: 'Reconstruction error vs codebook size', xLabel, yLabel: 'error (share of variance)', yFormat: { kind: 'percent', digits: 1 }, showPoints: true },
    },
    {
      kind: 'figure',
      figure: 'line',
      caption: 'Share of the K codes that any train vector uses: what falls below 100 % are dead codes (collapse)',
      data: { series: series('usage') },
      opts: { id: 'codebook-usage', title: 'Code usage vs codebook size', xLabel, yLabel: 'codes used', yFormat: { kind: 'percent', digits: 1 }, yDomain: [0, 1], showPoints: true },
    },
    {
      kind: 'figure',
      figure: 'line',
      caption: 'Perplexity of the train vectors’ code frequencies (the effective number of codes), log scale; an evenly used codebook reaches K',
      data: { series: series('perplexity') },
      opts: { id: 'codebook-perplexity', title: 'Perplexity vs codebook size', xLabel, yLabel: 'perplexity', logY: true, yFormat: { kind: 'sig', digits: 3 }, showPoints: true },
    },
  ];
}

export const card: NotebookCard<Config, Result> = {
  id: 'output-codebook',
  title: 'Codebook output: what a K-entry codebook keeps of real image features, and how many codes it uses',
  question:
    'A model that emits images as discrete tokens (Unified-IO 2 predicts the indices of a 16,384-entry VQ-GAN codebook) can only pass on what its codebook keeps. ' +
    'Quantising 1,911 real emoji image features with codebooks of 16 to 1,024 entries, fitted by k-means or trained by gradient as a VQ layer is: ' +
    'how much of the features’ variance is lost on held-out images, how many codes are ever used, and when does a codebook collapse?',
  schema,
  defaults,
  resultSchema,
  present,
  seedSweep,
};
