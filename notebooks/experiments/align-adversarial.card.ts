/**
 * Card of the align-adversarial notebook (schema, defaults, result, presentation; no tfjs).
 *
 * Adversarial modality invariance after ACMR (wang2017adversarial): two feature projectors map
 * image features and caption embeddings into one common space; an embedding loss (label
 * cross-entropy on both modalities plus a paired triplet hinge) keeps the space useful, and a
 * modality classifier behind a gradient-reversal layer tries to tell image from text embeddings
 * while the projectors are pushed to fool it. The reversal strength follows the ACMR demo's
 * schedule λ(p) = 2/(1 + exp(−10p)) − 1 (facts.md d.3). The ablation trains the same classifier on
 * the same embeddings with λ = 0 (the projectors never see its gradient).
 *
 * Data: emoji pooled MobileNetV2 features (PCA-256) and USE-lite caption embeddings (512), the
 * fixed 1,529 / 382 split; labels are the 10 emoji categories. Retrieval: each held-out image ranks
 * the 382 held-out captions by cosine in the common space.
 *
 * Shapes: image [1, B, 256], text [1, B, 512] (batch 1, B rows as tokens) → embeddings [1, B, D].
 * Departures from ACMR: MobileNetV2/USE features instead of VGG/bag-of-words; LLaVA-style GELU MLP
 * projectors from the library instead of tanh stacks; one Adam optimiser on the total loss (the
 * reversal does the minimax) instead of two; the triplet hinge averages over all in-batch negatives
 * instead of taking the hardest different-label one.
 */
import { z } from 'zod';
import { epochSeries, finite, intField, lastEpoch, levelSeries, marginField, retrievalCells, seedField, SHORT_RETRIEVAL, shortRetrievalFields, twoTowerFields } from '../toolkit/cards';
import { seedSweepSchema, type SeedSweepSpec } from '../toolkit/seed-sweep';
import type { NotebookCard } from '../types';
import { num, type Cell, type ViewBlock } from '../view';

export const schema = z
  .object({
    seed: seedField('initialisation and minibatches'),
    ...twoTowerFields,
    labelWeight: z.number().min(0).max(10).describe('Weight of the category cross-entropy'),
    margin: marginField,
    adversaryWeight: z.number().min(0).max(5).describe('Gradient-reversal strength (× the λ schedule)'),
    classifierHidden: intField(2, 128).describe('Modality classifier hidden width'),
  })
  .strict();

export type Config = z.infer<typeof schema>;

/** Two trainings (with and without the adversary) of 6 steps × 4 epochs: about 4 s of CPU in Node on wasm. */
export const defaults: Config = {
  seed: 5,
  imageDims: 64,
  textDims: 64,
  commonDim: 40, // the ACMR demo's semantic_emb_dim
  epochs: 4, // the adversarial game has swung through 50% by then; each epoch costs about 0.6 s of CPU
  batchSize: 256,
  learningRate: 0.004,
  labelWeight: 1,
  margin: 0.2,
  adversaryWeight: 1,
  classifierHidden: 20, // the demo's first modality-classifier layer is 20 wide
};

const epochSchema = z
  .object({
    epoch: z.number().int().positive(),
    /** λ at the end of the epoch (0 throughout for the ablation). */
    lambda: finite,
    trainLoss: finite,
    /** The jointly trained modality classifier on the 764 held-out embeddings. */
    modalityAccuracy: finite,
    ...shortRetrievalFields,
    labelAccuracy: finite,
  })
  .strict();

const runSchema = z
  .object({
    key: z.enum(['adversarial', 'no-adversary']),
    label: z.string(),
    epochs: z.array(epochSchema).min(1),
    /** Mean held-out modality accuracy over the second half of the epochs (the adversarial game oscillates). */
    lateModalityAccuracy: finite,
    /** A fresh linear probe (Fisher's discriminant) fitted on the final train embeddings, scored held out. */
    probeAccuracy: finite,
  })
  .strict();

export const resultSchema = z
  .object({
    runs: z.array(runSchema).length(2),
    chance: z.object({ modalityAccuracy: finite, ...shortRetrievalFields, labelAccuracy: finite }).strict(),
    /** The headline comparisons over the seed sweep's seeds (committed by the CLI only). */
    seedSweep: seedSweepSchema.optional(),
  })
  .strict();

export type Result = z.infer<typeof resultSchema>;
export type RunResult = z.infer<typeof runSchema>;
export type EpochResult = z.infer<typeof epochSchema>;

const runOf = (runs: Record<string, Result>, key: RunResult['key']): RunResult => (runs.main as Result).runs.find((r) => r.key === key) as RunResult;
const lastOf = (r: RunResult): EpochResult => r.epochs[r.epochs.length - 1] as EpochResult;

/**
 * Over five seeds (initialisation, minibatches and the caption projection change), with against
 * without the adversary: the co-trained classifier's late accuracy, a fresh probe's accuracy, and
 * retrieval.
 */
const seedSweep: SeedSweepSpec<Config, Result> = {
  seeds: [5, 6, 7, 8, 9],
  measures: {
    advLate: { label: 'With adversary: modality classifier acc. (mean, 2nd half)', format: 'percent', of: (r) => runOf(r, 'adversarial').lateModalityAccuracy },
    plainLate: { label: 'Without: modality classifier acc. (mean, 2nd half)', format: 'percent', of: (r) => runOf(r, 'no-adversary').lateModalityAccuracy },
    advProbe: { label: 'With adversary: fresh linear probe acc.', format: 'percent', of: (r) => runOf(r, 'adversarial').probeAccuracy },
    plainProbe: { label: 'Without: fresh linear probe acc.', format: 'percent', of: (r) => runOf(r, 'no-adversary').probeAccuracy },
    advR10: { label: 'With adversary: R@10', format: 'percent', of: (r) => lastOf(runOf(r, 'adversarial')).recallAt10 },
    plainR10: { label: 'Without: R@10', format: 'percent', of: (r) => lastOf(runOf(r, 'no-adversary')).recallAt10 },
  },
  differences: {
    lateModality: { label: 'With − without adversary, modality classifier acc. (2nd half)', a: 'advLate', b: 'plainLate' },
    probe: { label: 'With − without adversary, fresh probe acc.', a: 'advProbe', b: 'plainProbe' },
    recallAt10: { label: 'With − without adversary, R@10', a: 'advR10', b: 'plainR10' },
  },
};

function present(result: Result): ViewBlock[] {
  const rows: Cell[][] = result.runs.map((r, i) => {
    const { epoch: e, key, at } = lastEpoch(r, i);
    return [
      r.label,
      num(e.modalityAccuracy, 'percent', at('modalityAccuracy')),
      num(r.lateModalityAccuracy, 'percent', `runs.${i}.lateModalityAccuracy`),
      num(r.probeAccuracy, 'percent', `runs.${i}.probeAccuracy`),
      ...retrievalCells(e, key, SHORT_RETRIEVAL, 'sig3'),
      num(e.labelAccuracy, 'percent', at('labelAccuracy')),
    ];
  });
  const c = result.chance;
  const chanceModality = num(c.modalityAccuracy, 'percent', 'chance.modalityAccuracy');
  rows.push(['Chance', chanceModality, chanceModality, chanceModality, ...retrievalCells(c, 'chance', SHORT_RETRIEVAL, 'sig3'), num(c.labelAccuracy, 'percent', 'chance.labelAccuracy')]);
  const epochsShown = result.runs[0]!.epochs.map((e) => e.epoch);
  return [
    {
      kind: 'table',
      caption: 'After the last epoch, on the 382 held-out pairs (modality accuracy over 764 embeddings)',
      columns: ['Training', 'Modality classifier acc. (last epoch)', 'Modality acc. (mean, 2nd half)', 'Fresh linear probe acc.', 'R@1', 'R@10', 'Median rank', 'Category acc. (images)'],
      rows,
    },
    {
      kind: 'figure',
      figure: 'line',
      caption: 'Held-out accuracy of the modality classifier per epoch; 50% means it cannot tell image from text embeddings. With the adversary the game oscillates around 50%; without it the classifier stays near 100%.',
      data: {
        series: [...epochSeries(result.runs, 'modalityAccuracy', 'no-adversary'), levelSeries('chance', 'Chance (50%)', epochsShown, result.chance.modalityAccuracy)],
      },
      opts: { id: 'adv-modality', title: 'Modality classifier accuracy', xLabel: 'epoch', yLabel: 'accuracy', yFormat: { kind: 'percent', digits: 0 }, yDomain: [0, 1], showPoints: true },
    },
    {
      kind: 'figure',
      figure: 'line',
      caption: 'Held-out image → caption R@10 per epoch (chance 10/382)',
      data: { series: epochSeries(result.runs, 'recallAt10', 'no-adversary') },
      opts: { id: 'adv-r10', title: 'Caption retrieval R@10', xLabel: 'epoch', yLabel: 'R@10', yFormat: { kind: 'percent', digits: 0 }, showPoints: true },
    },
  ];
}

export const card: NotebookCard<Config, Result> = {
  id: 'align-adversarial',
  title: 'Can an adversary make image and text embeddings indistinguishable?',
  question:
    'ACMR (Wang et al., 2017) trains two feature projectors into a common space while a modality classifier behind a gradient-reversal layer tries to tell image from text. ' +
    'On real emoji features and caption embeddings, does the classifier’s held-out accuracy fall toward 50% while caption retrieval holds, ' +
    'and what does the same training look like without the adversary?',
  schema,
  defaults,
  resultSchema,
  present,
  seedSweep,
};
