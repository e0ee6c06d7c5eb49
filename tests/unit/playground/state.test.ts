/**
 * The Playground's URL state: a round trip reproduces the state, and every malformed, out-of-range,
 * unknown or hostile parameter (at least 50 URL states, 30 form values) is ignored with a notice
 * naming it while the rest survives; nothing throws.
 */
import { describe, expect, it } from 'vitest';
import { playgroundCatalogue } from '../../../src/reference/playground/fields';
import { defaultState, parseFieldText, stateFromQuery, stateToQuery, type PlaygroundState } from '../../../src/site/playground/state';
import { BAD_FIELDS, BAD_QUERIES } from './bad-inputs';

const cat = playgroundCatalogue();
const field = (kind: string, key: string) => cat.kinds.find((k) => k.kind === kind)!.fields.find((f) => f.key === key)!;

function expectValid(state: PlaygroundState): void {
  const k = cat.kinds.find((x) => x.kind === state.kind);
  expect(k).toBeDefined();
  expect(Number.isSafeInteger(state.seed)).toBe(true);
  for (const [key, v] of Object.entries(state.config)) {
    const f = k!.fields.find((x) => x.key === key)!;
    expect(f, key).toBeDefined();
    if (f.kind === 'integer' || f.kind === 'number') {
      expect(Number.isFinite(v)).toBe(true);
      expect(v as number).toBeGreaterThanOrEqual(f.min!);
      expect(v as number).toBeLessThanOrEqual(f.max!);
    }
  }
}

describe('playground URL state', () => {
  it('has at least 50 malformed URL states and 30 malformed form values', () => {
    expect(BAD_QUERIES.length).toBeGreaterThanOrEqual(50);
    expect(BAD_FIELDS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(BAD_QUERIES.map((q) => [q.slice(0, 60), q] as const))('?%s is ignored with a notice', (_label, q) => {
    const { state, notices } = stateFromQuery(cat, `?${q}`);
    expect(notices.length).toBeGreaterThan(0);
    expectValid(state);
    for (const n of notices) expect(n.message.length + n.param.length).toBeLessThan(1000);
  });

  it.each(BAD_FIELDS)('%s.%s = %j is refused with a message naming the field', (kind, key, text) => {
    const r = parseFieldText(field(kind, key), text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(key);
  });

  it('keeps every good value beside a bad one', () => {
    const { state, notices } = stateFromQuery(cat, '?kind=linear&seed=7&set.visionDim=abc&set.llmDim=64&nv=9&foo=1');
    expect(state.kind).toBe('linear');
    expect(state.seed).toBe(7);
    expect(state.config.llmDim).toBe(64);
    expect(state.config.visionDim).toBe(32);
    expect(state.tokens.visionTokens).toBe(9);
    expect(notices.map((n) => n.param)).toEqual(['"set.visionDim"', '"foo"']);
  });

  it('round-trips the state of every kind and preset, edited', () => {
    for (const k of cat.kinds) {
      const s = { ...defaultState(cat), kind: k.kind, config: { ...k.defaults }, seed: 42, input: 'sample' as const, sample: 3, tokens: { batch: 2, visionTokens: 36, textTokens: 5 } };
      const back = stateFromQuery(cat, `?${stateToQuery(cat, s).toString()}`);
      expect(back.notices).toEqual([]);
      expect(back.state).toEqual(s);
    }
    for (const p of cat.presets) {
      const s: PlaygroundState = { kind: p.kind, preset: p.id, config: { ...p.config }, seed: 3, input: 'random', sample: 0, tokens: { batch: 1, visionTokens: (p.input!.vision[1] as number), textTokens: (p.input!.text?.[1] as number | undefined) ?? 8 } };
      const q = stateToQuery(cat, s);
      expect(q.get('preset')).toBe(p.id);
      expect([...q.keys()].filter((x) => x.startsWith('set.'))).toEqual([]);
      expect(stateFromQuery(cat, `?${q.toString()}`).state).toEqual(s);
    }
  });

  it('switching output-transformer to mlp mode keeps only the mlp fields', () => {
    const { state, notices } = stateFromQuery(cat, '?kind=output-transformer&set.mode=mlp&set.hiddenDim=20');
    expect(notices).toEqual([]);
    expect(Object.keys(state.config).sort()).toEqual(['hiddenDim', 'llmDim', 'mode', 'outputDim']);
    expect(state.config.hiddenDim).toBe(20);
  });

  it('a preset with an override keeps the preset and the override', () => {
    const { state } = stateFromQuery(cat, '?preset=llava-1.5-7b&set.depth=3&seed=5');
    expect(state).toMatchObject({ kind: 'mlp', preset: 'llava-1.5-7b', seed: 5, config: { visionDim: 1024, llmDim: 4096, depth: 3 }, tokens: { visionTokens: 576 } });
    expect(stateToQuery(cat, state).toString()).toBe('preset=llava-1.5-7b&set.depth=3&seed=5&input=random');
  });
});
