/**
 * Card of the fit-linear-vs-mlp notebook (schema, defaults, result, presentation; no tfjs).
 *
 * Fit linear vs MLP vs low-rank: which projector can learn a nonlinear map from vision space to LLM
 * space, and what a rank bottleneck costs.
 *
 * The task is synthetic and fully seeded. Vision tokens X [N, Dv] ~ N(0, 1). The target is a fixed
 * random one-hidden-layer "teacher": Y = tanh(gain · X·A / √Dv) · B / √H + σ·ε, with A [Dv, H],
 * B [H, Dm], ε [N, Dm] ~ N(0, 1). With gain ≫ 1 tanh saturates, so no affine map fits Y well; an MLP
 * (LLaVA-1.5's mlp2x_gelu, liu2023improved) can. The three students come from the projector registry
 * with their own initialisation and are trained full-batch with Adam on MSE for `steps` steps;
 * the held-out split measures MSE and mean cosine similarity.
 *
 * Shapes: X [1, N, Dv] (batch 1, N tokens), Y [1, N, Dm]; H = teacher hidden width.
 * Departures from a real projector study: synthetic data instead of CLIP features and LLM
 * embeddings, and a regression loss instead of the LLM's next-token loss.
 */
import { z } from 'zod';
import { finite, intField, learningRateField, points, seedField } from '../toolkit/cards';
import { sampledSteps } from '../toolkit/retrieval';
import type { NotebookCard } from '../types';
import { num, type Cell, type ViewBlock } from '../view';

export const schema = z
  .object({
    seed: seedField('data, teacher and initialisation'),
    trainTokens: intField(16, 4096).describe('Training tokens N'),
    testTokens: intField(16, 4096).describe('Held-out tokens'),
    visionDim: intField(2, 256).describe('Vision width Dv'),
    llmDim: intField(2, 256).describe('LLM width Dm'),
    teacherHidden: intField(1, 512).describe('Teacher hidden width H'),
    teacherGain: z.number().min(0).max(20).describe('Teacher gain (0 = linear target, larger = more saturated tanh)'),
    noise: z.number().min(0).max(2).describe('Target noise σ'),
    rank: intField(1, 256).describe('Low-rank projector rank r'),
    steps: intField(1, 3000).describe('Adam steps'),
    learningRate: learningRateField(1),
  })
  .strict();

export type Config = z.infer<typeof schema>;

/** About 2 s in Node on wasm (2-core EPYC), well under the 5 s browser budget. */
export const defaults: Config = {
  seed: 7,
  trainTokens: 512, // full batch: one Adam step sees every training token
  testTokens: 256,
  visionDim: 8, // low Dv so 512 tokens cover the input space and the MLP can generalise
  llmDim: 32,
  teacherHidden: 8,
  teacherGain: 3, // tanh well into saturation: the affine part explains only part of Y
  noise: 0.05,
  rank: 2, // far below min(Dv, Dm) = 8: the bottleneck must cost accuracy
  steps: 200,
  learningRate: 0.02,
};

const modelResultSchema = z
  .object({
    kind: z.enum(['linear', 'mlp', 'low-rank']),
    label: z.string(),
    params: z.number().int().nonnegative(),
    curve: z.object({ step: z.array(z.number().int()), loss: z.array(finite) }).strict(),
    finalTrainMse: finite,
    testMse: finite,
    testCosine: finite,
  })
  .strict();

export const resultSchema = z
  .object({
    models: z.array(modelResultSchema).length(3),
    /** MSE of predicting the test targets' mean vector: what a projector that learned nothing scores. */
    meanBaselineMse: finite,
    /** σ²: the best MSE any model can reach on fresh data. */
    noiseFloorMse: finite,
  })
  .strict();

export type Result = z.infer<typeof resultSchema>;
export type ModelResult = z.infer<typeof modelResultSchema>;

/** Sampled steps of the loss curve: about 50 points, always including the first and last step. */
export const curveSteps = (steps: number): number[] => sampledSteps(steps, 50);

function present(result: Result): ViewBlock[] {
  const rows: Cell[][] = result.models.map((m, i) => [
    m.label,
    num(m.params, 'int', `models.${i}.params`),
    num(m.finalTrainMse, 'sig4', `models.${i}.finalTrainMse`),
    num(m.testMse, 'sig4', `models.${i}.testMse`),
    num(m.testCosine, 'fixed4', `models.${i}.testCosine`),
  ]);
  rows.push(['Predict the mean (no learning)', '—', '—', num(result.meanBaselineMse, 'sig4', 'meanBaselineMse'), '—']);
  rows.push(['Noise floor σ²', '—', '—', num(result.noiseFloorMse, 'sig4', 'noiseFloorMse'), '—']);
  return [
    {
      kind: 'table',
      caption: 'Held-out fit of each projector after training',
      columns: ['Projector', 'Parameters', 'Train MSE', 'Test MSE', 'Test cosine'],
      rows,
    },
    {
      kind: 'figure',
      figure: 'line',
      caption: 'Training loss (MSE) per Adam step',
      data: {
        series: result.models.map((m) => ({
          key: m.kind,
          label: m.label,
          points: points(m.curve.step, m.curve.loss),
        })),
      },
      opts: {
        id: 'fit-loss',
        title: 'Training loss per Adam step',
        logY: true,
        xLabel: 'Adam step',
        yLabel: 'train MSE',
        yFormat: { kind: 'sig', digits: 3 },
      },
    },
  ];
}

export const card: NotebookCard<Config, Result> = {
  id: 'fit-linear-vs-mlp',
  title: 'Can a linear projector fit a nonlinear map?',
  question:
    'LLaVA-1.5 (Liu et al., 2023) replaced the single linear projector of LLaVA with a two-layer GELU MLP and gained accuracy. ' +
    'On a seeded synthetic task where the "LLM-space" targets are a saturated nonlinear function of the vision tokens, ' +
    'how much closer does an MLP get than a linear map with the same input and output widths, ' +
    'and how much does squeezing the linear map through a low rank r cost?',
  schema,
  defaults,
  resultSchema,
  present,
};
