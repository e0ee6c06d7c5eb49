/**
 * Runs the interaction-queries experiment (the question, schema and presentation are in the card).
 * See interaction-queries.card.ts for the task; this file is the tfjs side.
 *
 * Shapes: image tokens [B, Nv = 49, Dv = 20] → Q-Former [B, Q, Dm] | resampler [B, Q, Dv] →
 * readout Linear(Dv, Dm) → [B, Q, Dm]; the answer is the mean over the Q tokens [B, Dm], compared by
 * cosine with the caption target [B, Dm]. The upsampled input is [1, 4·Nv, Dv] (2 × 2 nearest).
 */
import * as tf from '@tensorflow/tfjs';
import { galleryImagePath } from '../../src/data';
import { createRng, deriveSeed } from '../../src/primitives/rng';
import { l2Norm } from '../../src/projectors/ops/l2norm';
import { initLinear, linear, linearParams } from '../../src/projectors/ops/linear';
import { spec as qformer, TRACE_KEYS as QF_TRACE } from '../../src/projectors/qformer';
import { spec as resampler, TRACE_KEYS as PR_TRACE } from '../../src/projectors/perceiver-resampler';
import type { AnySpec } from '../../src/projectors/registry';
import type { Weights } from '../../src/projectors/types';
import { card, chanceRetrieval, curveSteps, QFORMER_SIZE, RESAMPLER_SIZE, type Config, type ModuleResult, type Result } from './interaction-queries.card';
import { loadEmojiParts } from '../toolkit/emoji-prep';
import { prepareGridPairs, stepBatches } from '../toolkit/grid-prep';
import { retrievalFromSimilarity } from '../toolkit/retrieval';
import { readFloat64, readScalar, runTraining, StepProgress, type Variables } from '../toolkit/training';
import { ConfigError, defineNotebook, type RunContext } from '../types';

export { chanceRetrieval, defaults, type Config, type Result } from './interaction-queries.card';

interface Module {
  kind: ModuleResult['kind'];
  label: string;
  cfg: unknown;
  init: (seed: number) => Record<string, Weights>;
  /** [B, Nv, Dv] → tokens [B, Q, Dm] and the attention maps to draw [B, H, Q, keys]. */
  forward: (vars: Record<string, Weights>, vision: tf.Tensor3D) => { tokens: tf.Tensor3D; own: tf.Tensor3D; attention: tf.Tensor4D; layer: number };
  params: number;
}

function modules(cfg: Config, dv: number): Module[] {
  const qcfg = qformer.schema.parse({ ...QFORMER_SIZE, numQueries: cfg.numQueries, visionDim: dv, llmDim: cfg.lmDim, projName: 'opt_proj' });
  const rcfg = resampler.schema.parse({ ...RESAMPLER_SIZE, visionDim: dv, numQueries: cfg.numQueries, activation: 'gelu' });
  return [
    {
      kind: 'qformer',
      label: 'Q-Former (BLIP-2)',
      cfg: qcfg,
      init: (seed) => ({ model: qformer.init(qcfg, seed) }),
      forward: (vars, vision) => {
        const out = qformer.apply(qcfg, vars.model as Weights, { vision });
        // [Lx, B, H, Q, Nv] → the first cross-attention layer [B, H, Q, Nv]
        const maps = out.trace[QF_TRACE.crossAttention] as tf.Tensor;
        const attention = maps.slice([0], [1]).squeeze([0]) as tf.Tensor4D;
        return { tokens: out.tokens as tf.Tensor3D, own: out.tokens as tf.Tensor3D, attention, layer: 0 };
      },
      params: qformer.paramCount(qcfg),
    },
    {
      kind: 'perceiver-resampler',
      label: 'Perceiver Resampler (Flamingo) + Linear',
      cfg: rcfg,
      init: (seed) => ({ model: resampler.init(rcfg, seed), readout: initLinear('readout', dv, cfg.lmDim, deriveSeed(seed, 'readout')) }),
      forward: (vars, vision) => {
        const out = resampler.apply(rcfg, vars.model as Weights, { vision });
        const r = vars.readout as Weights;
        const tokens = linear(out.tokens, r['readout.weight'] as tf.Tensor, r['readout.bias']) as tf.Tensor3D; // [B, Q, Dv] → [B, Q, Dm]
        // [depth, B, H, Q, Nv + Q] → the last layer [B, H, Q, Nv + Q]
        const maps = out.trace[PR_TRACE.attention] as tf.Tensor;
        const last = RESAMPLER_SIZE.depth - 1;
        return { tokens, own: out.tokens as tf.Tensor3D, attention: maps.slice([last], [1]).squeeze([0]) as tf.Tensor4D, layer: last };
      },
      params: resampler.paramCount(rcfg) + linearParams(dv, cfg.lmDim),
    },
  ];
}

/** Mean over the Q tokens [B, Q, Dm] → [B, Dm]. */
const answerOf = (tokens: tf.Tensor3D): tf.Tensor2D => tokens.mean(1) as tf.Tensor2D;

function cosineLoss(answer: tf.Tensor2D, target: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.scalar(1).sub(answer.mul(target).sum(-1).div(l2Norm(answer, -1).add(1e-12)).mean()) as tf.Scalar);
}

/** [n, s·s, D] → [n, (2s)·(2s), D]: each token repeated over a 2 × 2 block (nearest-neighbour upsampling). */
function upsample2x(x: tf.Tensor3D, side: number): tf.Tensor3D {
  return tf.tidy(() => {
    const [n, , d] = x.shape;
    const grid = x.reshape([n, side, 1, side, 1, d]); // [n, s, 1, s, 1, D]
    const tiled = grid.tile([1, 1, 2, 1, 2, 1]); // [n, s, 2, s, 2, D]
    return tiled.reshape([n, 4 * side * side, d]) as tf.Tensor3D; // row-major over the (2s) × (2s) grid
  });
}

async function trainOne(m: Module, cfg: Config, data: { pairs: ReturnType<typeof prepareGridPairs>; batches: Int32Array; picture: number; side: number }, progress: StepProgress): Promise<ModuleResult> {
  const { train, test } = data.pairs;
  const sampled = new Set(curveSteps(cfg.steps));
  const curve = { step: [] as number[], train: [] as number[] };
  return runTraining<string, ModuleResult>({
    weights: m.init(deriveSeed(cfg.seed, `init.${m.kind}`)),
    optimizer: () => tf.train.adam(cfg.learningRate),
    steps: cfg.steps,
    loss: (step, vars) => {
      const idx = tf.tensor1d(data.batches.subarray((step - 1) * cfg.batchSize, step * cfg.batchSize), 'int32');
      return cosineLoss(answerOf(m.forward(vars, tf.gather(train.vision, idx)).tokens), tf.gather(train.text, idx));
    },
    readLoss: (step) => sampled.has(step),
    afterStep: (step, loss) => {
      if (loss === undefined) return;
      curve.step.push(step);
      curve.train.push(loss);
    },
    progress,
    message: (step) => `${m.label}: step ${step} of ${cfg.steps}`,
    finish: async (vars: Variables<string>) => {
      const answer = tf.tidy(() => answerOf(m.forward(vars, test.vision).tokens));
      const testLoss = await readScalar(cosineLoss(answer, test.text));
      const sim = tf.tidy(() => tf.matMul(answer.div(l2Norm(answer, -1, true).add(1e-12)), test.text, false, true)); // [n, Dm] × [n, Dm]ᵀ → [n, n]
      answer.dispose();
      const retrieval = retrievalFromSimilarity(await readFloat64(sim), test.n);
      // The drawn picture: [1, Nv, Dv], and the same grid upsampled to [1, 4·Nv, Dv].
      const one = tf.tidy(() => test.vision.slice([data.picture, 0, 0], [1, -1, -1]));
      const big = upsample2x(one, data.side);
      try {
        const small = tf.tidy(() => {
          const out = m.forward(vars, one);
          return { tokens: out.own, mean: out.attention.mean(1).squeeze([0]) as tf.Tensor2D, layer: out.layer }; // [1, H, Q, keys] → [Q, keys]
        });
        const large = tf.tidy(() => m.forward(vars, big).own);
        const nv = one.shape[1];
        const rows = (await small.mean.array()) as number[][];
        const attention = {
          layer: small.layer,
          grid: rows.map((row) => row.slice(0, nv)),
          ...(m.kind === 'perceiver-resampler' ? { latents: rows.map((row) => row.slice(nv).reduce((a, b) => a + b, 0)) } : {}),
        };
        const spec: AnySpec = m.kind === 'qformer' ? qformer : resampler;
        const shapes = [one.shape, big.shape].map((s) => [...s]);
        const lengths = {
          inTokens: [nv, big.shape[1]],
          outputShape: shapes.map((s) => [...spec.outputShape(m.cfg, { vision: s })]),
          applied: [[...small.tokens.shape], [...large.shape]],
          flops: shapes.map((s) => spec.flops(m.cfg, { vision: s })),
          maxAbsDiff: await readScalar(tf.tidy(() => small.tokens.sub(large).abs().max())),
        };
        tf.dispose([small.tokens, small.mean, large]);
        return { kind: m.kind, label: m.label, params: m.params, curve, testLoss, retrieval, attention, lengths };
      } finally {
        tf.dispose([one, big]);
      }
    },
  });
}

async function run(cfg: Config, ctx: RunContext): Promise<Result> {
  const emoji = await loadEmojiParts('interaction-queries', ['grid', 'use', 'captions', 'gallery'], ctx);
  // The held-out images whose picture is committed (the gallery's emoji), in data-set order.
  const pictured = new Set(emoji.gallery.flatMap((g) => [g.query, ...g.neighbours]));
  const testPictured = emoji.split.test.filter((i) => pictured.has(i));
  const chosen = testPictured[cfg.picture];
  if (chosen === undefined) throw new ConfigError([{ field: 'picture', message: `must be below ${testPictured.length}: that many held-out images have a committed picture` }]);
  const pairs = prepareGridPairs(emoji, { seed: cfg.seed, textDims: cfg.lmDim });
  try {
    const side = Math.round(Math.sqrt(pairs.tokens));
    if (side * side !== pairs.tokens) throw new Error(`interaction-queries: ${pairs.tokens} tokens per image are not a square grid`);
    const rng = createRng(deriveSeed(cfg.seed, 'batches'));
    const batches = stepBatches((xs) => rng.shuffle(xs), cfg.steps, cfg.batchSize, pairs.train.n);
    const list = modules(cfg, pairs.width);
    const progress = new StepProgress(ctx, list.length * cfg.steps, 10);
    const results: ModuleResult[] = [];
    const picture = pairs.test.rows.indexOf(chosen);
    for (const m of list) results.push(await trainOne(m, cfg, { pairs, batches, picture, side }, progress));
    const record = emoji.captions[chosen];
    if (!record) throw new Error(`interaction-queries: no caption record for emoji ${chosen}`);
    ctx.onProgress(1, 'done');
    return {
      trainImages: pairs.train.n,
      testImages: pairs.test.n,
      gridSide: side,
      visionDim: pairs.width,
      picture: { index: chosen, label: record.label, href: `/${galleryImagePath(emoji.details, record)}` },
      modules: results,
      chance: chanceRetrieval(pairs.test.n),
    };
  } finally {
    pairs.dispose();
  }
}

export const notebook = defineNotebook(card, run);
