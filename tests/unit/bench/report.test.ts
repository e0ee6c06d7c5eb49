/**
 * The benchmark report (src/bench/report.ts) and core (src/bench/bench-core.ts): a real Node run on
 * two small presets parses against the schema with a peak that is the best square product; the CSV
 * parses back to the same numbers; bad inputs are refused naming what is wrong; the committed
 * measurement is a valid report.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { BenchCancelled, PEAK_SIZES, benchPresets, parseOnly, parsePeakSizes, runBench } from '../../../src/bench/bench-core';
import { CSV_COLUMNS, parseBenchReport, reportToCsv, summarizeReport, type BenchReport } from '../../../src/bench/report';
import { committedBenchMeasurement } from '../../../src/reference/bench-measurement';
import { setupBackend } from '../projectors/setup';

const env = { env: 'node' as const, runtime: 'Node test', machine: 'test machine', date: '2026-12-05T07:30:00.000Z' };
const clock = { now: () => performance.now(), pause: () => Promise.resolve() };

/** A minimal CSV reader for the quoting reportToCsv writes (quotes only around , " and newlines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.trimEnd().split('\n')) {
    const cells: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i += 1) {
      const ch = line[i] as string;
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') (cur += '"'), (i += 1);
        else if (ch === '"') quoted = false;
        else cur += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') cells.push(cur), (cur = '');
      else cur += ch;
    }
    cells.push(cur);
    rows.push(cells);
  }
  return rows;
}

describe('bench report', () => {
  let report: BenchReport;
  const progress: [number, number, string][] = [];
  beforeAll(async () => {
    await setupBackend();
    report = await runBench(env, clock, { only: ['gill-input', 'clip-b32'], peakSizes: [512, 640], onProgress: (d, t, l) => progress.push([d, t, l]) });
  }, 120_000);

  it('a real run is a valid report whose peak is the best square product', () => {
    const parsed = parseBenchReport(JSON.parse(JSON.stringify(report)));
    expect(parsed.schema).toBe('atlas-bench/2');
    expect(parsed.backend).toBe('wasm');
    expect(parsed.peak.sizes.map((p) => p.n)).toEqual([512, 640]);
    expect(parsed.peak.best.gflops).toBe(Math.max(...parsed.peak.sizes.map((p) => p.gflops)));
    for (const p of parsed.peak.sizes) expect(p.flops).toBe(2 * p.n ** 3);
    expect(parsed.rows.map((r) => r.preset).sort()).toEqual(['clip-b32', 'gill-input']);
    for (const r of parsed.rows) {
      expect(r.ratio).toBeCloseTo((r.gflops as number) / parsed.peak.best.gflops, 12);
      expect(r.gflops).toBeCloseTo(r.flops / (r.ms as number) / 1e6, 9);
    }
    expect(parsed.threads === null || parsed.threads >= 1).toBe(true);
  });

  it('reports progress before every measurement and once at the end', () => {
    expect(progress.map(([d]) => d)).toEqual([0, 1, 2, 3, 4]);
    expect(progress.every(([, t]) => t === 4)).toBe(true);
    expect(progress.at(-1)?.[2]).toBe('done');
  });

  it('the CSV parses back to the report numbers', () => {
    const rows = parseCsv(reportToCsv(report));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    const body = rows.slice(1);
    expect(body.filter((r) => r[0] === 'peak')).toHaveLength(2);
    const gill = body.find((r) => r[1] === 'gill-input') as string[];
    const row = report.rows.find((r) => r.preset === 'gill-input')!;
    expect(Number(gill[3])).toBe(row.flops);
    expect(Number(gill[4])).toBe(row.ms);
    expect(Number(gill[6])).toBe(row.ratio);
    for (const r of body) for (const i of [4, 5, 6]) expect(Number.isFinite(Number(r[i])) && Number(r[i]) > 0).toBe(true);
  });

  it('summarizeReport names the fastest and slowest preset', () => {
    const { best, worst } = summarizeReport(report);
    const ratios = report.rows.map((r) => r.ratio as number);
    expect(best.ratio).toBe(Math.max(...ratios));
    expect(worst.ratio).toBe(Math.min(...ratios));
  });

  it('refuses a malformed report naming the field', () => {
    const bad = JSON.parse(JSON.stringify(report)) as { rows: { ms?: number }[] };
    bad.rows[0]!.ms = -1;
    expect(() => parseBenchReport(bad)).toThrow(/rows\[0\]\.ms/);
    const missing = JSON.parse(JSON.stringify(report)) as { rows: { ms?: number }[] };
    delete missing.rows[1]!.ms;
    expect(() => parseBenchReport(missing)).toThrow(/rows\[1\]/);
    expect(() => parseBenchReport({ ...report, schema: 'atlas-bench/1' })).toThrow(/schema/);
  });
});

describe('bench inputs', () => {
  it('peak sizes must be whole numbers from 512 to 2048', () => {
    expect(parsePeakSizes([512, 2048])).toEqual([512, 2048]);
    expect(() => parsePeakSizes([256])).toThrow(/"256"/);
    expect(() => parsePeakSizes([Number.NaN])).toThrow(/"NaN"/);
    expect(() => parsePeakSizes([])).toThrow(/at least one/);
  });

  it('a preset subset must name benchmarked presets', () => {
    const id = benchPresets()[0]!.id;
    expect(parseOnly([id])).toEqual([id]);
    expect(() => parseOnly([id, 'no-such-model'])).toThrow(/"no-such-model"/);
  });

  it('an aborted signal stops the run before the next measurement', async () => {
    await setupBackend();
    const ctl = new AbortController();
    ctl.abort();
    await expect(runBench(env, { ...clock, signal: ctl.signal }, { only: ['gill-input'], peakSizes: [512] })).rejects.toBeInstanceOf(BenchCancelled);
  });
});

describe('committed measurement', () => {
  it('is a valid report with every benchmarked preset measured or skipped with a reason', () => {
    const r = committedBenchMeasurement();
    expect(r.env).toBe('chromium');
    expect(r.backend).toBe('wasm');
    expect(r.peak.sizes.map((p) => p.n)).toEqual([...PEAK_SIZES]);
    expect(r.rows.map((row) => row.preset)).toEqual(benchPresets().map((p) => p.id));
    for (const row of r.rows) expect(row.skipped !== undefined || (row.ratio ?? 0) > 0).toBe(true);
    // The peak is a ceiling: no preset beat the best square product by more than measurement noise.
    for (const row of r.rows) expect(row.ratio ?? 0, row.preset).toBeLessThan(1.1);
  });
});
