import { describe, expect, test } from 'vitest';
import { defaults, KEEP_COUNTS, notebook, type Result } from '../../notebooks/experiments/align-token-selection';
import { byKey, defaultsRun, notebookContract } from './helpers';

const id = 'align-token-selection';
const run = defaultsRun<Result>(notebook);

const method = (key: string) => byKey(run.result().methods, key);
/** Positions of the small budgets (k ≤ 12 of 49, i.e. 75–98 % of tokens dropped). */
const small = KEEP_COUNTS.map((k, j) => [k, j] as const).filter(([k]) => k <= 12).map(([, j]) => j);
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe(id, () => {
  notebookContract(notebook, {
    run,
    invalid: { change: { targetColumns: 0, ridgeLambda: -1 }, fields: ['targetColumns', 'ridgeLambda'] },
    rejects: [{ change: { score: 'l2' }, message: /^score: / }],
    cancel: { stopsBefore: 0.5 },
  });

  test('language-guided selection beats random, uniform and image-only selection at small budgets', () => {
    const result = run.result();
    const guided = method('guided');
    // Measured R@10 at k = 1, 2, 4, 7, 12: guided 18.1–21.2 %, random 5.0–10.2 %, saliency 3.7–7.3 %,
    // uniform 4.2–15.4 %; chance 2.6 %.
    for (const j of small) {
      expect(guided.recallAt10[j]!).toBeGreaterThan(0.15);
      expect(guided.recallAt10[j]! - method('random').recallAt10[j]!).toBeGreaterThan(0.06);
      expect(guided.recallAt10[j]! - method('saliency').recallAt10[j]!).toBeGreaterThan(0.06);
      expect(guided.recallAt10[j]!).toBeGreaterThan(5 * result.chance.recallAt10);
      expect(guided.medianRank[j]!).toBeLessThan(50); // measured 37.5–41 (chance 191.5)
      expect(method('random').medianRank[j]!).toBeGreaterThan(90); // measured 104–154.5
    }
    // Uniform is close at k = 7 (its evenly spaced tokens happen to hit the target band): compare on average.
    expect(mean(small.map((j) => guided.recallAt10[j]! - method('uniform').recallAt10[j]!))).toBeGreaterThan(0.06); // measured 0.097
  });

  test('a few selected tokens beat all 49 tokens of the composite, and the kept tokens lie on the named emoji', () => {
    const result = run.result();
    const guided = method('guided');
    expect(mean(small.map((j) => guided.recallAt10[j]!))).toBeGreaterThan(result.allTokens.recallAt10 + 0.04); // 0.198 vs 0.126
    expect(result.targetAlone.recallAt10).toBeGreaterThan(result.allTokens.recallAt10); // the partner costs retrieval
    for (const j of small) {
      expect(guided.targetFraction[j]!).toBeGreaterThan(result.chance.targetFraction + 0.1); // measured 0.73–0.75 vs 0.571
      expect(Math.abs(method('random').targetFraction[j]! - result.chance.targetFraction)).toBeLessThan(0.06);
    }
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
