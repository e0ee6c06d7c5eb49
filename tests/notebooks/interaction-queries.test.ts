import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { chanceRetrieval, defaults, notebook, type Result } from '../../notebooks/experiments/interaction-queries';
import { QFORMER_SIZE, RESAMPLER_SIZE } from '../../notebooks/experiments/interaction-queries.card';
import { linearParams } from '../../src/projectors/ops/linear';
import { spec as qformer } from '../../src/projectors/qformer';
import { spec as resampler } from '../../src/projectors/perceiver-resampler';
import { committedSweep, defaultsRun, measure, notebookContract, onWasm, quietCtx, SLOW } from './helpers';

const id = 'interaction-queries';
const run = defaultsRun<Result>(notebook);

describe(id, () => {
  notebookContract(notebook, {
    run,
    invalid: { change: { steps: 0, numQueries: 0 }, fields: ['steps', 'numQueries'] },
    rejects: [{ change: { picture: -1 }, message: /^picture: Number must be greater than or equal to 0/ }],
    cancel: { stopsBefore: 0.4 },
  });

  test('the output length is Q whatever the input length: 49 and 196 tokens in, the same shape out, from the library and from apply()', () => {
    for (const m of run.result().modules) {
      expect(m.lengths.inTokens, m.kind).toEqual([49, 196]);
      const width = m.kind === 'qformer' ? defaults.lmDim : run.result().visionDim;
      expect(m.lengths.outputShape, m.kind).toEqual([[1, defaults.numQueries, width], [1, defaults.numQueries, width]]);
      expect(m.lengths.applied, m.kind).toEqual(m.lengths.outputShape);
      // The cost is what grows with the input.
      expect(m.lengths.flops[1], m.kind).toBeGreaterThan(m.lengths.flops[0] as number);
    }
    const [qf, pr] = run.result().modules;
    // Four copies of every key leave the Q-Former's cross-attention average unchanged (float rounding only);
    // the resampler's keys include its latents, whose share the copies dilute, so its output moves.
    expect(qf!.lengths.maxAbsDiff).toBeLessThan(1e-5);
    expect(pr!.lengths.maxAbsDiff).toBeGreaterThan(1e-3);
  });

  test('every query’s attention sums to 1: over the grid (Q-Former), over the grid and the latents (resampler)', () => {
    const [qf, pr] = run.result().modules;
    expect(qf!.attention.grid).toHaveLength(defaults.numQueries);
    for (const row of qf!.attention.grid) {
      expect(row).toHaveLength(49);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
    expect(qf!.attention.latents).toBeUndefined();
    pr!.attention.grid.forEach((row, q) => {
      const latents = pr!.attention.latents?.[q] as number;
      expect(latents).toBeGreaterThan(0);
      expect(row.reduce((a, b) => a + b, 0) + latents).toBeCloseTo(1, 5);
    });
  });

  test('the parameter counts are the library’s, the picture is a committed held-out PNG', () => {
    const r = run.result();
    const qcfg = qformer.schema.parse({ ...QFORMER_SIZE, numQueries: 8, visionDim: 20, llmDim: 32, projName: 'opt_proj' });
    const rcfg = resampler.schema.parse({ ...RESAMPLER_SIZE, visionDim: 20, numQueries: 8, activation: 'gelu' });
    expect(r.modules.map((m) => m.params)).toEqual([qformer.paramCount(qcfg), resampler.paramCount(rcfg) + linearParams(20, 32)]);
    expect(r.picture.label).toBe('owl');
    expect(r.picture.href).toMatch(/^\/data\/emoji\/gallery\/[0-9a-f-]+\.png$/);
    expect(existsSync(resolve(__dirname, '../../public', r.picture.href.slice(1)))).toBe(true);
    expect(r.chance).toEqual(chanceRetrieval(382));
  });

  test('over the seed sweep both modules retrieve above chance on average; the resampler’s loss is a little lower on every seed, retrieval does not separate them', () => {
    const s = committedSweep(id);
    const chance = run.result().chance.recallAt10;
    expect(measure(s, 'qformerR10').mean).toBeGreaterThan(chance);
    expect(measure(s, 'resamplerR10').mean).toBeGreaterThan(chance);
    // Committed: Q-Former − resampler held-out loss 0.002–0.015 on all five seeds; R@10 changes sign.
    expect(s.differences.loss?.sameSign).toBe(true);
    expect(s.differences.loss?.min).toBeGreaterThan(0);
    expect(s.differences.loss?.max).toBeLessThan(0.05);
    expect(s.differences.r10?.sameSign).toBe(false);
  });

  test(
    'a picture beyond the held-out pictures is rejected naming the field',
    async () => {
      await onWasm();
      await expect(notebook.run({ ...defaults, picture: 40 }, quietCtx())).rejects.toThrow(/^picture: must be below \d+/);
    },
    SLOW,
  );
});
