import { describe, expect, test } from 'vitest';
import { notebook, type Result } from '../../notebooks/experiments/future-distill';
import { byKey, committedSweep, defaultsRun, measure, notebookContract } from './helpers';

const id = 'future-distill';
const run = defaultsRun<Result>(notebook);

describe(id, () => {
  notebookContract(notebook, {
    run,
    invalid: { change: { imageDims: 4, hidden: 0 }, fields: ['imageDims', 'hidden'] },
    rejects: [{ change: { subsample: 0.1 }, message: /^subsample:/ }],
    cancel: { stopsBefore: 0.7 },
  });

  test('parameters: the teacher is two linear layers, each student one', () => {
    const r = run.result();
    expect(byKey(r.models, 'teacher').params).toBe(128 * 384 + 384 + 384 * 512 + 512);
    expect(byKey(r.models, 'distilled').params).toBe(128 * 512 + 512);
    expect(byKey(r.models, 'direct').params).toBe(128 * 512 + 512);
    expect(byKey(r.models, 'teacher').agreement).toBeCloseTo(1, 9);
  });

  test('every projector beats chance; the committed sweep states the comparisons', () => {
    const r = run.result();
    for (const m of r.models) expect(m.recallAt10, m.key).toBeGreaterThan(5 * r.chanceRecallAt10);
    const s = committedSweep(id);
    // The distilled student reproduces the teacher more closely than the direct one, on every seed.
    expect(s.differences.agreementGain?.sameSign).toBe(true);
    expect(s.differences.agreementGain?.min).toBeGreaterThan(0);
    // The teacher retrieves better than either student on every seed.
    expect(s.differences.teacherMinusDistilled?.sameSign).toBe(true);
    expect(s.differences.teacherMinusDistilled?.min).toBeGreaterThan(0);
    // Committed: distilled R@10 28.6 % ± 1.1, direct 30.1 % ± 1.0: the distilled student retrieves worse on every seed.
    expect(s.differences.distilledMinusDirect?.sameSign).toBe(true);
    expect(s.differences.distilledMinusDirect?.max).toBeLessThan(0);
    expect(measure(s, 'teacherR10').min).toBeGreaterThan(measure(s, 'directR10').max - 0.05);
  });
});
