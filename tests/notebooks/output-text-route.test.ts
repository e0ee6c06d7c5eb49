import { describe, expect, test } from 'vitest';
import { defaults, notebook, ROUTES, toolCall, type Result } from '../../notebooks/experiments/output-text-route';
import { defaultsRun, notebookContract } from './helpers';

const id = 'output-text-route';
const run = defaultsRun<Result>(notebook);
const route = (r: Result, key: (typeof ROUTES)[number]) => r.routes.find((x) => x.key === key)!;

describe(id, () => {
  notebookContract(notebook, {
    run,
    invalid: { change: { captions: 0, temperature: 0 }, fields: ['captions', 'temperature'] },
    rejects: [{ change: { linePoints: 2 }, message: /^linePoints: Number must be greater than or equal to 3/ }],
    cancel: { stopsBefore: 0.7 },
  });

  test('the gradient through the argmax is exactly zero; the relaxed and continuous routes have one', () => {
    const r = run.result();
    expect(r.routes.map((x) => x.key)).toEqual([...ROUTES]);
    expect(r.vocabulary).toBe(2947);
    const text = route(r, 'text');
    expect(text.gradNorm).toBe(0);
    expect(Object.values(text.gradNorms)).toEqual([0, 0]);
    expect(route(r, 'soft').gradNorm).toBeGreaterThan(0);
    expect(route(r, 'continuous').gradNorm).toBeGreaterThan(0);
    for (const key of ['soft', 'continuous'] as const) for (const [name, g] of Object.entries(route(r, key).gradNorms)) expect(g, `${key} ${name}`).toBeGreaterThan(0);
    // Trainable counts: states 8·4·64 = 2,048; head 2,947·64 = 188,608; projector 64·256 = 16,384.
    expect(r.routes.map((x) => x.trainable)).toEqual([2048 + 188_608, 2048 + 188_608, 2048 + 16_384]);
  });

  test('training leaves the text route exactly where it started; the others learn', () => {
    const r = run.result();
    const text = route(r, 'text');
    expect(text.curve).toHaveLength(defaults.steps + 1);
    expect(new Set(text.curve).size).toBe(1);
    expect(text.promptAfter).toEqual(text.promptBefore);
    const soft = route(r, 'soft');
    const cont = route(r, 'continuous');
    // Committed: relaxed 0.565 → 0.123 (0.301 once its prompt is emitted as tokens); continuous 0.878 → 0.0014.
    expect(soft.curve[soft.curve.length - 1]!).toBeLessThan(0.5 * soft.curve[0]!);
    expect(cont.curve[cont.curve.length - 1]!).toBeLessThan(0.05 * cont.curve[0]!);
    expect(soft.decodedLoss).toBeGreaterThan(soft.curve[soft.curve.length - 1]!);
    expect(soft.decodedLoss).toBeLessThan(text.curve[0]!);
    expect(cont.decodedLoss).toBe(cont.curve[cont.curve.length - 1]);
  });

  test('along a line the text route is a staircase and the continuous route is smooth', () => {
    const r = run.result();
    expect(r.alphas).toHaveLength(defaults.linePoints);
    expect(r.alphas[0]).toBe(-defaults.lineSpan);
    expect(r.alphas[r.alphas.length - 1]).toBe(defaults.lineSpan);
    expect(route(r, 'text').flatShare).toBeGreaterThan(0.5);
    expect(route(r, 'soft').flatShare).toBe(0);
    expect(route(r, 'continuous').flatShare).toBe(0);
  });

  test('the prompt is shown as the tool call Visual ChatGPT’s agent would send', () => {
    expect(toolCall(['▁a', '▁scroll', 'ing'])).toBe('Action: Generate Image From User Input Text · Action Input: a scrolling');
    expect(route(run.result(), 'text').promptBefore).toHaveLength(defaults.promptTokens);
  });
});
