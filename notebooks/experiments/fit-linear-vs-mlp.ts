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
import { readScalar, toVariables } from '../toolkit/training';
import { defineNotebook, throwIfAborted, yieldToEventLoop, type RunContext } from '../types';

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

async function trainOne(
  student: Student,
  cfg: Config,
  data: { train: { x: tf.Tensor3D; y: tf.Tensor3D }; test: { x: tf.Tensor3D; y: tf.Tensor3D } },
  ctx: RunContext,
  progress: { done: number; total: number },
): Promise<ModelResult> {
  const spec = getProjector(student.kind);
  const pcfg = spec.schema.parse(student.cfg);
  const init = spec.init(pcfg, deriveSeed(cfg.seed, `init.${student.kind}`));
  const { vars, list: varList } = toVariables(init);
  const optimizer = tf.train.adam(cfg.learningRate);
  const sampled = new Set(curveSteps(cfg.steps));
  const curve = { step: [] as number[], loss: [] as number[] };
  const predict = (x: tf.Tensor3D): tf.Tensor => spec.apply(pcfg, vars, { vision: x }).tokens;
  try {
    for (let step = 1; step <= cfg.steps; step += 1) {
      const wanted = sampled.has(step);
      // The loss is the MSE before this step's update, as training logs usually report it.
      const loss = optimizer.minimize(() => tf.losses.meanSquaredError(data.train.y, predict(data.train.x)) as tf.Scalar, wanted, varList);
      if (wanted && loss) {
        curve.step.push(step);
        curve.loss.push(await readScalar(loss));
      }
      progress.done += 1;
      if (step % 10 === 0 || step === cfg.steps) {
        ctx.onProgress(progress.done / progress.total, `${student.label}: step ${step} of ${cfg.steps}`);
        await yieldToEventLoop();
        throwIfAborted(ctx.signal);
      }
    }
    const finalTrainMse = await readScalar(tf.tidy(() => tf.losses.meanSquaredError(data.train.y, predict(data.train.x))));
    const testMse = await readScalar(tf.tidy(() => tf.losses.meanSquaredError(data.test.y, predict(data.test.x))));
    // Mean over test tokens of cos(prediction, target); the small epsilon keeps a zero row finite.
    const testCosine = await readScalar(
      tf.tidy(() => {
        const p = predict(data.test.x);
        const dot = p.mul(data.test.y).sum(-1);
        const norms = p.norm('euclidean', -1).mul(data.test.y.norm('euclidean', -1)).add(1e-12);
        return dot.div(norms).mean();
      }),
    );
    return { kind: student.kind, label: student.label, params: spec.paramCount(pcfg), curve, finalTrainMse, testMse, testCosine };
  } finally {
    optimizer.dispose();
    varList.forEach((v) => v.dispose());
  }
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
    const progress = { done: 0, total: list.length * cfg.steps };
    const models: ModelResult[] = [];
    for (const s of list) models.push(await trainOne(s, cfg, { train, test }, ctx, progress));
    const meanBaselineMse = await readScalar(tf.tidy(() => test.y.sub(test.y.mean(1, true)).square().mean()));
    ctx.onProgress(1, 'done');
    return { models, meanBaselineMse, noiseFloorMse: Math.fround(cfg.noise) ** 2 };
  } finally {
    tf.dispose([train.x, train.y, test.x, test.y]);
  }
}

export const notebook = defineNotebook(card, run);
