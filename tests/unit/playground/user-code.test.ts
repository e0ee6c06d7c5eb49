/**
 * The code cell: the written templates reproduce the library's forward pass (max difference near
 * float32 rounding), a stub is measured as far off as it is, and every kind of mistake comes back
 * as a message (syntax with the cell's line, a thrown error, a wrong return, a wrong shape), with
 * no tensor left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getProjector } from '../../../src/projectors/registry';
import { useBestBackend } from '../../../src/runtime/backend';
import { codeTemplate } from '../../../notebooks/playground/code-templates';
import { runUserCode } from '../../../notebooks/playground/user-code';

beforeAll(async () => {
  await useBestBackend('wasm');
});
const req = (kind: string, config: unknown = getProjector(kind).defaults) => ({ kind, config, seed: 3, tokens: { batch: 2, visionTokens: 16, textTokens: 8 } });

describe('code cell', () => {
  it.each(['linear', 'mlp', 'low-rank', 'token-selection', 'codebook'])('the %s template matches the library', async (kind) => {
    const before = tf.memory().numTensors;
    const r = await runUserCode(codeTemplate(kind, getProjector(kind).defaults), req(kind));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.libraryMaxAbs).toBeGreaterThan(0.01); // a real output, not all zeros
      expect(r.maxAbsDiff / r.libraryMaxAbs).toBeLessThan(1e-5); // float32 rounding, relative to the output's size
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the linear template also handles concat and split', async () => {
    const cfg = { visionDim: 8, llmDim: 6, concat: 4, split: 2, bias: false };
    const r = await runUserCode(codeTemplate('linear', cfg), req('linear', cfg));
    expect(r).toMatchObject({ ok: true, outputShape: [2, 8, 6] });
  });

  it('a stub for an unwritten kind runs and reports the distance to the library', async () => {
    const code = codeTemplate('perceiver-resampler', getProjector('perceiver-resampler').defaults);
    expect(code).toContain('latents');
    const r = await runUserCode(code, req('perceiver-resampler'));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.maxAbsDiff).toBe(r.libraryMaxAbs);
  });

  it('names each kind of mistake', async () => {
    const before = tf.memory().numTensors;
    expect(await runUserCode('return tf.zeros([1', req('linear'))).toMatchObject({ ok: false, stage: 'compile', message: expect.stringMatching(/^SyntaxError: /) });
    const thrown = await runUserCode('const a = 1;\nconst b = 2;\nthrow new Error("boom on line 3");', req('linear'));
    expect(thrown).toMatchObject({ ok: false, stage: 'run', message: 'Error: boom on line 3', line: 3 });
    expect(await runUserCode('return 42;', req('linear'))).toEqual({ ok: false, stage: 'result', message: 'the cell returned number; it must return a tf.Tensor of shape [2, 16, 48]' });
    expect(await runUserCode('return tf.zeros([2, 16, 47]);', req('linear'))).toEqual({ ok: false, stage: 'result', message: "the cell returned shape [2, 16, 47]; the library's output is [2, 16, 48]" });
    expect(await runUserCode('return tf.fill(outputShape, NaN);', req('linear'))).toMatchObject({ ok: false, stage: 'result', message: 'the cell returned values that are not finite (NaN or infinity)' });
    expect(await runUserCode('weights.weight = null; return tf.zeros(outputShape);', req('linear'))).toMatchObject({ ok: false, stage: 'run', message: expect.stringMatching(/^TypeError: /) });
    expect(await runUserCode('return tf.zeros(outputShape);', req('nope', {}))).toMatchObject({ ok: false, stage: 'request' });
    expect(tf.memory().numTensors).toBe(before);
  });
});
