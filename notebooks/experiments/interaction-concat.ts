/**
 * Runs the interaction-concat experiment (the question, schema and presentation are in the card).
 *
 * Shapes: image tokens [B, Nv = 49, Dv = 20] → projector (per token) → [B, Nv, Dm]; the answer is the
 * mean over the Nv tokens [B, Dm], compared by cosine with the caption target [B, Dm].
 */
import * as tf from '@tensorflow/tfjs';
import { galleryImagePath } from '../../src/data';
import { createRng, deriveSeed } from '../../src/primitives/rng';
import { l2Norm } from '../../src/projectors/ops/l2norm';
import { getProjector } from '../../src/projectors/registry';
import type { Weights } from '../../src/projectors/types';
import { card, chanceRetrieval, curveSteps, type Config, type Result } from './interaction-concat.card';
import { loadEmojiParts } from '../toolkit/emoji-prep';
import { prepareGridPairs, stepBatches } from '../toolkit/grid-prep';
import { retrievalFromSimilarity } from '../toolkit/retrieval';
import { readFloat64, readScalar, runTraining, StepProgress, type Variables } from '../toolkit/training';
import { ConfigError, defineNotebook, type RunContext } from '../types';

export { chanceRetrieval, defaults, type Config, type Result } from './interaction-concat.card';

function cosineLoss(answer: tf.Tensor2D, target: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.scalar(1).sub(answer.mul(target).sum(-1).div(l2Norm(answer, -1).add(1e-12)).mean()) as tf.Scalar);
}

async function run(cfg: Config, ctx: RunContext): Promise<Result> {
  const emoji = await loadEmojiParts('interaction-concat', ['grid', 'use', 'captions', 'gallery'], ctx);
  const pictured = new Set(emoji.gallery.flatMap((g) => [g.query, ...g.neighbours]));
  const testPictured = emoji.split.test.filter((i) => pictured.has(i));
  const chosen = testPictured[cfg.picture];
  if (chosen === undefined) throw new ConfigError([{ field: 'picture', message: `must be below ${testPictured.length}: that many held-out images have a committed picture` }]);
  const record = emoji.captions[chosen];
  if (!record) throw new Error(`interaction-concat: no caption record for emoji ${chosen}`);
  const pairs = prepareGridPairs(emoji, { seed: cfg.seed, textDims: cfg.lmDim });
  const spec = getProjector(cfg.projector);
  const pcfg = spec.schema.parse(cfg.projector === 'mlp' ? { visionDim: pairs.width, llmDim: cfg.lmDim, depth: 2 } : { visionDim: pairs.width, llmDim: cfg.lmDim });
  try {
    const side = Math.round(Math.sqrt(pairs.tokens));
    const { train, test } = pairs;
    const rng = createRng(deriveSeed(cfg.seed, 'batches'));
    const batches = stepBatches((xs) => rng.shuffle(xs), cfg.steps, cfg.batchSize, train.n);
    const project = (vars: Record<string, Weights>, vision: tf.Tensor3D): tf.Tensor3D => spec.apply(pcfg, vars.model as Weights, { vision }).tokens as tf.Tensor3D;
    const sampled = new Set(curveSteps(cfg.steps));
    const curve: Result['curve'] = { step: [], train: [] };
    const progress = new StepProgress(ctx, cfg.steps, 10);
    const picture = test.rows.indexOf(chosen);
    const trained = await runTraining<string, Omit<Result, 'trainImages' | 'testImages' | 'gridSide' | 'visionDim' | 'picture' | 'curve' | 'chance' | 'params' | 'sequence'>>({
      weights: { model: spec.init(pcfg, deriveSeed(cfg.seed, `init.${cfg.projector}`)) },
      optimizer: () => tf.train.adam(cfg.learningRate),
      steps: cfg.steps,
      loss: (step, vars) => {
        const idx = tf.tensor1d(batches.subarray((step - 1) * cfg.batchSize, step * cfg.batchSize), 'int32');
        return cosineLoss(project(vars, tf.gather(train.vision, idx)).mean(1) as tf.Tensor2D, tf.gather(train.text, idx));
      },
      readLoss: (step) => sampled.has(step),
      afterStep: (step, loss) => {
        if (loss === undefined) return;
        curve.step.push(step);
        curve.train.push(loss);
      },
      progress,
      message: (step) => `${cfg.projector}: step ${step} of ${cfg.steps}`,
      finish: async (vars: Variables<string>) => {
        const answer = tf.tidy(() => project(vars, test.vision).mean(1) as tf.Tensor2D); // [n, Nv, Dm] → [n, Dm]
        const testLoss = await readScalar(cosineLoss(answer, test.text));
        const sim = tf.tidy(() => tf.matMul(answer.div(l2Norm(answer, -1, true).add(1e-12)), test.text, false, true)); // [n, n]
        answer.dispose();
        const retrieval = retrievalFromSimilarity(await readFloat64(sim), test.n);
        // The picture: [1, Nv, Dv] → [1, Nv, Dm]; each token's cosine with the caption [Dm].
        const one = tf.tidy(() => test.vision.slice([picture, 0, 0], [1, -1, -1]));
        const tokens = tf.tidy(() => project(vars, one));
        const target = tf.tidy(() => test.text.slice([picture, 0], [1, -1])); // [1, Dm]
        try {
          const tokenCosine = Array.from(await readFloat64(tf.tidy(() => tokens.squeeze([0]).matMul(target, false, true).squeeze([1]).div(l2Norm(tokens.squeeze([0]), -1).add(1e-12))))); // [Nv, Dm] × [Dm, 1] → [Nv]
          const meanCosine = await readScalar(tf.tidy(() => tf.scalar(1).sub(cosineLoss(tokens.mean(1) as tf.Tensor2D, target))));
          return { outputShape: [...spec.outputShape(pcfg, { vision: one.shape })], applied: [...tokens.shape], tokenCosine, meanCosine, testLoss, retrieval };
        } finally {
          tf.dispose([one, tokens, target]);
        }
      },
    });
    const [, image, width] = trained.applied as [number, number, number];
    ctx.onProgress(1, 'done');
    return {
      trainImages: train.n,
      testImages: test.n,
      gridSide: side,
      visionDim: pairs.width,
      picture: { index: chosen, label: record.label, href: `/${galleryImagePath(emoji.details, record)}` },
      params: spec.paramCount(pcfg),
      sequence: { system: cfg.systemTokens, image, question: cfg.questionTokens, width, total: cfg.systemTokens + image + cfg.questionTokens },
      curve,
      chance: chanceRetrieval(test.n),
      ...trained,
    };
  } finally {
    pairs.dispose();
  }
}

export const notebook = defineNotebook(card, run);
