/**
 * Runs the align-feature-map experiment (the question, schema and presentation are in the card).
 * See align-feature-map.card.ts for the task; this file is the tfjs side.
 *
 * Shapes: X [N, Di] (the leading Di = imageDims PCA components of the pooled image features),
 * Y [N, Dt] (the caption embeddings, randomly projected to Dt = textDims when Dt < 512, unit rows);
 * a projector sees X as [1, B, Di] (batch 1, B tokens) and returns [1, B, Dt].
 */
import * as tf from '@tensorflow/tfjs';
import { loadEmoji } from '../../src/data';
import { defaultReader } from '../../src/data/default-reader';
import { pairedRanks } from '../../src/primitives/linalg';
import { createRng, deriveSeed } from '../../src/primitives/rng';
import { l2Norm } from '../../src/projectors/ops/l2norm';
import { getProjector } from '../../src/projectors/registry';
import { card, chanceRetrieval, curveSteps, FULL_IMAGE_DIM, FULL_TEXT_DIM, type Config, type ModelResult, type Result, type Retrieval } from './align-feature-map.card';
import { gatherRows, leadingColumns, randomProjection, unitRows } from '../toolkit/emoji-prep';
import { retrievalFromRanks } from '../toolkit/retrieval';
import { readScalar, toVariables } from '../toolkit/training';
import { defineNotebook, throwIfAborted, yieldToEventLoop, type RunContext } from '../types';

export { chanceRetrieval, curveSteps, defaults, type Config, type Result } from './align-feature-map.card';


interface Student {
  kind: ModelResult['kind'];
  /** The registry kind that is trained (the control is a linear projector). */
  projector: 'linear' | 'mlp' | 'low-rank';
  label: string;
  cfg: unknown;
  /** Train on permuted captions (the control). */
  shuffled: boolean;
}

function students(cfg: Config): Student[] {
  const io = { visionDim: cfg.imageDims, llmDim: cfg.textDims };
  return [
    { kind: 'linear', projector: 'linear', label: 'Linear (LLaVA)', cfg: io, shuffled: false },
    { kind: 'mlp', projector: 'mlp', label: 'MLP, 2 layers GELU (LLaVA-1.5)', cfg: { ...io, depth: 2 }, shuffled: false },
    { kind: 'low-rank', projector: 'low-rank', label: `Low-rank (r = ${cfg.rank})`, cfg: { ...io, rank: cfg.rank }, shuffled: false },
    { kind: 'linear-shuffled', projector: 'linear', label: 'Control: linear on shuffled pairs', cfg: io, shuffled: true },
  ];
}

interface Split {
  x: tf.Tensor2D; // [n, Di], scaled
  y: tf.Tensor2D; // [n, Dt], unit rows
  n: number;
}

/**
 * Minibatch indices for every step, drawn without replacement within an epoch (a fresh seeded
 * shuffle of the train rows each epoch); all students see the same sequence.
 */
function batchSchedule(cfg: Config, n: number): Int32Array {
  const rng = createRng(deriveSeed(cfg.seed, 'batches'));
  const out = new Int32Array(cfg.steps * cfg.batchSize);
  let order: number[] = [];
  for (let k = 0; k < out.length; k += 1) {
    if (order.length === 0) order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
    out[k] = order.pop() as number;
  }
  return out;
}

/** The training loss of predictions P [B, Dt] against unit targets Y [B, Dt]. */
function lossOf(kind: Config['loss'], p: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    if (kind === 'mse') return tf.losses.meanSquaredError(y, p) as tf.Scalar;
    // 1 − cos: y is unit length already; the epsilon keeps a zero prediction finite.
    const cos = p.mul(y).sum(-1).div(l2Norm(p, -1).add(1e-12));
    return tf.scalar(1).sub(cos.mean()) as tf.Scalar;
  });
}

/** Image → caption retrieval over the held-out split: rank of each image's own caption by cosine. */
async function retrieval(pred: tf.Tensor2D, y: tf.Tensor2D): Promise<Retrieval> {
  const sim = tf.tidy(() => {
    const p = pred.div(l2Norm(pred, -1, true).add(1e-12));
    const t = y.div(l2Norm(y, -1, true));
    return tf.matMul(p, t, false, true); // [n, Dt] × [n, Dt]ᵀ → [n, n]
  });
  const values = Float64Array.from(await sim.data());
  sim.dispose();
  const n = pred.shape[0];
  return retrievalFromRanks(pairedRanks(values, n));
}

async function trainOne(
  student: Student,
  cfg: Config,
  data: { train: Split; test: Split; shuffledY: tf.Tensor2D; schedule: Int32Array },
  ctx: RunContext,
  progress: { done: number; total: number },
): Promise<ModelResult> {
  const spec = getProjector(student.projector);
  const pcfg = spec.schema.parse(student.cfg);
  const init = spec.init(pcfg, deriveSeed(cfg.seed, `init.${student.kind}`));
  const { vars, list: varList } = toVariables(init);
  const optimizer = tf.train.adam(cfg.learningRate);
  const targets = student.shuffled ? data.shuffledY : data.train.y;
  const sampled = new Set(curveSteps(cfg.steps));
  const curve = { step: [] as number[], train: [] as number[], test: [] as number[] };
  // [B, Di] → [1, B, Di] → projector → [1, B, Dt] → [B, Dt]
  const predict = (x: tf.Tensor2D): tf.Tensor2D =>
    tf.tidy(() => spec.apply(pcfg, vars, { vision: x.reshape([1, x.shape[0], cfg.imageDims]) as tf.Tensor3D }).tokens.reshape([x.shape[0], cfg.textDims]) as tf.Tensor2D);
  try {
    for (let step = 1; step <= cfg.steps; step += 1) {
      const wanted = sampled.has(step);
      const idx = tf.tensor1d(data.schedule.subarray((step - 1) * cfg.batchSize, step * cfg.batchSize), 'int32');
      // The loss is the minibatch loss before this step's update, as training logs usually report it.
      const loss = optimizer.minimize(() => lossOf(cfg.loss, predict(tf.gather(data.train.x, idx)), tf.gather(targets, idx)), wanted, varList);
      idx.dispose();
      if (wanted && loss) {
        curve.step.push(step);
        curve.train.push(await readScalar(loss));
        curve.test.push(await readScalar(tf.tidy(() => lossOf(cfg.loss, predict(data.test.x), data.test.y))));
      }
      progress.done += 1;
      if (step % 10 === 0 || step === cfg.steps) {
        ctx.onProgress(progress.done / progress.total, `${student.label}: step ${step} of ${cfg.steps}`);
        await yieldToEventLoop();
        throwIfAborted(ctx.signal);
      }
    }
    const pred = predict(data.test.x);
    try {
      const testCosine = await readScalar(tf.tidy(() => pred.mul(data.test.y).sum(-1).div(l2Norm(pred, -1).add(1e-12)).mean()));
      return { kind: student.kind, label: student.label, params: spec.paramCount(pcfg), curve, testCosine, retrieval: await retrieval(pred, data.test.y) };
    } finally {
      pred.dispose();
    }
  } finally {
    optimizer.dispose();
    varList.forEach((v) => v.dispose());
  }
}

async function run(cfg: Config, ctx: RunContext): Promise<Result> {
  throwIfAborted(ctx.signal);
  ctx.onProgress(0, 'loading emoji features');
  const emoji = await loadEmoji(await defaultReader(), ['pooled', 'use']);
  throwIfAborted(ctx.signal);
  const pooled = emoji.pooled?.data;
  const use = emoji.use?.data;
  if (!pooled || !use) throw new Error('align-feature-map: the emoji pooled features or caption embeddings did not load');
  const widths = [emoji.pooled?.shape[1], emoji.use?.shape[1]];
  if (widths[0] !== FULL_IMAGE_DIM || widths[1] !== FULL_TEXT_DIM) {
    throw new Error(`align-feature-map: expected ${FULL_IMAGE_DIM}-d image features and ${FULL_TEXT_DIM}-d caption embeddings, the data has ${widths.join(' and ')}`);
  }
  const { train: trainIdx, test: testIdx } = emoji.split;
  const di = cfg.imageDims;
  const dt = cfg.textDims;

  // Narrower inputs keep a default run inside the browser budget (the matrix products dominate; the
  // same convention as align-adversarial): the leading Di PCA components (the artefact is
  // PCA-ordered), and a seeded Gaussian random projection of the captions to Dt, renormalised to unit
  // length (Johnson–Lindenstrauss: cosines, and so the ranking, are roughly preserved).
  const images = leadingColumns(pooled, FULL_IMAGE_DIM, di);
  const captions = dt === FULL_TEXT_DIM ? use : unitRows(randomProjection(use, FULL_TEXT_DIM, dt, cfg.seed), dt);

  // One scalar for all inputs: the RMS entry of the train images (PCA's relative scales are kept).
  const trainRaw = gatherRows(images, di, trainIdx);
  let sumSq = 0;
  for (const v of trainRaw) sumSq += v * v;
  const inputScale = Math.fround(Math.sqrt(sumSq / trainRaw.length));

  const split = (idx: readonly number[], raw: Float32Array): Split =>
    tf.tidy(() => ({
      x: tf.tensor2d(raw, [idx.length, di]).div(inputScale) as tf.Tensor2D,
      y: tf.tensor2d(gatherRows(captions, dt, idx), [idx.length, dt]),
      n: idx.length,
    }));
  const train = split(trainIdx, trainRaw);
  const test = split(testIdx, gatherRows(images, di, testIdx));
  // The control's targets: train captions under a seeded permutation of the train rows.
  const perm = createRng(deriveSeed(cfg.seed, 'shuffled-pairs')).shuffle(Array.from({ length: train.n }, (_, i) => i));
  const shuffledY = tf.tidy(() => tf.gather(train.y, tf.tensor1d(perm, 'int32')));
  const schedule = batchSchedule(cfg, train.n);
  try {
    const list = students(cfg);
    const progress = { done: 0, total: list.length * cfg.steps };
    const models: ModelResult[] = [];
    for (const s of list) models.push(await trainOne(s, cfg, { train, test, shuffledY, schedule }, ctx, progress));
    const ridge = emoji.details.retrieval;
    ctx.onProgress(1, 'done');
    return {
      trainPairs: train.n,
      testPairs: test.n,
      inputScale,
      models,
      chance: chanceRetrieval(test.n),
      ridge: { lambda: ridge.lambda, recallAt1: ridge.paired.recallAt1, recallAt10: ridge.paired.recallAt10, medianRank: ridge.paired.medianRank },
    };
  } finally {
    tf.dispose([train.x, train.y, test.x, test.y, shuffledY]);
  }
}

export const notebook = defineNotebook(card, run);
