/**
 * The last committed benchmark measurement (content/data/bench-measurement.json, written by
 * `npm run bench -- --commit` from its headless-Chromium run), validated with the bench report
 * schema. The Lab benchmark page paints it at build time; a malformed file fails the build naming
 * the field.
 */
import raw from '../../content/data/bench-measurement.json';
import { parseBenchReport, type BenchReport } from '../bench/report';

export const BENCH_MEASUREMENT_FILE = 'content/data/bench-measurement.json';

export function committedBenchMeasurement(): BenchReport {
  try {
    return parseBenchReport(raw);
  } catch (err) {
    throw new Error(`${BENCH_MEASUREMENT_FILE}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
