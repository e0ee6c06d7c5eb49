/**
 * Runs the future-dynamic-tokens experiment (the task, schema and presentation are in the card).
 * Closed form in float64 on 20-d tokens (src/primitives/linalg.ts); tfjs only loads the data.
 *
 * Shapes: grid [N, 49, 20]; captions [N, 512]; W [20, 512]; M = W·Ĉᵀ [20, n]; pooled [n, 20].
 */
import { matmul, normalizeRows, ridgeFit, transpose } from '../../src/primitives/linalg';
import { createRng, deriveSeed } from '../../src/primitives/rng';
import { loadEmojiParts } from '../toolkit/emoji-prep';
import { chanceRetrieval, retrievalFromSimilarity } from '../toolkit/retrieval';
import { defineNotebook, throwIfAborted, yieldToEventLoop, type RunContext } from '../types';
import { card, SWEEP_TAU, THRESHOLDS, TOKENS, type Config, type Result } from './future-dynamic-tokens.card';

export { defaults, type Config, type Result } from './future-dynamic-tokens.card';

/** Token indices of one image by descending saliency (ties: lower index first). */
const bySaliency = (s: Float64Array, i: number): number[] =>
  Array.from({ length: TOKENS }, (_, t) => t).sort((a, b) => (s[i * TOKENS + b] as number) - (s[i * TOKENS + a] as number) || a - b);

async function run(cfg: Config, ctx: RunContext): Promise<Result> {
  const emoji = await loadEmojiParts('future-dynamic-tokens', ['grid', 'use'], ctx);
  const { grid, use } = emoji;
  const dv = grid.shape[2] as number; // 20
  const dm = use.shape[1] as number; // 512
  const rng = createRng(deriveSeed(cfg.seed, 'train-subsample'));
  const trainAll = emoji.split.train;
  const train = rng.shuffle([...trainAll]).slice(0, Math.round(cfg.subsample * trainAll.length)).sort((a, b) => a - b);
  const test = emoji.split.test;
  const n = test.length;

  // Caption space centred on the train mean (cosines then compare directions, not the shared component).
  const textMean = new Float64Array(dm);
  for (const i of train) for (let j = 0; j < dm; j += 1) textMean[j] = (textMean[j] as number) + (use.data[i * dm + j] as number) / train.length;
  const centredCaption = (i: number, out: Float64Array, at: number): void => {
    for (let j = 0; j < dm; j += 1) out[at + j] = (use.data[i * dm + j] as number) - (textMean[j] as number);
  };

  // The Linear: ridge from an emoji's mean token to its centred caption (train rows only).
  const xTrain = new Float64Array(train.length * dv);
  const yTrain = new Float64Array(train.length * dm);
  train.forEach((img, r) => {
    for (let t = 0; t < TOKENS; t += 1) for (let d = 0; d < dv; d += 1) xTrain[r * dv + d] = (xTrain[r * dv + d] as number) + (grid.data[(img * TOKENS + t) * dv + d] as number) / TOKENS;
    centredCaption(img, yTrain, r * dm);
  });
  ctx.onProgress(0.1, 'fitting the projector');
  await yieldToEventLoop();
  throwIfAborted(ctx.signal);
  const ridge = ridgeFit(xTrain, yTrain, train.length, dv, dm, cfg.ridgeLambda);

  // Similarity of a pooled raw token x̄ to caption j: (x̄ − xMean)·W·ĉ_j + yMean·ĉ_j. Ranking is
  // per image row, so the prediction's own norm does not matter and is not divided out.
  const captions = new Float64Array(n * dm);
  test.forEach((img, i) => centredCaption(img, captions, i * dm));
  const unitT = transpose(normalizeRows(captions, n, dm), n, dm); // [dm, n]
  const m = matmul(ridge.weights, unitT, dv, dm, n); // [dv, n]
  const offset = matmul(ridge.yMean, unitT, 1, dm, n); // [1, n]
  const xMean = ridge.xMean;
  const score = (pooled: Float64Array): { recallAt1: number; recallAt10: number } => {
    const centred = pooled.map((v, k) => v - (xMean[k % dv] as number));
    const sim = matmul(centred, m, n, dv, n);
    for (let i = 0; i < n; i += 1) for (let j = 0; j < n; j += 1) sim[i * n + j] = (sim[i * n + j] as number) + (offset[j] as number);
    const r = retrievalFromSimilarity(sim, n);
    return { recallAt1: r.recallAt1, recallAt10: r.recallAt10 };
  };
  /** Mean raw token of each image's kept set, [n, dv] (the Linear commutes with the mean). */
  const pool = (kept: readonly number[][]): Float64Array => {
    const out = new Float64Array(n * dv);
    kept.forEach((tokens, i) => {
      const img = test[i] as number;
      for (const t of tokens) for (let d = 0; d < dv; d += 1) out[i * dv + d] = (out[i * dv + d] as number) + (grid.data[(img * TOKENS + t) * dv + d] as number) / tokens.length;
    });
    return out;
  };

  // Saliency ‖(x_t − x̄)·W‖ = sqrt(dᵀ·(W·Wᵀ)·d) with the 20 × 20 Gram of W.
  const gram = matmul(ridge.weights, transpose(ridge.weights, dv, dm), dv, dm, dv);
  const saliency = new Float64Array(n * TOKENS);
  const diff = new Float64Array(dv);
  test.forEach((img, i) => {
    for (let t = 0; t < TOKENS; t += 1) {
      for (let d = 0; d < dv; d += 1) diff[d] = (grid.data[(img * TOKENS + t) * dv + d] as number) - (xMean[d] as number);
      let s = 0;
      for (let a = 0; a < dv; a += 1) {
        let row = 0;
        for (let b = 0; b < dv; b += 1) row += (gram[a * dv + b] as number) * (diff[b] as number);
        s += (diff[a] as number) * row;
      }
      saliency[i * TOKENS + t] = Math.sqrt(Math.max(0, s));
    }
  });
  const order = test.map((_, i) => bySaliency(saliency, i));

  ctx.onProgress(0.3, 'all tokens');
  await yieldToEventLoop();
  throwIfAborted(ctx.signal);
  const all = Array.from({ length: TOKENS }, (_, t) => t);
  const allTokens = score(pool(test.map(() => all)));

  const rows: Result['rows'] = [];
  let histogram: number[] = new Array<number>(TOKENS).fill(0);
  for (const [j, tau] of THRESHOLDS.entries()) {
    throwIfAborted(ctx.signal);
    ctx.onProgress(0.35 + (0.65 * j) / THRESHOLDS.length, `τ = ${tau}`);
    await yieldToEventLoop();
    // Dynamic: the most salient tokens until their sum reaches τ of the image's total.
    const dynamic = order.map((ord, i) => {
      const total = ord.reduce((s, t) => s + (saliency[i * TOKENS + t] as number), 0);
      const kept: number[] = [];
      let sum = 0;
      for (const t of ord) {
        kept.push(t);
        sum += saliency[i * TOKENS + t] as number;
        if (sum >= tau * total) break;
      }
      return kept;
    });
    const counts = dynamic.map((k) => k.length);
    const meanTokens = counts.reduce((a, b) => a + b, 0) / n;
    const k = Math.max(1, Math.round(meanTokens));
    const draws = createRng(deriveSeed(cfg.seed, `random.tau${tau}`));
    const random = test.map(() => draws.shuffle([...all]).slice(0, k));
    if (tau === SWEEP_TAU) {
      histogram = new Array<number>(TOKENS).fill(0);
      for (const c of counts) histogram[c - 1] = (histogram[c - 1] as number) + 1;
    }
    rows.push({
      tau,
      meanTokens,
      minTokens: Math.min(...counts),
      maxTokens: Math.max(...counts),
      fixedK: k,
      dynamic: score(pool(dynamic)),
      fixed: score(pool(order.map((ord) => ord.slice(0, k)))),
      random: score(pool(random)),
    });
  }
  ctx.onProgress(1, 'done');
  return { n, rows, allTokens, chanceRecallAt10: chanceRetrieval(n).recallAt10, histogram };
}

export const notebook = defineNotebook(card, run);
