/**
 * Registry and the one presets table: all 14 kinds are named; every preset's config parses;
 * paramCount equals each VERIFIED figure of facts.md exactly (hard-coded here, independent of the
 * preset file) and the summed weightSpecs; output token counts match the verified ones; cite keys
 * exist; the computed figures facts.md quotes for the attention kinds (BLIP-2 split, OpenFlamingo
 * totals, Qwen-VL trainable + frozen, NExT-GPT/GILL heads and the nn.Transformer core) come out of
 * the closed forms exactly. Big presets are checked through weightSpecs only (no 100M-parameter
 * init in tests).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frozenParamCount, type Config as ResamplerConfig } from '../../../src/projectors/cross-attention-resampler';
import { blocksTotalParams, type Config as GatedConfig } from '../../../src/projectors/gated-cross-attention';
import { specsSize } from '../../../src/projectors/ops/common';
import { transformerCoreParams, type TransformerConfig } from '../../../src/projectors/output-transformer';
import { getPreset, presets } from '../../../src/projectors/presets';
import { paramBreakdown, type Config as QformerConfig } from '../../../src/projectors/qformer';
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

  it.each(all.map((p) => [p.id, p] as const))('%s: config parses, paramCount = Σ weightSpecs, verified figure (if any) holds, cites exist', (id, p) => {
    expect(p.id).toBe(id);
    const spec = getProjector(p.kind);
    const cfg = parseConfig(p.kind, p.config);
    expect(spec.paramCount(cfg)).toBe(specsSize(spec.weightSpecs(cfg)));
    if (p.verifiedParams !== undefined) expect(spec.paramCount(cfg)).toBe(p.verifiedParams);
    if (p.input && p.outputTokens !== undefined) expect(spec.outputShape(cfg, p.input)[1]).toBe(p.outputTokens);
    if (p.input) expect(spec.flops(cfg, p.input)).toBeGreaterThan(0);
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

describe('attention presets: the facts.md figures', () => {
  const cfgOf = <C>(id: string): C => {
    const p = getPreset(id);
    return parseConfig(p.kind, p.config) as C;
  };
  const count = (id: string): number => {
    const p = getPreset(id);
    return getProjector(p.kind).paramCount(parseConfig(p.kind, p.config));
  };

  it('the expected presets exist with the facts.md figures', () => {
    const ids = ['blip2-opt-2.7b', 'blip2-opt-6.7b', 'openflamingo-3b-resampler', 'openflamingo-3b-xattn', 'openflamingo-9b-resampler', 'openflamingo-9b-xattn', 'qwen-vl-resampler', 'nextgpt-image-output', 'nextgpt-video-output', 'nextgpt-audio-output', 'gill-mapper'];
    expect(Object.fromEntries(ids.map((id) => [id, count(id)]))).toEqual({
      'blip2-opt-2.7b': 107_130_880,
      'blip2-opt-6.7b': 108_312_064,
      'openflamingo-3b-resampler': 63_019_008,
      'openflamingo-3b-xattn': 36_708_354,
      'openflamingo-9b-resampler': 63_019_008,
      'openflamingo-9b-xattn': 139_476_994,
      'qwen-vl-resampler': 75_005_952,
      'nextgpt-image-output': 31_958_784,
      'nextgpt-video-output': 32_090_112,
      'nextgpt-audio-output': 31_788_544,
      'gill-mapper': 31_958_784,
    });
  });

  it('BLIP-2: generative Q-Former 105,162,240 + opt_proj 1,968,640 / 3,149,824; InstructBLIP llm_proj 3,149,824', () => {
    expect(paramBreakdown(cfgOf<QformerConfig>('blip2-opt-2.7b'))).toEqual({ qformer: 105_162_240, proj: 1_968_640 });
    expect(paramBreakdown(cfgOf<QformerConfig>('blip2-opt-6.7b'))).toEqual({ qformer: 105_162_240, proj: 3_149_824 });
    expect(paramBreakdown(cfgOf<QformerConfig>('instructblip-qformer-vicuna7b'))).toEqual({ qformer: 105_162_240 + 12 * 4_723_968, proj: 3_149_824 });
    expect(getPreset('instructblip-qformer-vicuna7b').verifiedParams).toBeUndefined();
  });

  it('OpenFlamingo totals: 3B 24 blocks = 881,000,496; 9B 8 blocks = 1,115,815,952', () => {
    expect(blocksTotalParams(cfgOf<GatedConfig>('openflamingo-3b-xattn'), 24, 1)).toBe(881_000_496);
    expect(blocksTotalParams(cfgOf<GatedConfig>('openflamingo-9b-xattn'), 32, 4)).toBe(1_115_815_952);
  });

  it('Qwen-VL: 75,005,952 trainable + 1,048,576 frozen, count left unverified', () => {
    const p = getPreset('qwen-vl-resampler');
    expect(count('qwen-vl-resampler')).toBe(75_005_952);
    expect(frozenParamCount(cfgOf<ResamplerConfig>('qwen-vl-resampler'))).toBe(1_048_576);
    expect(p.verifiedParams).toBeUndefined();
    expect(p.note).toContain('UNVERIFIED');
  });

  it('nn.Transformer core of the output heads is 29,427,712', () => {
    expect(transformerCoreParams(cfgOf<TransformerConfig>('nextgpt-image-output'))).toBe(29_427_712);
  });
});
