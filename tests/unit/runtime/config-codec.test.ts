import { describe, expect, test } from 'vitest';
import { applyOverrides, cliCommand, configFromQuery, configToQuery, describeFields, parseFieldText } from '../../../notebooks/runtime/config-codec';
import { notebook as fit } from '../../../notebooks/experiments/fit-linear-vs-mlp';
import { notebook as budget } from '../../../notebooks/experiments/projector-budget';

describe('config codec', () => {
  test('fields come from the zod schema: labels, kinds, bounds, options', () => {
    const fields = describeFields(fit);
    expect(fields.find((f) => f.key === 'steps')).toEqual({ key: 'steps', label: 'Adam steps', kind: 'integer', min: 1, max: 3000 });
    expect(fields.find((f) => f.key === 'learningRate')).toMatchObject({ kind: 'number', max: 1 });
    const presets = describeFields(budget).find((f) => f.key === 'presets');
    expect(presets?.kind).toBe('enum-list');
    expect(presets?.options).toContain('llava-1.5-7b');
  });

  test('text parsing refuses empty and non-numeric input with the field name', () => {
    const steps = describeFields(fit).find((f) => f.key === 'steps')!;
    expect(parseFieldText(fit, steps, '')).toEqual({ ok: false, message: 'steps must be a number (got "")' });
    expect(parseFieldText(fit, steps, '12abc')).toMatchObject({ ok: false, message: expect.stringMatching(/^steps must be a number/) });
    expect(parseFieldText(fit, steps, '5000')).toMatchObject({ ok: false, message: expect.stringMatching(/^steps: .*3000/) });
    expect(parseFieldText(fit, steps, ' 40 ')).toEqual({ ok: true, value: 40 });
  });

  test('one bad override is reported and skipped, the others kept', () => {
    const { config, issues } = applyOverrides(fit, fit.defaults, [['steps', '40'], ['rank', 'x'], ['bogus', '1']]);
    expect(config).toEqual({ ...fit.defaults, steps: 40 });
    expect(issues.map((i) => i.field)).toEqual(['rank', 'bogus']);
  });

  test('URL query round-trips, and a bad parameter is named without losing the rest', () => {
    const cfg = { ...fit.defaults, seed: 3, steps: 50 };
    const q = configToQuery(fit, cfg);
    expect(q.toString()).toBe('seed=3&set.steps=50');
    expect(configFromQuery(fit, q)).toEqual({ config: cfg, issues: [] });
    const bad = configFromQuery(fit, new URLSearchParams('seed=3&set.steps=abc&set.rank=3&zoom=2'));
    expect(bad.config).toEqual({ ...fit.defaults, seed: 3, rank: 3 });
    expect(bad.issues.map((i) => i.field)).toEqual(['zoom', 'set.steps']);
  });

  test('the CLI command names seed and every non-default field', () => {
    expect(cliCommand(fit, fit.defaults)).toBe('npm run notebook -- fit-linear-vs-mlp --seed 7');
    expect(cliCommand(budget, { ...budget.defaults, presets: ['llava-1.5-7b', 'gill-input'], resolution: 448 } as never)).toBe(
      'npm run notebook -- projector-budget --seed 0 --set presets=llava-1.5-7b,gill-input --set resolution=448',
    );
  });
});
