import { describe, expect, test } from 'vitest';
import { curveSteps, defaults, notebook, type Result } from '../../notebooks/experiments/fit-linear-vs-mlp';
import { defaultsRun, notebookContract } from './helpers';

const id = 'fit-linear-vs-mlp';
const run = defaultsRun<Result>(notebook);

describe(id, () => {
  notebookContract(notebook, {
    run,
    invalid: { change: { steps: 0, learningRate: -1 }, fields: ['steps', 'learningRate'] },
    rejects: [{ change: { rank: 1.5 }, message: /^rank: Expected integer/ }],
    cancel: { stopsBefore: 0.3 },
  });

  test('the MLP beats linear on the nonlinear target; rank 2 is worse than full linear', () => {
    const result = run.result();
    const [linear, mlp, lowRank] = result.models;
    expect([linear?.kind, mlp?.kind, lowRank?.kind]).toEqual(['linear', 'mlp', 'low-rank']);
    // Measured: MLP 0.0417, linear 0.148, low-rank 0.314, mean baseline 0.654 (held-out MSE).
    expect(mlp!.testMse).toBeLessThan(0.5 * linear!.testMse);
    expect(lowRank!.testMse).toBeGreaterThan(1.5 * linear!.testMse);
    expect(linear!.testMse).toBeLessThan(0.5 * result.meanBaselineMse);
    expect(mlp!.testMse).toBeGreaterThan(result.noiseFloorMse);
    expect(mlp!.testCosine).toBeGreaterThan(linear!.testCosine);
    // Parameter counts: Dv=8, Dm=32: 8·32+32; (8·32+32)+(32·32+32); 8·2 + 2·32+32.
    expect(result.models.map((m) => m.params)).toEqual([288, 1344, 112]);
  });

  test('loss curves are sampled at the documented steps and fall', () => {
    const result = run.result();
    for (const m of result.models) {
      expect(m.curve.step).toEqual(curveSteps(defaults.steps));
      expect(m.curve.loss).toHaveLength(m.curve.step.length);
      expect(m.curve.loss[m.curve.loss.length - 1]!).toBeLessThan(m.curve.loss[0]!);
    }
    expect(curveSteps(7)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(curveSteps(120)).toEqual([...Array.from({ length: 60 }, (_, i) => 1 + 2 * i), 120]); // every 2nd step, plus the last
  });

});
