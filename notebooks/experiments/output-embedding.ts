/**
 * Runs the output-embedding experiment (the question, schema and presentation are in the card).
 * See output-embedding.card.ts for the task; this file is the tfjs side.
 *
 * Shapes: states S [N, Nsig, Dm] (the caption's USE embedding, projected and cut into Nsig tokens);
 * targets T [N, Q, Do] (the caption's first Q token rows, projected; zero after its end); the
 * output-transformer maps [B, Nsig, Dm] → [B, Q, Do].
 */
import * as tf from '@tensorflow/tfjs';
import { loadEmoji } from '../../src/data';
import { defaultReader } from '../../src/data/default-reader';
import { createRng, deriveSeed } from '../../src/primitives/rng';
import { getPreset } from '../../src/projectors/presets';
import { getProjector } from '../../src/projectors/registry';
import { card, chanceRetrieval, curveSteps, TOKEN_ROW_DIM, type Config, type Result } from './output-embedding.card';
import { FULL_TEXT_DIM, loadEmojiParts, rmsEntry } from '../toolkit/emoji-prep';
import { retrievalFromSimilarity } from '../toolkit/retrieval';
import { readFloat64, readScalar, runTraining, StepProgress, type Variables } from '../toolkit/training';
import { ConfigError, defineNotebook, type RunContext } from '../types';

export { curveSteps, defaults, type Config, type Result } from './output-embedding.card';

const spec = getProjector('output-transformer');

/** Held-out captions shown with their nearest target: the first few of the split, fixed. */
const EXAMPLES = 6;

/** A seeded Gaussian projection of row-major [count, width] rows to `dims`, entries N(0, 1/dims), seed (seed, name). */
function project(values: Float32Array, width: number, dims: number, seed: number, name: string): Float32Array {
  const count = values.length / width;
  const out = tf.tidy(() => {
    const r = tf.randomNormal([width, dims], 0, 1 / Math.sqrt(dims), 'float32', deriveSeed(seed, name));
    return tf.matMul(tf.tensor2d(values, [count, width]), r); // [count, width] × [width, dims] → [count, dims]
  });
  const data = out.dataSync() as Float32Array;
  out.dispose();
  return data;
}

/** The mapper's config, validated by the library (numHeads must divide the width). */
function mapperConfig(cfg: Config): unknown {
  const parsed = spec.schema.safeParse({
    mode: 'transformer',
    llmDim: cfg.llmDim,
    hiddenDim: cfg.hiddenDim,
    numHeads: cfg.numHeads,
    encoderDepth: cfg.depth,
    decoderDepth: cfg.depth,
    ffnDim: 4 * cfg.hiddenDim, // F = 4W, as GILL's 2048 = 4 · 512
    outputDim: cfg.outputDim,
    numQueries: cfg.queries,
  });
  // The notebook's own schema bounds every field; what is left is the library's cross-field check.
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? '(config)'), message: i.message })));
  return parsed.data;
}

interface Data {
  states: { train: tf.Tensor3D; test: tf.Tensor3D }; // [n, Nsig, Dm]
  targets: { train: tf.Tensor3D; test: tf.Tensor3D }; // [n, Q, Do]
  tokenFill: number;
}

async function prepare(cfg: Config, ctx: RunContext): Promise<{ data: Data; split: { train: number[]; test: number[] }; labels: string[] }> {
  const emoji = await loadEmojiParts('output-embedding', ['use', 'captions'], ctx);
  const tokens = (await loadEmoji(await defaultReader(), ['tokens'])).tokens;
  if (!tokens) throw new Error('output-embedding: the emoji data did not load (tokens missing)');
  const { train, test } = emoji.split;
  const n = emoji.use.shape[0] as number;
  // States: USE [N, 512] → [N, Nsig·Dm], divided by the train RMS entry.
  const statesAll = project(emoji.use.data, FULL_TEXT_DIM, cfg.signalTokens * cfg.llmDim, cfg.seed, 'signal-states');
  // Targets: position q holds the mean of the caption's first q + 1 token rows (a causal bag of
  // tokens: CLIP's causal text encoder lets position q see tokens ≤ q); positions after the caption's
  // end hold the whole caption's mean, as CLIP's padding positions still see every token.
  // [N·Q, 256] → projected to [N·Q, Do] below.
  const rows = new Float32Array(n * cfg.queries * TOKEN_ROW_DIM);
  let filled = 0;
  const held = new Set(test);
  tokens.captions.forEach((ids, i) => {
    const sum = new Float64Array(TOKEN_ROW_DIM);
    for (let q = 0; q < cfg.queries; q += 1) {
      const id = ids[q];
      if (id !== undefined) {
        for (let k = 0; k < TOKEN_ROW_DIM; k += 1) sum[k] = (sum[k] as number) + (tokens.rows.data[id * TOKEN_ROW_DIM + k] as number);
        if (held.has(i)) filled += 1;
      }
      const count = Math.min(q + 1, ids.length);
      for (let k = 0; k < TOKEN_ROW_DIM; k += 1) rows[(i * cfg.queries + q) * TOKEN_ROW_DIM + k] = (sum[k] as number) / count;
    }
  });
  const targetsAll = project(rows, TOKEN_ROW_DIM, cfg.outputDim, cfg.seed, 'target-projection');
  const pick = (values: Float32Array, width: number, idx: readonly number[], scale: number): Float32Array => {
    const out = new Float32Array(idx.length * width);
    idx.forEach((i, j) => {
      for (let k = 0; k < width; k += 1) out[j * width + k] = (values[i * width + k] as number) / scale;
    });
    return out;
  };
  const sw = cfg.signalTokens * cfg.llmDim;
  const tw = cfg.queries * cfg.outputDim;
  const stateScale = rmsEntry(pick(statesAll, sw, train, 1));
  const targetScale = rmsEntry(pick(targetsAll, tw, train, 1));
  const tensor3 = (values: Float32Array, width: number, idx: readonly number[], scale: number, a: number, b: number) => tf.tensor3d(pick(values, width, idx, scale), [idx.length, a, b]); // [n, a·b] → [n, a, b]
  const data: Data = {
    states: { train: tensor3(statesAll, sw, train, stateScale, cfg.signalTokens, cfg.llmDim), test: tensor3(statesAll, sw, test, stateScale, cfg.signalTokens, cfg.llmDim) },
    targets: { train: tensor3(targetsAll, tw, train, targetScale, cfg.queries, cfg.outputDim), test: tensor3(targetsAll, tw, test, targetScale, cfg.queries, cfg.outputDim) },
    tokenFill: filled / (test.length * cfg.queries),
  };
  const labels = (emoji.captions ?? []).map((c) => c.label);
  return { data, split: { train, test }, labels };
}

/** Minibatch rows of every step, without replacement within an epoch (a fresh seeded shuffle each epoch). */
function schedule(cfg: Config, n: number): Int32Array {
  const rng = createRng(deriveSeed(cfg.seed, 'batches'));
  const out = new Int32Array(cfg.steps * cfg.batchSize);
  let order: number[] = [];
  for (let k = 0; k < out.length; k += 1) {
    if (order.length === 0) order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
    out[k] = order.pop() as number;
  }
  return out;
}

async function run(cfg: Config, ctx: RunContext): Promise<Result> {
  const pcfg = mapperConfig(cfg);
  const { data, split, labels } = await prepare(cfg, ctx);
  const preset = getPreset('gill-mapper');
  const fullSpec = getProjector(preset.kind);
  const fullCfg = fullSpec.schema.parse(preset.config);
  const fullInput = preset.input;
  if (!fullInput) throw new Error('output-embedding: the gill-mapper preset has no input shape');
  const modelInput = [1, cfg.signalTokens, cfg.llmDim];
  try {
    const batches = schedule(cfg, split.train.length);
    const sampled = new Set(curveSteps(cfg.steps));
    const curve = { step: [] as number[], train: [] as number[], test: [] as number[] };
    const predict = (vars: Variables<'model'>, s: tf.Tensor3D): tf.Tensor3D => spec.apply(pcfg, vars.model, { vision: s }).tokens as tf.Tensor3D; // [B, Nsig, Dm] → [B, Q, Do]
    const progress = new StepProgress(ctx, cfg.steps, 10);
    const trained = await runTraining({
      weights: { model: spec.init(pcfg, deriveSeed(cfg.seed, 'init')) },
      optimizer: () => tf.train.adam(cfg.learningRate),
      steps: cfg.steps,
      loss: (step, vars) => {
        const idx = tf.tensor1d(batches.subarray((step - 1) * cfg.batchSize, step * cfg.batchSize), 'int32');
        // GILL and NExT-GPT: L2 distance to the generator's text-encoder output (here, the mean squared error).
        return tf.losses.meanSquaredError(tf.gather(data.targets.train, idx), predict(vars, tf.gather(data.states.train, idx))) as tf.Scalar;
      },
      readLoss: (step) => sampled.has(step),
      afterStep: async (step, loss, vars) => {
        if (loss === undefined) return;
        curve.step.push(step);
        curve.train.push(loss);
        curve.test.push(await readScalar(tf.tidy(() => tf.losses.meanSquaredError(data.targets.test, predict(vars, data.states.test)))));
      },
      progress,
      message: (step) => `output Transformer: step ${step} of ${cfg.steps}`,
      finish: async (vars) => {
        const pred = tf.tidy(() => predict(vars, data.states.test));
        try {
          const m = split.test.length;
          // Retrieval by cosine after subtracting the train mean target from both sides: every target
          // shares a large common part (the padding and the frequent pieces), which otherwise makes a
          // few targets nearest to everything (hubs).
          const mu = tf.tidy(() => data.targets.train.mean(0).reshape([1, cfg.queries * cfg.outputDim])); // [Q, Do] → [1, Q·Do]
          const flatP = tf.tidy(() => pred.reshape([m, cfg.queries * cfg.outputDim]).sub(mu)); // [M, Q, Do] → [M, Q·Do]
          const flatT = tf.tidy(() => data.targets.test.reshape([m, cfg.queries * cfg.outputDim]).sub(mu)); // [M, Q, Do] → [M, Q·Do]
          mu.dispose();
          const sim = await readFloat64(
            tf.tidy(() => {
              const p = flatP.div(flatP.norm('euclidean', 1, true).add(1e-12));
              const t = flatT.div(flatT.norm('euclidean', 1, true).add(1e-12));
              return tf.matMul(p, t, false, true); // [M, Q·Do] × [M, Q·Do]ᵀ → [M, M]
            }),
          );
          tf.dispose([flatP, flatT]);
          const mean = tf.tidy(() => data.targets.train.mean(0, true)); // [1, Q, Do]
          const perPos = async (x: tf.Tensor3D): Promise<number[]> => Array.from(await readFloat64(tf.tidy(() => x.sub(data.targets.test).square().mean([0, 2])))); // [M, Q, Do] → [Q]
          const mapper = await perPos(pred);
          const tiled = mean.tile([m, 1, 1]) as tf.Tensor3D; // [1, Q, Do] → [M, Q, Do]
          const baseline = await perPos(tiled);
          tf.dispose([tiled, mean]);
          const testMse = await readScalar(tf.tidy(() => tf.losses.meanSquaredError(data.targets.test, pred)));
          const meanBaselineMse = baseline.reduce((s, v) => s + v, 0) / baseline.length;
          // Examples spread over the held-out split (it is in emoji order, so its start is all faces).
          const exampleRows = Array.from({ length: Math.min(EXAMPLES, m) }, (_, i) => Math.floor((i * m) / Math.min(EXAMPLES, m)));
          const examples = exampleRows.map((row) => {
            const emojiIndex = split.test[row] as number;
            let best = 0;
            for (let j = 1; j < m; j += 1) if ((sim[row * m + j] as number) > (sim[row * m + best] as number)) best = j;
            const own = sim[row * m + row] as number;
            let rank = 1;
            for (let j = 0; j < m; j += 1) if (j !== row && (sim[row * m + j] as number) >= own) rank += 1;
            const nearestEmoji = split.test[best] as number;
            return { emoji: emojiIndex, label: labels[emojiIndex] ?? String(emojiIndex), nearestEmoji, nearestLabel: labels[nearestEmoji] ?? String(nearestEmoji), rank };
          });
          return { testMse, meanBaselineMse, mapper, baseline, retrieval: retrievalFromSimilarity(sim, m), examples };
        } finally {
          pred.dispose();
        }
      },
    });
    ctx.onProgress(1, 'done');
    return {
      trainPairs: split.train.length,
      testPairs: split.test.length,
      model: { inputShape: modelInput, outputShape: [...spec.outputShape(pcfg, { vision: modelInput })], params: spec.paramCount(pcfg) },
      fullScale: { preset: preset.id, inputShape: [...fullInput.vision], outputShape: [...fullSpec.outputShape(fullCfg, fullInput)], params: fullSpec.paramCount(fullCfg) },
      tokenFill: data.tokenFill,
      curve,
      testMse: trained.testMse,
      meanBaselineMse: trained.meanBaselineMse,
      relativeError: trained.testMse / trained.meanBaselineMse,
      perPosition: { mapper: trained.mapper, baseline: trained.baseline },
      retrieval: trained.retrieval,
      chance: chanceRetrieval(split.test.length),
      examples: trained.examples,
    };
  } finally {
    tf.dispose([data.states.train, data.states.test, data.targets.train, data.targets.test]);
  }
}

export const notebook = defineNotebook(card, run);
