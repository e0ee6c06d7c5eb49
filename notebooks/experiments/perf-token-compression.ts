/**
 * Runs the perf-token-compression experiment (task, schema and presentation are in the card).
 *
 * Shapes: grid tokens [N, 49, d] (N = 1,911 emoji, d = tokenDims of the PCA-20 components);
 * compressed [N, k, d] → readout features [N, k·d]; centred captions [N, 512]; ridge W [k·d, 512].
 */
import * as tf from '@tensorflow/tfjs';
import { cholesky, ridgeFit } from '../../src/primitives/linalg';
import { createRng, deriveSeed } from '../../src/primitives/rng';
import { adaptiveAvgPool2d } from '../../src/projectors/ops/conv';
import { BUDGETS, GRID, METHOD_KEYS, METHOD_LABELS, card, type Config, type MethodKey, type Result } from './perf-token-compression.card';
import { loadEmojiParts } from '../toolkit/emoji-prep';
import { chanceRetrieval, retrievalFromSimilarity, shortRetrieval } from '../toolkit/retrieval';
import { defineNotebook, throwIfAborted, yieldToEventLoop, type RunContext } from '../types';

export { defaults, BUDGETS, type Config, type Result } from './perf-token-compression.card';

const TOKENS = GRID * GRID; // 49

/**
 * Kernel size and stride of the LDP-style convolution for an output side g, with PyTorch's padding
 * (k−1)/2 (src/projectors/ops/conv.ts): ⌊(7 + 2p − k)/s⌋ + 1 = g.
 */
export const CONV_PLAN: Readonly<Record<number, { kernel: number; stride: number }>> = {
  7: { kernel: 3, stride: 1 },
  6: { kernel: 2, stride: 1 },
  4: { kernel: 3, stride: 2 },
  3: { kernel: 3, stride: 3 },
  2: { kernel: 4, stride: 3 },
};

/** A separable tent kernel of size k, normalised to sum 1 (a fixed smoothing instead of learned weights). */
export function tent(k: number): Float32Array {
  const oneD = Array.from({ length: k }, (_, i) => Math.min(i + 1, k - i));
  const s = oneD.reduce((a, b) => a + b, 0);
  const out = new Float32Array(k * k);
  for (let y = 0; y < k; y += 1) for (let x = 0; x < k; x += 1) out[y * k + x] = ((oneD[y] as number) * (oneD[x] as number)) / (s * s);
  return out;
}

/**
 * The LDP-style convolution as a matrix [g², 49]: output position (oy, ox) takes the tent-weighted
 * input window at (oy·s − p, ox·s − p) with PyTorch's zero padding p = ⌊(kernel − 1)/2⌋; the same
 * kernel for every channel, so a depthwise convolution is this matrix applied to each channel
 * (a unit test checks it against src/projectors/ops/conv.ts depthwiseConv). One matrix product
 * instead of kernel² strided slices, which are slow on the wasm backend for a batch of 1,900 grids.
 */
export function convMatrix(g: number): Float32Array {
  const plan = CONV_PLAN[g];
  if (!plan) throw new Error(`no convolution plan for a ${g}×${g} output`);
  const { kernel, stride } = plan;
  const pad = Math.floor((kernel - 1) / 2);
  if (Math.floor((GRID + 2 * pad - kernel) / stride) + 1 !== g) throw new Error(`conv plan for ${g}×${g} does not give ${g}×${g}`);
  const w = tent(kernel);
  const m = new Float32Array(g * g * TOKENS);
  for (let oy = 0; oy < g; oy += 1) {
    for (let ox = 0; ox < g; ox += 1) {
      for (let ky = 0; ky < kernel; ky += 1) {
        for (let kx = 0; kx < kernel; kx += 1) {
          const y = oy * stride - pad + ky;
          const x = ox * stride - pad + kx;
          if (y < 0 || y >= GRID || x < 0 || x >= GRID) continue; // zero padding
          m[(oy * g + ox) * TOKENS + y * GRID + x] = w[ky * kernel + kx] as number;
        }
      }
    }
  }
  return m;
}

/** Compressor FLOPs for one image (2 per multiply-add), d components per token. */
export function compressorFlops(method: MethodKey, k: number, d: number, captionDim: number): number {
  const g = Math.round(Math.sqrt(k));
  switch (method) {
    case 'avgpool':
      return 2 * TOKENS * d; // every input value weighted once into its bin
    case 'conv': {
      const { kernel } = CONV_PLAN[g] as { kernel: number };
      return 2 * k * kernel * kernel * d;
    }
    case 'resampler':
      return 2 * 2 * k * TOKENS * d; // scores and weighted sums (softmax not counted)
    case 'guided':
      return 2 * TOKENS * d * captionDim + 2 * TOKENS * captionDim; // project every token, score it against the query
  }
}

/** Top-k token indices of each row of scores [n, 49], highest first with ties to the lower index, returned in grid order. */
export function topK(values: Float32Array, n: number, k: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i += 1) {
    const row = Array.from({ length: TOKENS }, (_, t) => t);
    row.sort((x, y) => (values[i * TOKENS + y] as number) - (values[i * TOKENS + x] as number) || x - y);
    out.push(row.slice(0, k).sort((x, y) => x - y));
  }
  return out;
}

/**
 * The token-selection projector's cosine scores, cos(W·x + b, q), for tokens x [R, 49, d], weight W
 * [Dm, d] (PyTorch layout), bias b [Dm] and one query q [R, Dm] per row, without forming the
 * [R, 49, Dm] projected tokens: W·x·q = x·(Wᵀq), |W·x + b|² = xᵀ(WᵀW)x + 2(Wᵀb)·x + |b|². Float64;
 * a unit test checks it against the projector's own scores. Returns [R, 49].
 */
export function cosineScores(tokens: Float32Array, weight: Float32Array, bias: Float32Array, query: Float32Array, rows: number, d: number, dm: number): Float32Array {
  const gram = new Float64Array(d * d); // WᵀW
  const wb = new Float64Array(d); // Wᵀb
  let bb = 0;
  for (let o = 0; o < dm; o += 1) {
    const bo = bias[o] as number;
    bb += bo * bo;
    for (let i = 0; i < d; i += 1) {
      const wi = weight[o * d + i] as number;
      wb[i] = (wb[i] as number) + wi * bo;
      for (let j = 0; j < d; j += 1) gram[i * d + j] = (gram[i * d + j] as number) + wi * (weight[o * d + j] as number);
    }
  }
  const out = new Float32Array(rows * TOKENS);
  const u = new Float64Array(d);
  for (let r = 0; r < rows; r += 1) {
    u.fill(0);
    let bq = 0;
    let qq = 0;
    for (let o = 0; o < dm; o += 1) {
      const qo = query[r * dm + o] as number;
      bq += (bias[o] as number) * qo;
      qq += qo * qo;
      for (let i = 0; i < d; i += 1) u[i] = (u[i] as number) + (weight[o * d + i] as number) * qo;
    }
    const qNorm = Math.max(Math.sqrt(qq), 1e-12);
    for (let t = 0; t < TOKENS; t += 1) {
      const x = tokens.subarray((r * TOKENS + t) * d, (r * TOKENS + t + 1) * d);
      let dot = bq;
      let sq = bb;
      for (let i = 0; i < d; i += 1) {
        const xi = x[i] as number;
        dot += xi * (u[i] as number);
        sq += 2 * xi * (wb[i] as number);
        for (let j = 0; j < d; j += 1) sq += xi * (gram[i * d + j] as number) * (x[j] as number);
      }
      out[r * TOKENS + t] = dot / (Math.max(Math.sqrt(Math.max(sq, 0)), 1e-12) * qNorm);
    }
  }
  return out;
}

/** Training tokens the k-means sees: a seeded sample, enough for at most 49 centroids in 20 dimensions. */
export const KMEANS_SAMPLE = 4096;

/** Seeded k-means on rows [m, d]: initial centroids are k distinct rows drawn with the seed; plain Lloyd iterations. */
function kmeans(points: Float32Array, m: number, d: number, k: number, iters: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const pick = rng.shuffle(Array.from({ length: m }, (_, i) => i)).slice(0, k);
  const c = new Float32Array(k * d);
  pick.forEach((row, j) => c.set(points.subarray(row * d, (row + 1) * d), j * d));
  const assign = new Int32Array(m);
  for (let it = 0; it < iters; it += 1) {
    for (let i = 0; i < m; i += 1) {
      let best = 0;
      let bestD = Infinity;
      for (let j = 0; j < k; j += 1) {
        let s = 0;
        for (let t = 0; t < d; t += 1) s += ((points[i * d + t] as number) - (c[j * d + t] as number)) ** 2;
        if (s < bestD) (bestD = s), (best = j);
      }
      assign[i] = best;
    }
    const sum = new Float64Array(k * d);
    const count = new Int32Array(k);
    for (let i = 0; i < m; i += 1) {
      const j = assign[i] as number;
      count[j] = (count[j] as number) + 1;
      for (let t = 0; t < d; t += 1) sum[j * d + t] = (sum[j * d + t] as number) + (points[i * d + t] as number);
    }
    // An empty cluster keeps its centroid.
    for (let j = 0; j < k; j += 1) if ((count[j] as number) > 0) for (let t = 0; t < d; t += 1) c[j * d + t] = (sum[j * d + t] as number) / (count[j] as number);
  }
  return c;
}

async function readF32(t: tf.Tensor): Promise<Float32Array> {
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

/** Each method's compressed tokens [N, k, d], flattened to features [N, k·d]. */
async function compress(method: MethodKey, k: number, ctxData: { grid: tf.Tensor4D; tokens: tf.Tensor3D; kmeansTokens: Float32Array; cfg: Config; keptFor: (k: number) => Promise<number[][]> }): Promise<Float32Array> {
  const { grid, tokens, cfg } = ctxData;
  const [n, , , d] = grid.shape;
  const g = Math.round(Math.sqrt(k));
  if (method === 'avgpool') return readF32(tf.tidy(() => adaptiveAvgPool2d(grid, g, g).reshape([n, k * d]))); // [N, g, g, d] → [N, k·d]
  if (method === 'conv') {
    const m = convMatrix(g); // [g², 49]
    const out = tf.tidy(() => {
      const cols = tokens.transpose([1, 0, 2]).reshape([TOKENS, n * d]); // [N, 49, d] → [49, N·d]
      return tf.matMul(tf.tensor2d(m, [k, TOKENS]), cols).reshape([k, n, d]).transpose([1, 0, 2]).reshape([n, k * d]); // [k, 49] × [49, N·d] → [N, k·d]
    });
    return readF32(out);
  }
  if (method === 'resampler') {
    const queries = kmeans(ctxData.kmeansTokens, ctxData.kmeansTokens.length / d, d, k, cfg.kmeansIters, deriveSeed(cfg.seed, `kmeans.k${k}`));
    const out = tf.tidy(() => {
      const q = tf.tensor2d(queries, [k, d]);
      const scores = tf.matMul(tokens.reshape([n * TOKENS, d]), q.transpose()).reshape([n, TOKENS, k]).div(Math.sqrt(d)); // [N·49, d] × [d, k] → [N, 49, k]
      const attn = tf.softmax(scores.transpose([0, 2, 1])); // [N, k, 49], softmax over the 49 tokens
      return tf.matMul(attn, tokens).reshape([n, k * d]); // [N, k, 49] × [N, 49, d] → [N, k, d] → [N, k·d]
    });
    return readF32(out);
  }
  // Guided: the projector's kept indices, the raw tokens gathered in grid order.
  const kept = await ctxData.keptFor(k);
  const src = (await tokens.data()) as Float32Array;
  const out = new Float32Array(n * k * d);
  kept.forEach((row, i) => row.forEach((t, j) => out.set(src.subarray((i * TOKENS + t) * d, (i * TOKENS + t + 1) * d), (i * k + j) * d)));
  return out;
}

async function run(cfg: Config, ctx: RunContext): Promise<Result> {
  const emoji = await loadEmojiParts('perf-token-compression', ['grid', 'use', 'captions'], ctx);
  const { grid: gridPart, use, captions: records } = emoji;
  const full = gridPart.shape[2] as number; // 20
  const dm = use.shape[1] as number; // 512
  const count = gridPart.shape[0] as number;
  const d = cfg.tokenDims;
  const { test } = emoji.split;
  const trainAll = emoji.split.train;
  const train = createRng(deriveSeed(cfg.seed, 'train-subset'))
    .shuffle(trainAll)
    .slice(0, Math.max(1, Math.round(trainAll.length * cfg.trainFraction)))
    .sort((a, b) => a - b);

  // Tokens with the first d components: [N, 49, 20] → [N, 49, d].
  const tok = new Float32Array(count * TOKENS * d);
  for (let i = 0; i < count * TOKENS; i += 1) tok.set(gridPart.data.subarray(i * full, i * full + d), i * d);
  // Captions centred on the training subset's mean.
  const mean = new Float64Array(dm);
  for (const i of train) for (let j = 0; j < dm; j += 1) mean[j] = (mean[j] as number) + (use.data[i * dm + j] as number) / train.length;
  const caption = (i: number): Float64Array => Float64Array.from({ length: dm }, (_, j) => (use.data[i * dm + j] as number) - (mean[j] as number));
  const yTrain = new Float64Array(train.length * dm);
  train.forEach((img, r) => yTrain.set(caption(img), r * dm));
  const testCaptions = new Float64Array(test.length * dm);
  test.forEach((img, r) => testCaptions.set(caption(img), r * dm));

  const rows = [...train, ...test]; // readout rows: training subset, then the test split
  // A seeded sample of the training subset's tokens for the resampler's k-means.
  const pool = createRng(deriveSeed(cfg.seed, 'kmeans-sample'))
    .shuffle(train.flatMap((img) => Array.from({ length: TOKENS }, (_, t) => img * TOKENS + t)))
    .slice(0, KMEANS_SAMPLE);
  const kmeansTokens = new Float32Array(pool.length * d);
  pool.forEach((src, r) => kmeansTokens.set(tok.subarray(src * d, (src + 1) * d), r * d));
  const rowTokens = new Float32Array(rows.length * TOKENS * d);
  rows.forEach((img, r) => rowTokens.set(tok.subarray(img * TOKENS * d, (img + 1) * TOKENS * d), r * TOKENS * d));
  const tokens = tf.tensor3d(rowTokens, [rows.length, TOKENS, d]);
  const grid = tokens.reshape([rows.length, GRID, GRID, d]) as tf.Tensor4D; // [R, 49, d] → [R, 7, 7, d]

  // Guided selection: a ridge map from an emoji's mean token to its caption (training subset), used as
  // the token-selection projector's Linear; the query is the mean training caption of the emoji's category.
  const xMean = new Float64Array(train.length * d);
  train.forEach((img, r) => {
    for (let t = 0; t < TOKENS; t += 1) for (let c = 0; c < d; c += 1) xMean[r * d + c] = (xMean[r * d + c] as number) + (tok[(img * TOKENS + t) * d + c] as number) / TOKENS;
  });
  const map = ridgeFit(xMean, yTrain, train.length, d, dm, cfg.ridgeLambda);
  const weight = new Float32Array(dm * d); // PyTorch layout [out, in]
  const bias = new Float32Array(dm);
  for (let o = 0; o < dm; o += 1) {
    let b = map.yMean[o] as number;
    for (let c = 0; c < d; c += 1) {
      weight[o * d + c] = map.weights[c * dm + o] as number;
      b -= (map.xMean[c] as number) * (map.weights[c * dm + o] as number);
    }
    bias[o] = b;
  }
  const sums = new Map<string, { sum: Float64Array; n: number }>();
  train.forEach((img, r) => {
    const cat = records[img]!.category;
    const e = sums.get(cat) ?? { sum: new Float64Array(dm), n: 0 };
    for (let j = 0; j < dm; j += 1) e.sum[j] = (e.sum[j] as number) + (yTrain[r * dm + j] as number);
    e.n += 1;
    sums.set(cat, e);
  });
  const query = new Float32Array(rows.length * dm);
  rows.forEach((img, r) => {
    const e = sums.get(records[img]!.category);
    if (e) for (let j = 0; j < dm; j += 1) query[r * dm + j] = (e.sum[j] as number) / e.n; // a category absent from the subset: zero query, scores all 0, ties keep grid order
  });
  const yTrainT = tf.tensor2d(Float32Array.from(yTrain), [train.length, dm]);
  const captionsUnitT = tf.tidy(() => {
    const c = tf.tensor2d(Float32Array.from(testCaptions), [test.length, dm]);
    return c.div(c.norm('euclidean', 1, true).maximum(1e-12)).transpose() as tf.Tensor2D; // [n, 512] → [512, n]
  });
  // The token-selection projector's scores (src/projectors/token-selection.ts, score 'cosine'), in
  // closed form; they do not depend on k, so the top k of the same scores serve every budget.
  const scores = cosineScores(rowTokens, weight, bias, query, rows.length, d, dm); // [R, 49]
  const keptFor = async (k: number): Promise<number[][]> => topK(scores, rows.length, k);

  try {
    const methods = METHOD_KEYS.map((key) => ({ key, label: METHOD_LABELS[key], recallAt1: [] as number[], recallAt10: [] as number[], medianRank: [] as number[], flops: [] as number[] }));
    const steps = BUDGETS.length * METHOD_KEYS.length;
    let step = 0;
    for (const k of BUDGETS) {
      for (const m of methods) {
        throwIfAborted(ctx.signal);
        ctx.onProgress(step / steps, `${m.label}: ${k} tokens`);
        const feats = await compress(m.key, k, { grid, tokens, kmeansTokens, cfg, keptFor }); // [R, k·d]
        const sim = await readoutSimilarity(feats, train.length, test.length, k * d, yTrainT, captionsUnitT, cfg.ridgeLambda); // [n, n]
        const r = shortRetrieval(retrievalFromSimilarity(sim, test.length));
        m.recallAt1.push(r.recallAt1);
        m.recallAt10.push(r.recallAt10);
        m.medianRank.push(r.medianRank);
        m.flops.push(compressorFlops(m.key, k, d, dm));
        step += 1;
        await yieldToEventLoop();
      }
    }
    ctx.onProgress(1, 'done');
    return { n: test.length, trainUsed: train.length, budgets: [...BUDGETS], methods, chance: shortRetrieval(chanceRetrieval(test.length)) };
  } finally {
    tf.dispose([tokens, grid, yTrainT, captionsUnitT]);
  }
}

/** (A + λI)⁻¹ for a symmetric positive-definite p×p A, through its Cholesky factor (float64). */
function inverseSpd(a: Float64Array, p: number, lambda: number): Float32Array {
  const m = Float64Array.from(a);
  for (let i = 0; i < p; i += 1) m[i * p + i] = (m[i * p + i] as number) + lambda;
  const l = cholesky(m, p);
  const inv = new Float32Array(p * p);
  const z = new Float64Array(p);
  const x = new Float64Array(p);
  for (let c = 0; c < p; c += 1) {
    for (let i = 0; i < p; i += 1) {
      let s = i === c ? 1 : 0;
      for (let k = 0; k < i; k += 1) s -= (l[i * p + k] as number) * (z[k] as number);
      z[i] = s / (l[i * p + i] as number);
    }
    for (let i = p - 1; i >= 0; i -= 1) {
      let s = z[i] as number;
      for (let k = i + 1; k < p; k += 1) s -= (l[k * p + i] as number) * (x[k] as number);
      x[i] = s / (l[i * p + i] as number);
    }
    for (let i = 0; i < p; i += 1) inv[i * p + c] = x[i] as number;
  }
  return inv;
}

/**
 * The linear readout and its retrieval scores: ridge W = (XᵀX + λI)⁻¹XᵀY on the centred training
 * rows of `feats` (the first m rows; the captions are already centred on the same rows), applied to
 * the n test rows that follow; returns the cosine of every prediction with every unit test caption,
 * [n, n] in float64. The products run in tfjs (float32), the inverse in float64.
 */
async function readoutSimilarity(feats: Float32Array, m: number, n: number, p: number, yTrain: tf.Tensor2D, captionsUnitT: tf.Tensor2D, lambda: number): Promise<Float64Array> {
  const mean = new Float32Array(p);
  for (let i = 0; i < m; i += 1) for (let j = 0; j < p; j += 1) mean[j] = (mean[j] as number) + (feats[i * p + j] as number) / m;
  const xc = tf.tidy(() => tf.tensor2d(feats, [m + n, p]).sub(tf.tensor1d(mean))); // [m + n, p], centred on the training mean
  const gram = tf.tidy(() => {
    const xt = xc.slice([0, 0], [m, p]);
    return tf.matMul(xt.transpose(), xt); // [p, m] × [m, p] → [p, p]
  });
  const inv = inverseSpd(Float64Array.from(await readF32(gram)), p, lambda);
  const sim = tf.tidy(() => {
    const xt = xc.slice([0, 0], [m, p]);
    const w = tf.matMul(tf.tensor2d(inv, [p, p]), tf.matMul(xt.transpose(), yTrain)); // [p, p] × ([p, m] × [m, 512]) → [p, 512]
    const pred = tf.matMul(xc.slice([m, 0], [n, p]), w); // [n, p] × [p, 512] → [n, 512]
    const unit = pred.div(pred.norm('euclidean', 1, true).maximum(1e-12));
    return tf.matMul(unit, captionsUnitT); // [n, 512] × [512, n] → [n, n]
  });
  xc.dispose();
  return Float64Array.from(await readF32(sim));
}

export const notebook = defineNotebook(card, run);
