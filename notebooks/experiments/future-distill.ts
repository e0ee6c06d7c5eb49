/**
 * Runs the future-distill experiment (the question, schema and presentation are in the card).
 * Closed form in float64 (src/primitives/linalg.ts): the result does not depend on a tfjs backend;
 * tfjs only loads the data.
 *
 * Shapes: X [n, Di]; W1 [Di, H]; hidden [n, H]; head [H, 512]; students [Di, 512]; captions [n, 512].
 */
import { cosineMatrix, matmul, ridgeFit, ridgePredict } from '../../src/primitives/linalg';
import { createRng, deriveSeed } from '../../src/primitives/rng';
import { getProjector } from '../../src/projectors/registry';
import { chanceRetrieval, retrievalFromSimilarity } from '../toolkit/retrieval';
import { FULL_IMAGE_DIM, FULL_TEXT_DIM, gatherRows, leadingColumns, loadEmojiParts } from '../toolkit/emoji-prep';
import { defineNotebook, throwIfAborted, yieldToEventLoop, type RunContext } from '../types';
import { card, type Config, type Result } from './future-distill.card';

export { defaults, type Config, type Result } from './future-distill.card';

/** GELU, tanh approximation (the form PyTorch's approximate='tanh' and tfjs use). */
const gelu = (v: number): number => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));

/** Mean over rows of cos(a_i, b_i), rows of width d. */
function meanRowCosine(a: Float64Array, b: Float64Array, n: number, d: number): number {
  let total = 0;
  for (let i = 0; i < n; i += 1) {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let j = 0; j < d; j += 1) {
      const x = a[i * d + j] as number;
      const y = b[i * d + j] as number;
      dot += x * y;
      na += x * x;
      nb += y * y;
    }
    total += dot / (Math.sqrt(na * nb) + 1e-12);
  }
  return total / n;
}

async function run(cfg: Config, ctx: RunContext): Promise<Result> {
  const emoji = await loadEmojiParts('future-distill', ['pooled', 'use'], ctx);
  const p = cfg.imageDims;
  const q = FULL_TEXT_DIM;
  const h = cfg.hidden;
  const rng = createRng(deriveSeed(cfg.seed, 'train-subsample'));
  const trainAll = emoji.split.train;
  const train = rng.shuffle([...trainAll]).slice(0, Math.round(cfg.subsample * trainAll.length)).sort((a, b) => a - b);
  const test = emoji.split.test;
  const images = leadingColumns(emoji.pooled.data, FULL_IMAGE_DIM, p); // PCA-ordered: the leading Di components
  const xTrain = gatherRows(images, p, train);
  const xTest = gatherRows(images, p, test);
  const yTrain = gatherRows(emoji.use.data, q, train);
  const yTest = gatherRows(emoji.use.data, q, test);

  // Teacher's first layer: seeded N(0, 1/Di) weights, zero bias, then GELU.
  const g = createRng(deriveSeed(cfg.seed, 'teacher-first-layer'));
  const w1 = new Float64Array(p * h);
  for (let i = 0; i < w1.length; i += 1) w1[i] = g.normal() / Math.sqrt(p);
  const hiddenOf = (x: Float32Array, n: number): Float64Array => matmul(x, w1, n, p, h).map(gelu); // [n, Di]·[Di, H] → [n, H]
  ctx.onProgress(0.1, 'fitting the teacher MLP');
  await yieldToEventLoop();
  throwIfAborted(ctx.signal);
  const hTrain = hiddenOf(xTrain, train.length);
  const hTest = hiddenOf(xTest, test.length);
  const head = ridgeFit(hTrain, yTrain, train.length, h, q, cfg.ridgeLambda);
  const teacherTrain = ridgePredict(head, hTrain, train.length);
  const teacherTest = ridgePredict(head, hTest, test.length);

  ctx.onProgress(0.6, 'fitting the linear students');
  await yieldToEventLoop();
  throwIfAborted(ctx.signal);
  const distilled = ridgeFit(xTrain, teacherTrain, train.length, p, q, cfg.ridgeLambda);
  const direct = ridgeFit(xTrain, yTrain, train.length, p, q, cfg.ridgeLambda);
  const distilledTest = ridgePredict(distilled, xTest, test.length);
  const directTest = ridgePredict(direct, xTest, test.length);

  ctx.onProgress(0.85, 'scoring');
  await yieldToEventLoop();
  throwIfAborted(ctx.signal);
  const n = test.length;
  const linear = getProjector('linear');
  const linearParams = (visionDim: number, llmDim: number): number => linear.paramCount(linear.schema.parse({ visionDim, llmDim }));
  const score = (key: Result['models'][number]['key'], label: string, params: number, out: Float64Array) => {
    const r = retrievalFromSimilarity(cosineMatrix(out, n, yTest, n, q), n);
    return { key, label, params, recallAt1: r.recallAt1, recallAt10: r.recallAt10, agreement: meanRowCosine(out, teacherTest, n, q) };
  };
  const models = [
    score('teacher', `MLP teacher (${p} → ${h} → ${q})`, linearParams(p, h) + linearParams(h, q), teacherTest),
    score('distilled', 'Linear, distilled from the teacher', linearParams(p, q), distilledTest),
    score('direct', 'Linear, fitted to the captions', linearParams(p, q), directTest),
  ];
  ctx.onProgress(1, 'done');
  return { models, chanceRecallAt10: chanceRetrieval(n).recallAt10, trainRows: train.length, testRows: n };
}

export const notebook = defineNotebook(card, run);
