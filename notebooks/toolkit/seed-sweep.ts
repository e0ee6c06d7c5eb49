/**
 * The seed sweep (card side, no tfjs): one seed is not a result. A card that compares methods names
 * its headline numbers and the comparisons between them; the CLI runs the card's config once per
 * seed of the sweep (seed replaced, everything else as configured) and commits, beside the
 * single-seed result, each number's mean, sample standard deviation and range over the seeds, and
 * each comparison's paired difference (the two methods of a seed share its data, initialisation and
 * minibatches). The prose calls a difference only when it has the same sign on every seed.
 *
 * A live run in the browser stays single-seed (five seeds do not fit the 5-s budget of the training
 * notebooks); the page shows the sweep from the committed file.
 */
import { z } from 'zod';
import { formatInt } from '../../src/primitives/format';
import { num, type Cell, type CellFormat, type TableBlock } from '../view';

const finite = z.number().finite();

/** The values of one number over the seeds (in seed order) and their summary. */
export const spreadSchema = z
  .object({
    values: z.array(finite).min(2),
    mean: finite,
    /** Sample standard deviation (n − 1). */
    sd: finite,
    min: finite,
    max: finite,
  })
  .strict();
export type Spread = z.infer<typeof spreadSchema>;

const differenceSchema = spreadSchema
  .extend({
    /** The paired difference a − b has the same sign on every seed (and is never zero). */
    sameSign: z.boolean(),
  })
  .strict();
export type Difference = z.infer<typeof differenceSchema>;

/** The committed summary of a sweep: `result.seedSweep`. */
export const seedSweepSchema = z
  .object({
    seeds: z.array(z.number().int()).min(5),
    measures: z.record(z.string(), spreadSchema),
    differences: z.record(z.string(), differenceSchema),
  })
  .strict();
export type SeedSweepResult = z.infer<typeof seedSweepSchema>;

/** Mean, sample standard deviation, minimum and maximum (float64, in this order of operations). */
export function spreadOf(values: readonly number[]): Spread {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  return { values: [...values], mean, sd, min: Math.min(...values), max: Math.max(...values) };
}

/** The sweep a card declares. `R` is the notebook's result, `C` its config. */
export interface SeedSweepSpec<C, R> {
  /** At least five seeds; the default seed first, so the committed single run is one of them. */
  seeds: readonly number[];
  /**
   * The runs of one seed, by name: the config with that seed, and any variant a comparison needs
   * (a fixed temperature beside the learned one). Default: `{ main: config }`.
   */
  variants?: (config: C) => Record<string, C>;
  /** Each headline number: a label for the table, its format, and how to read it from one seed's runs. */
  measures: Record<string, { label: string; format: CellFormat; of: (runs: Record<string, R>) => number }>;
  /** Each comparison: the paired difference a − b of two measures. */
  differences: Record<string, { label: string; a: string; b: string }>;
}

/** The runs of one seed (see SeedSweepSpec.variants). */
export const sweepVariants = <C extends { seed: number }, R>(spec: SeedSweepSpec<C, R>, config: C, seed: number): Record<string, C> => {
  const withSeed = { ...config, seed };
  return spec.variants ? spec.variants(withSeed) : { main: withSeed };
};

/** Summarises the runs of every seed (`perSeed[i]` holds seed i's runs by variant name). */
export function summariseSweep<C, R>(spec: SeedSweepSpec<C, R>, perSeed: readonly Record<string, R>[]): SeedSweepResult {
  const values: Record<string, number[]> = {};
  for (const [name, m] of Object.entries(spec.measures)) values[name] = perSeed.map((runs) => m.of(runs));
  const measures: Record<string, Spread> = {};
  for (const [name, v] of Object.entries(values)) measures[name] = spreadOf(v);
  const differences: Record<string, Difference> = {};
  for (const [name, d] of Object.entries(spec.differences)) {
    const a = values[d.a];
    const b = values[d.b];
    if (!a || !b) throw new Error(`seed sweep: difference "${name}" names an unknown measure (${d.a}, ${d.b})`);
    const diff = a.map((v, i) => v - (b[i] as number));
    differences[name] = { ...spreadOf(diff), sameSign: diff.every((x) => x > 0) || diff.every((x) => x < 0) };
  }
  return { seeds: [...spec.seeds], measures, differences };
}

/** The two tables of a committed sweep: every headline number, then every paired difference. */
export function sweepTables<C, R>(spec: SeedSweepSpec<C, R>, sweep: SeedSweepResult): TableBlock[] {
  const seeds = `${sweep.seeds.length} seeds (${sweep.seeds.map((s) => formatInt(s)).join(', ')})`;
  const spreadCells = (s: Spread, key: string, format: CellFormat): Cell[] => (['mean', 'sd', 'min', 'max'] as const).map((f) => num(s[f], format, `${key}.${f}`));
  return [
    {
      kind: 'table',
      caption: `Seed spread: each headline number over ${seeds}, the configuration otherwise the committed one. Computed by the CLI; a live run is one seed.`,
      columns: ['Number', 'Mean', 'SD', 'Min', 'Max'],
      rows: Object.entries(spec.measures).map(([name, m]) => [m.label, ...spreadCells(sweep.measures[name] as Spread, `seedSweep.measures.${name}`, m.format)]),
    },
    {
      kind: 'table',
      caption: `Paired differences over the same ${seeds}: a difference is claimed only where it has the same sign on every seed.`,
      columns: ['Comparison (a − b)', 'Mean', 'SD', 'Min', 'Max', 'Same sign'],
      rows: Object.entries(spec.differences).map(([name, d]) => {
        const diff = sweep.differences[name] as Difference;
        const format = spec.measures[d.a]?.format ?? 'sig3';
        return [d.label, ...spreadCells(diff, `seedSweep.differences.${name}`, format), diff.sameSign ? 'yes' : 'no'];
      }),
    },
  ];
}
