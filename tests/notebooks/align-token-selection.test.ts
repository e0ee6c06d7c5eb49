import { describe, expect, test } from 'vitest';
import { coprimeStride, defaults, KEEP_COUNTS, notebook, type Result } from '../../notebooks/experiments/align-token-selection';
import { byKey, committedSweep, defaultsRun, expectDifferenceOnEverySeed, measure, notebookContract } from './helpers';

const id = 'align-token-selection';
const run = defaultsRun<Result>(notebook);

const method = (key: string) => byKey(run.result().methods, key);
/** Positions of the small budgets (k ≤ 12 of 49, i.e. 75–98 % of tokens dropped). */
const small = KEEP_COUNTS.map((k, j) => [k, j] as const).filter(([k]) => k <= 12).map(([, j]) => j);

describe(id, () => {
  notebookContract(notebook, {
    run,
    invalid: { change: { targetColumns: 0, ridgeLambda: -1 }, fields: ['targetColumns', 'ridgeLambda'] },
    rejects: [{ change: { score: 'l2' }, message: /^score: / }],
    cancel: { stopsBefore: 0.5 },
  });

  test('at small budgets the guided selection keeps retrieval far above chance and beats every text-blind selection', () => {
    const result = run.result();
    const guided = method('guided');
    // The default seed's run (seed 3), R@10 at k = 1, 2, 4, 7, 12: guided 18.1–21.2 %, random 5.0–10.2 %,
    // strided 6.8–11.3 %, saliency 3.7–7.3 %; chance 2.6 %. The seed sweep below checks k = 7 on every seed.
    for (const j of small) {
      expect(guided.recallAt10[j]!).toBeGreaterThan(5 * result.chance.recallAt10);
      expect(guided.medianRank[j]!).toBeLessThan(result.chance.medianRank / 3);
      for (const other of ['random', 'strided', 'saliency']) expect(guided.recallAt10[j]!, `${other}, k = ${KEEP_COUNTS[j]}`).toBeGreaterThan(method(other).recallAt10[j]!);
    }
  });

  test('over the seed sweep, the guided selection beats random, strided and saliency selection and all 49 tokens at k = 7 on every seed', () => {
    const s = committedSweep(id);
    expect(s.seeds).toHaveLength(5);
    expectDifferenceOnEverySeed(s, ['guidedVsRandom', 'guidedVsStrided', 'guidedVsSaliency', 'guidedVsAll', 'guidedVsStridedOnTarget'], 1);
    // The guided selection's kept tokens lie on the named emoji well above chance on every seed (73.9–77.7 % vs 57.1 %).
    expect(measure(s, 'guidedOnTarget').min).toBeGreaterThan(run.result().chance.targetFraction + 0.1);
  });

  test('the strided control samples the grid without lining up with the composite', () => {
    const result = run.result();
    // Its stride is never a multiple of the grid's width (evenly spaced indices at k = 7 had stride 7:
    // one column, on the named emoji every time) and is co-prime with 49, so k steps keep k tokens.
    for (const k of KEEP_COUNTS) {
      const stride = coprimeStride(k);
      expect(stride % 7, `k = ${k}`).not.toBe(0);
      expect(new Set(Array.from({ length: k }, (_, j) => (stride * j) % 49)).size, `k = ${k}`).toBe(k);
    }
    expect(coprimeStride(7)).toBe(8); // one step = one row down, one column right: every column once
    // With a seeded phase each token is kept with probability k/49: its share on the named emoji stays
    // at chance at every budget; at k = 7 it is exactly 4/7 on every composite and every seed.
    for (const j of KEEP_COUNTS.keys()) expect(Math.abs(method('strided').targetFraction[j]! - result.chance.targetFraction), `k = ${KEEP_COUNTS[j]}`).toBeLessThan(0.06);
    const onTarget = measure(committedSweep(id), 'stridedOnTarget');
    for (const v of onTarget.values) expect(v).toBeCloseTo(4 / 7, 12);
  });

  test('all 49 tokens lose to the named emoji alone; random kept tokens sit at chance', () => {
    const result = run.result();
    expect(result.targetAlone.recallAt10).toBeGreaterThan(result.allTokens.recallAt10); // the partner costs retrieval
    for (const j of small) expect(Math.abs(method('random').targetFraction[j]! - result.chance.targetFraction)).toBeLessThan(0.06);
    // With every token kept, all selections are the same pooling.
    const last = KEEP_COUNTS.length - 1;
    for (const m of result.methods) expect(m.recallAt10[last]).toBe(result.allTokens.recallAt10);
  });

  test("the figure's kept tokens are the projector's top-k of its own scores", () => {
    for (const e of run.result().examples) {
      const top = e.scores
        .map((s, t) => [s, t] as const)
        .sort((a, b) => b[0] - a[0] || a[1] - b[1])
        .slice(0, defaults.figureKeep)
        .map(([, t]) => t)
        .sort((a, b) => a - b);
      expect(e.kept).toEqual(top);
    }
  });

});
