/**
 * Attention presets: every config validates, every verifiedParams equals paramCount exactly, and the
 * facts.md figures (BLIP-2 split, OpenFlamingo totals, Qwen-VL trainable + frozen, NExT-GPT/GILL
 * heads and the nn.Transformer core) come out of the analytic counts exactly.
 */
import { describe, expect, test } from 'vitest';
import { frozenParamCount, spec as xres } from '../../../../src/projectors/cross-attention-resampler';
import { gatedBlocksTotalParams, spec as gated } from '../../../../src/projectors/gated-cross-attention';
import { spec as out, transformerCoreParams } from '../../../../src/projectors/output-transformer';
import { spec as perceiver } from '../../../../src/projectors/perceiver-resampler';
import { attentionPresets } from '../../../../src/projectors/presets-attention';
import { qformerParamBreakdown, spec as qformer } from '../../../../src/projectors/qformer';
import type { ProjectorSpec } from '../../../../src/projectors/types';

const specs: Record<string, ProjectorSpec<any>> = {
  qformer,
  'perceiver-resampler': perceiver,
  'gated-cross-attention': gated,
  'cross-attention-resampler': xres,
  'output-transformer': out,
};

const get = (id: string) => {
  const p = attentionPresets[id];
  if (!p) throw new Error(`no preset ${id}`);
  const spec = specs[p.kind] as ProjectorSpec<any>;
  return { p, spec, cfg: spec.schema.parse(p.config) };
};

describe('attention presets', () => {
  test.each(Object.keys(attentionPresets))('%s validates, matches its verified count and output tokens', (id) => {
    const { p, spec, cfg } = get(id);
    expect(p.id).toBe(id);
    if (p.verifiedParams !== undefined) expect(spec.paramCount(cfg)).toBe(p.verifiedParams);
    if (p.input) {
      const shape = spec.outputShape(cfg, p.input);
      if (p.outputTokens !== undefined) expect(shape[1]).toBe(p.outputTokens);
      expect(spec.flops(cfg, p.input)).toBeGreaterThan(0);
    }
  });

  test('the expected presets exist with the facts.md figures', () => {
    const counts = Object.fromEntries(Object.keys(attentionPresets).map((id) => [id, get(id).spec.paramCount(get(id).cfg)]));
    expect(counts).toMatchObject({
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

  test('BLIP-2: generative Q-Former 105,162,240 + opt_proj 1,968,640 / 3,149,824; InstructBLIP llm_proj 3,149,824', () => {
    expect(qformerParamBreakdown(get('blip2-opt-2.7b').cfg)).toEqual({ qformer: 105_162_240, proj: 1_968_640 });
    expect(qformerParamBreakdown(get('blip2-opt-6.7b').cfg)).toEqual({ qformer: 105_162_240, proj: 3_149_824 });
    expect(qformerParamBreakdown(get('instructblip-qformer-vicuna7b').cfg)).toEqual({ qformer: 105_162_240 + 12 * 4_723_968, proj: 3_149_824 });
    expect(attentionPresets['instructblip-qformer-vicuna7b']?.verifiedParams).toBeUndefined();
  });

  test('OpenFlamingo totals: 3B 24 blocks = 881,000,496; 9B 8 blocks = 1,115,815,952', () => {
    expect(gatedBlocksTotalParams(get('openflamingo-3b-xattn').cfg, 24, 1)).toBe(881_000_496);
    expect(gatedBlocksTotalParams(get('openflamingo-9b-xattn').cfg, 32, 4)).toBe(1_115_815_952);
  });

  test('Qwen-VL: 75,005,952 trainable + 1,048,576 frozen, count left unverified', () => {
    const { p, cfg } = get('qwen-vl-resampler');
    expect(xres.paramCount(cfg)).toBe(75_005_952);
    expect(frozenParamCount(cfg)).toBe(1_048_576);
    expect(p.verifiedParams).toBeUndefined();
    expect(p.note).toContain('UNVERIFIED');
  });

  test('nn.Transformer core of the output heads is 29,427,712', () => {
    const { cfg } = get('nextgpt-image-output');
    expect(transformerCoreParams(cfg)).toBe(29_427_712);
  });
});
