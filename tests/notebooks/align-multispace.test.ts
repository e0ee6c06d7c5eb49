import { describe, expect, test } from 'vitest';
import { notebook, type Result } from '../../notebooks/experiments/align-multispace';
import { byKey, defaultsRun, last, notebookContract } from './helpers';

const id = 'align-multispace';
const run = defaultsRun<Result>(notebook);

const runOf = (key: string) => byKey(run.result().runs, key);

describe(id, () => {
  notebookContract(notebook, {
    run,
    invalid: { change: { commonDim: 1, distributionWeight: -2 }, fields: ['commonDim', 'distributionWeight'] },
    rejects: [{ change: { extra: 1 }, message: /extra/ }],
    cancel: { stopsBefore: 0.35 },
  });

  test('the distribution loss shrinks the distance between the two Gaussians far below feature-only training', () => {
    const feature = runOf('feature');
    const both = runOf('feature+distribution');
    // Both runs start from the same weights.
    expect(both.epochs[0]).toEqual(feature.epochs[0]);
    // Measured Fréchet distance: 0.747 untrained, 0.275 feature only, 0.055 with the moments.
    expect(last(both.epochs).frechet).toBeLessThan(0.4 * last(feature.epochs).frechet);
    expect(last(feature.epochs).frechet).toBeLessThan(feature.epochs[0]!.frechet);
    expect(last(both.epochs).meanGap).toBeLessThan(0.7 * last(feature.epochs).meanGap); // 0.070 vs 0.155
  });

  test('retrieval holds when the distributions are aligned, and both beat chance', () => {
    const result = run.result();
    const feature = last(runOf('feature').epochs);
    const both = last(runOf('feature+distribution').epochs);
    // Measured R@10: 25.9 % feature only, 27.0 % with the moments; chance 2.6 %; median rank 32 vs 32.
    for (const e of [feature, both]) {
      expect(e.recallAt10).toBeGreaterThan(5 * result.chance.recallAt10);
      expect(e.medianRank).toBeLessThan(result.chance.medianRank / 4);
    }
    expect(both.recallAt10).toBeGreaterThan(feature.recallAt10 - 0.04);
    // Untrained projectors sit at chance.
    expect(runOf('feature').epochs[0]!.recallAt10).toBeLessThan(3 * result.chance.recallAt10);
  });

  test('the card says plainly that CDRA could not be identified', () => {
    expect(notebook.question).toMatch(/CDRA.*could not be identified/);
  });

});
