/** The comparison article's numbers: every cost equals the projector library's own count for the preset. */
import { describe, expect, it } from 'vitest';
import * as C from '../../../src/reference/articles/comparing-models';
import { getPreset } from '../../../src/projectors/presets';
import { getProjector } from '../../../src/projectors/registry';
import { paramBreakdown, type Config as QformerConfig } from '../../../src/projectors/qformer';

/** Recomputes a "preset:part*times" list straight from the modules, as the page's e2e test does. */
function recompute(spec: string): number {
  return spec.split(',').reduce((sum, item) => {
    const m = /^([^:]+):(all|qformer|proj)\*(\d+)$/.exec(item);
    if (!m) throw new Error(`bad component "${item}"`);
    const preset = getPreset(m[1] as string);
    const p = getProjector(preset.kind);
    const cfg = p.schema.parse(preset.config);
    const each = m[2] === 'all' ? p.paramCount(cfg) : paramBreakdown(cfg as QformerConfig)[m[2] as 'qformer' | 'proj'];
    return sum + each * Number(m[3]);
  }, 0);
}

describe('comparison table', () => {
  it('prices every row at Vicuna-7B: width 4096, 7e9 parameters, 2 FLOPs per parameter per token', () => {
    expect(C.CHOSEN_LLM.width).toBe(4096);
    expect(C.CHOSEN_LLM.params).toBe(7e9);
    expect(C.prefillFlops(576)).toBe(2 * 7e9 * 576);
    expect(() => C.prefillFlops(-1)).toThrow(/non-negative/);
    expect(() => C.prefillFlops(Number.NaN)).toThrow(/tokens/);
  });

  it('has the source four first and the practice models after them', () => {
    expect(C.compared.slice(0, 4).map((r) => r.id)).toEqual(['clip-vit-l-14', 'flamingo-3b', 'pali', 'lvp']);
    expect(C.compared.map((r) => r.id)).toEqual(expect.arrayContaining(['llava-v1-7b', 'llava-1-5-7b', 'blip-2-opt-2-7b', 'instructblip-vicuna-7b', 'qwen-vl', 'internvl-1-5', 'honeybee-c-7b-m144', 'mobilevlm-1-7b', 'next-gpt', 'gill', 'unified-io-2']));
  });

  it('takes the verified counts and shapes from the modules', () => {
    const llava15 = C.comparedRow('llava-1-5-7b');
    expect(llava15.params).toBe(20_979_712);
    expect([llava15.tokensIn, llava15.tokens]).toEqual([576, 576]);
    expect(llava15.kindLabel).toBe('MLP with GELU');
    // 2·576·1024·4096 + 2·576·4096·4096
    expect(llava15.projectorFlops).toBe(2 * 576 * 1024 * 4096 + 2 * 576 * 4096 * 4096);
    expect(llava15.prefill).toBe(2 * 7e9 * 576);
    const blip2 = C.comparedRow('blip-2-opt-2-7b');
    expect(blip2.params).toBe(107_130_880);
    expect([blip2.tokensIn, blip2.tokens]).toEqual([257, 32]);
    expect(C.comparedRow('internvl-1-5').params).toBe(116_429_824);
    expect(C.comparedRow('mobilevlm-1-7b').params).toBe(18_936_832);
    expect(C.comparedRow('honeybee-c-7b-m144').tokens).toBe(144);
    expect(C.comparedRow('instructblip-vicuna-7b').lowerBound).toBe(true);
    expect(C.comparedRow('qwen-vl').status).toBe('UNVERIFIED');
  });

  it('recomputes every row’s parameters and FLOPs from the presets it names', () => {
    for (const r of C.compared) {
      if (r.params !== null) expect(recompute(r.components), r.id).toBe(r.params);
      if (r.flopsPreset !== null) {
        const preset = getPreset(r.flopsPreset);
        const p = getProjector(preset.kind);
        const cfg = p.schema.parse(preset.config);
        expect(r.projectorFlops, r.id).toBe(p.flops(cfg, preset.input ?? { vision: [] }));
        expect(r.tokens, r.id).toBe(p.outputShape(cfg, preset.input ?? { vision: [] })[1]);
      }
    }
  });

  it('shows nothing computed for PaLI, LVP and Unified-IO 2, and no Flamingo paper-preset count as Flamingo’s', () => {
    for (const id of ['pali', 'lvp', 'unified-io-2', 'flamingo-3b']) {
      const r = C.comparedRow(id);
      expect([r.params, r.tokens, r.projectorFlops, r.prefill], id).toEqual([null, null, null, null]);
    }
    expect(C.comparedRow('pali').training?.text).toMatch(/^UNVERIFIED/);
  });

  it('puts no visual tokens of a cross-attention model in the sequence', () => {
    const of = C.comparedRow('openflamingo-3b');
    expect(of.inject).toBe('cross-attention');
    expect(of.tokens).toBe(64);
    expect(of.prefill).toBe(0);
    expect(of.params).toBe(63_019_008 + 24 * 36_708_354);
  });
});

describe('figures', () => {
  it('tokens vs parameters: one point per priced row with its computed values', () => {
    for (const p of C.tokensVsParams.points) {
      const r = C.comparedRow(p.key);
      expect([p.x, p.y]).toEqual([r.tokens, r.params]);
    }
    expect(C.tokensVsParams.points.find((p) => p.key === 'qwen-vl')?.label).toContain('UNVERIFIED');
  });

  it('prefill vs tokens: prefill points lie on 2·P·N, projector points carry the module FLOPs', () => {
    const prefill = C.prefillVsTokens.points.filter((p) => p.key.startsWith('prefill:'));
    expect(prefill.length).toBeGreaterThan(4);
    for (const p of prefill) expect(p.y).toBe(2 * 7e9 * p.x);
    for (const p of C.prefillVsTokens.points.filter((q) => q.key.startsWith('projector:'))) {
      expect(p.y).toBe(C.comparedRow(p.key.slice('projector:'.length)).projectorFlops);
    }
    // The prefill dominates every projector's own forward pass.
    expect(C.prefillOverProjector.min.ratio).toBeGreaterThan(10);
  });

  it('shape flow: encoder and projector shapes are the preset’s input and outputShape', () => {
    expect(C.FLOW_IDS).toContain(C.FLOW_DEFAULT);
    const flow = C.flowData('internvl2-8b');
    expect(flow.stages.find((s) => s.key === 'encoder')?.shape).toEqual([1024, 1024]);
    expect(flow.stages.find((s) => s.key === 'input-projector')?.shape).toEqual([256, 4096]);
    expect(flow.stages.find((s) => s.key === 'input-projector')?.params).toBe(33_570_816);
    expect(flow.stages.find((s) => s.key === 'output-projector')?.absent).toBe(true);
    const gill = C.flowData('gill');
    expect(gill.stages.find((s) => s.key === 'output-projector')?.params).toBe(31_958_784);
    expect(() => C.flowData('pali')).toThrow(/no preset/);
  });
});

describe('reader questions', () => {
  it('S4: InternVL 896 px → 5 tiles → 1,280 tokens; AnyRes 2 × 2 → 2,880', () => {
    expect(C.S4.internvlTiles).toBe(5);
    expect(C.S4.internvlExampleTokens).toBe(1280);
    expect(C.S4.anyResTokens).toBe(2880);
    expect(C.EX_TILES.tokens).toBe(7 * 256);
  });

  it('C2: the MLP has about 5× the linear layer’s parameters and well under 1% of the prefill', () => {
    expect(C.C2.paramRatio).toBeCloseTo(20_979_712 / 4_198_400, 12);
    expect(C.C2.mlpShareOfPrefill).toBeLessThan(0.01);
    expect(C.C2.extraPrefill).toBe(2 * 7e9 * (576 - 256));
  });

  it('O2: Unified-IO 2 makes 32 × 32 = 1,024 image codes', () => {
    expect(C.uio2ImageTokens).toBe(1024);
    expect(C.uio2VsLlava).toBeCloseTo(1024 / 576, 12);
  });

  it('13B exercise: the prefill grows by 13/7, the tokens stay', () => {
    expect(C.EX_13B.factor).toBeCloseTo(13 / 7, 12);
    expect(C.EX_13B.tokens).toBe(576);
    expect(C.EX_13B.params).toBe(31_467_520);
  });
});
