/**
 * Runs the future-low-rank experiment (the question, schema and presentation are in the card).
 * Closed form in float64 (src/primitives/linalg.ts), so the result does not depend on a tfjs backend;
 * tfjs is used only to load the data.
 *
 * Shapes: X [n, Di] pooled image features (leading PCA components); Y [n, 512] captions; W [Di, 512]; Gram W·Wᵀ [Di, Di].
 */
import { cosineMatrix, matmul, normalizeRows, ridgeFit, symmetricEigen, transpose } from '../../src/primitives/linalg';
import { createRng, deriveSeed } from '../../src/primitives/rng';
import { getPreset } from '../../src/projectors/presets';
import { getProjector } from '../../src/projectors/registry';
import { chanceRetrieval, retrievalFromSimilarity } from '../toolkit/retrieval';
import { FULL_IMAGE_DIM, FULL_TEXT_DIM, gatherRows, leadingColumns, loadEmojiParts } from '../toolkit/emoji-prep';
import { defineNotebook, throwIfAborted, yieldToEventLoop, type RunContext } from '../types';
import { card, ranksFor, REAL_SIZE_PRESET, type Config, type Result } from './future-low-rank.card';

export { defaults, type Config, type Result } from './future-low-rank.card';

/** Rows of x [n, d] minus the column means of `ref` [m, d]. */
function centre(x: Float64Array | Float32Array, n: number, d: number, mean: Float64Array): Float64Array {
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i += 1) for (let j = 0; j < d; j += 1) out[i * d + j] = (x[i * d + j] as number) - (mean[j] as number);
  return out;
}

const sumSq = (a: Float64Array): number => a.reduce((s, v) => s + v * v, 0);

/**
 * W [p, q] in the basis of its left singular vectors: U (eigenvectors of W·Wᵀ, descending, as rows
 * [p, p]), coefficients B = Uᵀ·W [p, q], and the share of Σσ² up to each rank. The rank-r truncation
 * U_r·U_rᵀ·W = Σ_{k<r} u_k·b_k is the best rank-r approximation in Frobenius norm (Eckart–Young), so
 * outputs X·W_r can be built up one rank-1 term (X·u_k)·b_k at a time.
 */
function spectralBasis(w: Float64Array, p: number, q: number): { u: Float64Array; b: Float64Array; energy: (r: number) => number } {
  const gram = matmul(w, transpose(w, p, q), p, q, p); // [p, p]
  const { values, vectors } = symmetricEigen(gram, p); // vectors: rows are eigenvectors [p, p]
  const total = values.reduce((s, v) => s + Math.max(0, v), 0);
  return {
    u: vectors,
    b: matmul(vectors, w, p, p, q), // Uᵀ W [p, q]
    energy: (r) => values.slice(0, r).reduce((s, v) => s + Math.max(0, v), 0) / total,
  };
}

/** Adds coef[i]·row to every row i of out [n, q] (a rank-1 update). */
function addRankOne(out: Float64Array, coef: Float64Array, row: Float64Array, rowOffset: number, n: number, q: number, sign: 1 | -1): void {
  for (let i = 0; i < n; i += 1) {
    const c = sign * (coef[i] as number);
    if (c === 0) continue;
    const o = i * q;
    for (let j = 0; j < q; j += 1) out[o + j] = (out[o + j] as number) + c * (row[rowOffset + j] as number);
  }
}

async function run(cfg: Config, ctx: RunContext): Promise<Result> {
  const emoji = await loadEmojiParts('future-low-rank', ['pooled', 'use'], ctx);
  const p = cfg.imageDims;
  const q = FULL_TEXT_DIM;
  const rng = createRng(deriveSeed(cfg.seed, 'train-subsample'));
  const trainAll = emoji.split.train;
  const train = rng.shuffle([...trainAll]).slice(0, Math.round(cfg.subsample * trainAll.length)).sort((a, b) => a - b);
  const test = emoji.split.test;
  const n = test.length;
  const images = leadingColumns(emoji.pooled.data, FULL_IMAGE_DIM, p); // PCA-ordered: the leading Di components
  const xTrain = gatherRows(images, p, train);
  const yTrain = gatherRows(emoji.use.data, q, train);
  const xTest = gatherRows(images, p, test);
  const yTest = normalizeRows(gatherRows(emoji.use.data, q, test), n, q); // unit captions [n, q]
  ctx.onProgress(0.1, 'fitting the projector');
  await yieldToEventLoop();
  throwIfAborted(ctx.signal);
  const model = ridgeFit(xTrain, yTrain, train.length, p, q, cfg.ridgeLambda);
  const xc = centre(xTest, n, p, model.xMean); // [n, p]
  const captionsT = transpose(yTest, n, q); // [q, n]

  ctx.onProgress(0.3, 'factorising the trained projector');
  await yieldToEventLoop();
  throwIfAborted(ctx.signal);
  const trained = spectralBasis(model.weights, p, q);
  // Control: a Gaussian matrix of W's shape (an untrained projector), entries N(0, 1/p).
  const g = createRng(deriveSeed(cfg.seed, 'control-matrix'));
  const control = new Float64Array(p * q);
  for (let i = 0; i < control.length; i += 1) control[i] = g.normal() / Math.sqrt(p);
  ctx.onProgress(0.55, 'factorising the control');
  await yieldToEventLoop();
  throwIfAborted(ctx.signal);
  const ctrl = spectralBasis(control, p, q);

  // Test outputs in each basis: coefficients X·U [n, p] (column k = X·u_k).
  const coefT = transpose(matmul(xc, transpose(trained.u, p, p), n, p, p), n, p); // [p, n]: row k = X·u_k
  const coefC = transpose(matmul(xc, transpose(ctrl.u, p, p), n, p, p), n, p);
  const fullOut = matmul(xc, model.weights, n, p, q);
  const fullNorm = sumSq(fullOut);
  const ctrlResidual = matmul(xc, control, n, p, q); // X(G − G_r), starts at r = 0
  const ctrlNorm = sumSq(ctrlResidual);
  // Similarities to the unit captions, built up by rank: S_r = (yMean + X·W_r)·Ĉᵀ. Row scaling does
  // not change a row's ranking, so S needs no normalisation of the predictions.
  const simB = matmul(trained.b, captionsT, p, q, n); // b_k·Ĉᵀ [p, n]
  const meanSim = matmul(model.yMean, captionsT, 1, q, n); // [1, n]
  const sim = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) sim.set(meanSim, i * n);
  const out = new Float64Array(n * q); // X·W_r
  const coefRow = new Float64Array(n);

  const lowRank = getProjector('low-rank');
  const linear = getProjector('linear');
  const real = getPreset(REAL_SIZE_PRESET);
  const realCfg = linear.schema.parse(real.config) as { visionDim: number; llmDim: number };
  const rows: Result['rows'] = [];
  let done = 0;
  const ranks = ranksFor(p);
  for (const [i, rank] of ranks.entries()) {
    throwIfAborted(ctx.signal);
    ctx.onProgress(0.6 + (0.4 * i) / ranks.length, `rank ${rank}`);
    await yieldToEventLoop();
    for (; done < rank; done += 1) {
      coefRow.set(coefT.subarray(done * n, (done + 1) * n));
      addRankOne(out, coefRow, trained.b, done * q, n, q, 1);
      addRankOne(sim, coefRow, simB, done * n, n, n, 1);
      coefRow.set(coefC.subarray(done * n, (done + 1) * n));
      addRankOne(ctrlResidual, coefRow, ctrl.b, done * q, n, q, -1);
    }
    let err = 0;
    for (let k = 0; k < out.length; k += 1) err += ((out[k] as number) - (fullOut[k] as number)) ** 2;
    const retrieval = retrievalFromSimilarity(sim, n);
    rows.push({
      rank,
      params: lowRank.paramCount(lowRank.schema.parse({ visionDim: p, rank, llmDim: q })),
      realSizeParams: lowRank.paramCount(lowRank.schema.parse({ visionDim: realCfg.visionDim, rank, llmDim: realCfg.llmDim })),
      energy: trained.energy(rank),
      outputError: err / fullNorm,
      controlOutputError: sumSq(ctrlResidual) / ctrlNorm,
      recallAt1: retrieval.recallAt1,
      recallAt10: retrieval.recallAt10,
    });
  }
  const fullSim = cosineMatrix(fullOut.map((v, k) => v + (model.yMean[k % q] as number)), n, yTest, n, q);
  const full = retrievalFromSimilarity(fullSim, n);
  ctx.onProgress(1, 'done');
  return {
    dims: { visionDim: p, llmDim: q, trainRows: train.length, testRows: n },
    realSize: { preset: REAL_SIZE_PRESET, visionDim: realCfg.visionDim, llmDim: realCfg.llmDim, linearParams: linear.paramCount(realCfg) },
    linearParams: linear.paramCount(linear.schema.parse({ visionDim: p, llmDim: q })),
    full: { recallAt1: full.recallAt1, recallAt10: full.recallAt10 },
    chanceRecallAt10: chanceRetrieval(n).recallAt10,
    rows,
  };
}

export const notebook = defineNotebook(card, run);
