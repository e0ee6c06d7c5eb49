/**
 * Runs the align-token-selection experiment (the task, schema and presentation are in the card).
 * After LVP (an ICLR submission, OpenReview PxBzxO02Ef; identity unverified, no bib entry).
 *
 * Shapes: composites [n, 49, 20] (n = 382 held-out emoji), query [n, 1, 512], candidate captions
 * [n, 512]; projected tokens [n, 49, 512]; a selection is a mask [n, 1, 49] that averages k tokens.
 */
import * as tf from '@tensorflow/tfjs';
import { ridgeFit } from '../../src/primitives/linalg';
import { createRng, deriveSeed } from '../../src/primitives/rng';
import { getProjector } from '../../src/projectors/registry';
import { TRACE_KEYS } from '../../src/projectors/token-selection';
import {
  card,
  EXAMPLE_COUNT,
  KEEP_COUNTS,
  METHOD_KEYS,
  type Config,
  type MethodKey,
  type MethodResult,
  type Result,
} from './align-token-selection.card';
import { loadEmojiParts } from '../toolkit/emoji-prep';
import { chanceRetrieval, retrievalFromSimilarity, shortRetrieval } from '../toolkit/retrieval';
import { readFloat64 } from '../toolkit/training';
import { defineNotebook, throwIfAborted, yieldToEventLoop, type RunContext } from '../types';

export { defaults, KEEP_COUNTS, type Config, type Result } from './align-token-selection.card';

const GRID = 7;
const TOKENS = GRID * GRID; // 49
const LABELS: Record<MethodKey, string> = {
  guided: 'Language-guided (top-k by query score)',
  saliency: 'Image-only saliency (top-k by token norm)',
  strided: 'Strided (co-prime stride, random phase)',
  random: 'Random (seeded)',
};

interface Composites {
  tokens: Float32Array; // [n, 49, Dv]
  /** Per composite, a 49-long 0/1 mask of the positions that show the named emoji. */
  onTarget: Uint8Array[];
  side: Array<'left' | 'right'>;
}

/** Column c of the grid belongs to the named emoji when it lies in its `cols`-wide band on `side`. */
const inBand = (col: number, side: 'left' | 'right', cols: number): boolean => (side === 'left' ? col < cols : col >= GRID - cols);

function buildComposites(cfg: Config, grid: Float32Array, dv: number, test: readonly number[], category: readonly string[]): Composites {
  const rng = createRng(deriveSeed(cfg.seed, 'composites'));
  const n = test.length;
  const tokens = new Float32Array(n * TOKENS * dv);
  const onTarget: Uint8Array[] = [];
  const side: Array<'left' | 'right'> = [];
  test.forEach((a, i) => {
    let b = a;
    // A partner from another category, so the category query can tell the two apart.
    while (category[b] === category[a]) b = test[rng.int(n)] as number;
    const s = rng.int(2) === 0 ? 'left' : 'right';
    const mask = new Uint8Array(TOKENS);
    for (let t = 0; t < TOKENS; t += 1) {
      const fromA = inBand(t % GRID, s, cfg.targetColumns);
      mask[t] = fromA ? 1 : 0;
      const src = (fromA ? a : b) * TOKENS + t; // same grid position in the source emoji
      tokens.set(grid.subarray(src * dv, (src + 1) * dv), (i * TOKENS + t) * dv);
    }
    onTarget.push(mask);
    side.push(s);
  });
  return { tokens, onTarget, side };
}

/** Top-k indices of each row, ascending; ties broken by the lower index (deterministic). */
function topK(values: Float32Array, n: number, k: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i += 1) {
    const row = Array.from({ length: TOKENS }, (_, t) => t);
    row.sort((x, y) => (values[i * TOKENS + y] as number) - (values[i * TOKENS + x] as number) || x - y);
    out.push(row.slice(0, k).sort((x, y) => x - y));
  }
  return out;
}

/**
 * The stride of the strided control at budget k: the whole number nearest 49/k that is not a
 * multiple of 7 (the larger on a tie). Co-prime with the 49 tokens, so k steps never revisit a
 * token, and never a multiple of the grid's width, so the kept tokens never line up in one column
 * (evenly spaced indices at k = 7 had stride 7: one column, always on the named emoji).
 */
export function coprimeStride(k: number): number {
  const ideal = TOKENS / k;
  for (let d = 0; ; d += 1) {
    for (const s of [Math.round(ideal) + d, Math.round(ideal) - d]) if (s >= 1 && s % GRID !== 0) return s;
  }
}

/** k tokens (o + s·j) mod 49, j < k, for the stride s of k and a phase o; sorted. */
const stridedIndices = (k: number, phase: number): number[] =>
  Array.from({ length: k }, (_, j) => (phase + coprimeStride(k) * j) % TOKENS).sort((x, y) => x - y);

/** All 49 token indices, in order. */
const ALL_TOKENS = Array.from({ length: TOKENS }, (_, t) => t);

/**
 * R@1, R@10, median rank of pooled [n, Dm] against unit captions, pre-transposed to [Dm, n] (a
 * transposed operand takes a slow path in the wasm matmul); row i's pair is caption i.
 */
async function retrieve(pooled: tf.Tensor2D, captionsUnitT: tf.Tensor2D): Promise<{ recallAt1: number; recallAt10: number; medianRank: number }> {
  const sim = tf.tidy(() => {
    const unit = pooled.div(pooled.norm('euclidean', 1, true).maximum(1e-12)); // [n, Dm]
    return tf.matMul(unit, captionsUnitT); // [n, Dm] × [Dm, n] → [n, n]
  });
  const n = sim.shape[0];
  return shortRetrieval(retrievalFromSimilarity(await readFloat64(sim), n));
}

/**
 * Mean of the chosen tokens, mapped: mask [n, 1, 49] with 1/k at kept positions times the raw tokens
 * [n, 49, Dv], then the Linear. The map is affine and the weights sum to 1, so this equals the mean
 * of the projected kept tokens at a 25th of the cost.
 */
function poolIndices(vision: tf.Tensor3D, kept: number[][], weight: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  const n = kept.length;
  const mask = new Float32Array(n * TOKENS);
  kept.forEach((row, i) => row.forEach((t) => (mask[i * TOKENS + t] = 1 / row.length)));
  return tf.tidy(() => {
    // Elementwise weights and a sum: a batched [n,1,49]×[n,49,Dv] matmul is far slower on wasm.
    const pooled = vision.mul(tf.tensor3d(mask, [n, TOKENS, 1])).sum(1); // [n,49,Dv]·[n,49,1] → [n,Dv]
    return tf.matMul(pooled, weight.transpose()).add(bias) as tf.Tensor2D; // [n,Dv]×[Dv,Dm] → [n,Dm]
  });
}

const fractionOnTarget = (kept: number[][], onTarget: readonly Uint8Array[]): number =>
  kept.reduce((sum, row, i) => sum + row.filter((t) => onTarget[i]![t] === 1).length / row.length, 0) / kept.length;

async function run(cfg: Config, ctx: RunContext): Promise<Result> {
  const emoji = await loadEmojiParts('align-token-selection', ['grid', 'use', 'captions'], ctx);
  const { grid, use, captions: records } = emoji;
  const dv = grid.shape[2] as number; // 20
  const dm = use.shape[1] as number; // 512
  const { train, test } = emoji.split;
  const n = test.length;

  // Centre the caption space on the train mean: cosine scores then compare directions, not the
  // component every caption shares.
  const textMean = new Float64Array(dm);
  for (const i of train) for (let j = 0; j < dm; j += 1) textMean[j] = (textMean[j] as number) + (use.data[i * dm + j] as number) / train.length;
  const centred = (i: number): Float64Array => Float64Array.from({ length: dm }, (_, j) => (use.data[i * dm + j] as number) - (textMean[j] as number));

  // The projector's Linear: ridge from an emoji's mean token to its centred caption (train only).
  // Being linear, it maps each token into caption space and the mean of mapped tokens is the map of the mean.
  const xTrain = new Float64Array(train.length * dv);
  const yTrain = new Float64Array(train.length * dm);
  train.forEach((img, r) => {
    for (let t = 0; t < TOKENS; t += 1) for (let d = 0; d < dv; d += 1) xTrain[r * dv + d] = (xTrain[r * dv + d] as number) + (grid.data[(img * TOKENS + t) * dv + d] as number) / TOKENS;
    yTrain.set(centred(img), r * dm);
  });
  const ridge = ridgeFit(xTrain, yTrain, train.length, dv, dm, cfg.ridgeLambda);
  const weight = new Float32Array(dm * dv); // PyTorch layout [out, in] = Wᵀ
  const bias = new Float32Array(dm); // yMean − xMean·W
  for (let o = 0; o < dm; o += 1) {
    let b = ridge.yMean[o] as number;
    for (let d = 0; d < dv; d += 1) {
      const w = ridge.weights[d * dm + o] as number;
      weight[o * dv + d] = w;
      b -= (ridge.xMean[d] as number) * w;
    }
    bias[o] = b;
  }

  // Category queries: the mean centred train caption of each category ("an animal", "a flag" …).
  const category = records.map((r) => r.category);
  const sums = new Map<string, { sum: Float64Array; count: number }>();
  for (const i of train) {
    const entry = sums.get(category[i] as string) ?? { sum: new Float64Array(dm), count: 0 };
    const c = centred(i);
    for (let j = 0; j < dm; j += 1) entry.sum[j] = (entry.sum[j] as number) + (c[j] as number);
    entry.count += 1;
    sums.set(category[i] as string, entry);
  }
  const query = new Float32Array(n * dm);
  const captions = new Float32Array(n * dm);
  test.forEach((img, i) => {
    const q = sums.get(category[img] as string);
    if (!q) throw new Error(`category "${category[img]}" has no train emoji`);
    for (let j = 0; j < dm; j += 1) query[i * dm + j] = (q.sum[j] as number) / q.count;
    captions.set(centred(img), i * dm);
  });

  const comp = buildComposites(cfg, grid.data, dv, test, category);
  const spec = getProjector('token-selection');
  const weights = { 'proj.weight': tf.tensor2d(weight, [dm, dv]), 'proj.bias': tf.tensor1d(bias) };
  const vision = tf.tensor3d(comp.tokens, [n, TOKENS, dv]);
  const text = tf.tensor3d(query, [n, 1, dm]);
  const captionsUnit = tf.tidy(() => {
    const c = tf.tensor2d(captions, [n, dm]);
    return c.div(c.norm('euclidean', 1, true).maximum(1e-12)).transpose() as tf.Tensor2D; // [n, Dm] → [Dm, n]
  });
  // The projector at the figure's budget: its trace holds every token's query score [n, 49] and the
  // kept indices drawn in the figure.
  const out = spec.apply(spec.schema.parse({ visionDim: dv, llmDim: dm, keep: cfg.figureKeep, score: cfg.score }), weights, { vision, text });
  try {
    const scoreValues = (await out.trace[TRACE_KEYS.scores]!.data()) as Float32Array;
    const figureKept = (await out.trace[TRACE_KEYS.keptIndices]!.array()) as number[][];
    // Image-only saliency: the norm of each projected token, which never sees the query.
    const saliency = tf.tidy(() =>
      tf
        .matMul(vision.reshape([n * TOKENS, dv]), weights['proj.weight'].transpose()) // [n·49, Dv] × [Dv, Dm]
        .add(weights['proj.bias'])
        .norm('euclidean', 1)
        .reshape([n, TOKENS]),
    );
    const saliencyValues = (await saliency.data()) as Float32Array;
    saliency.dispose();

    const methods: MethodResult[] = METHOD_KEYS.map((key) => ({ key, label: LABELS[key], recallAt1: [], recallAt10: [], medianRank: [], targetFraction: [] }));
    for (const [j, k] of KEEP_COUNTS.entries()) {
      throwIfAborted(ctx.signal);
      const rng = createRng(deriveSeed(cfg.seed, `random.k${k}`));
      const phases = createRng(deriveSeed(cfg.seed, `strided.k${k}`));
      const choices: Record<MethodKey, number[][]> = {
        // The projector's own rule on its own scores: the top k, in original order.
        guided: topK(scoreValues, n, k),
        saliency: topK(saliencyValues, n, k),
        // A seeded phase per composite: each token is kept with probability k/49 whatever the layout.
        strided: Array.from({ length: n }, () => stridedIndices(k, phases.int(TOKENS))),
        random: Array.from({ length: n }, () => rng.shuffle([...ALL_TOKENS]).slice(0, k).sort((x, y) => x - y)),
      };
      for (const m of methods) {
        const pooled = poolIndices(vision, choices[m.key], weights['proj.weight'], weights['proj.bias']);
        const r = await retrieve(pooled, captionsUnit);
        pooled.dispose();
        m.recallAt1.push(r.recallAt1);
        m.recallAt10.push(r.recallAt10);
        m.medianRank.push(r.medianRank);
        m.targetFraction.push(fractionOnTarget(choices[m.key], comp.onTarget));
      }
      ctx.onProgress((j + 1) / (KEEP_COUNTS.length + 1), `k = ${k} of ${TOKENS} tokens`);
      await yieldToEventLoop();
    }
    throwIfAborted(ctx.signal);
    const allPooled = poolIndices(vision, Array.from({ length: n }, () => ALL_TOKENS), weights['proj.weight'], weights['proj.bias']);
    const allTokens = await retrieve(allPooled, captionsUnit);
    allPooled.dispose();
    // The named emoji alone: its own 49 tokens through the same map (no partner, no selection).
    const aloneFlat = new Float32Array(n * TOKENS * dv);
    test.forEach((img, i) => aloneFlat.set(grid.data.subarray(img * TOKENS * dv, (img + 1) * TOKENS * dv), i * TOKENS * dv));
    const alonePooled = tf.tidy(() => {
      const x = tf.tensor3d(aloneFlat, [n, TOKENS, dv]).mean(1); // [n, Dv]; linear map commutes with the mean
      return tf.matMul(x, weights['proj.weight'].transpose()).add(weights['proj.bias']) as tf.Tensor2D; // [n, Dv] × [Dv, Dm]
    });
    const targetAlone = await retrieve(alonePooled, captionsUnit);
    alonePooled.dispose();

    const examples = Array.from({ length: EXAMPLE_COUNT }, (_, i) => {
      const img = test[i] as number;
      return {
        index: img,
        label: records[img]!.label,
        category: records[img]!.category,
        targetSide: comp.side[i] as 'left' | 'right',
        scores: Array.from(scoreValues.subarray(i * TOKENS, (i + 1) * TOKENS)),
        kept: figureKept[i] as number[],
      };
    });
    ctx.onProgress(1, 'done');
    return {
      n,
      keeps: [...KEEP_COUNTS],
      methods,
      allTokens,
      targetAlone,
      chance: { ...shortRetrieval(chanceRetrieval(n)), targetFraction: (cfg.targetColumns * GRID) / TOKENS },
      examples,
    };
  } finally {
    tf.dispose([vision, text, captionsUnit, out.tokens, ...Object.values(out.trace), weights['proj.weight'], weights['proj.bias']]);
  }
}

export const notebook = defineNotebook(card, run);
