import { describe, expect, test } from 'vitest';
import { chanceRetrieval, defaults, notebook, type Result } from '../../notebooks/experiments/interaction-gates';
import { gateSteps } from '../../notebooks/experiments/interaction-gates.card';
import { crossAttnEveryNLayers, spec as gated } from '../../src/projectors/gated-cross-attention';
import { committedSweep, defaultsRun, expectDifferenceOnEverySeed, measure, notebookContract, onWasm, quietCtx, SLOW } from './helpers';

const id = 'interaction-gates';
const run = defaultsRun<Result>(notebook);
const sweep = () => committedSweep(id);

describe(id, () => {
  notebookContract(notebook, {
    run,
    invalid: { change: { steps: 0, lmDim: 4 }, fields: ['steps', 'lmDim'] },
    rejects: [
      { change: { everyN: 1.5 }, message: /^everyN: Expected integer/ },
      { change: { lmLayers: 9 }, message: /^lmLayers: Number must be less than or equal to 8/ },
    ],
    cancel: { stopsBefore: 0.4 },
  });

  test('the gate-0 identity is exact: the untrained stack equals the frozen LM, after every block and at the output', () => {
    const { identity, testImages } = run.result();
    expect(identity.maxAbsDiff).toBe(0);
    expect(identity.perBlock).toEqual([0, 0]);
    expect(identity.values).toBe(testImages * defaults.lmDim);
    // And so the step-0 held-out loss is the frozen LM's own (on the curve's subset, first point).
    expect(run.result().gates.every((g) => g.attn[0] === 0 && g.ff[0] === 0)).toBe(true);
  });

  test('the blocks sit where open_flamingo puts them and the parameter counts are the library’s', () => {
    const r = run.result();
    expect(r.blockLayers).toEqual(crossAttnEveryNLayers(defaults.lmLayers, defaults.everyN));
    expect(r.blockLayers).toEqual([1, 3]);
    const cfg = gated.schema.parse({ llmDim: 32, visionDim: 20, numHeads: 2, headDim: 16, ffnMult: 4, activation: 'gelu' });
    expect(r.params.block).toBe(gated.paramCount(cfg));
    expect(r.params.blocks).toBe(2 * gated.paramCount(cfg));
    // Four frozen layers of LayerNorm(32) + Linear(32, 128) + Linear(128, 32), and the 4 × 32 prompt.
    expect(r.params.frozenLm).toBe(4 * (64 + 32 * 128 + 128 + 128 * 32 + 32) + 4 * 32);
    expect([r.visionTokens, r.visionDim, r.trainImages, r.testImages]).toEqual([49, 20, 1529, 382]);
    expect(r.curve.step).toEqual(gateSteps(defaults.steps));
    expect(r.gates.every((g) => g.attn.length === r.curve.step.length && g.ff.length === r.curve.step.length)).toBe(true);
  });

  test('the frozen LM alone answers the same for every image: chance retrieval', () => {
    const r = run.result();
    expect(r.chance).toEqual(chanceRetrieval(382));
    expect(r.lmAlone.retrieval.medianRank).toBe(r.chance.medianRank);
    expect(r.lmAlone.retrieval.recallAt10).toBeCloseTo(r.chance.recallAt10, 12);
  });

  test('over the seed sweep: the identity holds on every seed, every gate opens, and the blocks lower the held-out loss', () => {
    const s = sweep();
    expect(measure(s, 'identity').values).toEqual([0, 0, 0, 0, 0]);
    // Committed: |tanh α| at the end 0.26–0.49 for the attention gates, 0.15–0.25 for the dense gates.
    for (const g of ['attnGate0', 'attnGateLast']) expect(measure(s, g).min, g).toBeGreaterThan(0.2);
    for (const g of ['ffGate0', 'ffGateLast']) expect(measure(s, g).min, g).toBeGreaterThan(0.1);
    // Frozen LM 0.75–1.11 against 0.40–0.45 with the blocks; R@10 above the LM alone on every seed, but small.
    expectDifferenceOnEverySeed(s, ['lossGain', 'r10Gain'], 1);
    expect(measure(s, 'trainedR10').max).toBeLessThan(0.1);
  });

  test(
    'a config with no block is rejected naming everyN',
    async () => {
      await onWasm();
      await expect(notebook.run({ ...defaults, lmLayers: 2, everyN: 3 }, quietCtx())).rejects.toThrow(/^everyN: must be at most lmLayers \(2\)/);
    },
    SLOW,
  );
});
