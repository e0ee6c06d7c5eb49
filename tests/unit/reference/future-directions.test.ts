/** The future-directions article's computed numbers. */
import { describe, expect, it } from 'vitest';
import * as F from '../../../src/reference/articles/future-directions';

describe('future directions', () => {
  it('puts the low-rank crossover of LLaVA’s 1024 → 4096 projector at 1024·4096 / 5120', () => {
    expect([F.LOW_RANK_CROSSOVER.visionDim, F.LOW_RANK_CROSSOVER.llmDim]).toEqual([1024, 4096]);
    expect(F.LOW_RANK_CROSSOVER.rank).toBeCloseTo(819.2, 10);
    expect(F.LOW_RANK_CROSSOVER.linearParams).toBe(4_198_400);
  });

  it('reads the generator conditions from the output presets: 77 × 768 and 1 × 512', () => {
    expect(F.SD_CONDITION).toEqual({ tokens: 77, width: 768 });
    expect(F.AUDIO_CONDITION).toEqual({ tokens: 1, width: 512 });
  });
});
