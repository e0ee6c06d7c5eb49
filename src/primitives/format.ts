/**
 * The one place numbers become text. Every number painted on a page, in a figure or in the CLI goes
 * through these functions, so a test can format the committed value the same way and compare.
 * All output uses a fixed locale (en-US grouping) so build-time and browser output agree.
 */
import { z } from 'zod';

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

/** How to turn a number into text: one of format.ts's functions and its digits. */
export const formatSpecSchema = z
  .object({
    kind: z.enum(['int', 'count', 'fixed', 'sig', 'percent', 'gflop', 'bytes', 'seconds', 'ratio']),
    digits: z.number().int().min(0).max(8).optional(),
    /** Appended after the formatted number, e.g. " tok". */
    suffix: z.string().max(24).optional(),
  })
  .strict();
export type FormatSpec = z.infer<typeof formatSpecSchema>;

/**
 * The single dispatcher from a FormatSpec to the functions above. Figures, table cells, <Num> and the
 * tests all format through it, so a default (digits) is decided in exactly one place.
 */
export function formatValue(spec: FormatSpec, value: number): string {
  const d = spec.digits;
  let text: string;
  switch (spec.kind) {
    case 'int':
      text = formatInt(value);
      break;
    case 'count':
      text = formatCount(value, d ?? 1);
      break;
    case 'fixed':
      text = formatFixed(value, d ?? 2);
      break;
    case 'sig':
      text = formatSig(value, d ?? 3);
      break;
    case 'percent':
      text = formatPercent(value, d ?? 1);
      break;
    case 'gflop':
      text = formatGflop(value, d ?? 1);
      break;
    case 'bytes':
      text = formatBytes(value, d ?? 1);
      break;
    case 'seconds':
      text = formatSeconds(value);
      break;
    case 'ratio':
      text = formatRatio(value, d ?? 2);
      break;
  }
  return spec.suffix ? `${text}${spec.suffix}` : text;
}

/** For text alternatives, where no FormatSpec is known: counts above 1,000, else 3 significant digits. */
export function formatAuto(value: number): string {
  return Math.abs(value) >= 1000 ? formatCount(value, 1) : formatSig(value, 3);
}
