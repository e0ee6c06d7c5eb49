/**
 * The LLM cost model (src/reference/llm-cost.ts): hand-checked FLOPs on a small shape, the quadratic
 * attention term, KV bytes, LLaMA's feed-forward widths, and Qwen2-VL's dynamic-resolution token
 * counts against the values Python's transformers `smart_resize` algorithm gives (run with Python's
 * round(), which sends halves to the even neighbour).
 */
import { describe, expect, it } from 'vitest';
import {
  QWEN2VL_DEFAULT_PIXELS,
  dynamicResolutionTokens,
  kvCacheBytes,
  linearFlopsPerTokenLayer,
  llamaFfnWidth,
  llamaShape,
  llmShapeSchema,
  prefillFlops,
  roundHalfEven,
  visualTokenCost,
} from '../../../src/reference/llm-cost';

const tiny = llmShapeSchema.parse({ width: 128, layers: 2, heads: 4, kvHeads: 2, ffnWidth: 256, gatedFfn: false, bytesPerValue: 2 });

describe('prefill FLOPs', () => {
  it('counts projections and feed-forward per token by hand', () => {
    // Q, O: 2·128·128 each; K, V: 2·128·64 each (2 of 4 heads); FFN: 2 matrices 2·128·256.
    expect(linearFlopsPerTokenLayer(tiny)).toBe(2 * 128 * 128 * 2 + 2 * 128 * 64 * 2 + 2 * 128 * 256 * 2);
    const gated = { ...tiny, gatedFfn: true };
    expect(linearFlopsPerTokenLayer(gated) - linearFlopsPerTokenLayer(tiny)).toBe(2 * 128 * 256);
  });

  it('attention is 2·d·S(S+1) per layer, so it grows with the square of the tokens', () => {
    const p = prefillFlops(tiny, 10);
    expect(p.attention).toBe(2 * 2 * 128 * 10 * 11);
    expect(p.linear).toBe(2 * 10 * linearFlopsPerTokenLayer(tiny));
    expect(p.total).toBe(p.linear + p.attention);
    const a1 = prefillFlops(tiny, 1000).attention;
    const a2 = prefillFlops(tiny, 2000).attention;
    expect(a2 / a1).toBeGreaterThan(3.99);
    expect(prefillFlops(tiny, 2000).linear / prefillFlops(tiny, 1000).linear).toBe(2);
    expect(() => prefillFlops(tiny, -1)).toThrow(/whole number/);
  });

  it('the visual tokens add the difference between the sequence with and without them', () => {
    const c = visualTokenCost(tiny, 576, 100, 4096);
    expect(c.added.total).toBe(prefillFlops(tiny, 676).total - prefillFlops(tiny, 100).total);
    expect(c.share).toBeCloseTo(c.added.total / prefillFlops(tiny, 676).total, 15);
    expect(c.kvBytes).toBe(2 * 2 * 576 * 64 * 2);
    expect(c.contextShare).toBe(576 / 4096);
    expect(c.imagesThatFit).toBe(Math.floor((4096 - 100) / 576));
    expect(kvCacheBytes(tiny, 1)).toBe(2 * 2 * 64 * 2);
  });

  it('refuses a shape whose heads do not divide the width, naming the field', () => {
    const bad = llmShapeSchema.safeParse({ ...tiny, heads: 3 });
    expect(bad.success).toBe(false);
    expect(bad.success ? '' : bad.error.issues[0]?.path.join('.')).toBe('heads');
  });
});

describe('LLaMA shapes', () => {
  it('2/3 of 4d rounded up to a multiple of 256', () => {
    expect(llamaFfnWidth(4096)).toBe(11008);
    expect(llamaFfnWidth(5120)).toBe(13824);
    const s = llamaShape(4096, 32);
    expect(s.heads).toBe(32);
    // LLaMA-7B's non-embedding weights: 32 layers × (4·4096² + 3·4096·11008) ≈ 6.48e9, 2 FLOPs each per token.
    expect(32 * linearFlopsPerTokenLayer(s)).toBe(2 * 32 * (4 * 4096 * 4096 + 3 * 4096 * 11008));
  });
});

describe('Qwen2-VL dynamic resolution', () => {
  const q = (height: number, width: number, over: Partial<Parameters<typeof dynamicResolutionTokens>[0]> = {}) =>
    dynamicResolutionTokens({ height, width, patch: 14, merge: 2, minPixels: QWEN2VL_DEFAULT_PIXELS.min, maxPixels: QWEN2VL_DEFAULT_PIXELS.max, ...over });

  it('224 × 224 gives 64 tokens, 66 with the vision start and end markers', () => {
    const t = q(224, 224);
    expect(t.patches).toBe(256);
    expect(t.tokens).toBe(64);
    expect(t.tokensWithMarkers).toBe(66);
  });

  it('matches smart_resize run in Python on sizes that round, shrink and grow', () => {
    // (h, w) → (resized h, resized w, tokens), from the Python algorithm with the processor defaults.
    const cases: [number, number, number, number, number][] = [
      [1000, 1000, 980, 980, 1225],
      [42, 70, 56, 56, 4],
      [1080, 1920, 728, 1316, 1222],
      [20, 30, 56, 84, 6],
      [4032, 3024, 1148, 840, 1230],
    ];
    for (const [h, w, rh, rw, tokens] of cases) {
      const t = q(h, w);
      expect([t.resizedHeight, t.resizedWidth, t.tokens], `${h}×${w}`).toEqual([rh, rw, tokens]);
    }
  });

  it('Qwen3-VL-style 16 px patches: one token per 32 × 32 pixels', () => {
    const t = dynamicResolutionTokens({ height: 1080, width: 1920, patch: 16, merge: 2, minPixels: 32 * 32 * 4, maxPixels: 32 * 32 * 16384 });
    expect([t.resizedHeight, t.resizedWidth, t.tokens]).toEqual([1088, 1920, 2040]);
  });

  it('rounds halves to even like Python', () => {
    expect([roundHalfEven(1.5), roundHalfEven(2.5), roundHalfEven(2.4), roundHalfEven(2.6)]).toEqual([2, 2, 2, 3]);
  });

  it('refuses min above max and extreme aspect ratios', () => {
    expect(() => q(224, 224, { minPixels: 10_000_000 })).toThrow(/min pixels/);
    expect(() => q(10, 3000)).toThrow(/aspect ratio/);
  });
});
