/**
 * Small dense linear algebra on row-major Float32/Float64 arrays, enough for the data pipeline and
 * its checks: PCA projection, closed-form ridge regression, symmetric eigendecomposition (Jacobi) and
 * retrieval metrics. Plain JS in float64 so results do not depend on a tfjs backend; the matrices
 * here are at most a few hundred wide, so O(n^3) is fine.
 */

type Num = Float32Array | Float64Array;

/** Y[n,k] = (X[n,d] - mean[d]) · basis[k,d]ᵀ: project rows into a PCA space. */
export function pcaProject(x: Num, n: number, d: number, mean: Num, basis: Num, k: number): Float32Array {
  if (x.length !== n * d) throw new RangeError(`pcaProject: x has ${x.length} values, expected ${n}×${d}`);
  if (mean.length !== d || basis.length !== k * d) throw new RangeError(`pcaProject: mean/basis do not match d=${d}, k=${k}`);
  const out = new Float32Array(n * k);
  const centred = new Float64Array(d);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < d; j += 1) centred[j] = (x[i * d + j] as number) - (mean[j] as number);
    for (let c = 0; c < k; c += 1) {
      let s = 0;
      const off = c * d;
      for (let j = 0; j < d; j += 1) s += (centred[j] as number) * (basis[off + j] as number);
      out[i * k + c] = s;
    }
  }
  return out;
}

/** C[a,b] = A[a,m]·B[m,b] in float64. */
export function matmul(a: Num, b: Num, rowsA: number, inner: number, colsB: number): Float64Array {
  const out = new Float64Array(rowsA * colsB);
  for (let i = 0; i < rowsA; i += 1) {
    for (let m = 0; m < inner; m += 1) {
      const av = a[i * inner + m] as number;
      if (av === 0) continue;
      const bo = m * colsB;
      const oo = i * colsB;
      for (let j = 0; j < colsB; j += 1) out[oo + j] = (out[oo + j] as number) + av * (b[bo + j] as number);
    }
  }
  return out;
}

/** Cholesky factor L (lower) of a symmetric positive-definite n×n matrix; throws if not SPD. */
export function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let s = a[i * n + j] as number;
      for (let k = 0; k < j; k += 1) s -= (l[i * n + k] as number) * (l[j * n + k] as number);
      if (i === j) {
        if (s <= 0) throw new RangeError(`cholesky: matrix is not positive definite at pivot ${i}`);
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / (l[j * n + j] as number);
      }
    }
  }
  return l;
}

/**
 * Closed-form ridge regression W[p,q] = (XᵀX + λI)⁻¹ XᵀY, with an unpenalised intercept handled by
 * centring X and Y. Returns W and the means so predict() can apply it to new rows.
 */
export interface RidgeModel {
  p: number;
  q: number;
  weights: Float64Array; // [p, q]
  xMean: Float64Array; // [p]
  yMean: Float64Array; // [q]
}

export function ridgeFit(x: Num, y: Num, n: number, p: number, q: number, lambda: number): RidgeModel {
  if (!(lambda > 0)) throw new RangeError(`ridgeFit: lambda must be > 0, got ${lambda}`);
  const xMean = columnMeans(x, n, p);
  const yMean = columnMeans(y, n, q);
  const xc = new Float64Array(n * p);
  const yc = new Float64Array(n * q);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < p; j += 1) xc[i * p + j] = (x[i * p + j] as number) - (xMean[j] as number);
    for (let j = 0; j < q; j += 1) yc[i * q + j] = (y[i * q + j] as number) - (yMean[j] as number);
  }
  const xt = transpose(xc, n, p);
  const gram = matmul(xt, xc, p, n, p);
  for (let j = 0; j < p; j += 1) gram[j * p + j] = (gram[j * p + j] as number) + lambda;
  const rhs = matmul(xt, yc, p, n, q);
  const l = cholesky(gram, p);
  // Solve L Z = rhs, then Lᵀ W = Z, column block at a time.
  const w = new Float64Array(p * q);
  for (let c = 0; c < q; c += 1) {
    const z = new Float64Array(p);
    for (let i = 0; i < p; i += 1) {
      let s = rhs[i * q + c] as number;
      for (let k = 0; k < i; k += 1) s -= (l[i * p + k] as number) * (z[k] as number);
      z[i] = s / (l[i * p + i] as number);
    }
    for (let i = p - 1; i >= 0; i -= 1) {
      let s = z[i] as number;
      for (let k = i + 1; k < p; k += 1) s -= (l[k * p + i] as number) * (w[k * q + c] as number);
      w[i * q + c] = s / (l[i * p + i] as number);
    }
  }
  return { p, q, weights: w, xMean, yMean };
}

export function ridgePredict(model: RidgeModel, x: Num, n: number): Float64Array {
  const { p, q } = model;
  const xc = new Float64Array(n * p);
  for (let i = 0; i < n; i += 1) for (let j = 0; j < p; j += 1) xc[i * p + j] = (x[i * p + j] as number) - (model.xMean[j] as number);
  const out = matmul(xc, model.weights, n, p, q);
  for (let i = 0; i < n; i += 1) for (let j = 0; j < q; j += 1) out[i * q + j] = (out[i * q + j] as number) + (model.yMean[j] as number);
  return out;
}

export function columnMeans(x: Num, n: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i += 1) for (let j = 0; j < d; j += 1) mean[j] = (mean[j] as number) + (x[i * d + j] as number);
  for (let j = 0; j < d; j += 1) mean[j] = (mean[j] as number) / n;
  return mean;
}

export function transpose(x: Num, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i += 1) for (let j = 0; j < cols; j += 1) out[j * rows + i] = x[i * cols + j] as number;
  return out;
}

/** Rows scaled to unit L2 norm (zero rows stay zero). */
export function normalizeRows(x: Num, n: number, d: number): Float64Array {
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i += 1) {
    let s = 0;
    for (let j = 0; j < d; j += 1) s += (x[i * d + j] as number) ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < d; j += 1) out[i * d + j] = (x[i * d + j] as number) * inv;
  }
  return out;
}

/** Cosine similarity matrix S[a,b] between the rows of A[na,d] and B[nb,d]. */
export function cosineMatrix(a: Num, na: number, b: Num, nb: number, d: number): Float64Array {
  return matmul(normalizeRows(a, na, d), transpose(normalizeRows(b, nb, d), nb, d), na, d, nb);
}

/**
 * For each query i, the 1-based rank of candidate i (its true pair) when candidates are sorted by
 * descending similarity. Ties count against the query (pessimistic), so a constant predictor scores chance.
 */
export function pairedRanks(similarity: Float64Array, n: number): number[] {
  const ranks: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const own = similarity[i * n + i] as number;
    let rank = 1;
    for (let j = 0; j < n; j += 1) if (j !== i && (similarity[i * n + j] as number) >= own) rank += 1;
    ranks.push(rank);
  }
  return ranks;
}

export interface RetrievalScores {
  n: number;
  recallAt1: number;
  recallAt10: number;
  medianRank: number;
  chanceRecallAt1: number;
  chanceRecallAt10: number;
  chanceMedianRank: number;
}

export function retrievalScores(ranks: readonly number[]): RetrievalScores {
  const n = ranks.length;
  if (n === 0) throw new RangeError('retrievalScores: no queries');
  const sorted = ranks.slice().sort((a, b) => a - b);
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return {
    n,
    recallAt1: ranks.filter((r) => r <= 1).length / n,
    recallAt10: ranks.filter((r) => r <= 10).length / n,
    medianRank: median,
    chanceRecallAt1: 1 / n,
    chanceRecallAt10: Math.min(10, n) / n,
    chanceMedianRank: (n + 1) / 2,
  };
}

/** Indices of the k rows of `candidates` most cosine-similar to `query` (excluding `exclude`). */
export function nearestNeighbours(query: Num, candidates: Num, n: number, d: number, k: number, exclude = -1): number[] {
  const q = normalizeRows(query, 1, d);
  const scored: Array<{ i: number; s: number }> = [];
  for (let i = 0; i < n; i += 1) {
    if (i === exclude) continue;
    let dot = 0;
    let norm = 0;
    for (let j = 0; j < d; j += 1) {
      const c = candidates[i * d + j] as number;
      dot += c * (q[j] as number);
      norm += c * c;
    }
    scored.push({ i, s: norm > 0 ? dot / Math.sqrt(norm) : -Infinity });
  }
  // Stable tie-break on index keeps the result deterministic.
  scored.sort((a, b) => b.s - a.s || a.i - b.i);
  return scored.slice(0, k).map((e) => e.i);
}

/**
 * Eigen-decomposition of a symmetric n×n matrix by cyclic Jacobi rotations. Returns eigenvalues in
 * descending order and the eigenvectors as rows [n,n]. Used on the small Rayleigh–Ritz matrices of
 * the PCA (n ≤ a few hundred).
 */
export function symmetricEigen(matrix: Float64Array, n: number, maxSweeps = 60): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) v[i * n + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep += 1) {
    let off = 0;
    for (let p = 0; p < n; p += 1) for (let q = p + 1; q < n; q += 1) off += (a[p * n + q] as number) ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p += 1) {
      for (let q = p + 1; q < n; q += 1) {
        const apq = a[p * n + q] as number;
        if (Math.abs(apq) < 1e-300) continue;
        const app = a[p * n + p] as number;
        const aqq = a[q * n + q] as number;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k += 1) {
          const akp = a[k * n + p] as number;
          const akq = a[k * n + q] as number;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k += 1) {
          const apk = a[p * n + k] as number;
          const aqk = a[q * n + k] as number;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k += 1) {
          const vkp = v[k * n + p] as number;
          const vkq = v[k * n + q] as number;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => (a[j * n + j] as number) - (a[i * n + i] as number) || i - j);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = a[src * n + src] as number;
    for (let k = 0; k < n; k += 1) vectors[dst * n + k] = v[k * n + src] as number;
  });
  return { values, vectors };
}

/** Orthonormalise the columns of Q[d,k] in place (modified Gram–Schmidt, twice for stability). */
export function orthonormalizeColumns(q: Float64Array, d: number, k: number): void {
  for (let pass = 0; pass < 2; pass += 1) {
    for (let c = 0; c < k; c += 1) {
      for (let prev = 0; prev < c; prev += 1) {
        let dot = 0;
        for (let r = 0; r < d; r += 1) dot += (q[r * k + c] as number) * (q[r * k + prev] as number);
        for (let r = 0; r < d; r += 1) q[r * k + c] = (q[r * k + c] as number) - dot * (q[r * k + prev] as number);
      }
      let norm = 0;
      for (let r = 0; r < d; r += 1) norm += (q[r * k + c] as number) ** 2;
      const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let r = 0; r < d; r += 1) q[r * k + c] = (q[r * k + c] as number) * inv;
    }
  }
}
