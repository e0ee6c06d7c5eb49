/**
 * Card of the align-feature-map notebook (schema, defaults, result, presentation; no tfjs).
 *
 * Feature-space mapping on real features: can a projector trained on 1,529 emoji image–caption
 * pairs map a held-out image's features close enough to its own caption's embedding that the
 * caption can be retrieved among all 382 held-out captions?
 *
 * This is the alignment mechanism of the linear and MLP input projectors (zhang2024mmllms §2.2): a
 * trainable map from the vision encoder's feature space into the space of the text side, as LLaVA's
 * H_v = W·Z_v (liu2023visual) and LLaVA-1.5's two-layer GELU MLP (liu2023improved). The three
 * students come from the projector registry (linear, mlp with depth 2, low-rank r) with their own
 * initialisation and are trained with Adam on seeded minibatches of the fixed train split.
 *
 * Data (public/data/emoji, src/data/emoji.ts): image X = MobileNetV2 pooled features after the
 * committed PCA, [N, 256], of which the leading `imageDims` components are kept; target Y = the
 * USE-lite embedding of the caption "label: tag, tag, …", [N, 512], projected by a seeded Gaussian
 * matrix to `textDims` dimensions (unless that is 512) and renormalised to unit length; a random
 * projection roughly preserves cosines (Johnson–Lindenstrauss), so the ranking task is the same one
 * at a lower cost. X is divided by one scalar, the root-mean-square entry of the train images, so
 * the registry's fan-in initialisation sees unit-scale inputs (PCA's relative variances are kept).
 * Shapes in the projectors: X [1, B, Di] (batch 1, B tokens) → [1, B, Dt].
 *
 * Loss (`loss`): 'cosine' minimises the mean of 1 − cos(f(x), y), the quantity retrieval ranks by;
 * 'mse' minimises the mean squared error to the unit-length y, which also fits the norm.
 * Retrieval: for each held-out image, the 382 held-out captions are ranked by cosine to f(x); the
 * rank of its own caption gives R@k and the median rank (ties count against the query, see
 * src/primitives/linalg.ts pairedRanks). Chance: R@k = k/382, median rank (382 + 1)/2.
 * Control: the linear projector trained on the same images paired with a seeded permutation of the
 * train captions: it sees the same marginals but no image–caption correspondence, so it must score
 * near chance; any gap to it is the pairing, not the data's shape.
 *
 * Departures from a real projector study: pooled features (one token per image) instead of a token
 * grid, a sentence encoder's embedding instead of an LLM's input space, and a regression loss
 * instead of the LLM's next-token loss (zhang2024mmllms Eq. 2).
 */
import { z } from 'zod';
import { formatSig } from '../../src/primitives/format';
import { finite, FULL_IMAGE_DIM, FULL_TEXT_DIM, intField, learningRateField, points, retrievalCells, seedField } from '../toolkit/cards';
import { chanceRetrieval, retrievalSchema, sampledSteps, type Retrieval } from '../toolkit/retrieval';
import { seedSweepSchema, type SeedSweepSpec } from '../toolkit/seed-sweep';
import type { NotebookCard } from '../types';
import { num, type Cell, type ViewBlock } from '../view';

export { FULL_IMAGE_DIM, FULL_TEXT_DIM };

export const schema = z
  .object({
    seed: seedField('initialisation, minibatches and the control permutation'),
    steps: intField(1, 3000).describe('Adam steps per projector'),
    batchSize: intField(8, 1529).describe('Minibatch size (pairs per step)'),
    learningRate: learningRateField(),
    loss: z.enum(['cosine', 'mse']).describe('Training loss (cosine: 1 − cos; mse: squared error to the unit caption vector)'),
    rank: intField(1, 256).describe('Low-rank projector rank r'),
    imageDims: intField(8, FULL_IMAGE_DIM).describe(`Image input width Di (leading PCA components of ${FULL_IMAGE_DIM})`),
    textDims: intField(8, FULL_TEXT_DIM).describe(`Caption target width Dt (seeded random projection of ${FULL_TEXT_DIM}; ${FULL_TEXT_DIM} = the raw embeddings)`),
  })
  .strict();

export type Config = z.infer<typeof schema>;
export { chanceRetrieval, type Retrieval };

/**
 * Sized for the browser budget (a default run under 5 s in a Chromium Worker on 2 cores): the
 * caption targets are projected to 96 dimensions, since the products with the target width
 * dominate the cost (the MLP's hidden layer has that width too), and 80 steps. Measured 2026-11-27
 * on the 2-core VM, Node wasm: 11.6 s at the full 512-d targets and 150 steps, about 2.8 s with
 * these defaults; a cold Lab page in Chromium adds the Worker, wasm and data start-up.
 */
export const defaults: Config = {
  seed: 7,
  steps: 80,
  batchSize: 64, // ~24 minibatches per epoch: 80 steps ≈ 3.3 epochs of the 1,529 train pairs
  learningRate: 0.005, // held-out retrieval of the linear map is still rising at step 80
  loss: 'cosine', // the retrieval score is a cosine, so train on it
  rank: 32, // a third of the 96-d target width: under half the linear map's parameters
  imageDims: 256, // all the PCA components the artefact has
  textDims: 96, // 512-d caption embeddings, seeded random projection (set 512 for the raw ones)
};

const fraction = z.number().min(0).max(1);

/** Sampled steps of the loss curves: about 15 points, always including the first and last step. */
export const curveSteps = (steps: number): number[] => sampledSteps(steps, 15);

const modelResultSchema = z
  .object({
    kind: z.enum(['linear', 'mlp', 'low-rank', 'linear-shuffled']),
    label: z.string(),
    params: z.number().int().nonnegative(),
    /** Loss at the sampled steps: `train` on that step's minibatch (before its update), `test` on all held-out pairs. */
    curve: z.object({ step: z.array(z.number().int()), train: z.array(finite), test: z.array(finite) }).strict(),
    /** Mean cosine between f(x) and the image's own caption embedding on the held-out pairs. */
    testCosine: finite,
    retrieval: retrievalSchema,
  })
  .strict();
export type ModelResult = z.infer<typeof modelResultSchema>;

export const resultSchema = z
  .object({
    trainPairs: z.number().int().positive(),
    testPairs: z.number().int().positive(),
    /** The RMS entry of the train images that X was divided by. */
    inputScale: finite,
    /** linear, mlp, low-rank, then the shuffled-pairs control. */
    models: z.array(modelResultSchema).length(4),
    /** What a projector that ranks at random scores. */
    chance: retrievalSchema,
    /** The data pipeline's closed-form ridge check on the same split (manifest details.retrieval), for reference. */
    ridge: z.object({ lambda: finite, recallAt1: fraction, recallAt10: fraction, medianRank: z.number().min(1) }).strict(),
    /** The headline comparisons over the seed sweep's seeds (committed by the CLI only). */
    seedSweep: seedSweepSchema.optional(),
  })
  .strict();

export type Result = z.infer<typeof resultSchema>;

const ALL_RETRIEVAL = ['recallAt1', 'recallAt5', 'recallAt10', 'medianRank'] as const;

const model = (runs: Record<string, Result>, kind: ModelResult['kind']): ModelResult => (runs.main as Result).models.find((m) => m.kind === kind) as ModelResult;

/**
 * Over five seeds (initialisation, minibatches, the caption projection and the control's
 * permutation all change): the projector against its shuffled-pairs control, linear against MLP
 * (retrieval, and how closely each fits the captions), and the rank bottleneck.
 */
const seedSweep: SeedSweepSpec<Config, Result> = {
  seeds: [7, 8, 9, 10, 11],
  measures: {
    linearR1: { label: 'Linear R@1', format: 'percent', of: (r) => model(r, 'linear').retrieval.recallAt1 },
    linearR10: { label: 'Linear R@10', format: 'percent', of: (r) => model(r, 'linear').retrieval.recallAt10 },
    mlpR1: { label: 'MLP R@1', format: 'percent', of: (r) => model(r, 'mlp').retrieval.recallAt1 },
    mlpR10: { label: 'MLP R@10', format: 'percent', of: (r) => model(r, 'mlp').retrieval.recallAt10 },
    lowRankR10: { label: 'Low-rank R@10', format: 'percent', of: (r) => model(r, 'low-rank').retrieval.recallAt10 },
    controlR10: { label: 'Shuffled-pairs control R@10', format: 'percent', of: (r) => model(r, 'linear-shuffled').retrieval.recallAt10 },
    linearCosine: { label: 'Linear test cosine', format: 'fixed4', of: (r) => model(r, 'linear').testCosine },
    mlpCosine: { label: 'MLP test cosine', format: 'fixed4', of: (r) => model(r, 'mlp').testCosine },
    lowRankCosine: { label: 'Low-rank test cosine', format: 'fixed4', of: (r) => model(r, 'low-rank').testCosine },
    controlCosine: { label: 'Shuffled-pairs control test cosine', format: 'fixed4', of: (r) => model(r, 'linear-shuffled').testCosine },
  },
  differences: {
    linearVsControl: { label: 'Linear − shuffled control, R@10', a: 'linearR10', b: 'controlR10' },
    linearVsMlpR1: { label: 'Linear − MLP, R@1', a: 'linearR1', b: 'mlpR1' },
    linearVsMlpR10: { label: 'Linear − MLP, R@10', a: 'linearR10', b: 'mlpR10' },
    mlpVsLinearCosine: { label: 'MLP − linear, test cosine', a: 'mlpCosine', b: 'linearCosine' },
    linearVsLowRank: { label: 'Linear − low-rank, R@10', a: 'linearR10', b: 'lowRankR10' },
    lowRankVsLinearCosine: { label: 'Low-rank − linear, test cosine', a: 'lowRankCosine', b: 'linearCosine' },
  },
};

function present(result: Result, config: Config): ViewBlock[] {
  const rows: Cell[][] = result.models.map((m, i) => [
    m.label,
    num(m.params, 'int', `models.${i}.params`),
    ...retrievalCells(m.retrieval, `models.${i}.retrieval`, ALL_RETRIEVAL),
    num(m.testCosine, 'fixed4', `models.${i}.testCosine`),
  ]);
  rows.push([
    `Closed-form ridge, λ = ${formatSig(result.ridge.lambda, 3)} (data pipeline, all ${FULL_IMAGE_DIM} → ${FULL_TEXT_DIM} dimensions)`,
    '—',
    num(result.ridge.recallAt1, 'percent', 'ridge.recallAt1'),
    '—',
    num(result.ridge.recallAt10, 'percent', 'ridge.recallAt10'),
    num(result.ridge.medianRank, 'sig4', 'ridge.medianRank'),
    '—',
  ]);
  rows.push([`Chance (${result.testPairs} candidates)`, '—', ...retrievalCells(result.chance, 'chance', ALL_RETRIEVAL), '—']);
  const lossName = config.loss === 'cosine' ? '1 − cos' : 'MSE';
  return [
    {
      kind: 'table',
      caption: `Held-out image → caption retrieval among ${result.testPairs} captions after ${config.steps} Adam steps`,
      columns: ['Projector', 'Parameters', 'R@1', 'R@5', 'R@10', 'Median rank', 'Test cosine'],
      rows,
    },
    {
      kind: 'figure',
      figure: 'bar',
      caption: 'Held-out R@10 of each projector, the shuffled-pairs control and chance',
      data: {
        rows: [
          ...result.models.map((m) => ({ key: m.kind, label: m.label, value: m.retrieval.recallAt10, group: m.kind === 'linear-shuffled' ? 'control' : 'projector' })),
          { key: 'chance', label: 'Chance', value: result.chance.recallAt10, group: 'control' },
        ],
      },
      opts: { id: 'align-map-r10', title: 'Held-out R@10', format: { kind: 'percent', digits: 1 }, xLabel: 'R@10 (image → caption)' },
    },
    {
      kind: 'figure',
      figure: 'line',
      caption: `Loss (${lossName}) per Adam step: solid on the step's training minibatch, dashed on the held-out pairs`,
      data: {
        series: result.models.flatMap((m) => [
          { key: `${m.kind}-train`, label: `${m.label} (train)`, points: points(m.curve.step, m.curve.train) },
          { key: `${m.kind}-test`, label: `${m.label} (test)`, dashed: true, points: points(m.curve.step, m.curve.test) },
        ]),
      },
      opts: { id: 'align-map-loss', title: 'Training and held-out loss', xLabel: 'Adam step', yLabel: lossName, yFormat: { kind: 'sig', digits: 3 } },
    },
    {
      kind: 'figure',
      figure: 'scatter',
      caption: 'Parameters against held-out R@1 (log scale of parameters)',
      data: {
        points: result.models
          .filter((m) => m.kind !== 'linear-shuffled')
          .map((m) => ({ key: m.kind, label: m.label, x: m.params, y: m.retrieval.recallAt1 })),
      },
      opts: {
        id: 'align-map-params',
        title: 'Parameter count against R@1',
        logX: true,
        xLabel: 'parameters',
        yLabel: 'R@1',
        xFormat: { kind: 'count', digits: 0 },
        yFormat: { kind: 'percent', digits: 1 },
      },
    },
  ];
}

export const card: NotebookCard<Config, Result> = {
  id: 'align-feature-map',
  title: 'Feature-space mapping: do projected image features land on their captions?',
  question:
    'A linear or MLP input projector aligns modalities by mapping image features straight into the text side’s space (LLaVA; Liu et al., 2023). ' +
    'Trained on 1,529 real emoji image–caption pairs (MobileNetV2 features → Universal Sentence Encoder caption embeddings), ' +
    'how often does a held-out image’s projection retrieve its own caption among 382, for a linear, an MLP and a low-rank projector, ' +
    'and how far is that from chance and from the same projector trained on shuffled pairs?',
  schema,
  defaults,
  resultSchema,
  present,
  seedSweep,
};
