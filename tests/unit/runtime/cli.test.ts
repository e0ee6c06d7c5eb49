import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { main } from '../../../notebooks/runtime/cli';

const captured = (): { err: () => string; out: () => string } => {
  const err: string[] = [];
  const out: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  return { err: () => err.join(''), out: () => out.join('') };
};

afterEach(() => vi.restoreAllMocks());

describe('notebook CLI', () => {
  test('bad keys and values exit 2 naming each one', async () => {
    const io = captured();
    expect(await main(['projector-budget', '--seed', 'x', '--set', 'resolution=300', '--set', 'nope=1'])).toBe(2);
    expect(io.err()).toContain('seed must be a number (got "x")');
    expect(io.err()).toContain('resolution: must be a multiple of 28');
    expect(io.err()).toContain('unknown config key "nope"');
  });

  test('unknown notebook, missing id and malformed --set exit 2', async () => {
    const io = captured();
    expect(await main(['no-such'])).toBe(2);
    expect(await main([])).toBe(2);
    expect(await main(['projector-budget', '--set', 'resolution'])).toBe(2);
    expect(io.err()).toMatch(/unknown notebook "no-such"[\s\S]*missing notebook id[\s\S]*--set expects key=value/);
  });

  test('writes the record with meta for a non-default config to --out', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'nb-')), 'budget.json');
    captured();
    expect(await main(['projector-budget', '--seed', '5', '--set', 'resolution=224', '--set', 'presets=llava-1.5-7b', '--out', out])).toBe(0);
    const record = JSON.parse(readFileSync(out, 'utf8'));
    expect(record.meta).toEqual({
      id: 'projector-budget',
      seed: 5,
      config: { seed: 5, presets: ['llava-1.5-7b'], resolution: 224 },
      backend: 'wasm',
      tfjsVersion: '4.22.0',
      siteVersion: '0.1.0',
    });
    expect(record.result.rows[0].outputTokens).toBe(256);
  });
});
