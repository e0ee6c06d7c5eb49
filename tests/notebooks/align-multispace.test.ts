import { beforeAll, describe, expect, test } from 'vitest';
import { notebook, type Result } from '../../notebooks/experiments/align-multispace';
import { ConfigError, type RunContext } from '../../notebooks/types';
import { expectCancelStopsEarly, expectDefaultsReproduceCommitted, onWasm } from './helpers';

const id = 'align-multispace';
let result: Result;

const runOf = (key: string) => {
  const r = result.runs.find((x) => x.key === key);
  if (!r) throw new Error(`no run ${key}`);
  return r;
};
const last = <T>(xs: readonly T[]): T => xs[xs.length - 1] as T;

describe(id, () => {
  beforeAll(async () => {
    await onWasm();
  });

  test('defaults run is deterministic, leak-free and equals the committed result', async () => {
    result = (await expectDefaultsReproduceCommitted(notebook)).result as Result;
  }, 120_000);

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

  test('a bad config is rejected naming the field', async () => {
    const ctx: RunContext = { onProgress: () => undefined, signal: new AbortController().signal };
    const err = await notebook.run({ ...notebook.defaults, commonDim: 1, distributionWeight: -2 }, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues.map((i) => i.field)).toEqual(['commonDim', 'distributionWeight']);
    await expect(notebook.run({ ...notebook.defaults, extra: 1 }, ctx)).rejects.toThrow(/extra/);
  });

  test('cancel mid-run rejects with an AbortError and leaks nothing', async () => {
    await expectCancelStopsEarly(notebook, { stopsBefore: 0.35 });
  }, 60_000);
});
