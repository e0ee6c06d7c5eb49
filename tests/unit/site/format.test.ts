import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatFixed, formatGflop, formatInt, formatPercent, formatRatio, formatSeconds, formatShape, formatSig } from '../../../src/primitives/format';

describe('format', () => {
  it('formats the numbers the site shows', () => {
    expect(formatInt(20_979_712)).toBe('20,979,712');
    expect(formatCount(20_979_712)).toBe('21.0M');
    expect(formatCount(1_115_815_952, 2)).toBe('1.12B');
    expect(formatCount(512)).toBe('512');
    expect(formatFixed(0.12345, 3)).toBe('0.123');
    // A negative value that rounds to zero prints without a sign (the heatmap cells showed "-0.00").
    expect(formatFixed(-0.001, 2)).toBe('0.00');
    expect(formatFixed(-0.5, 1)).toBe('-0.5');
    expect(formatSig(-0, 3)).toBe('0');
    expect(formatInt(-0.4)).toBe('0');
    expect(formatInt(-2)).toBe('-2');
    expect(formatSig(0.000123456, 3)).toBe('0.000123');
    expect(formatGflop(24_159_191_040)).toBe('24.2 GFLOP');
    expect(formatBytes(41_959_424)).toBe('40.0 MiB');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatPercent(0.186)).toBe('18.6%');
    expect(formatSeconds(0.0123)).toBe('12.3 ms');
    expect(formatSeconds(4.2)).toBe('4.20 s');
    expect(formatShape([576, 4096])).toBe('576 × 4,096');
    expect(formatRatio(18)).toBe('18×');
  });

  it('refuses to paint a non-finite number', () => {
    expect(() => formatInt(Number.NaN)).toThrow('non-finite');
    expect(() => formatPercent(Number.POSITIVE_INFINITY)).toThrow('non-finite');
    expect(() => formatShape([1, Number.NaN])).toThrow('formatShape[1]');
  });
});
