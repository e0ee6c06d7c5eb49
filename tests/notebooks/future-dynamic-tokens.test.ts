import { describe, expect, test } from 'vitest';
import { notebook, type Result } from '../../notebooks/experiments/future-dynamic-tokens';
import { SWEEP_TAU, THRESHOLDS, TOKENS } from '../../notebooks/experiments/future-dynamic-tokens.card';
import { committedSweep, defaultsRun, measure, notebookContract } from './helpers';

const id = 'future-dynamic-tokens';
const run = defaultsRun<Result>(notebook);

describe(id, () => {
  notebookContract(notebook, {
    run,
    invalid: { change: { ridgeLambda: 0, subsample: 3 }, fields: ['ridgeLambda', 'subsample'] },
    rejects: [{ change: { seed: -1 }, message: /^seed:/ }],
    cancel: { stopsBefore: 0.5 },
  });

  test('the budget follows the image: tokens vary across images and grow with τ', () => {
    const r = run.result();
    expect(r.rows.map((x) => x.tau)).toEqual([...THRESHOLDS]);
    for (let i = 1; i < r.rows.length; i += 1) expect(r.rows[i]!.meanTokens).toBeGreaterThan(r.rows[i - 1]!.meanTokens);
    for (const row of r.rows) {
      expect(row.maxTokens).toBeGreaterThan(row.minTokens); // not one budget for all
      expect(row.fixedK).toBe(Math.max(1, Math.round(row.meanTokens)));
      expect(row.maxTokens).toBeLessThanOrEqual(TOKENS);
    }
    const sweepRow = r.rows.find((x) => x.tau === SWEEP_TAU)!;
    expect(r.histogram.reduce((a, b) => a + b, 0)).toBe(r.n);
    expect(r.histogram.reduce((a, c, i) => a + c * (i + 1), 0) / r.n).toBeCloseTo(sweepRow.meanTokens, 12);
  });

  test('all tokens retrieve above chance; the seed sweep decides the comparisons', () => {
    const r = run.result();
    expect(r.allTokens.recallAt10).toBeGreaterThan(5 * r.chanceRecallAt10);
    const s = committedSweep(id);
    expect(measure(s, 'meanTokens').min).toBeGreaterThan(1);
    // Committed at τ = 0.5 (about 16 tokens): dynamic 15.6 % ± 1.1, fixed top-k 14.8 % ± 1.0, random 17.5 % ± 1.8.
    // The per-image budget beats the fixed one on every seed (a small gap); random tokens beat both.
    expect(s.differences.dynamicMinusFixed?.sameSign).toBe(true);
    expect(s.differences.dynamicMinusFixed?.min).toBeGreaterThan(0);
    expect(s.differences.fixedMinusRandom?.sameSign).toBe(true);
    expect(s.differences.fixedMinusRandom?.max).toBeLessThan(0);
    // Keeping every token beats the dynamic budget on every seed.
    expect(s.differences.allMinusDynamic?.sameSign).toBe(true);
    expect(s.differences.allMinusDynamic?.min).toBeGreaterThan(0);
  });
});
