/**
 * Runs the fit-linear-vs-mlp experiment (the question, schema and presentation are in the card).
 * See fit-linear-vs-mlp.card.ts for the task definition; this file is the tfjs side.
 *
 * Shapes: X [1, N, Dv] (batch 1, N tokens), Y [1, N, Dm]; teacher A [Dv, H], B [H, Dm].
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../../src/primitives/rng';
import { getProjector } from '../../src/projectors/registry';
import { card, curveSteps, type Config, type ModelResult, type Result } from './fit-linear-vs-mlp.card';
import { readScalar, runTraining, StepProgress, type Variables } from '../toolkit/training';
import { defineNotebook, throwIfAborted, type RunContext } from '../types';

export { curveSteps, defaults, type Config, type Result } from './fit-linear-vs-mlp.card';

interface Student {
  kind: ModelResult['kind'];
  label: string;
  cfg: unknown;
}

function students(cfg: Config): Student[] {
  return [
    { kind: 'linear', label: 'Linear', cfg: { visionDim: cfg.visionDim, llmDim: cfg.llmDim } },
    { kind: 'mlp', label: 'MLP (GELU, 2 layers)', cfg: { visionDim: cfg.visionDim, llmDim: cfg.llmDim, depth: 2 } },
    { kind: 'low-rank', label: `Low-rank (r = ${cfg.rank})`, cfg: { visionDim: cfg.visionDim, rank: cfg.rank, llmDim: cfg.llmDim } },
  ];
}

/** Teacher data: X [1, N, Dv] and Y [1, N, Dm]; `split` names the seed stream. */
function makeData(cfg: Config, teacher: { a: tf.Tensor2D; b: tf.Tensor2D }, n: number, split: string): { x: tf.Tensor3D; y: tf.Tensor3D } {
  return tf.tidy(() => {
    const x = tf.randomNormal([n, cfg.visionDim], 0, 1, 'float32', deriveSeed(cfg.seed, `${split}.x`)) as tf.Tensor2D;
    const pre = tf.matMul(x, teacher.a).mul(cfg.teacherGain / Math.sqrt(cfg.visionDim)); // [N, H]
    const clean = tf.matMul(tf.tanh(pre), teacher.b).div(Math.sqrt(cfg.teacherHidden)); // [N, Dm]
    const eps = tf.randomNormal([n, cfg.llmDim], 0, 1, 'float32', deriveSeed(cfg.seed, `${split}.noise`));
    const y = clean.add(eps.mul(cfg.noise));
    return { x: x.reshape([1, n, cfg.visionDim]) as tf.Tensor3D, y: y.reshape([1, n, cfg.llmDim]) as tf.Tensor3D }; // [N, D] → [1, N, D]
  });
}

function trainOne(
  student: Student,
  cfg: Config,
  data: { train: { x: tf.Tensor3D; y: tf.Tensor3D }; test: { x: tf.Tensor3D; y: tf.Tensor3D } },
  progress: StepProgress,
): Promise<ModelResult> {
  const spec = getProjector(student.kind);
  const pcfg = spec.schema.parse(student.cfg);
  const sampled = new Set(curveSteps(cfg.steps));
  const curve = { step: [] as number[], loss: [] as number[] };
  const predict = (vars: Variables<'model'>, x: tf.Tensor3D): tf.Tensor => spec.apply(pcfg, vars.model, { vision: x }).tokens;
  return runTraining({
    weights: { model: spec.init(pcfg, deriveSeed(cfg.seed, `init.${student.kind}`)) },
    optimizer: () => tf.train.adam(cfg.learningRate),
    steps: cfg.steps,
    // Full batch; the loss is the MSE before this step's update, as training logs usually report it.
    loss: (_, vars) => tf.losses.meanSquaredError(data.train.y, predict(vars, data.train.x)) as tf.Scalar,
    readLoss: (step) => sampled.has(step),
    afterStep: (step, loss) => {
      if (loss === undefined) return;
      curve.step.push(step);
      curve.loss.push(loss);
    },
    progress,
    message: (step) => `${student.label}: step ${step} of ${cfg.steps}`,
    finish: async (vars) => {
      const finalTrainMse = await readScalar(tf.tidy(() => tf.losses.meanSquaredError(data.train.y, predict(vars, data.train.x))));
      const testMse = await readScalar(tf.tidy(() => tf.losses.meanSquaredError(data.test.y, predict(vars, data.test.x))));
      // Mean over test tokens of cos(prediction, target); the small epsilon keeps a zero row finite.
      const testCosine = await readScalar(
        tf.tidy(() => {
          const p = predict(vars, data.test.x);
          const dot = p.mul(data.test.y).sum(-1);
          const norms = p.norm('euclidean', -1).mul(data.test.y.norm('euclidean', -1)).add(1e-12);
          return dot.div(norms).mean();
        }),
      );
      return { kind: student.kind, label: student.label, params: spec.paramCount(pcfg), curve, finalTrainMse, testMse, testCosine };
    },
  });
}

async function run(cfg: Config, ctx: RunContext): Promise<Result> {
  throwIfAborted(ctx.signal);
  const teacher = tf.tidy(() => ({
    a: tf.randomNormal([cfg.visionDim, cfg.teacherHidden], 0, 1, 'float32', deriveSeed(cfg.seed, 'teacher.A')) as tf.Tensor2D,
    b: tf.randomNormal([cfg.teacherHidden, cfg.llmDim], 0, 1, 'float32', deriveSeed(cfg.seed, 'teacher.B')) as tf.Tensor2D,
  }));
  const train = makeData(cfg, teacher, cfg.trainTokens, 'train');
  const test = makeData(cfg, teacher, cfg.testTokens, 'test');
  tf.dispose([teacher.a, teacher.b]);
  try {
    const list = students(cfg);
    const progress = new StepProgress(ctx, list.length * cfg.steps, 10);
    const models: ModelResult[] = [];
    for (const s of list) models.push(await trainOne(s, cfg, { train, test }, progress));
    const meanBaselineMse = await readScalar(tf.tidy(() => test.y.sub(test.y.mean(1, true)).square().mean()));
    ctx.onProgress(1, 'done');
    return { models, meanBaselineMse, noiseFloorMse: Math.fround(cfg.noise) ** 2 };
  } finally {
    tf.dispose([train.x, train.y, test.x, test.y]);
  }
}

export const notebook = defineNotebook(card, run);
