import { describe, expect, test } from 'vitest';
import { CONDITION_BITS_FP16, codebookFlow, continuousFlow, exercise, GILL, MLP_HEAD, NEXTGPT_HEADS, UIO2 } from '../../../src/reference/articles/interaction-output';

describe('interaction article, output side: the numbers it computes', () => {
  test('GILLMapper: 8 states of width 4,096 in, 77 × 768 out, the verified 31,958,784 parameters', () => {
    expect(GILL.input).toEqual([1, 8, 4096]);
    expect(GILL.output).toEqual([1, 77, 768]);
    expect([GILL.signalTokens, GILL.llmWidth, GILL.queries, GILL.conditionWidth, GILL.hiddenDim]).toEqual([8, 4096, 77, 768, 512]);
    expect(GILL.params).toBe(31_958_784);
    expect(GILL.flops).toBeGreaterThan(0);
  });

  test('NExT-GPT heads: the counts facts.md computes from the legacy code', () => {
    expect(NEXTGPT_HEADS.map((h) => h.params)).toEqual([31_958_784, 32_090_112, 31_788_544]);
    expect(NEXTGPT_HEADS.map((h) => h.output)).toEqual([[1, 77, 768], [1, 77, 1024], [1, 1, 512]]);
  });

  test('an MLP head keeps one output per signal token', () => {
    // (4096·512 + 512) + (512·768 + 768)
    expect(MLP_HEAD.params).toBe(4096 * 512 + 512 + 512 * 768 + 768);
    expect(MLP_HEAD.output).toEqual([1, 8, 768]);
  });

  test('Unified-IO 2 image codebook: 16,384 × 256 codes, 1,024 tokens of 14 bits', () => {
    expect(UIO2.params).toBe(4_194_304);
    expect(UIO2.tokens).toBe(1024);
    expect(UIO2.bitsPerToken).toBe(14);
    expect(UIO2.bitsPerImage).toBe(14_336);
    expect(UIO2.flops).toBe(2 * 1024 * 16_384 * 256);
    expect(CONDITION_BITS_FP16).toBe(77 * 768 * 16);
  });

  test('the flow figures carry the library shapes', () => {
    expect(continuousFlow.stages.map((s) => s.shape)).toEqual([[8, 4096], [77, 768], undefined]);
    expect(codebookFlow.stages[1]?.shape).toEqual([1024, 256]);
  });

  test('exercises link to real controls and name the committed value', () => {
    expect(exercise('cb-iters')).toEqual({ href: '/lab/output-codebook/?seed=7&set.vqSteps=400', setting: 'vqSteps = 400', from: 'vqSteps = 40' });
    expect(exercise('tr-temp').from).toBe('temperature = 1');
  });
});
