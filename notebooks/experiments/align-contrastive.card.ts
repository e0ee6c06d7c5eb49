/**
 * Card of the align-contrastive notebook (schema, defaults, result, presentation; no tfjs).
 *
 * Contrastive alignment, CLIP-style (radford2021learning §2.3–2.5): two linear projections, one per
 * modality, map image features and caption embeddings into a shared E-dimensional space; both
 * outputs are L2-normalised and the batch's B×B logit matrix exp(logit_scale)·img·txtᵀ is trained
 * with the symmetric InfoNCE loss (cross-entropy over rows and over columns, averaged), so each
 * image's own caption must out-score the other B − 1 captions in the batch and vice versa.
 * The projector is the registry's 'dual-projection' (src/projectors/dual-projection.ts) and the loss
 * its `clipLoss`.
 *
 * Data (public/data/emoji): image = MobileNetV2 pooled features after PCA, [N, 256]; text = USE-lite
 * caption embeddings, [N, 512]. Each modality is divided by its train split's RMS entry, so both
 * towers' inputs have unit-scale entries (CLIP's inputs are layer-normalised states).
 * Shapes: vision [B, 1, 256], text [B, 1, 512] → embeddings [B, E], logits [B, B].
 *
 * Temperature: 'learned' starts logit_scale at ln(1/τ₀) (CLIP: τ₀ = 0.07) and, after every Adam
 * step, clamps it to [0, ln 100], as CLIP clips the multiplier at 100 (radford2021learning §2.5;
 * open_clip clamps logit_scale the same way). 'fixed' keeps τ = τ₀ throughout.
 * Evaluation: all 382 held-out images and captions are embedded; image → text ranks the 382 captions
 * for each image by cosine, text → image the 382 images for each caption. Chance as in
 * align-feature-map: R@k = k/382, median rank 191.5. Control: the same training on a seeded
 * permutation of the train captions.
 * Sweep (`sweep`): extra runs that vary one thing at a time, the rest as configured:
 * 'temperature' trains with τ fixed at 0.01, 0.07 and 0.5 and learned from 0.07; 'batch' trains with
 * B = 16, 64 and 256 (same number of steps, so larger batches also see more pairs).
 *
 * Departures from CLIP: frozen towers (only the projections and the temperature learn), pooled
 * features of a small CNN and a sentence encoder instead of a ViT and a text Transformer, 1,529
 * pairs instead of 400 million, and a batch of 128 instead of 32,768.
 */
import { z } from 'zod';
import { formatFixed, formatInt, formatPercent } from '../../src/primitives/format';
import { finite, intField, learningRateField, points, retrievalCells, seedField, SHORT_RETRIEVAL } from '../toolkit/cards';
import { chanceRetrieval, retrievalSchema, sampledSteps, type Retrieval } from '../toolkit/retrieval';
import { seedSweepSchema, type SeedSweepSpec } from '../toolkit/seed-sweep';
import type { NotebookCard } from '../types';
import { num, type Cell, type ViewBlock } from '../view';

export const schema = z
  .object({
    seed: seedField('initialisation, minibatches and the control permutation'),
    steps: intField(1, 3000).describe('Adam steps per run'),
    batchSize: intField(4, 1024).describe('Batch size B (pairs per InfoNCE batch)'),
    embedDim: intField(2, 512).describe('Joint embedding width E'),
    learningRate: learningRateField(),
    temperature: z.enum(['learned', 'fixed']).describe('Temperature τ: learned (clamped at 1/τ ≤ 100, as CLIP) or fixed'),
    initTemperature: z.number().min(0.01).max(1).describe('Initial (or fixed) temperature τ₀'),
    sweep: z.enum(['none', 'temperature', 'batch']).describe('Extra runs: none, a temperature sweep or a batch-size sweep'),
  })
  .strict();

export type Config = z.infer<typeof schema>;
export { chanceRetrieval, type Retrieval };

/**
 * Sized for the browser budget (a default run under 5 s in a Chromium Worker on 2 cores): two runs
 * (the model and the control) of 64 steps; a sweep adds three or four runs. A step costs ~160 small
 * kernels, so per-kernel overhead, not arithmetic, sets the time. Measured 2026-11-27 on the 2-core
 * VM, Node wasm: 5.7 s at 150 steps, about 2.8 s with these defaults.
 */
export const defaults: Config = {
  seed: 7,
  steps: 64,
  batchSize: 128, // 11 full batches per epoch of the 1,529 train pairs (the remainder is dropped): ≈ 5.8 epochs
  embedDim: 64,
  learningRate: 0.005,
  temperature: 'learned',
  initTemperature: 0.07, // CLIP's initial τ: logit_scale = ln(1/0.07) ≈ 2.659
  sweep: 'none',
};

/** The settings of each sweep (see the module comment). */
export const TEMPERATURE_SWEEP = [
  { temperature: 'fixed', initTemperature: 0.01 },
  { temperature: 'fixed', initTemperature: 0.07 },
  { temperature: 'fixed', initTemperature: 0.5 },
  { temperature: 'learned', initTemperature: 0.07 },
] as const;
export const BATCH_SWEEP = [16, 64, 256] as const;
/** Side of the similarity matrix shown: HEATMAP_SIZE held-out pairs spread evenly over the test split. */
export const HEATMAP_SIZE = 12;
/** CLIP's cap on the logit multiplier 1/τ (radford2021learning §2.5). */
export const MAX_LOGIT_SCALE = 100;

/** Sampled steps of the training curve: about 30 points, always including the first and last step. */
export const curveSteps = (steps: number): number[] => sampledSteps(steps, 30);

const runResultSchema = z
  .object({
    key: z.string(),
    label: z.string(),
    temperature: z.enum(['learned', 'fixed']),
    initTemperature: finite,
    batchSize: z.number().int().positive(),
    shuffled: z.boolean(),
    /** τ = 1 / exp(logit_scale) after the last step. */
    finalTemperature: finite,
    /** Held-out retrieval: each image ranks the held-out captions (and below, each caption the images) by cosine. */
    imageToText: retrievalSchema,
    textToImage: retrievalSchema,
  })
  .strict();
export type RunResult = z.infer<typeof runResultSchema>;

export const resultSchema = z
  .object({
    trainPairs: z.number().int().positive(),
    testPairs: z.number().int().positive(),
    params: z.number().int().nonnegative(),
    /** The configured model, then the shuffled-pairs control. */
    runs: z.array(runResultSchema).length(2),
    /** Training curve of the model at sampled steps: minibatch loss (before the step) and τ. */
    curve: z.object({ step: z.array(z.number().int()), loss: z.array(finite), temperature: z.array(finite), controlLoss: z.array(finite) }).strict(),
    /** ln B: the InfoNCE loss of embeddings that carry no pairing information. */
    chanceLoss: finite,
    chance: retrievalSchema,
    /** Cosine similarities of HEATMAP_SIZE held-out images (rows) and their captions (columns), evenly spread over the split. */
    heatmap: z.object({ labels: z.array(z.string()), values: z.array(z.array(finite)) }).strict(),
    /** Extra runs of the sweep (empty for sweep = 'none'). */
    sweep: z.array(runResultSchema),
    /** The headline comparisons over the seed sweep's seeds (committed by the CLI only). */
    seedSweep: seedSweepSchema.optional(),
  })
  .strict();

export type Result = z.infer<typeof resultSchema>;

/** Short row and column labels for the heatmap: the CLDR label, cut at 20 characters. */
export function shortLabel(label: string): string {
  return label.length <= 20 ? label : `${label.slice(0, 19)}…`;
}

/**
 * Over five seeds (initialisation, minibatches and the control's permutation change), each seed
 * trains the configured model and its shuffled-pairs control, and the same model with τ fixed at
 * its initial value (the other one of learned and fixed): model against control, learned against
 * fixed temperature.
 */
const runOf = (runs: Record<string, Result>, variant: 'learned' | 'fixed', i: 0 | 1): RunResult => (runs[variant] as Result).runs[i] as RunResult;

const seedSweep: SeedSweepSpec<Config, Result> = {
  seeds: [7, 8, 9, 10, 11],
  variants: (config) => ({
    learned: { ...config, temperature: 'learned', sweep: 'none' },
    fixed: { ...config, temperature: 'fixed', sweep: 'none' },
  }),
  measures: {
    modelR1: { label: 'Learned τ: image → text R@1', format: 'percent', of: (r) => runOf(r, 'learned', 0).imageToText.recallAt1 },
    modelR10: { label: 'Learned τ: image → text R@10', format: 'percent', of: (r) => runOf(r, 'learned', 0).imageToText.recallAt10 },
    modelTextR1: { label: 'Learned τ: text → image R@1', format: 'percent', of: (r) => runOf(r, 'learned', 0).textToImage.recallAt1 },
    modelTextR10: { label: 'Learned τ: text → image R@10', format: 'percent', of: (r) => runOf(r, 'learned', 0).textToImage.recallAt10 },
    controlR10: { label: 'Shuffled-pairs control: image → text R@10', format: 'percent', of: (r) => runOf(r, 'learned', 1).imageToText.recallAt10 },
    fixedR1: { label: 'Fixed τ: image → text R@1', format: 'percent', of: (r) => runOf(r, 'fixed', 0).imageToText.recallAt1 },
    fixedR10: { label: 'Fixed τ: image → text R@10', format: 'percent', of: (r) => runOf(r, 'fixed', 0).imageToText.recallAt10 },
    finalTemperature: { label: 'Learned τ after training', format: 'sig3', of: (r) => runOf(r, 'learned', 0).finalTemperature },
  },
  differences: {
    modelVsControl: { label: 'Model − shuffled control, image → text R@10', a: 'modelR10', b: 'controlR10' },
    learnedVsFixedR1: { label: 'Learned − fixed τ, image → text R@1', a: 'modelR1', b: 'fixedR1' },
    learnedVsFixedR10: { label: 'Learned − fixed τ, image → text R@10', a: 'modelR10', b: 'fixedR10' },
  },
};

const runCells = (r: RunResult, key: string): Cell[] => [
  ...retrievalCells(r.imageToText, `${key}.imageToText`, SHORT_RETRIEVAL),
  ...retrievalCells(r.textToImage, `${key}.textToImage`, SHORT_RETRIEVAL),
  num(r.finalTemperature, 'sig3', `${key}.finalTemperature`),
];

const COLUMNS = ['Run', 'i→t R@1', 'i→t R@10', 'i→t median rank', 't→i R@1', 't→i R@10', 't→i median rank', 'Final τ'];

function present(result: Result, config: Config): ViewBlock[] {
  const chance = result.chance;
  const chanceCells = retrievalCells(chance, 'chance', SHORT_RETRIEVAL);
  const chanceRow: Cell[] = [`Chance (${result.testPairs} candidates)`, ...chanceCells, ...chanceCells, '—'];
  const main = result.runs[0];
  const blocks: ViewBlock[] = [
    {
      kind: 'table',
      caption: `Held-out retrieval among ${result.testPairs} pairs after ${config.steps} Adam steps (dual projection, ${formatInt(result.params)} parameters)`,
      columns: COLUMNS,
      rows: [...result.runs.map((r, i) => [r.label, ...runCells(r, `runs.${i}`)]), chanceRow],
    },
    {
      kind: 'table',
      caption: 'Recall at 5, both directions',
      columns: ['Run', 'i→t R@5', 't→i R@5'],
      rows: [
        ...result.runs.map((r, i): Cell[] => [r.label, ...retrievalCells(r.imageToText, `runs.${i}.imageToText`, ['recallAt5']), ...retrievalCells(r.textToImage, `runs.${i}.textToImage`, ['recallAt5'])]),
        ['Chance', ...retrievalCells(chance, 'chance', ['recallAt5']), ...retrievalCells(chance, 'chance', ['recallAt5'])],
      ],
    },
    {
      kind: 'figure',
      figure: 'heatmap',
      caption: `Cosine similarity of ${result.heatmap.labels.length} held-out images (rows) and captions (columns) after training: the matching pairs are on the diagonal`,
      data: { rows: result.heatmap.labels, cols: result.heatmap.labels, values: result.heatmap.values },
      opts: { id: 'align-contrastive-sim', title: 'Held-out similarity matrix', diverging: true, rowTitle: 'image', colTitle: 'caption', format: { kind: 'fixed', digits: 2 } },
    },
    {
      kind: 'figure',
      figure: 'line',
      caption: `Symmetric InfoNCE loss on each training batch (before its step); ln B = ${formatFixed(result.chanceLoss, 2)} is the loss of embeddings that ignore the pairing`,
      data: {
        series: [
          { key: 'model', label: main ? main.label : 'model', points: points(result.curve.step, result.curve.loss) },
          { key: 'control', label: 'Control: shuffled pairs', dashed: true, points: points(result.curve.step, result.curve.controlLoss) },
        ],
      },
      opts: { id: 'align-contrastive-loss', title: 'Training loss', xLabel: 'Adam step', yLabel: 'InfoNCE loss', yFormat: { kind: 'sig', digits: 3 } },
    },
  ];
  if (config.temperature === 'learned') {
    blocks.push({
      kind: 'figure',
      figure: 'line',
      caption: 'The learned temperature τ = 1 / exp(logit_scale) during training',
      data: { series: [{ key: 'tau', label: 'τ', points: points(result.curve.step, result.curve.temperature) }] },
      opts: { id: 'align-contrastive-tau', title: 'Learned temperature', xLabel: 'Adam step', yLabel: 'τ', yFormat: { kind: 'sig', digits: 3 } },
    });
  }
  if (result.sweep.length > 0) {
    blocks.push(
      {
        kind: 'table',
        caption: config.sweep === 'batch' ? 'Batch-size sweep (same number of steps)' : 'Temperature sweep',
        columns: COLUMNS,
        rows: result.sweep.map((r, i) => [r.label, ...runCells(r, `sweep.${i}`)]),
      },
      {
        kind: 'figure',
        figure: 'bar',
        caption: `Held-out image → text R@1 of each sweep run (chance ${formatPercent(result.chance.recallAt1, 2)})`,
        data: { rows: result.sweep.map((r) => ({ key: r.key, label: r.label, value: r.imageToText.recallAt1 })) },
        opts: { id: 'align-contrastive-sweep', title: 'Sweep: image → text R@1', format: { kind: 'percent', digits: 1 }, xLabel: 'R@1 (image → text)' },
      },
    );
  }
  return blocks;
}

export const card: NotebookCard<Config, Result> = {
  id: 'align-contrastive',
  title: 'Contrastive alignment: a CLIP-style dual projection on real features',
  question:
    'CLIP (Radford et al., 2021) aligns images and text by projecting both into one space and training a symmetric contrastive loss with a learnable temperature. ' +
    'With both encoders frozen and only two linear projections trained on 1,529 emoji image–caption pairs, how well do held-out images find their captions and captions their images, ' +
    'how does that compare with chance and with shuffled pairs, and what do the temperature and the batch size change?',
  schema,
  defaults,
  resultSchema,
  present,
  seedSweep,
};
