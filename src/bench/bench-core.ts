/**
 * Benchmark core shared by Node (scripts/bench/run.ts) and headless Chromium (src/pages/lab/bench.astro):
 * for every preset at real size (batch 1, the preset's real input), the forward time of the
 * registry's projector, its GFLOP/s from spec.flops, and the ratio to a plain tf.matMul with the
 * same FLOPs measured in the same run (the roofline).
 *
 * Roofline matmul: [M, K] × [K, N] with M = B·Nv (input rows), K = Dv and N = flops / (2·M·K), so
 * it does the projector's FLOPs in one plain product. For linear presets it is exactly the
 * projector's own product (without the transpose and the bias); for MLPs it has the first layer's
 * inner width and the whole model's work.
 *
 * Timing: each measurement awaits `data()` of the output (tfjs is asynchronous); warm-up runs first
 * (at least WARMUP runs and 1 s) so the wasm and V8 tiers settle, then the median of REPS runs.
 */
import * as tf from '@tensorflow/tfjs';
import { formatBytes } from '../primitives/format';
import { gelu } from '../projectors/ops/activations';
import { presets, type Preset } from '../projectors/presets';
import { getProjector, isKind } from '../projectors/registry';
import type { Weights } from '../projectors/types';

export const WARMUP = 3;
export const REPS = 5;
/** Presets whose float32 weights exceed this are skipped: two such models would not fit next to the build on the 24 GiB shared machine with headroom. */
export const WEIGHT_CAP_BYTES = 1.5 * 2 ** 30;

export interface BenchRow {
  preset: string;
  model: string;
  kind: string;
  flops: number;
  weightBytes: number;
  skipped?: string;
  ms?: number;
  gflops?: number;
  rooflineShape?: [number, number, number];
  rooflineMs?: number;
  rooflineGflops?: number;
  ratio?: number;
}

export interface VariantRow {
  variant: string;
  ms: number;
  gflops: number;
  ratio: number;
}

export interface BenchReport {
  env: string;
  backend: string;
  tfjsVersion: string;
  simd: boolean | null;
  rows: BenchRow[];
  /** LLaVA-1.5-7B forward written four ways, to see what closes the gap to the roofline. */
  variants: VariantRow[];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** Median wall time (ms) of `fn`, which returns a tensor that is read back and disposed. */
export async function timeIt(fn: () => tf.Tensor, now: () => number, pause: () => Promise<void>): Promise<number> {
  const start = now();
  for (let i = 0; i < WARMUP || now() - start < 1000; i += 1) {
    const t = fn();
    await t.data();
    t.dispose();
    if (i > 50) break; // tiny ops: 50 warm-ups are plenty even if they take < 1 s in total
  }
  const times: number[] = [];
  for (let i = 0; i < REPS; i += 1) {
    await pause();
    const t0 = now();
    const t = fn();
    await t.data();
    times.push(now() - t0);
    t.dispose();
  }
  return median(times);
}

export const benchPresets = (): Preset[] => Object.values(presets).filter((p) => p.input !== undefined && isKind(p.kind));

/** The same-FLOPs plain matmul of a preset: [M, K] × [K, N]. */
export function rooflineShape(p: Preset, flops: number): [number, number, number] {
  const [b, nv, dv] = p.input!.vision as [number, number, number];
  const m = b * nv;
  return [m, dv, Math.max(1, Math.round(flops / (2 * m * dv)))];
}

async function rooflineMs(shape: [number, number, number], now: () => number, pause: () => Promise<void>): Promise<number> {
  const [m, k, n] = shape;
  const a = tf.randomNormal([m, k], 0, 1, 'float32', 1);
  const b = tf.randomNormal([k, n], 0, 0.02, 'float32', 2);
  try {
    return await timeIt(() => tf.matMul(a, b), now, pause);
  } finally {
    tf.dispose([a, b]);
  }
}

export async function benchOne(p: Preset, now: () => number, pause: () => Promise<void>): Promise<BenchRow> {
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
    const ms = await timeIt(
      () => {
        const out = spec.apply(cfg, weights, text ? { vision, text } : { vision });
        tf.dispose(Object.values(out.trace));
        return out.tokens;
      },
      now,
      pause,
    );
    const shape = rooflineShape(p, flops);
    const rMs = await rooflineMs(shape, now, pause);
    const gflops = flops / ms / 1e6;
    const rooflineGflops = (2 * shape[0] * shape[1] * shape[2]) / rMs / 1e6;
    return { ...row, ms, gflops, rooflineShape: shape, rooflineMs: rMs, rooflineGflops, ratio: gflops / rooflineGflops };
  } finally {
    tf.dispose([...Object.values(weights), vision, ...(text ? [text] : [])]);
  }
}

/**
 * LLaVA-1.5-7B's mlp2x_gelu written five ways: the registry's (ops/linear.ts: (W·xᵀ)ᵀ + b, which
 * transposes only the activations; measured in the preset table), a transpose of the [out, in]
 * weight on every call, pre-transposed weights ([in, out] once at load, plain matMul),
 * tf.fused.matMul with the bias fused and transposeB (GELU cannot be fused: tfjs fuses only the
 * relu family, sigmoid and elu), and fused with pre-transposed weights.
 * Why it matters: tfjs-wasm 4.22 runs matMul(a, b, false, true) in a naive loop, about 10× slower
 * than the plain product (measured); src/runtime/wasm-matmul-transpose.ts now routes the flagged case
 * through an explicit transpose, so the transposeB rows measure that route.
 */
export async function benchLlavaVariants(now: () => number, pause: () => Promise<void>, registryRow?: BenchRow): Promise<VariantRow[]> {
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
  try {
    const shape = rooflineShape(p, flops);
    const rMs = await rooflineMs(shape, now, pause);
    const roof = (2 * shape[0] * shape[1] * shape[2]) / rMs / 1e6;
    // The registry's own forward was just measured in the preset table: reuse it.
    const rows: VariantRow[] =
      registryRow?.ms !== undefined
        ? [{ variant: 'registry apply (ops/linear.ts: (W·xᵀ)ᵀ + b)', ms: registryRow.ms, gflops: flops / registryRow.ms / 1e6, ratio: flops / registryRow.ms / 1e6 / roof }]
        : [];
    for (const [variant, fn] of variants) {
      const ms = await timeIt(fn, now, pause);
      rows.push({ variant, ms, gflops: flops / ms / 1e6, ratio: flops / ms / 1e6 / roof });
    }
    return rows;
  } finally {
    tf.dispose([...Object.values(w), x, w0t, w2t]);
  }
}

export async function runBench(
  env: string,
  now: () => number,
  pause: () => Promise<void>,
  onRow: (r: BenchRow) => void = () => undefined,
  only?: readonly string[],
): Promise<BenchReport> {
  const rows: BenchRow[] = [];
  for (const p of benchPresets()) {
    if (only && !only.includes(p.id)) continue;
    const row = await benchOne(p, now, pause);
    rows.push(row);
    onRow(row);
  }
  const variants = !only || only.includes('llava-1.5-7b') ? await benchLlavaVariants(now, pause, rows.find((r) => r.preset === 'llava-1.5-7b')) : [];
  let simd: boolean | null = null;
  try {
    simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  } catch {
    simd = null;
  }
  return { env, backend: tf.getBackend(), tfjsVersion: tf.version_core, simd, rows, variants };
}
