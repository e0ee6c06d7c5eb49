/**
 * The benchmark report: one zod schema for what `npm run bench` prints, what the Lab benchmark
 * page's Worker posts, and what content/data/bench-measurement.json commits; and the CSV written
 * from it. No tfjs here, so the page can validate and export a report without loading the runtime.
 *
 * Schema "atlas-bench/2" (issue 13): the ratio is to the PEAK of the same run (the best of several
 * square matMuls), not to a same-FLOPs product of the preset's odd shape as in /1.
 * Fields a later change may add (e.g. per-thread-count runs) go next to `threads`; readers ignore
 * nothing silently: the objects are strict, so an unknown field fails validation naming it.
 */
import { z } from 'zod';

export const BENCH_SCHEMA = 'atlas-bench/2';

const pos = () => z.number().finite().positive();

export const peakRowSchema = z
  .object({
    /** Square size: an n×n by n×n product, 2·n³ FLOPs. */
    n: z.number().int().positive(),
    flops: pos(),
    ms: pos(),
    gflops: pos(),
  })
  .strict();
export type PeakRow = z.infer<typeof peakRowSchema>;

export const benchRowSchema = z
  .object({
    preset: z.string().min(1),
    model: z.string().min(1),
    kind: z.string().min(1),
    /** spec.flops of the preset at its real input (multiply-adds × 2). */
    flops: pos(),
    weightBytes: pos(),
    /** Why it was not run (weights over the memory cap); then ms, gflops and ratio are absent. */
    skipped: z.string().min(1).optional(),
    ms: pos().optional(),
    gflops: pos().optional(),
    /** gflops ÷ the run's peak GFLOP/s. */
    ratio: pos().optional(),
  })
  .strict()
  .refine((r) => r.skipped !== undefined || (r.ms !== undefined && r.gflops !== undefined && r.ratio !== undefined), {
    message: 'a row that was not skipped needs ms, gflops and ratio',
  });
export type BenchRow = z.infer<typeof benchRowSchema>;

export const variantRowSchema = z.object({ variant: z.string().min(1), ms: pos(), gflops: pos(), ratio: pos() }).strict();
export type VariantRow = z.infer<typeof variantRowSchema>;

/** Where the run happened, filled by the caller (Node script or browser Worker). */
export const benchEnvSchema = z
  .object({
    env: z.enum(['node', 'chromium', 'browser']),
    /** Browser user agent, or "Node v20.x" with the platform. */
    runtime: z.string().min(1),
    /** What is known of the machine: logical cores, and the CPU model where the runtime tells it. */
    machine: z.string().min(1),
    /** ISO 8601 time the run started. */
    date: z.string().datetime(),
    /** Free text on the load while it ran (e.g. `uptime` load averages), when the caller knows it. */
    load: z.string().min(1).optional(),
  })
  .strict();
export type BenchEnv = z.infer<typeof benchEnvSchema>;

export const benchReportSchema = z
  .object({
    schema: z.literal(BENCH_SCHEMA),
    ...benchEnvSchema.shape,
    backend: z.string().min(1),
    tfjsVersion: z.string().min(1),
    simd: z.boolean().nullable(),
    /** Threads the wasm backend's XNNPACK pool uses (1 without SharedArrayBuffer); null if unknown. */
    threads: z.number().int().positive().nullable(),
    peak: z.object({ sizes: z.array(peakRowSchema).min(1), best: peakRowSchema }).strict(),
    rows: z.array(benchRowSchema),
    variants: z.array(variantRowSchema),
  })
  .strict();
export type BenchReport = z.infer<typeof benchReportSchema>;

/** Parses a report; the error names the first failing field (rows[3].ms: …). */
export function parseBenchReport(value: unknown): BenchReport {
  const r = benchReportSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : String(p)), '') ?? '';
    throw new Error(`bench report: ${where || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return r.data;
}

export const CSV_COLUMNS = ['section', 'name', 'kind', 'flops', 'ms', 'gflops', 'ratio_to_peak', 'skipped'] as const;

const csvCell = (v: string | number | undefined): string => {
  if (v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * The report as CSV: one row per square product (section "peak", ratio to the best), one per preset
 * (section "preset") and one per LLaVA variant. Raw numbers (full precision), not formatted text, so
 * a spreadsheet can recompute; the run's metadata is in the JSON download.
 */
export function reportToCsv(report: BenchReport): string {
  const peak = report.peak.best.gflops;
  const lines: (string | number | undefined)[][] = [
    [...CSV_COLUMNS],
    ...report.peak.sizes.map((p) => ['peak', `matMul ${p.n}x${p.n}x${p.n}`, 'square', p.flops, p.ms, p.gflops, p.gflops / peak, undefined]),
    ...report.rows.map((r) => ['preset', r.preset, r.kind, r.flops, r.ms, r.gflops, r.ratio, r.skipped]),
    ...report.variants.map((v) => ['variant', v.variant, 'mlp', undefined, v.ms, v.gflops, v.ratio, undefined]),
  ];
  return `${lines.map((l) => l.map(csvCell).join(',')).join('\n')}\n`;
}

/** The measured preset with the highest and the lowest ratio to the peak; throws when none was measured. */
export function summarizeReport(report: BenchReport): { best: { preset: string; ratio: number }; worst: { preset: string; ratio: number } } {
  const measured = report.rows.flatMap((r) => (r.ratio === undefined ? [] : [{ preset: r.preset, ratio: r.ratio }]));
  const first = measured[0];
  if (!first) throw new Error('bench report: no preset was measured');
  const best = measured.reduce((a, b) => (b.ratio > a.ratio ? b : a), first);
  const worst = measured.reduce((a, b) => (b.ratio < a.ratio ? b : a), first);
  return { best, worst };
}
