/**
 * Runs the interaction-gates experiment (the question, schema and presentation are in the card).
 * See interaction-gates.card.ts for the model; this file is the tfjs side.
 *
 * Shapes: prompt [Nt, Dm] broadcast to text states y [B, Nt, Dm]; image tokens [B, Nv = 49, Dv = 20];
 * each frozen LM layer and each gated block maps y [B, Nt, Dm] → [B, Nt, Dm]; the answer is the
 * last token's state [B, Dm], compared by cosine with the caption target [B, Dm].
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, deriveSeed } from '../../src/primitives/rng';
import { gelu } from '../../src/projectors/ops/activations';
import { l2Norm } from '../../src/projectors/ops/l2norm';
import { initLinear, linear, linearParams } from '../../src/projectors/ops/linear';
import { initLayerNorm, layerNorm, layerNormParams } from '../../src/projectors/ops/norm';
import { crossAttnEveryNLayers, spec as gated, type Config as GatedConfig } from '../../src/projectors/gated-cross-attention';
import type { Weights } from '../../src/projectors/types';
import { CURVE_TEST_IMAGES, BLOCK_FFN_MULT, BLOCK_HEAD_DIM, BLOCK_HEADS, card, chanceRetrieval, configProblem, gateSteps, type Config, type Result } from './interaction-gates.card';
import { loadEmojiParts } from '../toolkit/emoji-prep';
import { prepareGridPairs, stepBatches } from '../toolkit/grid-prep';
import { retrievalFromSimilarity } from '../toolkit/retrieval';
import { readFloat64, readScalar, runTraining, StepProgress, type Variables } from '../toolkit/training';
import { ConfigError, defineNotebook, type RunContext } from '../types';

export { chanceRetrieval, defaults, type Config, type Result } from './interaction-gates.card';

/** Hidden width of a frozen LM layer's MLP, as a multiple of Dm (a transformer's usual 4). */
const LM_MLP_MULT = 4;

/** The frozen stand-in LM: per layer LayerNorm → Linear(Dm, 4Dm) → GELU → Linear(4Dm, Dm), residual. */
interface FrozenLm {
  prompt: tf.Tensor2D; // [Nt, Dm]
  layers: Weights[];
  params: number;
  dispose(): void;
}

function frozenLm(cfg: Config): FrozenLm {
  const d = cfg.lmDim;
  const seed = deriveSeed(cfg.seed, 'frozen-lm');
  // Prompt embeddings N(0, 1): the same "question" for every image.
  const prompt = tf.randomNormal([cfg.textTokens, d], 0, 1, 'float32', deriveSeed(seed, 'prompt')) as tf.Tensor2D;
  const layers = Array.from({ length: cfg.lmLayers }, (_, i) => ({
    ...initLayerNorm('norm', d),
    ...initLinear('fc1', d, LM_MLP_MULT * d, deriveSeed(seed, `layer${i}`)),
    ...initLinear('fc2', LM_MLP_MULT * d, d, deriveSeed(seed, `layer${i}`)),
  }));
  const params = cfg.textTokens * d + cfg.lmLayers * (layerNormParams(d) + linearParams(d, LM_MLP_MULT * d) + linearParams(LM_MLP_MULT * d, d));
  return { prompt, layers, params, dispose: () => tf.dispose([prompt, ...layers.flatMap((w) => Object.values(w))]) };
}

/** One frozen layer: y + fc2(gelu(fc1(LN(y)))), [B, Nt, Dm] → [B, Nt, Dm]. */
function lmLayer(w: Weights, y: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const h = linear(gelu(linear(layerNorm(y, w['norm.weight'], w['norm.bias']), w['fc1.weight'] as tf.Tensor, w['fc1.bias'])), w['fc2.weight'] as tf.Tensor, w['fc2.bias']);
    return y.add(h) as tf.Tensor3D;
  });
}

type BlockVars = Record<string, Record<string, tf.Tensor>>;

/**
 * The stack on a batch of images: prompt → (gated block before layer i, when there is one) → layer i
 * → … → the last token's state [B, Dm]. With `blocks` undefined it is the frozen LM alone.
 * `afterBlock` receives each block's output (for the identity check).
 */
function forward(cfg: Config, lm: FrozenLm, blockLayers: readonly number[], gcfg: GatedConfig, blocks: BlockVars | undefined, vision: tf.Tensor3D, afterBlock?: (i: number, y: tf.Tensor3D) => void): tf.Tensor2D {
  const b = vision.shape[0];
  let y = lm.prompt.expandDims(0).tile([b, 1, 1]) as tf.Tensor3D; // [Nt, Dm] → [B, Nt, Dm]
  for (let i = 0; i < cfg.lmLayers; i += 1) {
    const k = blockLayers.indexOf(i);
    if (blocks && k >= 0) {
      y = gated.apply(gcfg, blocks[`block${k}`] as Weights, { vision, text: y }).tokens as tf.Tensor3D;
      afterBlock?.(k, y);
    }
    y = lmLayer(lm.layers[i] as Weights, y);
  }
  // [B, Nt, Dm] → the last token [B, Dm]
  return y.slice([0, cfg.textTokens - 1, 0], [b, 1, cfg.lmDim]).reshape([b, cfg.lmDim]) as tf.Tensor2D;
}

/** Mean of 1 − cos(answer, target); the targets are unit rows, the epsilon keeps a zero answer finite. */
function cosineLoss(answer: tf.Tensor2D, target: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.scalar(1).sub(answer.mul(target).sum(-1).div(l2Norm(answer, -1).add(1e-12)).mean()) as tf.Scalar);
}

async function retrieval(answer: tf.Tensor2D, target: tf.Tensor2D): Promise<Result['trained']['retrieval']> {
  const sim = tf.tidy(() => tf.matMul(answer.div(l2Norm(answer, -1, true).add(1e-12)), target, false, true)); // [n, Dm] × [n, Dm]ᵀ → [n, n]
  return retrievalFromSimilarity(await readFloat64(sim), answer.shape[0]);
}

/** Largest |a − b| as a number; both tensors are disposed. */
async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const v = await readScalar(tf.tidy(() => a.sub(b).abs().max()));
  tf.dispose([a, b]);
  return v;
}

async function run(cfg: Config, ctx: RunContext): Promise<Result> {
  const problem = configProblem(cfg);
  if (problem) throw new ConfigError([problem]);
  const emoji = await loadEmojiParts('interaction-gates', ['grid', 'use'], ctx);
  const pairs = prepareGridPairs(emoji, { seed: cfg.seed, textDims: cfg.lmDim });
  const lm = frozenLm(cfg);
  /** Tensors made here that outlive a tidy, disposed however the run ends. */
  const owned: tf.Tensor[] = [];
  try {
    const blockLayers = crossAttnEveryNLayers(cfg.lmLayers, cfg.everyN);
    const gcfg = gated.schema.parse({ llmDim: cfg.lmDim, visionDim: pairs.width, numHeads: BLOCK_HEADS, headDim: BLOCK_HEAD_DIM, ffnMult: BLOCK_FFN_MULT, activation: 'gelu' }) as GatedConfig;
    const initSeed = deriveSeed(cfg.seed, 'blocks');
    const weights = Object.fromEntries(blockLayers.map((_, k) => [`block${k}`, gated.init(gcfg, deriveSeed(initSeed, `block${k}`))]));
    const rng = createRng(deriveSeed(cfg.seed, 'batches'));
    const batches = stepBatches((xs) => rng.shuffle(xs), cfg.steps, cfg.batchSize, pairs.train.n);
    const { train, test } = pairs;

    // The frozen LM's answers on the held-out images (the same for every image: it never sees one).
    const lmAnswer = tf.tidy(() => forward(cfg, lm, blockLayers, gcfg, undefined, test.vision));
    owned.push(lmAnswer);
    const lmAlone = { testLoss: await readScalar(cosineLoss(lmAnswer, test.text)), retrieval: await retrieval(lmAnswer, test.text) };

    const sampled = new Set(gateSteps(cfg.steps));
    const curve: Result['curve'] = { step: [], train: [], test: [] };
    const gates: Result['gates'] = blockLayers.map((layer) => ({ layer, attn: [], ff: [] }));
    let identity: Result['identity'] | undefined;
    const readGates = async (vars: BlockVars): Promise<void> => {
      for (let k = 0; k < blockLayers.length; k += 1) {
        const g = gates[k] as Result['gates'][number];
        const w = vars[`block${k}`] as Record<string, tf.Tensor>;
        g.attn.push(await readScalar(tf.tidy(() => tf.tanh(w.attn_gate as tf.Tensor).reshape([]))));
        g.ff.push(await readScalar(tf.tidy(() => tf.tanh(w.ff_gate as tf.Tensor).reshape([]))));
      }
    };
    const curveN = Math.min(CURVE_TEST_IMAGES, test.n);
    // The first curveN held-out images: [n, Nv, Dv] → [curveN, Nv, Dv], [n, Dm] → [curveN, Dm]
    const curveVision = test.vision.slice([0, 0, 0], [curveN, -1, -1]);
    const curveText = test.text.slice([0, 0], [curveN, -1]);
    owned.push(curveVision, curveText);
    const testLoss = (vars: BlockVars): Promise<number> => readScalar(tf.tidy(() => cosineLoss(forward(cfg, lm, blockLayers, gcfg, vars, curveVision), curveText)));
    const batchLoss = (step: number, vars: BlockVars): tf.Scalar => {
      const idx = tf.tensor1d(batches.subarray((step - 1) * cfg.batchSize, step * cfg.batchSize), 'int32');
      return cosineLoss(forward(cfg, lm, blockLayers, gcfg, vars, tf.gather(train.vision, idx)), tf.gather(train.text, idx));
    };

    const progress = new StepProgress(ctx, cfg.steps, 10);
    const trained = await runTraining<string, Result['trained']>({
      weights,
      optimizer: () => tf.train.adam(cfg.learningRate),
      steps: cfg.steps,
      before: async (vars) => {
        // The gate-0 identity, measured on the untrained blocks: the whole output and the state
        // after each block against the frozen LM's state at the same point.
        const perBlockStates: tf.Tensor3D[] = [];
        const withBlocks = tf.tidy(() => forward(cfg, lm, blockLayers, gcfg, vars, test.vision, (_k, y) => perBlockStates.push(tf.keep(y.clone()))));
        const reference: tf.Tensor3D[] = [];
        // The frozen LM's state where each block sits: layers 0..i−1 applied to the prompt.
        tf.tidy(() => {
          let y = lm.prompt.expandDims(0).tile([test.n, 1, 1]) as tf.Tensor3D;
          for (let i = 0; i < cfg.lmLayers; i += 1) {
            if (blockLayers.includes(i)) reference.push(tf.keep(y.clone()));
            y = lmLayer(lm.layers[i] as Weights, y);
          }
        });
        const perBlock: number[] = [];
        for (let k = 0; k < blockLayers.length; k += 1) perBlock.push(await maxAbsDiff(perBlockStates[k] as tf.Tensor, reference[k] as tf.Tensor));
        identity = { maxAbsDiff: await maxAbsDiff(withBlocks, lmAnswer.clone()), perBlock, values: test.n * cfg.lmDim };
        curve.step.push(0);
        curve.train.push(await readScalar(tf.tidy(() => batchLoss(1, vars))));
        curve.test.push(await testLoss(vars));
        await readGates(vars);
      },
      loss: batchLoss,
      readLoss: (step) => sampled.has(step),
      afterStep: async (step, loss, vars) => {
        if (loss === undefined) return;
        curve.step.push(step);
        curve.train.push(loss);
        curve.test.push(await testLoss(vars));
        await readGates(vars);
      },
      progress,
      message: (step) => `gated blocks: step ${step} of ${cfg.steps}`,
      finish: async (vars: Variables<string>) => {
        const answer = tf.tidy(() => forward(cfg, lm, blockLayers, gcfg, vars, test.vision));
        try {
          return { testLoss: await readScalar(cosineLoss(answer, test.text)), retrieval: await retrieval(answer, test.text) };
        } finally {
          answer.dispose();
        }
      },
    });
    ctx.onProgress(1, 'done');
    return {
      trainImages: train.n,
      testImages: test.n,
      visionTokens: pairs.tokens,
      visionDim: pairs.width,
      blockLayers,
      identity: identity as Result['identity'],
      params: { block: gated.paramCount(gcfg), blocks: blockLayers.length * gated.paramCount(gcfg), frozenLm: lm.params },
      curve,
      gates,
      lmAlone,
      trained,
      chance: chanceRetrieval(test.n),
    };
  } finally {
    pairs.dispose();
    lm.dispose();
    tf.dispose(owned);
  }
}

export const notebook = defineNotebook(card, run);
