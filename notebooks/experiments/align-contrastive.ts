/**
 * Runs the align-contrastive experiment (the question, schema and presentation are in the card).
 * See align-contrastive.card.ts for the task; this file is the tfjs side.
 *
 * Shapes: image X [N, 256], text T [N, 512]; the dual projection sees vision [B, 1, 256] and
 * text [B, 1, 512] and returns unit embeddings [B, E] and logits [B, B] (radford2021learning).
 */
import * as tf from '@tensorflow/tfjs';
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
import { FULL_IMAGE_DIM, FULL_TEXT_DIM, loadEmojiParts, prepareEmojiPairs, shuffledRows, type EmojiPairs } from '../toolkit/emoji-prep';
import { retrievalFromSimilarity } from '../toolkit/retrieval';
import { readFloat64, runTraining, StepProgress, type Variables } from '../toolkit/training';
import { defineNotebook, type RunContext } from '../types';

export { chanceRetrieval, curveSteps, defaults, type Config, type Result } from './align-contrastive.card';

/** Full widths on both sides: pooled image features [N, 256], caption embeddings [N, 512]. */
const IMAGE_DIM = FULL_IMAGE_DIM;
const TEXT_DIM = FULL_TEXT_DIM;

interface Settings {
  key: string;
  label: string;
  temperature: Config['temperature'];
  initTemperature: number;
  batchSize: number;
  shuffled: boolean;
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

function trainOne(s: Settings, cfg: Config, data: { pairs: EmojiPairs; shuffledT: tf.Tensor2D }, progress: StepProgress): Promise<Trained> {
  const spec = getProjector('dual-projection');
  const pcfg = spec.schema.parse({
    visionDim: IMAGE_DIM,
    textDim: TEXT_DIM,
    embedDim: cfg.embedDim,
    learnLogitScale: s.temperature === 'learned',
    logitScaleInit: Math.log(1 / s.initTemperature),
  });
  const { train, test } = data.pairs;
  const texts = s.shuffled ? data.shuffledT : train.text;
  const schedule = batchSchedule(cfg.seed, cfg.steps, s.batchSize, train.n);
  const sampled = new Set(curveSteps(cfg.steps));
  const curve = { loss: [] as number[], temperature: [] as number[] };
  const b = s.batchSize;
  const currentTemperature = async (vars: Variables<'model'>): Promise<number> => {
    const logitScale = vars.model.logit_scale;
    if (!logitScale) return 1 / Math.exp(pcfg.logitScaleInit);
    return 1 / Math.exp((await logitScale.data())[0] as number);
  };
  return runTraining({
    // Every run starts from the same projections, so runs differ only in what the sweep varies.
    weights: { model: spec.init(pcfg, deriveSeed(cfg.seed, 'init')) },
    optimizer: () => tf.train.adam(cfg.learningRate),
    steps: cfg.steps,
    // The loss is the batch's loss before this step's update.
    loss: (step, vars) => {
      const idx = tf.tensor1d(schedule.subarray((step - 1) * b, step * b), 'int32');
      const vision = tf.gather(train.image, idx).reshape([b, 1, IMAGE_DIM]) as tf.Tensor3D; // [B, 256] → [B, 1, 256]
      const text = tf.gather(texts, idx).reshape([b, 1, TEXT_DIM]) as tf.Tensor3D; // [B, 512] → [B, 1, 512]
      return clipLoss(spec.apply(pcfg, vars.model, { vision, text }).trace[TRACE_KEYS.logitsPerImage] as tf.Tensor2D);
    },
    readLoss: (step) => sampled.has(step),
    afterStep: async (_, loss, vars) => {
      // CLIP clips the multiplier at 100: logit_scale ∈ [0, ln 100] after every step (radford2021learning §2.5).
      const logitScale = vars.model.logit_scale;
      if (logitScale) tf.tidy(() => logitScale.assign(tf.clipByValue(logitScale, 0, Math.log(MAX_LOGIT_SCALE))));
      if (loss === undefined) return;
      curve.loss.push(loss);
      curve.temperature.push(await currentTemperature(vars));
    },
    progress,
    message: (step) => `${s.label}: step ${step} of ${cfg.steps}`,
    finish: async (vars) => {
      const n = test.n;
      const sim = tf.tidy(() => {
        const out = spec.apply(pcfg, vars.model, {
          vision: test.image.reshape([n, 1, IMAGE_DIM]) as tf.Tensor3D, // [n, 256] → [n, 1, 256]
          text: test.text.reshape([n, 1, TEXT_DIM]) as tf.Tensor3D, // [n, 512] → [n, 1, 512]
        });
        const img = out.trace[TRACE_KEYS.imageEmbeds] as tf.Tensor2D;
        const txt = out.trace[TRACE_KEYS.textEmbeds] as tf.Tensor2D;
        return tf.matMul(img, txt, false, true); // [n, E] × [n, E]ᵀ → [n, n] cosines
      });
      const similarity = await readFloat64(sim);
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
          finalTemperature: await currentTemperature(vars),
          imageToText: retrievalFromSimilarity(similarity, n),
          textToImage: retrievalFromSimilarity(transposed, n),
        },
        curve,
        similarity,
      };
    },
  });
}

async function run(cfg: Config, ctx: RunContext): Promise<Result> {
  const emoji = await loadEmojiParts('align-contrastive', ['pooled', 'use', 'captions'], ctx);
  const { captions } = emoji;
  // Each tower's input divided by its train RMS entry: unit-scale entries on both sides.
  const pairs = prepareEmojiPairs(emoji, { seed: cfg.seed, imageDims: IMAGE_DIM, textDims: TEXT_DIM, image: 'rms', text: 'rms' });
  const { train, test } = pairs;
  const shuffledT = shuffledRows(train.text, cfg.seed);
  try {
    const list = settingsOf(cfg);
    const progress = new StepProgress(ctx, list.length * cfg.steps, 10);
    const trained: Trained[] = [];
    for (const s of list) trained.push(await trainOne(s, cfg, { pairs, shuffledT }, progress));
    const [model, control] = trained as [Trained, Trained];
    // HEATMAP_SIZE held-out pairs spread evenly over the split (index order runs through the emoji
    // categories, so neighbours would all be faces).
    const k = Math.min(HEATMAP_SIZE, test.n);
    const picks = Array.from({ length: k }, (_, i) => Math.floor((i * test.n) / k));
    const heatmap = {
      labels: picks.map((p) => shortLabel(captions[test.rows[p] as number]?.label ?? String(p))),
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
    pairs.dispose();
    shuffledT.dispose();
  }
}

export const notebook = defineNotebook(card, run);
