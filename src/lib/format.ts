/**
 * The one place numbers become text. Every number painted on a page, in a figure or in the CLI goes
 * through these functions, so a test can format the committed value the same way and compare.
 * All output uses a fixed locale (en-US grouping) so build-time and browser output agree.
 */

// signDisplay 'negative': a value that rounds to zero prints "0.00", never "-0.00".
const groupFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0, signDisplay: 'negative' });

function assertFinite(value: number, what: string): void {
  if (!Number.isFinite(value)) throw new RangeError(`format: ${what} got a non-finite value (${String(value)})`);
}

/** 20979712 → "20,979,712". */
export function formatInt(value: number): string {
  assertFinite(value, 'formatInt');
  return groupFormat.format(Math.round(value));
}

/** Fixed decimals: formatFixed(0.12345, 3) → "0.123". */
export function formatFixed(value: number, digits: number): string {
  assertFinite(value, 'formatFixed');
  return new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: true, signDisplay: 'negative' }).format(value);
}

/** Significant digits: formatSig(0.000123456, 3) → "0.000123". */
export function formatSig(value: number, digits = 3): string {
  assertFinite(value, 'formatSig');
  return new Intl.NumberFormat('en-US', { maximumSignificantDigits: digits, signDisplay: 'negative' }).format(value);
}

const SI = [
  { exp: 12, suffix: 'T' },
  { exp: 9, suffix: 'B' },
  { exp: 6, suffix: 'M' },
  { exp: 3, suffix: 'K' },
] as const;

/**
 * Compact count with a suffix, as papers quote parameter counts: 20979712 → "21.0M",
 * 1115815952 → "1.12B", 512 → "512". `digits` is the number of decimals.
 */
export function formatCount(value: number, digits = 1): string {
  assertFinite(value, 'formatCount');
  const abs = Math.abs(value);
  for (const { exp, suffix } of SI) {
    if (abs >= 10 ** exp) return `${formatFixed(value / 10 ** exp, digits)}${suffix}`;
  }
  return formatInt(value);
}

/** FLOPs as GFLOP with sensible decimals: 24.16e9 → "24.2 GFLOP". */
export function formatGflop(flops: number, digits = 1): string {
  assertFinite(flops, 'formatGflop');
  return `${formatFixed(flops / 1e9, digits)} GFLOP`;
}

/** Bytes in binary units: 83918848 → "80.0 MiB". */
export function formatBytes(bytes: number, digits = 1): string {
  assertFinite(bytes, 'formatBytes');
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${formatInt(value)} B` : `${formatFixed(value, digits)} ${units[unit]}`;
}

/** A fraction as a percentage: 0.186 → "18.6%". */
export function formatPercent(fraction: number, digits = 1): string {
  assertFinite(fraction, 'formatPercent');
  return `${formatFixed(fraction * 100, digits)}%`;
}

/** Durations: 0.0123 → "12.3 ms", 4.2 → "4.20 s". */
export function formatSeconds(seconds: number): string {
  assertFinite(seconds, 'formatSeconds');
  if (Math.abs(seconds) < 1) return `${formatFixed(seconds * 1000, 1)} ms`;
  return `${formatFixed(seconds, 2)} s`;
}

/** A shape as "576 × 4096". */
export function formatShape(shape: readonly number[]): string {
  shape.forEach((d, i) => assertFinite(d, `formatShape[${i}]`));
  return shape.map((d) => formatInt(d)).join(' × ');
}

/** A ratio such as "18×" or "0.82×". */
export function formatRatio(value: number, digits = 2): string {
  assertFinite(value, 'formatRatio');
  return `${formatSig(value, digits + 1)}×`;
}
