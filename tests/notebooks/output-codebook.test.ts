import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { codebookSizes, defaults, METHODS, notebook, type Result } from '../../notebooks/experiments/output-codebook';
import { kmeansPlusPlus, lloydStep } from '../../notebooks/toolkit/kmeans';
import { createRng } from '../../src/primitives/rng';
import { committedSweep, defaultsRun, difference, expectDifferenceOnEverySeed, measure, notebookContract, onWasm, runCounted, SLOW } from './helpers';

const id = 'output-codebook';
const run = defaultsRun<Result>(notebook);
const sweep = () => committedSweep(id);
const method = (r: Result, key: (typeof METHODS)[number]) => r.methods.find((m) => m.key === key)!;

describe(id, () => {
  notebookContract(notebook, {
    run,
    invalid: { change: { maxLog2: 3, learningRate: 0 }, fields: ['maxLog2', 'learningRate'] },
    rejects: [
      { change: { dims: 257 }, message: /^dims: Number must be less than or equal to 256/ },
      { change: { vqSteps: 2.5 }, message: /^vqSteps: Expected integer/ },
    ],
    cancel: { stopsBefore: 0.5 },
  });

  test('the sizes, split and parameter counts are the documented ones', () => {
    const r = run.result();
    expect([r.trainVectors, r.testVectors]).toEqual([1529, 382]);
    expect(codebookSizes(defaults)).toEqual([16, 32, 64, 128, 256, 512, 1024]);
    expect(r.methods.map((m) => m.key)).toEqual([...METHODS]);
    for (const m of r.methods) {
      expect(m.points.map((p) => p.size)).toEqual(codebookSizes(defaults));
      // The codebook projector's paramCount: K·D with D = 32.
      expect(m.points.map((p) => p.params)).toEqual([512, 1024, 2048, 4096, 8192, 16384, 32768]);
    }
    // The leading 32 of 256 PCA components hold 90.6 % of the train variance.
    expect(r.varianceKept).toBeGreaterThan(0.9);
    expect(r.varianceKept).toBeLessThan(0.91);
  });

  test('k-means: every code used, error falls with K, and the largest codebook memorises its train vectors', () => {
    const km = method(run.result(), 'kmeans');
    for (const p of km.points) {
      expect(p.usage, `K = ${p.size}`).toBe(1);
      expect(p.perplexity, `K = ${p.size}`).toBeLessThanOrEqual(p.size);
      expect(p.perplexity, `K = ${p.size}`).toBeGreaterThan(0.75 * p.size);
    }
    for (let i = 1; i < km.points.length; i += 1) {
      expect(km.points[i]!.trainError).toBeLessThan(km.points[i - 1]!.trainError);
      expect(km.points[i]!.testError).toBeLessThan(km.points[i - 1]!.testError);
    }
    // Committed seed 7: held-out 33.9 % at K = 16 → 17.0 % at 1,024; train 2.9 % at 1,024.
    const [first, lastPoint] = [km.points[0]!, km.points[km.points.length - 1]!];
    expect(first.testError).toBeGreaterThan(0.3);
    expect(lastPoint.testError).toBeLessThan(0.2);
    expect(lastPoint.trainError).toBeLessThan(0.05);
  });

  test('the library-initialised VQ codebook collapses; started from data rows it does not', () => {
    const r = run.result();
    const vq = method(r, 'vq');
    const vqData = method(r, 'vq-data');
    // Committed seed 7: usage falls from 100 % at K = 32 to under 15 % at K = 1,024; perplexity stalls below 100.
    expect(vq.points.find((p) => p.size === 1024)!.usage).toBeLessThan(0.15);
    expect(Math.max(...vq.points.map((p) => p.perplexity))).toBeLessThan(100);
    for (const p of vqData.points) expect(p.usage, `K = ${p.size}`).toBeGreaterThan(0.95);
    for (const p of vq.points.filter((q) => q.size >= 128)) expect(p.testError).toBeGreaterThan(method(r, 'kmeans').points.find((q) => q.size === p.size)!.testError + 0.1);
  });

  test('over five seeds: collapse, the K = 16 → 256 gain and the train/held-out gap hold on every seed', () => {
    const s = sweep();
    expect(s.seeds).toEqual([7, 8, 9, 10, 11]);
    expectDifferenceOnEverySeed(s, ['vqMinusKmeansTest256', 'kmeansMinusVqUsage256', 'test16Minus256', 'testMinusTrain1024'], 1);
    // Committed: VQ (library init) usage at K = 256 is 28.9–32.8 %, k-means 100 % on every seed.
    expect(measure(s, 'vqUsage256').max).toBeLessThan(0.4);
    expect(measure(s, 'kmeansUsage256').min).toBe(1);
    expect(measure(s, 'vqDataUsage256').min).toBeGreaterThan(0.95);
    // Data-initialised VQ and k-means: the seeds disagree on the sign, so the page calls no difference.
    expect(difference(s, 'vqDataMinusKmeansTest256').sameSign).toBe(false);
  });

  test('k-means++ seeding picks every distinct row once when K = N, and a Lloyd step keeps an empty code in place', async () => {
    await onWasm();
    const z = new Float32Array([0, 0, 1, 0, 0, 1, 5, 5]); // 4 rows of 2
    const centres = kmeansPlusPlus(z, 4, 2, 4, createRng(3));
    const rows = Array.from({ length: 4 }, (_, c) => `${centres[2 * c]},${centres[2 * c + 1]}`).sort();
    expect(rows).toEqual(['0,0', '0,1', '1,0', '5,5']);
    const before = tf.memory().numTensors;
    const next = tf.tidy(() => lloydStep(tf.tensor2d([[0, 0], [0, 2], [10, 10]]), tf.tensor2d([[0, 1], [100, 100]])));
    // Both of the first rows and the third go to code 0 (nearest); code 1 has no rows and stays.
    const got = Array.from(await next.data());
    [10 / 3, 4, 100, 100].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    next.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test(
    'a smaller configuration runs with its own sizes',
    async () => {
      const { record, leaked } = await runCounted(notebook, { ...defaults, dims: 8, maxLog2: 5, kmeansIters: 2, vqSteps: 2 });
      expect(leaked).toBe(0);
      const r = record.result as Result;
      for (const m of r.methods) expect(m.points.map((p) => [p.size, p.params])).toEqual([[16, 128], [32, 256]]);
    },
    SLOW,
  );
});
