import { describe, expect, it } from 'vitest';
import {
  cholesky, cosineMatrix, nearestNeighbours, pairedRanks, pcaProject, retrievalScores, ridgeFit, ridgePredict, symmetricEigen,
} from '../../../src/primitives/linalg';
import { createRng } from '../../../src/primitives/rng';

describe('linalg', () => {
  it('ridge with a tiny lambda recovers an exact linear map with intercept', () => {
    const rng = createRng(7);
    const n = 50, p = 4, q = 3;
    const w = Float64Array.from({ length: p * q }, () => rng.normal());
    const b = [0.5, -1, 2];
    const x = Float64Array.from({ length: n * p }, () => rng.normal());
    const y = new Float64Array(n * q);
    for (let i = 0; i < n; i += 1) for (let j = 0; j < q; j += 1) {
      let s = b[j] as number;
      for (let k = 0; k < p; k += 1) s += (x[i * p + k] as number) * (w[k * q + j] as number);
      y[i * q + j] = s;
    }
    const model = ridgeFit(x, y, n, p, q, 1e-9);
    model.weights.forEach((v, i) => expect(v).toBeCloseTo(w[i] as number, 6));
    const pred = ridgePredict(model, x, n);
    pred.forEach((v, i) => expect(v).toBeCloseTo(y[i] as number, 6));
    expect(() => ridgeFit(x, y, n, p, q, 0)).toThrow(/lambda/);
  });

  it('cholesky rejects a matrix that is not positive definite', () => {
    expect(() => cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/not positive definite/);
    const l = cholesky(Float64Array.from([4, 2, 2, 3]), 2);
    expect(Array.from(l)).toEqual([2, 0, 1, Math.sqrt(2)]);
  });

  it('Jacobi eigendecomposition of a known symmetric matrix', () => {
    // [[2,1],[1,2]] has eigenvalues 3 and 1 with eigenvectors (1,1)/√2 and (1,-1)/√2.
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expect(values[0]).toBeCloseTo(3, 12);
    expect(values[1]).toBeCloseTo(1, 12);
    expect(Math.abs(vectors[0] as number)).toBeCloseTo(Math.SQRT1_2, 12);
    expect((vectors[0] as number) * (vectors[1] as number)).toBeGreaterThan(0);
    expect((vectors[2] as number) * (vectors[3] as number)).toBeLessThan(0);
  });

  it('PCA projection subtracts the mean and applies the basis rows', () => {
    const x = Float32Array.from([3, 4, 1, 2]); // two rows of d=2
    const y = pcaProject(x, 2, 2, Float32Array.from([1, 2]), Float32Array.from([1, 0, 0, 1, 1, 1]), 3);
    expect(Array.from(y)).toEqual([2, 2, 4, 0, 0, 0]);
  });

  it('paired ranks count ties pessimistically; scores match chance for a constant predictor', () => {
    const s = Float64Array.from([0.9, 0.1, 0.5, 0.9, 0.8, 0.2, 0.3, 0.3, 0.3]);
    expect(pairedRanks(s, 3)).toEqual([1, 2, 3]);
    const constant = retrievalScores(pairedRanks(new Float64Array(100 * 100), 100));
    expect(constant.recallAt1).toBe(0);
    expect(constant.medianRank).toBe(100);
    const perfect = retrievalScores([1, 1, 1, 2]);
    expect(perfect).toMatchObject({ recallAt1: 0.75, recallAt10: 1, medianRank: 1, chanceRecallAt1: 0.25, chanceMedianRank: 2.5 });
  });

  it('cosine matrix and nearest neighbours', () => {
    const a = Float32Array.from([1, 0, 0, 1, 1, 1]);
    const c = cosineMatrix(a, 3, a, 3, 2);
    expect(c[0]).toBeCloseTo(1, 12);
    expect(c[1]).toBeCloseTo(0, 12);
    expect(c[2]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(nearestNeighbours(Float32Array.from([1, 0.1]), a, 3, 2, 2)).toEqual([0, 2]);
    expect(nearestNeighbours(Float32Array.from([1, 0.1]), a, 3, 2, 2, 0)).toEqual([2, 1]);
  });
});
