/**
 * PCA for the emoji features, deterministic for a seed: covariance by chunked tfjs matmuls (fast on
 * wasm), `iterations` rounds of subspace iteration Q ← orth(C·Q) with k+16 columns from a seeded
 * Gaussian start, then a Rayleigh–Ritz step (Jacobi on QᵀCQ) that rotates Q onto the principal
 * axes. Mean and basis are rounded to float16, and features are projected with exactly those
 * numbers, so the browser (which loads the float16 files) reproduces them.
 */
import * as tf from '@tensorflow/tfjs';
import { decodeFloat16, encodeFloat16 } from '../../src/primitives/fp16';
import { columnMeans, orthonormalizeColumns, symmetricEigen } from '../../src/primitives/linalg';
import { createRng, deriveSeed } from '../../src/primitives/rng';

/** Float16 round trip: the build projects with exactly the numbers the browser will load. */
export const roundF16 = (x: ArrayLike<number>): Float32Array => decodeFloat16(encodeFloat16(x));

export interface PcaFit {
  mean: Float32Array; // [d], float16-rounded
  basis: Float32Array; // [k,d], float16-rounded, rows are principal axes in descending variance
  explained: number; // fraction of total variance captured by the k axes
}

/** The sample covariance of x [n,d] (float64 copy) with its trace. */
function covariance(x: Float32Array, n: number, d: number, mean: ArrayLike<number>): { cov: Float64Array; total: number } {
  const meanT = tf.tensor1d(Float32Array.from(mean));
  let sum = tf.zeros([d, d]) as tf.Tensor2D;
  const chunk = 4096;
  for (let i = 0; i < n; i += chunk) {
    const m = Math.min(chunk, n - i);
    const next = tf.tidy(() => {
      const xc = tf.tensor2d(x.subarray(i * d, (i + m) * d), [m, d]).sub(meanT);
      // Explicit transpose: tfjs-wasm's own matMul with transposeA=true is ~20× slower (measured).
      return sum.add(tf.matMul(xc.transpose(), xc)) as tf.Tensor2D;
    });
    sum.dispose();
    sum = next;
  }
  const cov = Float64Array.from(sum.dataSync()).map((v) => v / (n - 1));
  sum.dispose();
  meanT.dispose();
  let total = 0;
  for (let j = 0; j < d; j += 1) total += cov[j * d + j] as number;
  return { cov, total };
}

/** `iterations` rounds of Q ← orth(C·Q) from a seeded Gaussian start: an orthonormal [d,p] basis. */
function subspaceIteration(covF: tf.Tensor2D, d: number, p: number, seed: number, iterations: number): Float64Array {
  const rng = createRng(seed);
  let q = Float64Array.from({ length: d * p }, () => rng.normal());
  orthonormalizeColumns(q, d, p);
  for (let it = 0; it < iterations; it += 1) {
    const z = tf.tidy(() => tf.matMul(covF, tf.tensor2d(Float32Array.from(q), [d, p])).dataSync());
    q = Float64Array.from(z);
    orthonormalizeColumns(q, d, p);
  }
  return q;
}

/** Rayleigh–Ritz: T = Qᵀ C Q in float64 (symmetrised), and its eigen-decomposition. */
function rayleighRitz(covF: tf.Tensor2D, q: Float64Array, d: number, p: number): { values: ArrayLike<number>; vectors: ArrayLike<number> } {
  const cq = Float64Array.from(tf.tidy(() => tf.matMul(covF, tf.tensor2d(Float32Array.from(q), [d, p])).dataSync()));
  const t = new Float64Array(p * p);
  for (let a = 0; a < p; a += 1) {
    for (let b = 0; b < p; b += 1) {
      let s = 0;
      for (let r = 0; r < d; r += 1) s += (q[r * p + a] as number) * (cq[r * p + b] as number);
      t[a * p + b] = s;
    }
  }
  for (let a = 0; a < p; a += 1) for (let b = a + 1; b < p; b += 1) t[a * p + b] = t[b * p + a] = ((t[a * p + b] as number) + (t[b * p + a] as number)) / 2;
  return symmetricEigen(t, p);
}

/**
 * The first k principal axes as rows: Q rotated by the Ritz vectors, each axis's largest-magnitude
 * coefficient made positive (PCA signs are arbitrary).
 */
function principalAxes(q: Float64Array, vectors: ArrayLike<number>, d: number, p: number, k: number): Float64Array {
  const basis = new Float64Array(k * d);
  for (let c = 0; c < k; c += 1) {
    for (let r = 0; r < d; r += 1) {
      let s = 0;
      for (let a = 0; a < p; a += 1) s += (q[r * p + a] as number) * (vectors[c * p + a] as number);
      basis[c * d + r] = s;
    }
    let argmax = 0;
    for (let r = 1; r < d; r += 1) if (Math.abs(basis[c * d + r] as number) > Math.abs(basis[c * d + argmax] as number)) argmax = r;
    if ((basis[c * d + argmax] as number) < 0) for (let r = 0; r < d; r += 1) basis[c * d + r] = -(basis[c * d + r] as number);
  }
  return basis;
}

/** Fits k axes to x [n,d]; the start is seeded by deriveSeed(seed, `pca:${name}`). */
export function fitPca(x: Float32Array, n: number, d: number, k: number, seed: { seed: number; name: string }, iterations = 40): PcaFit {
  const mean = columnMeans(x, n, d);
  const { cov, total } = covariance(x, n, d, mean);
  const covF = tf.tensor2d(Float32Array.from(cov), [d, d]);
  const p = k + 16;
  const q = subspaceIteration(covF, d, p, deriveSeed(seed.seed, `pca:${seed.name}`), iterations);
  const { values, vectors } = rayleighRitz(covF, q, d, p);
  const basis = principalAxes(q, vectors, d, p, k);
  let kept = 0;
  for (let c = 0; c < k; c += 1) kept += values[c] as number;
  covF.dispose();
  return { mean: roundF16(mean), basis: roundF16(basis), explained: kept / total };
}

/** Projects rows with a (float16-rounded) PCA via tfjs: [n,d] → [n,k]. */
export function project(x: Float32Array, n: number, d: number, fit: PcaFit): Float32Array {
  const k = fit.basis.length / d;
  const out = new Float32Array(n * k);
  const basisT = tf.tidy(() => tf.tensor2d(fit.basis, [k, d]).transpose()); // [d,k], transposed once (see covariance)
  const meanT = tf.tensor1d(fit.mean);
  const chunk = 8192;
  for (let i = 0; i < n; i += chunk) {
    const m = Math.min(chunk, n - i);
    const y = tf.tidy(() => tf.matMul(tf.tensor2d(x.subarray(i * d, (i + m) * d), [m, d]).sub(meanT), basisT).dataSync());
    out.set(y, i * k);
  }
  tf.dispose([basisT, meanT]);
  return out;
}
