import { describe, expect, test } from 'vitest';
import { defaults, notebook, type Result } from '../../notebooks/experiments/interaction-compress';
import { getProjector } from '../../src/projectors/registry';
import { defaultsRun, notebookContract } from './helpers';

const id = 'interaction-compress';
const run = defaultsRun<Result>(notebook);

/** Flat indices of the row-major 14 × 14 grid inside rows r0..r1 and columns c0..c1 (inclusive). */
const block = (r0: number, r1: number, c0: number, c1: number): number[] => {
  const out: number[] = [];
  for (let r = r0; r <= r1; r += 1) for (let c = c0; c <= c1; c += 1) out.push(r * 14 + c);
  return out;
};
const reached = (values: readonly number[]): number[] => values.flatMap((v, i) => (v > 1e-7 ? [i] : []));

describe(id, () => {
  notebookContract(notebook, {
    run,
    invalid: { change: { lmDim: 1, image: 500 }, fields: ['lmDim', 'image'] },
    rejects: [{ change: { seed: -1 }, message: /^seed: Number must be greater than or equal to 0/ }],
    cancel: { abortAfter: 0, stopsBefore: 1 },
  });

  test('every compressor turns 196 tokens into 49, as the library says', () => {
    const r = run.result();
    expect([r.inSide, r.outSide, r.visionDim]).toEqual([14, 7, 24]);
    for (const m of r.modules) {
      expect(m.outputShape, m.kind).toEqual([1, 49, defaults.lmDim]);
      expect(m.applied, m.kind).toEqual(m.outputShape);
      expect(m.params, m.kind).toBe(getProjector(m.kind).paramCount(getProjector(m.kind).schema.parse(m.kind === 'ldp' ? { visionDim: 24, llmDim: 64, version: 2, poolSize: 7 } : m.kind === 'pixel-shuffle-mlp' ? { visionDim: 24, llmDim: 64, downsample: 2, psVersion: 'v2' } : { visionDim: 24, hiddenDim: 24, llmDim: 64, depth: 1, mlpDepth: 2, numQueries: 49, numInputTokens: 196, posEmb: true })));
    }
  });

  test('pixel shuffle: an output token sees exactly its own 2 × 2 block of inputs (S7)', () => {
    const [ps] = run.result().modules;
    expect(reached(ps!.sees[0]!.values)).toEqual(block(0, 1, 0, 1));
    expect(reached(ps!.sees[1]!.values)).toEqual(block(6, 7, 6, 7)); // output (3, 3) ← inputs rows 6–7, cols 6–7
  });

  test('LDPv2 sees a neighbourhood (pooling, then a 3 × 3 depthwise conv); the C-Abstractor reaches every input', () => {
    const [, cabs, ldp] = run.result().modules;
    expect(reached(ldp!.sees[0]!.values)).toEqual(block(0, 3, 0, 3));
    expect(reached(ldp!.sees[1]!.values)).toEqual(block(4, 9, 4, 9));
    // Squeeze-and-excitation pools the whole grid, so every input reaches every output, most of it locally.
    expect(cabs!.sees.map((s) => s.reached)).toEqual([196, 196]);
    const v = cabs!.sees[1]!.values;
    const local = block(4, 9, 4, 9).reduce((a, i) => a + (v[i] as number), 0);
    expect(local / v.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.5);
  });
});
