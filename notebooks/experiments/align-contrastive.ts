/**
 * Runs the align-contrastive experiment (the question, schema and presentation are in the card).
 * See align-contrastive.card.ts for the task; this file is the tfjs side.
 *
 * Shapes: image X [N, 256], text T [N, 512]; the dual projection sees vision [B, 1, 256] and
 * text [B, 1, 512] and returns unit embeddings [B, E] and logits [B, B] (radford2021learning).
 */
import * as tf from '@tensorflow/tfjs';
import { loadEmoji } from '../../src/data';
import { defaultReader } from '../../src/data/default-reader';
import { pairedRanks } from '../../src/primitives/linalg';
import { formatSig } from '../../src/primitives/format';
import { createRng, deriveSeed } from '../../src/primitives/rng';
import { clipLoss, TRACE_KEYS } from '../../src/projectors/dual-projection';
import { getProjector } from '../../src/projectors/registry';
import {
  BATCH_SWEEP,
  card,
  chanceRetrieval,
  curveSteps,
  HEATMAP_SIZE,
  MAX_LOGIT_SCALE,
  shortLabel,
  TEMPERATURE_SWEEP,
  type Config,
  type Result,
  type RunResult,
} from './align-contrastive.card';
import { gatherRows } from '../toolkit/emoji-prep';
import { retrievalFromRanks } from '../toolkit/retrieval';
import { toVariables } from '../toolkit/training';
import { defineNotebook, throwIfAborted, yieldToEventLoop, type RunContext } from '../types';

export { chanceRetrieval, curveSteps, defaults, type Config, type Result } from './align-contrastive.card';

const IMAGE_DIM = 256;
const TEXT_DIM = 512;

interface Settings {
  key: string;
  label: string;
  temperature: Config['temperature'];
  initTemperature: number;
  batchSize: number;
  shuffled: boolean;
}

interface Split {
  x: tf.Tensor2D; // [n, 256] images, scaled
  t: tf.Tensor2D; // [n, 512] captions, scaled
  n: number;
}

interface Data {
  train: Split;
  test: Split;
  /** Train captions under a seeded permutation of the train rows (the control's targets). */
  shuffledT: tf.Tensor2D;
}

const tauLabel = (s: Pick<Settings, 'temperature' | 'initTemperature'>): string =>
  s.temperature === 'learned' ? `τ learned from ${formatSig(s.initTemperature, 3)}` : `τ fixed at ${formatSig(s.initTemperature, 3)}`;

function settingsOf(cfg: Config): Settings[] {
  const base = { temperature: cfg.temperature, initTemperature: cfg.initTemperature, batchSize: cfg.batchSize };
  const runs: Settings[] = [
    { ...base, key: 'model', label: `Dual projection, ${tauLabel(base)}, B = ${formatSig(cfg.batchSize, 4)}`, shuffled: false },
    { ...base, key: 'control', label: 'Control: same training on shuffled pairs', shuffled: true },
  ];
  if (cfg.sweep === 'temperature') {
    for (const t of TEMPERATURE_SWEEP) runs.push({ ...base, ...t, key: `tau-${t.temperature}-${t.initTemperature}`, label: tauLabel(t), shuffled: false });
  } else if (cfg.sweep === 'batch') {
    for (const b of BATCH_SWEEP) runs.push({ ...base, batchSize: b, key: `batch-${b}`, label: `B = ${formatSig(b, 4)}`, shuffled: false });
  }
  return runs;
}

/** The RMS entry of a row-major array (float64 accumulation). */
function rms(values: Float32Array): number {
  let s = 0;
  for (const v of values) s += v * v;
  return Math.fround(Math.sqrt(s / values.length));
}

/**
 * Minibatch indices for every step: each epoch is a fresh seeded shuffle cut into batches of B, and
 * a remainder shorter than B is dropped, so no batch holds a pair twice (a repeated pair would be
 * its own negative in InfoNCE).
 */
function batchSchedule(seed: number, steps: number, batchSize: number, n: number): Int32Array {
  const rng = createRng(deriveSeed(seed, `batches.${batchSize}`));
  const out = new Int32Array(steps * batchSize);
  let order: number[] = [];
  for (let step = 0; step < steps; step += 1) {
    if (order.length < batchSize) order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
    out.set(order.splice(0, batchSize), step * batchSize);
  }
  return out;
}

interface Trained {
  result: RunResult;
  curve: { loss: number[]; temperature: number[] };
  /** Held-out cosine similarities [n, n], images × captions. */
  similarity: Float64Array;
}

async function trainOne(
  s: Settings,
  cfg: Config,
  data: Data,
  ctx: RunContext,
  progress: { done: number; total: number },
): Promise<Trained> {
  const spec = getProjector('dual-projection');
  const pcfg = spec.schema.parse({
    visionDim: IMAGE_DIM,
    textDim: TEXT_DIM,
    embedDim: cfg.embedDim,
    learnLogitScale: s.temperature === 'learned',
    logitScaleInit: Math.log(1 / s.initTemperature),
  });
  // Every run starts from the same projections, so runs differ only in what the sweep varies.
  const init = spec.init(pcfg, deriveSeed(cfg.seed, 'init'));
  const { vars, list: varList } = toVariables(init);
  const logitScale = vars.logit_scale as tf.Variable | undefined;
  const optimizer = tf.train.adam(cfg.learningRate);
  const texts = s.shuffled ? data.shuffledT : data.train.t;
  const schedule = batchSchedule(cfg.seed, cfg.steps, s.batchSize, data.train.n);
  const sampled = new Set(curveSteps(cfg.steps));
  const curve = { loss: [] as number[], temperature: [] as number[] };
  const b = s.batchSize;
  const currentTemperature = async (): Promise<number> => {
    if (!logitScale) return 1 / Math.exp(pcfg.logitScaleInit);
    return 1 / Math.exp((await logitScale.data())[0] as number);
  };
  try {
    for (let step = 1; step <= cfg.steps; step += 1) {
      const wanted = sampled.has(step);
      const idx = tf.tensor1d(schedule.subarray((step - 1) * b, step * b), 'int32');
      // The loss is the batch's loss before this step's update.
      const loss = optimizer.minimize(
        () => {
          const vision = tf.gather(data.train.x, idx).reshape([b, 1, IMAGE_DIM]) as tf.Tensor3D; // [B, 256] → [B, 1, 256]
          const text = tf.gather(texts, idx).reshape([b, 1, TEXT_DIM]) as tf.Tensor3D; // [B, 512] → [B, 1, 512]
          return clipLoss(spec.apply(pcfg, vars, { vision, text }).trace[TRACE_KEYS.logitsPerImage] as tf.Tensor2D);
        },
        wanted,
        varList,
      );
      idx.dispose();
      // CLIP clips the multiplier at 100: logit_scale ∈ [0, ln 100] after every step (radford2021learning §2.5).
      if (logitScale) tf.tidy(() => logitScale.assign(tf.clipByValue(logitScale, 0, Math.log(MAX_LOGIT_SCALE))));
      if (wanted && loss) {
        curve.loss.push((await loss.data())[0] as number);
        loss.dispose();
        curve.temperature.push(await currentTemperature());
      }
      progress.done += 1;
      if (step % 10 === 0 || step === cfg.steps) {
        ctx.onProgress(progress.done / progress.total, `${s.label}: step ${step} of ${cfg.steps}`);
        await yieldToEventLoop();
        throwIfAborted(ctx.signal);
      }
    }
    const n = data.test.n;
    const sim = tf.tidy(() => {
      const out = spec.apply(pcfg, vars, {
        vision: data.test.x.reshape([n, 1, IMAGE_DIM]) as tf.Tensor3D, // [n, 256] → [n, 1, 256]
        text: data.test.t.reshape([n, 1, TEXT_DIM]) as tf.Tensor3D, // [n, 512] → [n, 1, 512]
      });
      const img = out.trace[TRACE_KEYS.imageEmbeds] as tf.Tensor2D;
      const txt = out.trace[TRACE_KEYS.textEmbeds] as tf.Tensor2D;
      return tf.matMul(img, txt, false, true); // [n, E] × [n, E]ᵀ → [n, n] cosines
    });
    const similarity = Float64Array.from(await sim.data());
    sim.dispose();
    const transposed = new Float64Array(n * n);
    for (let i = 0; i < n; i += 1) for (let j = 0; j < n; j += 1) transposed[j * n + i] = similarity[i * n + j] as number;
    return {
      result: {
        key: s.key,
        label: s.label,
        temperature: s.temperature,
        initTemperature: s.initTemperature,
        batchSize: s.batchSize,
        shuffled: s.shuffled,
        finalTemperature: await currentTemperature(),
        imageToText: retrievalFromRanks(pairedRanks(similarity, n)),
        textToImage: retrievalFromRanks(pairedRanks(transposed, n)),
      },
      curve,
      similarity,
    };
  } finally {
    optimizer.dispose();
    varList.forEach((v) => v.dispose());
  }
}

async function run(cfg: Config, ctx: RunContext): Promise<Result> {
  throwIfAborted(ctx.signal);
  ctx.onProgress(0, 'loading emoji features');
  const emoji = await loadEmoji(await defaultReader(), ['pooled', 'use', 'captions']);
  throwIfAborted(ctx.signal);
  const { pooled, use, captions } = emoji;
  if (!pooled || !use || !captions) throw new Error('align-contrastive: the emoji features, caption embeddings or captions did not load');
  const { train: trainIdx, test: testIdx } = emoji.split;
  const trainImages = gatherRows(pooled.data, IMAGE_DIM, trainIdx);
  const trainTexts = gatherRows(use.data, TEXT_DIM, trainIdx);
  // Each tower's input divided by its train RMS entry: unit-scale entries on both sides.
  const imageScale = rms(trainImages);
  const textScale = rms(trainTexts);
  const split = (images: Float32Array, texts: Float32Array, n: number): Split =>
    tf.tidy(() => ({
      x: tf.tensor2d(images, [n, IMAGE_DIM]).div(imageScale) as tf.Tensor2D,
      t: tf.tensor2d(texts, [n, TEXT_DIM]).div(textScale) as tf.Tensor2D,
      n,
    }));
  const train = split(trainImages, trainTexts, trainIdx.length);
  const test = split(gatherRows(pooled.data, IMAGE_DIM, testIdx), gatherRows(use.data, TEXT_DIM, testIdx), testIdx.length);
  const perm = createRng(deriveSeed(cfg.seed, 'shuffled-pairs')).shuffle(Array.from({ length: train.n }, (_, i) => i));
  const shuffledT = tf.tidy(() => tf.gather(train.t, tf.tensor1d(perm, 'int32')));
  try {
    const list = settingsOf(cfg);
    const progress = { done: 0, total: list.length * cfg.steps };
    const trained: Trained[] = [];
    for (const s of list) trained.push(await trainOne(s, cfg, { train, test, shuffledT }, ctx, progress));
    const [model, control] = trained as [Trained, Trained];
    // HEATMAP_SIZE held-out pairs spread evenly over the split (index order runs through the emoji
    // categories, so neighbours would all be faces).
    const k = Math.min(HEATMAP_SIZE, test.n);
    const picks = Array.from({ length: k }, (_, i) => Math.floor((i * test.n) / k));
    const heatmap = {
      labels: picks.map((p) => shortLabel(captions[testIdx[p] as number]?.label ?? String(p))),
      values: picks.map((p) => picks.map((q) => model.similarity[p * test.n + q] as number)),
    };
    const spec = getProjector('dual-projection');
    const params = spec.paramCount(spec.schema.parse({ visionDim: IMAGE_DIM, textDim: TEXT_DIM, embedDim: cfg.embedDim, learnLogitScale: cfg.temperature === 'learned' }));
    ctx.onProgress(1, 'done');
    return {
      trainPairs: train.n,
      testPairs: test.n,
      params,
      runs: [model.result, control.result],
      curve: { step: curveSteps(cfg.steps), loss: model.curve.loss, temperature: model.curve.temperature, controlLoss: control.curve.loss },
      chanceLoss: Math.log(cfg.batchSize),
      chance: chanceRetrieval(test.n),
      heatmap,
      sweep: trained.slice(2).map((t) => t.result),
    };
  } finally {
    tf.dispose([train.x, train.t, test.x, test.t, shuffledT]);
  }
}

export const notebook = defineNotebook(card, run);
