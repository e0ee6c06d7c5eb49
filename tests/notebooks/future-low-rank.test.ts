import { describe, expect, test } from 'vitest';
import { notebook, type Result } from '../../notebooks/experiments/future-low-rank';
import { ranksFor } from '../../notebooks/experiments/future-low-rank.card';
import { committedSweep, defaultsRun, expectDifferenceOnEverySeed, measure, notebookContract } from './helpers';

const id = 'future-low-rank';
const run = defaultsRun<Result>(notebook);

describe(id, () => {
  notebookContract(notebook, {
    run,
    invalid: { change: { imageDims: 8, subsample: 2 }, fields: ['subsample', 'imageDims'] },
    rejects: [{ change: { ridgeLambda: 0 }, message: /^ridgeLambda:/ }],
    cancel: { stopsBefore: 0.5 },
  });

  test('parameters per rank are the library’s r·(Dv + Dm) + Dm, here and at LLaVA’s real size', () => {
    const r = run.result();
    expect(r.rows.map((x) => x.rank)).toEqual(ranksFor(128));
    for (const row of r.rows) {
      expect(row.params).toBe(row.rank * (128 + 512) + 512);
      expect(row.realSizeParams).toBe(row.rank * (1024 + 4096) + 4096);
    }
    expect(r.linearParams).toBe(128 * 512 + 512);
    expect(r.realSize.linearParams).toBe(4_198_400);
    // At full rank the factorised map has more parameters than the matrix it factorises.
    expect(r.rows[r.rows.length - 1]!.params).toBeGreaterThan(r.linearParams);
  });

  test('error falls with rank to zero at full rank; retrieval recovers the full map', () => {
    const r = run.result();
    for (let i = 1; i < r.rows.length; i += 1) {
      expect(r.rows[i]!.outputError).toBeLessThan(r.rows[i - 1]!.outputError);
      expect(r.rows[i]!.energy).toBeGreaterThan(r.rows[i - 1]!.energy);
    }
    const full = r.rows[r.rows.length - 1]!;
    expect(full.outputError).toBeLessThan(1e-12);
    expect(full.controlOutputError).toBeLessThan(1e-12);
    expect(full.recallAt10).toBeCloseTo(r.full.recallAt10, 12);
    expect(r.full.recallAt10).toBeGreaterThan(5 * r.chanceRecallAt10);
  });

  test('over five seeds the trained map loses less than a Gaussian matrix at rank 32, and rank 32 costs some R@10', () => {
    const s = committedSweep(id);
    // Committed: output error 15.6 % ± 0.1 trained, 56.2 % ± 4.6 control; R@10 30.1 % full, 26.8 % at r = 32.
    expectDifferenceOnEverySeed(s, ['controlMinusTrained', 'fullMinusRank'], 1);
    expect(measure(s, 'trainedError').max).toBeLessThan(0.25);
    expect(measure(s, 'controlError').min).toBeGreaterThan(0.4);
  });
});
