/**
 * Registry and presets: all 14 kinds are named; every preset's config parses; paramCount equals
 * each VERIFIED figure of facts.md exactly (hard-coded here, independent of the preset file) and
 * the summed weightSpecs; output token counts match the verified ones; cite keys exist.
 * Big presets are checked through weightSpecs only (no 100M-parameter init in tests).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { specsSize } from '../../../src/projectors/ops/common';
import { getPreset, presets } from '../../../src/projectors/presets';
import { getProjector, listKinds, parseConfig } from '../../../src/projectors/registry';

/** facts.md section b, VERIFIED rows: preset id → [parameters, output tokens]. */
const VERIFIED: Record<string, [number, number]> = {
  'clip-b32': [655_360, 1],
  'clip-l14': [1_376_256, 1],
  'llava-v1-13b': [5_248_000, 256],
  'llava-v1-7b': [4_198_400, 256],
  'llava-1.5-7b': [20_979_712, 576],
  'llava-1.5-13b': [31_467_520, 576],
  'instructblip-vicuna7b': [3_149_824, 32],
  'instructblip-vicuna13b': [3_937_280, 32],
  'minigpt4-vicuna13b': [3_937_280, 32],
  'minigpt4-vicuna7b': [3_149_824, 32],
  'minigpt4-llama2': [23_072_768, 64],
  'internvl-1.5': [116_429_824, 256],
  'internvl-1.5-plus': [143_170_560, 256],
  'internvl2-8b': [33_570_816, 256],
  'honeybee-c-abs-7b-m144': [37_070_336, 144],
  'mobilevlm-ldp-1.7b': [18_936_832, 144],
  'mobilevlm-ldp-3b': [28_913_920, 144],
  'mobilevlm-v2-ldpv2-1.7b': [6_316_032, 144],
  'mobilevlm-v2-ldpv2-3b': [9_205_760, 144],
  'gill-input': [16_793_600, 4],
  'nextgpt-input': [4_198_400, 1],
};

describe('registry', () => {
  it('names all 14 kinds and each spec reports its own kind', () => {
    expect(listKinds()).toEqual([
      'linear', 'mlp', 'qformer', 'perceiver-resampler', 'gated-cross-attention', 'cross-attention-resampler', 'c-abstractor',
      'ldp', 'pixel-shuffle-mlp', 'token-selection', 'low-rank', 'dual-projection', 'output-transformer', 'codebook',
    ]);
    for (const k of listKinds()) expect(getProjector(k).kind).toBe(k);
  });
  it('unknown kinds and bad configs give errors naming them', () => {
    expect(() => getProjector('mlp3')).toThrow("unknown projector kind 'mlp3' (known: linear, mlp,");
    expect(() => parseConfig('mlp', { visionDim: 1024, llmDim: '4096' })).toThrow('invalid mlp config: config.llmDim: Expected number, received string');
    expect(() => parseConfig('linear', { llmDim: 8 })).toThrow('config.visionDim: Required');
  });
});

describe('presets', () => {
  const all = Object.values(presets);

  it('has every preset of facts.md section b that this module owns', () => {
    for (const id of Object.keys(VERIFIED)) expect(presets[id], id).toBeDefined();
    expect(() => getPreset('llava-2')).toThrow("unknown preset 'llava-2'");
  });

  it.each(Object.entries(VERIFIED))('%s: paramCount equals the verified figure exactly, and the output token count', (id, [params, outTokens]) => {
    const p = getPreset(id);
    const spec = getProjector(p.kind);
    const cfg = parseConfig(p.kind, p.config);
    expect(spec.paramCount(cfg)).toBe(params);
    expect(p.verifiedParams).toBe(params);
    expect(p.input).toBeDefined();
    expect(spec.outputShape(cfg, p.input ?? { vision: [] })[1]).toBe(outTokens);
    expect(p.outputTokens).toBe(outTokens);
  });

  it.each(all.map((p) => [p.id, p] as const))('%s: config parses, paramCount = Σ weightSpecs, verified figure (if any) holds, cites exist', (_id, p) => {
    const spec = getProjector(p.kind);
    const cfg = parseConfig(p.kind, p.config);
    expect(spec.paramCount(cfg)).toBe(specsSize(spec.weightSpecs(cfg)));
    if (p.verifiedParams !== undefined) expect(spec.paramCount(cfg)).toBe(p.verifiedParams);
    if (p.input && p.outputTokens !== undefined) expect(spec.outputShape(cfg, p.input)[1]).toBe(p.outputTokens);
    const bib = readFileSync(join(process.cwd(), 'content/references.bib'), 'utf8');
    for (const key of p.cite) expect(bib, `bib key ${key}`).toContain(`{${key},`);
    expect(p.note.length).toBeGreaterThan(0);
    expect(p.sourceLocator).toMatch(/facts\.md/);
  });

  it('initialises a small preset fully: LLaVA v1 7B weights have exactly 4,198,400 values', async () => {
    const tf = await import('@tensorflow/tfjs');
    const { setupBackend } = await import('./setup');
    await setupBackend();
    const p = getPreset('llava-v1-7b');
    const spec = getProjector(p.kind);
    const w = spec.init(parseConfig(p.kind, p.config), 0) as Record<string, import('@tensorflow/tfjs').Tensor>;
    expect(Object.values(w).reduce((a, t) => a + t.size, 0)).toBe(4_198_400);
    tf.dispose(Object.values(w));
  });
});
