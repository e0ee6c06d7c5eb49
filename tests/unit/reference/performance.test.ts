/**
 * The performance article's numbers (src/reference/articles/performance.ts): its presets carry the
 * projector modules' own counts, and every direction the prose claims holds on the computed values.
 */
import { describe, expect, it } from 'vitest';
import * as P from '../../../src/reference/articles/performance';
import { summarizePreset } from '../../../src/reference/preset-summary';
import { llamaShape, prefillFlops } from '../../../src/reference/llm-cost';

describe('performance article numbers', () => {
  it('cost presets are the presets’ own paramCount, flops and output shape', () => {
    expect(P.costPresets.length).toBeGreaterThan(10);
    for (const p of P.costPresets) {
      const s = summarizePreset(p.id);
      expect([p.params, p.flops, p.tokensOut, p.width]).toEqual([s.params, s.flops, s.outputShape![1], s.outputShape![2]]);
    }
    // Cross-attention models (Flamingo) and dual encoders (CLIP) put no tokens in the sequence.
    expect(P.costPresets.some((p) => p.id.includes('flamingo') || p.id.startsWith('clip'))).toBe(false);
  });

  it('the default 7B shape is LLaMA-7B’s', () => {
    expect(P.llama7b).toEqual(llamaShape(4096, 32));
    expect(P.defaultShapeFor(5120).layers).toBe(40);
  });

  it('prose: every preset’s tokens cost the LLM more than the projector costs itself', () => {
    expect(P.minLlmOverProjector.ratio).toBeGreaterThan(1);
    expect(P.llavaLlmOverProjector).toBeGreaterThan(100);
  });

  it('prose: attention is a small part of LLaVA-1.5’s image and a larger part with many images', () => {
    expect(P.llavaAttentionShare).toBeLessThan(0.05);
    expect(P.manyImagesAttentionShare).toBeGreaterThan(P.llavaAttentionShare * 5);
    // The crossover: one more token's attention ≈ its linear work.
    const s = P.llama7b;
    const at = P.llama7bCrossover;
    const marginalAttention = prefillFlops(s, at + 1).attention - prefillFlops(s, at).attention;
    const marginalLinear = prefillFlops(s, at + 1).linear - prefillFlops(s, at).linear;
    expect(Math.abs(marginalAttention / marginalLinear - 1)).toBeLessThan(0.01);
  });

  it('prose: the LDP saves LLM work; pruning saves only when tokens are dropped', () => {
    expect(P.ldp.tokensIn).toBe(P.llava.tokensOut);
    expect(P.ldpSaving).toBeGreaterThan(0.7);
    expect(P.prunedCost.added.total).toBeLessThan(P.llavaCost.added.total / 3);
    expect(P.maskedCost.added.total).toBe(P.llavaCost.added.total);
  });

  it('prose: a 1080p frame takes more than twice LLaVA-1.5’s tokens by default, and the cap brings it down', () => {
    expect(P.qwen1080.tokens).toBeGreaterThan(2 * P.llava.tokensOut);
    expect(P.qwenCapped.tokens).toBeLessThanOrEqual(P.qwenCapTokens);
    expect(P.qwenDefaultMaxTokens).toBe(1280);
  });

  it('exercises: grouped-query attention quarters the cache but not the prefill; a big photo lands near the cap', () => {
    expect(P.gqaKvRatio).toBe(P.gqaKvHeads / P.llama7b.kvHeads);
    expect(P.gqaPrefillRatio).toBeGreaterThan(0.85);
    expect(P.gqaPrefillRatio).toBeLessThan(1);
    expect(P.qwenPhoto.tokens).toBeLessThanOrEqual(P.qwenDefaultMaxTokens);
    expect(P.qwenPhoto.tokens).toBeGreaterThan(0.9 * P.qwenDefaultMaxTokens);
    expect(P.minLlmOverProjector.id).toBe('blip2-opt-2.7b');
    // The conv and pooling ranges at 9 tokens overlap, yet the paired difference is positive on every seed.
    expect(P.conv9.min).toBeLessThan(P.pool9.max);
    expect(P.compressionDifference('convVsPool9').min).toBeGreaterThan(0);
  });

  it('the source claims table covers C34-C39 with the ledger verdicts', () => {
    expect(P.section6Claims.map((c) => [c.id, c.verdict])).toEqual([
      ['C34', 'CORRECTED'],
      ['C35', 'UNVERIFIED'],
      ['C36', 'UNVERIFIED'],
      ['C37', 'UNVERIFIED'],
      ['C38', 'VERIFIED'],
      ['C39', 'UNVERIFIED'],
    ]);
  });
});
