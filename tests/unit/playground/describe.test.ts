/**
 * The Playground's numbers are the library's: for every preset and every kind's defaults, the rows
 * the page shows equal `npm run projector -- describe` (run in-process through `main`), the input
 * shapes it builds from a preset's tokens are the preset's real input, and the memory guard refuses
 * a config before anything is allocated.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/projector';
import { presets } from '../../../src/projectors/presets';
import { getProjector, listKinds } from '../../../src/projectors/registry';
import { DEFAULT_TOKENS, describeProjector, inputShapesFor, MEMORY_BUDGET_BYTES, tokensOfInput } from '../../../notebooks/playground/describe';
import { playgroundCatalogue, playgroundFields } from '../../../src/reference/playground/fields';
import { describeRows } from '../../../notebooks/playground/rows';

async function cli(...args: string[]): Promise<string> {
  let out = '';
  const code = await main(args, { out: (t) => (out += t), err: () => undefined });
  expect(code).toBe(0);
  return out;
}

describe('playground describe', () => {
  const withInput = Object.values(presets).filter((p) => p.input);

  it('covers all 34 presets, every one with a real input', () => {
    expect(withInput.length).toBe(Object.values(presets).length);
    expect(withInput.length).toBe(34);
  });

  it.each(withInput.map((p) => [p.id, p] as const))('%s: shapes from its tokens are its real input; rows equal the CLI', async (_id, p) => {
    const cfg = getProjector(p.kind).schema.parse(p.config);
    expect(inputShapesFor(p.kind, cfg, tokensOfInput(p.input!))).toEqual(p.input);
    const d = describeProjector(p.kind, p.config, tokensOfInput(p.input!));
    const out = await cli('describe', '--preset', p.id);
    const rows = Object.fromEntries(describeRows(d).map((r) => [r.key, r.text]));
    expect(out).toContain(`params      ${rows.params}\n`);
    expect(out).toContain(`weights     ${rows.weights}\n`);
    expect(out).toContain(`shapes      ${rows.shapes}\n`);
    expect(out).toContain(`FLOPs       ${rows.flops}\n`);
    if (p.outputTokens !== undefined && p.kind !== 'output-transformer') expect(d.tokensOut).toBe(p.outputTokens);
  });

  it('LLaVA-1.5-7B: 20,979,712 parameters, 576 tokens in and out, within the memory budget', () => {
    const p = presets['llava-1.5-7b']!;
    const d = describeProjector('mlp', p.config, tokensOfInput(p.input!));
    expect(d.params).toBe(20_979_712);
    expect(d.output).toEqual([1, 576, 4096]);
    expect(d.flops).toBe(2 * 576 * (1024 * 4096 + 4096 * 4096));
    expect(d.memory.weightBytes).toBe(4 * 20_979_712);
    expect(d.memory.totalBytes).toBeLessThan(MEMORY_BUDGET_BYTES);
  });

  it.each(listKinds())('%s: the defaults describe with the default tokens and match the CLI params line', async (kind) => {
    const spec = getProjector(kind);
    const d = describeProjector(kind, spec.defaults, DEFAULT_TOKENS);
    expect(d.params).toBe(spec.paramCount(spec.defaults));
    expect(d.output).toEqual(spec.outputShape(spec.defaults, d.input));
    const out = await cli('describe', '--kind', kind);
    expect(out).toContain(`params      ${describeRows(d).find((r) => r.key === 'params')!.text}\n`);
  });

  it('a huge config is over the budget before any tensor exists', () => {
    const d = describeProjector('mlp', { visionDim: 16384, llmDim: 16384, depth: 16 }, DEFAULT_TOKENS);
    expect(d.memory.weightBytes).toBe(4 * d.params);
    expect(d.memory.totalBytes).toBeGreaterThan(MEMORY_BUDGET_BYTES);
  });

  it('an invalid config or input names the field or the shape', () => {
    expect(() => describeProjector('qformer', { ...getProjector('qformer').defaults, numHeads: 5 }, DEFAULT_TOKENS)).toThrow(/numHeads 5 must divide hiddenDim/);
    expect(() => describeProjector('pixel-shuffle-mlp', getProjector('pixel-shuffle-mlp').defaults, { ...DEFAULT_TOKENS, visionTokens: 15 })).toThrow(/vision: expected \[B, Nv, Dv\] with Nv = h·h/);
  });
});

describe('playground fields', () => {
  it('reads integers, numbers, booleans and enums with bounds from the schemas', () => {
    const mlp = playgroundFields('mlp');
    expect(mlp.find((f) => f.key === 'depth')).toMatchObject({ kind: 'integer', min: 1, max: 16 });
    expect(playgroundFields('ldp').find((f) => f.key === 'version')).toMatchObject({ kind: 'enum', options: ['1', '2'], numericOptions: true });
    expect(playgroundFields('linear').find((f) => f.key === 'bias')).toMatchObject({ kind: 'boolean' });
    expect(playgroundFields('codebook').find((f) => f.key === 'beta')).toMatchObject({ kind: 'number', min: 0, max: 100 });
    const ot = playgroundFields('output-transformer');
    expect(ot[0]).toMatchObject({ key: 'mode', kind: 'enum', options: ['transformer', 'mlp'] });
    expect(ot.find((f) => f.key === 'numHeads')!.modes).toEqual(['transformer']);
    expect(ot.find((f) => f.key === 'outputDim')!.modes).toEqual(['transformer', 'mlp']);
  });

  it('every kind has a label for each field and its defaults inside the bounds', () => {
    const cat = playgroundCatalogue();
    expect(cat.kinds.length).toBe(14);
    for (const k of cat.kinds) {
      for (const f of k.fields) {
        expect(f.label, `${k.kind}.${f.key}`).not.toBe(f.key === 'mode' ? '' : f.key);
        const v = k.defaults[f.key];
        if (v === undefined) continue;
        if (f.kind === 'integer' || f.kind === 'number') {
          expect(v as number).toBeGreaterThanOrEqual(f.min!);
          expect(v as number).toBeLessThanOrEqual(f.max!);
        }
        if (f.kind === 'enum') expect(f.options).toContain(String(v));
      }
    }
    for (const p of cat.presets) {
      const k = cat.kinds.find((x) => x.kind === p.kind)!;
      for (const f of k.fields) {
        const v = p.config[f.key];
        if (typeof v === 'number' && f.max !== undefined) expect(v, `${p.id}.${f.key}`).toBeLessThanOrEqual(f.max);
      }
    }
  });
});
