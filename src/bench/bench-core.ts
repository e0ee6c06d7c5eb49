/**
 * Benchmark core shared by Node (scripts/bench/run.ts) and the browser (the Lab benchmark page's
 * Worker, src/bench/bench-worker.ts).
 *
 * 1. The peak: plain square tf.matMul products n×n×n for n in PEAK_SIZES (512 … 2048), each timed
 *    the same way as a projector; the best GFLOP/s among them is this run's peak. A square product
 *    of that size is the friendliest shape the backend gets, so the peak is a ceiling the projectors
 *    can approach but should not pass (a ratio well above 100 % would mean the reference is wrong).
 * 2. Every preset at real size (batch 1, the preset's real input): the forward time of the
 *    registry's projector, its GFLOP/s from spec.flops, and its ratio to the peak.
 * 3. Optionally LLaVA-1.5-7B's forward written four other ways (variants), to see what closes the gap.
 *
 * Timing: each measurement awaits `data()` of the output (tfjs is asynchronous); warm-up runs first
 * (at least WARMUP runs and 1 s) so the wasm and V8 tiers settle, then the median of REPS runs.
 * Wall times depend on the machine and on its load; the report records what is known about both.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { formatBytes } from '../primitives/format';
import { gelu } from '../projectors/ops/activations';
import { presets, type Preset } from '../projectors/presets';
import { getProjector, isKind } from '../projectors/registry';
import type { Weights } from '../projectors/types';
import { BENCH_SCHEMA, type BenchEnv, type BenchReport, type BenchRow, type PeakRow, type VariantRow } from './report';

export const WARMUP = 3;
export const REPS = 5;
/** Square product sizes whose best GFLOP/s is the peak (issue 13: the best of several squares 512–2048). */
export const PEAK_SIZES: readonly number[] = [512, 1024, 1536, 2048];
export const PEAK_MIN = 512;
export const PEAK_MAX = 2048;
/** Presets whose float32 weights exceed this are skipped: two such models would not fit next to the build on the 24 GiB shared machine with headroom. */
export const WEIGHT_CAP_BYTES = 1.5 * 2 ** 30;

/** Thrown when the caller's signal aborts between two measurements. */
export class BenchCancelled extends Error {
  constructor() {
    super('benchmark cancelled');
    this.name = 'BenchCancelled';
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

export interface Clock {
  now: () => number;
  /** Yields to the event loop between repetitions (so a cancel or a page update gets through). */
  pause: () => Promise<void>;
  signal?: AbortSignal;
}

function checkAbort(clock: Clock): void {
  if (clock.signal?.aborted) throw new BenchCancelled();
}

/** Median wall time (ms) of `fn`, which returns a tensor that is read back and disposed. */
export async function timeIt(fn: () => tf.Tensor, clock: Clock): Promise<number> {
  const { now, pause } = clock;
  const start = now();
  for (let i = 0; i < WARMUP || now() - start < 1000; i += 1) {
    checkAbort(clock);
    const t = fn();
    await t.data();
    t.dispose();
    if (i > 50) break; // tiny ops: 50 warm-ups are plenty even if they take < 1 s in total
  }
  const times: number[] = [];
  for (let i = 0; i < REPS; i += 1) {
    await pause();
    checkAbort(clock);
    const t0 = now();
    const t = fn();
    await t.data();
    times.push(now() - t0);
    t.dispose();
  }
  return median(times);
}

export const benchPresets = (): Preset[] => Object.values(presets).filter((p) => p.input !== undefined && isKind(p.kind));

/** Checks a list of peak sizes (e.g. from a URL): integers in [PEAK_MIN, PEAK_MAX]; throws naming the bad entry. */
export function parsePeakSizes(sizes: readonly number[]): number[] {
  if (sizes.length === 0) throw new Error('peak sizes: give at least one size');
  for (const n of sizes) {
    if (!Number.isInteger(n) || n < PEAK_MIN || n > PEAK_MAX) throw new Error(`peak size "${String(n)}" is not an integer from ${PEAK_MIN} to ${PEAK_MAX}`);
  }
  return [...sizes];
}

/** Checks a preset subset (e.g. from a URL): every id must be a benchmarked preset; throws naming the unknown ones. */
export function parseOnly(ids: readonly string[]): string[] {
  const known = new Set(benchPresets().map((p) => p.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length) throw new Error(`unknown preset${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}`);
  return [...ids];
}

/** One square product n×n×n (2·n³ FLOPs), timed like a projector. */
export async function benchSquare(n: number, clock: Clock): Promise<PeakRow> {
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1) as tf.Tensor2D;
  const b = tf.randomNormal([n, n], 0, 0.02, 'float32', 2) as tf.Tensor2D;
  try {
    const ms = await timeIt(() => tf.matMul(a, b), clock);
    const flops = 2 * n * n * n;
    return { n, flops, ms, gflops: flops / ms / 1e6 };
  } finally {
    tf.dispose([a, b]);
  }
}

/** The peak of a set of square products: the best GFLOP/s. */
export const peakOf = (rows: readonly PeakRow[]): PeakRow =>
  rows.reduce((best, r) => (r.gflops > best.gflops ? r : best), rows[0] as PeakRow);

/** One preset's forward at real size; `peakGflops` gives the ratio. */
export async function benchOne(p: Preset, peakGflops: number, clock: Clock): Promise<BenchRow> {
  const spec = getProjector(p.kind);
  const cfg = spec.schema.parse(p.config);
  const input = p.input!;
  const flops = spec.flops(cfg, input);
  const weightBytes = 4 * spec.paramCount(cfg);
  const row: BenchRow = { preset: p.id, model: p.model, kind: p.kind, flops, weightBytes };
  if (weightBytes > WEIGHT_CAP_BYTES) return { ...row, skipped: `weights ${formatBytes(weightBytes, 2)} > cap ${formatBytes(WEIGHT_CAP_BYTES, 1)}` };
  const weights = spec.init(cfg, 1);
  const vision = tf.randomNormal([...input.vision] as [number, number, number], 0, 1, 'float32', 3) as tf.Tensor3D;
  const text = input.text ? (tf.randomNormal([...input.text] as [number, number, number], 0, 1, 'float32', 4) as tf.Tensor3D) : undefined;
  try {
    const ms = await timeIt(() => {
      const out = spec.apply(cfg, weights, text ? { vision, text } : { vision });
      tf.dispose(Object.values(out.trace));
      return out.tokens;
    }, clock);
    const gflops = flops / ms / 1e6;
    return { ...row, ms, gflops, ratio: gflops / peakGflops };
  } finally {
    tf.dispose([...Object.values(weights), vision, ...(text ? [text] : [])]);
  }
}

/**
 * LLaVA-1.5-7B's mlp2x_gelu written four more ways than the registry's (ops/linear.ts: (W·xᵀ)ᵀ + b,
 * which transposes only the activations; measured in the preset table): a transpose of the [out, in]
 * weight on every call, pre-transposed weights ([in, out] once at load, plain matMul),
 * tf.fused.matMul with the bias fused and transposeB (GELU cannot be fused: tfjs fuses only the
 * relu family, sigmoid and elu), and fused with pre-transposed weights.
 * Why it matters: tfjs-wasm 4.22 runs matMul(a, b, false, true) in a naive loop, about 10× slower
 * than the plain product (measured); src/runtime/wasm-matmul-transpose.ts routes the flagged case
 * through an explicit transpose, so the transposeB rows measure that route.
 */
export async function benchLlavaVariants(peakGflops: number, clock: Clock, registryRow?: BenchRow): Promise<VariantRow[]> {
  const p = presets['llava-1.5-7b'];
  if (!p || !p.input) return [];
  const spec = getProjector('mlp');
  const cfg = spec.schema.parse(p.config);
  const flops = spec.flops(cfg, p.input);
  const w: Weights = spec.init(cfg, 1);
  const x = tf.randomNormal([...p.input.vision], 0, 1, 'float32', 3).reshape([p.input.vision[1] as number, cfg.visionDim]) as tf.Tensor2D; // [1, Nv, Dv] → [Nv, Dv]
  const w0 = w['0.weight'] as tf.Tensor2D;
  const w2 = w['2.weight'] as tf.Tensor2D;
  const b0 = w['0.bias'] as tf.Tensor1D;
  const b2 = w['2.bias'] as tf.Tensor1D;
  const w0t = tf.transpose(w0) as tf.Tensor2D; // [out, in] → [in, out], once at load
  const w2t = tf.transpose(w2) as tf.Tensor2D;
  const variants: [string, () => tf.Tensor][] = [
    ['transpose per call + matMul + add', () => tf.tidy(() => tf.matMul(gelu(tf.matMul(x, tf.transpose(w0)).add(b0)), tf.transpose(w2)).add(b2))],
    ['pre-transposed [in,out] + matMul + add', () => tf.tidy(() => tf.matMul(gelu(tf.matMul(x, w0t).add(b0)), w2t).add(b2))],
    ['fused.matMul (bias) with transposeB', () => tf.tidy(() => tf.fused.matMul({ a: gelu(tf.fused.matMul({ a: x, b: w0, transposeB: true, bias: b0 })) as tf.Tensor2D, b: w2, transposeB: true, bias: b2 }))],
    ['fused.matMul (bias), pre-transposed', () => tf.tidy(() => tf.fused.matMul({ a: gelu(tf.fused.matMul({ a: x, b: w0t, bias: b0 })) as tf.Tensor2D, b: w2t, bias: b2 }))],
  ];
  const row = (variant: string, ms: number): VariantRow => ({ variant, ms, gflops: flops / ms / 1e6, ratio: flops / ms / 1e6 / peakGflops });
  try {
    // The registry's own forward was just measured in the preset table: reuse it.
    const rows: VariantRow[] = registryRow?.ms !== undefined ? [row('registry apply (ops/linear.ts: (W·xᵀ)ᵀ + b)', registryRow.ms)] : [];
    for (const [variant, fn] of variants) rows.push(row(variant, await timeIt(fn, clock)));
    return rows;
  } finally {
    tf.dispose([...Object.values(w), x, w0t, w2t]);
  }
}

export interface BenchOptions {
  /** Restrict to these preset ids (validated by parseOnly). */
  only?: readonly string[];
  /** Square sizes for the peak (validated by parsePeakSizes); default PEAK_SIZES. */
  peakSizes?: readonly number[];
  /** Also time the LLaVA-1.5-7B variants (only when that preset is in the run). */
  variants?: boolean;
  /** Called before each measurement: steps done, steps in all, what comes next. */
  onProgress?: (done: number, total: number, label: string) => void;
  onPeak?: (r: PeakRow) => void;
  onRow?: (r: BenchRow) => void;
}

function threadsInUse(): number | null {
  if (tf.getBackend() !== 'wasm') return 1; // the cpu backend is single-threaded JavaScript
  try {
    const n = getThreadsCount();
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/** Runs the whole benchmark on the current tfjs backend. `env` says where (filled by the caller). */
export async function runBench(env: BenchEnv, clock: Clock, opts: BenchOptions = {}): Promise<BenchReport> {
  const only = opts.only ? parseOnly(opts.only) : undefined;
  const sizes = parsePeakSizes(opts.peakSizes ?? PEAK_SIZES);
  const list = benchPresets().filter((p) => !only || only.includes(p.id));
  const withVariants = opts.variants === true && list.some((p) => p.id === 'llava-1.5-7b');
  const total = sizes.length + list.length + (withVariants ? 1 : 0);
  let done = 0;
  const step = (label: string): void => opts.onProgress?.(done, total, label);

  const peakRows: PeakRow[] = [];
  for (const n of sizes) {
    step(`square matMul ${n}×${n}×${n}`);
    const r = await benchSquare(n, clock);
    peakRows.push(r);
    opts.onPeak?.(r);
    done += 1;
  }
  const peak = peakOf(peakRows);
  const rows: BenchRow[] = [];
  for (const p of list) {
    step(p.id);
    const row = await benchOne(p, peak.gflops, clock);
    rows.push(row);
    opts.onRow?.(row);
    done += 1;
  }
  let variants: VariantRow[] = [];
  if (withVariants) {
    step('LLaVA-1.5-7B variants');
    variants = await benchLlavaVariants(peak.gflops, clock, rows.find((r) => r.preset === 'llava-1.5-7b'));
    done += 1;
  }
  step('done');
  let simd: boolean | null = null;
  try {
    simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  } catch {
    simd = null;
  }
  return {
    schema: BENCH_SCHEMA,
    ...env,
    backend: tf.getBackend(),
    tfjsVersion: tf.version_core,
    simd,
    threads: threadsInUse(),
    peak: { sizes: peakRows, best: peak },
    rows,
    variants,
  };
}
