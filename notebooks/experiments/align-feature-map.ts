/**
 * Runs the align-feature-map experiment (the question, schema and presentation are in the card).
 * See align-feature-map.card.ts for the task; this file is the tfjs side.
 *
 * Shapes: X [N, Di] (the leading Di = imageDims PCA components of the pooled image features),
 * Y [N, Dt] (the caption embeddings, randomly projected to Dt = textDims when Dt < 512, unit rows);
 * a projector sees X as [1, B, Di] (batch 1, B tokens) and returns [1, B, Dt].
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, deriveSeed } from '../../src/primitives/rng';
import { l2Norm } from '../../src/projectors/ops/l2norm';
import { getProjector } from '../../src/projectors/registry';
import { card, chanceRetrieval, curveSteps, type Config, type ModelResult, type Result, type Retrieval } from './align-feature-map.card';
import { loadEmojiParts, prepareEmojiPairs, shuffledRows, type EmojiPairs } from '../toolkit/emoji-prep';
import { retrievalFromSimilarity } from '../toolkit/retrieval';
import { readFloat64, readScalar, runTraining, StepProgress, type Variables } from '../toolkit/training';
import { defineNotebook, type RunContext } from '../types';

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
  return retrievalFromSimilarity(await readFloat64(sim), pred.shape[0]);
}

function trainOne(student: Student, cfg: Config, data: { pairs: EmojiPairs; shuffledY: tf.Tensor2D; schedule: Int32Array }, progress: StepProgress): Promise<ModelResult> {
  const spec = getProjector(student.projector);
  const pcfg = spec.schema.parse(student.cfg);
  const { train, test } = data.pairs;
  const targets = student.shuffled ? data.shuffledY : train.text;
  const sampled = new Set(curveSteps(cfg.steps));
  const curve = { step: [] as number[], train: [] as number[], test: [] as number[] };
  // [B, Di] → [1, B, Di] → projector → [1, B, Dt] → [B, Dt]
  const predict = (vars: Variables<'model'>, x: tf.Tensor2D): tf.Tensor2D =>
    tf.tidy(() => spec.apply(pcfg, vars.model, { vision: x.reshape([1, x.shape[0], cfg.imageDims]) as tf.Tensor3D }).tokens.reshape([x.shape[0], cfg.textDims]) as tf.Tensor2D);
  return runTraining({
    weights: { model: spec.init(pcfg, deriveSeed(cfg.seed, `init.${student.kind}`)) },
    optimizer: () => tf.train.adam(cfg.learningRate),
    steps: cfg.steps,
    // The loss is the minibatch loss before this step's update, as training logs usually report it.
    loss: (step, vars) => {
      const idx = tf.tensor1d(data.schedule.subarray((step - 1) * cfg.batchSize, step * cfg.batchSize), 'int32');
      return lossOf(cfg.loss, predict(vars, tf.gather(train.image, idx)), tf.gather(targets, idx));
    },
    readLoss: (step) => sampled.has(step),
    afterStep: async (step, loss, vars) => {
      if (loss === undefined) return;
      curve.step.push(step);
      curve.train.push(loss);
      curve.test.push(await readScalar(tf.tidy(() => lossOf(cfg.loss, predict(vars, test.image), test.text))));
    },
    progress,
    message: (step) => `${student.label}: step ${step} of ${cfg.steps}`,
    finish: async (vars) => {
      const pred = predict(vars, test.image);
      try {
        const testCosine = await readScalar(tf.tidy(() => pred.mul(test.text).sum(-1).div(l2Norm(pred, -1).add(1e-12)).mean()));
        return { kind: student.kind, label: student.label, params: spec.paramCount(pcfg), curve, testCosine, retrieval: await retrieval(pred, test.text) };
      } finally {
        pred.dispose();
      }
    },
  });
}

async function run(cfg: Config, ctx: RunContext): Promise<Result> {
  const emoji = await loadEmojiParts('align-feature-map', ['pooled', 'use'], ctx);
  // X is divided by one scalar, the RMS entry of the train images (PCA's relative scales are kept);
  // the captions, randomly projected to Dt, are renormalised to unit length.
  const pairs = prepareEmojiPairs(emoji, { seed: cfg.seed, imageDims: cfg.imageDims, textDims: cfg.textDims, image: 'rms', text: 'unit' });
  const shuffledY = shuffledRows(pairs.train.text, cfg.seed);
  const schedule = batchSchedule(cfg, pairs.train.n);
  try {
    const list = students(cfg);
    const progress = new StepProgress(ctx, list.length * cfg.steps, 10);
    const models: ModelResult[] = [];
    for (const s of list) models.push(await trainOne(s, cfg, { pairs, shuffledY, schedule }, progress));
    const ridge = emoji.details.retrieval;
    ctx.onProgress(1, 'done');
    return {
      trainPairs: pairs.train.n,
      testPairs: pairs.test.n,
      inputScale: pairs.trainRms.image,
      models,
      chance: chanceRetrieval(pairs.test.n),
      ridge: { lambda: ridge.lambda, recallAt1: ridge.paired.recallAt1, recallAt10: ridge.paired.recallAt10, medianRank: ridge.paired.medianRank },
    };
  } finally {
    pairs.dispose();
    shuffledY.dispose();
  }
}

export const notebook = defineNotebook(card, run);
