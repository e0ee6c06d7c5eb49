import { describe, expect, test } from 'vitest';
import { chanceRetrieval, defaults, notebook, type Result } from '../../notebooks/experiments/interaction-concat';
import { spec as mlp } from '../../src/projectors/mlp';
import { spec as linear } from '../../src/projectors/linear';
import { defaultsRun, notebookContract, onWasm, quietCtx, runCounted, SLOW } from './helpers';

const id = 'interaction-concat';
const run = defaultsRun<Result>(notebook);

describe(id, () => {
  notebookContract(notebook, {
    run,
    invalid: { change: { steps: 0, lmDim: 2 }, fields: ['steps', 'lmDim'] },
    rejects: [{ change: { projector: 'qformer' }, message: /^projector: Invalid enum value/ }],
    cancel: { stopsBefore: 0.5 },
  });

  test('the image tokens keep their number and take the LM width: library outputShape = the projector’s output', () => {
    const r = run.result();
    expect(r.outputShape).toEqual([1, 49, defaults.lmDim]);
    expect(r.applied).toEqual(r.outputShape);
    expect(r.sequence).toEqual({ system: 12, image: 49, question: 8, width: defaults.lmDim, total: 12 + 49 + 8 });
    expect(r.params).toBe(mlp.paramCount(mlp.schema.parse({ visionDim: 20, llmDim: defaults.lmDim, depth: 2 })));
    expect(r.tokenCosine).toHaveLength(49);
    expect(r.picture.label).toBe('owl');
    expect(r.chance).toEqual(chanceRetrieval(382));
  });

  test('after training the picture’s mean token points at its caption, and retrieval is above chance', () => {
    const r = run.result();
    // Committed: mean-token cosine 0.65 for the owl; held-out R@10 8.4 % against 2.6 % at chance.
    expect(r.meanCosine).toBeGreaterThan(0.5);
    expect(r.retrieval.recallAt10).toBeGreaterThan(2 * r.chance.recallAt10);
    expect(r.curve.train.at(-1)).toBeLessThan(r.curve.train[0] as number);
  });

  test(
    'a Linear projector and longer text change the sequence as the library says',
    async () => {
      const { record, leaked } = await runCounted(notebook, { ...defaults, projector: 'linear', steps: 3, lmDim: 16, systemTokens: 0, questionTokens: 100 });
      const r = record.result as Result;
      expect(leaked).toBe(0);
      expect(r.params).toBe(linear.paramCount(linear.schema.parse({ visionDim: 20, llmDim: 16 })));
      expect(r.sequence).toEqual({ system: 0, image: 49, question: 100, width: 16, total: 149 });
    },
    SLOW,
  );

  test(
    'a picture beyond the held-out pictures is rejected naming the field',
    async () => {
      await onWasm();
      await expect(notebook.run({ ...defaults, picture: 40 }, quietCtx())).rejects.toThrow(/^picture: must be below \d+/);
    },
    SLOW,
  );
});
