/**
 * Shared scaffolding for the notebook tests. Every notebook runs on wasm (the backend its committed
 * result was computed on); its defaults run once in `beforeAll`, so any one test of a file can run
 * alone (`vitest run <file> -t '<name>'`); and `notebookContract` writes the tests every notebook
 * keeps: the defaults run is deterministic, leak-free and equals the committed JSON byte for byte;
 * a bad config is rejected naming its fields; Cancel stops the run and leaks nothing.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import { useBestBackend } from '../../src/runtime/backend';
import { runWithMeta, serializeRecord, type RunRecord } from '../../notebooks/runtime/run-meta';
import { runSeedSweep } from '../../notebooks/runtime/seed-sweep';
import { seedSweepSchema, type Difference, type SeedSweepResult, type Spread } from '../../notebooks/toolkit/seed-sweep';
import { ConfigError, type AnyNotebook, type RunContext } from '../../notebooks/types';

/** Real data and trained projectors: seconds on a quiet machine, a minute on a busy one. */
export const SLOW = 600_000;

export async function onWasm(): Promise<{ backend: 'wasm' | 'cpu'; tfjsVersion: string }> {
  const used = await useBestBackend('wasm');
  if (used.backend !== 'wasm') throw new Error(`wasm backend did not load: ${used.fallbackReason ?? 'unknown reason'}`);
  return used;
}

export const quietCtx = (signal: AbortSignal = new AbortController().signal): RunContext => ({ onProgress: () => undefined, signal });

/** Runs with meta and reports how many tensors the run left behind. */
export async function runCounted(nb: AnyNotebook, config: unknown): Promise<{ record: RunRecord; leaked: number }> {
  const used = await onWasm();
  const before = tf.memory().numTensors;
  const record = await runWithMeta(nb, config, quietCtx(), used);
  return { record, leaked: tf.memory().numTensors - before };
}

export const committedText = (id: string): string => readFileSync(resolve(__dirname, '../../content/data', `${id}.json`), 'utf8');

/** The committed result of a notebook, parsed. */
export const committedResult = <R>(id: string): R => (JSON.parse(committedText(id)) as { result: R }).result;

/** The committed seed sweep of a notebook (the contract test proves it equals a fresh sweep). */
export function committedSweep(id: string): SeedSweepResult {
  const sweep = committedResult<{ seedSweep?: unknown }>(id).seedSweep;
  if (sweep === undefined) throw new Error(`content/data/${id}.json has no seed sweep: run \`npm run notebook -- ${id}\``);
  return seedSweepSchema.parse(sweep);
}

/** A measure or difference of a sweep by name, or a failure naming it. */
export function measure(sweep: SeedSweepResult, name: string): Spread {
  const m = sweep.measures[name];
  if (!m) throw new Error(`the seed sweep has no measure "${name}" (${Object.keys(sweep.measures).join(', ')})`);
  return m;
}
export function difference(sweep: SeedSweepResult, name: string): Difference {
  const d = sweep.differences[name];
  if (!d) throw new Error(`the seed sweep has no difference "${name}" (${Object.keys(sweep.differences).join(', ')})`);
  return d;
}

const staleMessage = (id: string): string =>
  `content/data/${id}.json is stale (it differs from a fresh run of the defaults): run \`npm run notebook -- ${id}\``;

/**
 * Runs the notebook's defaults once before the file's tests and returns a reader of that run. Each
 * test reads the run it needs, so one test run alone still has it.
 */
export function defaultsRun<R>(nb: AnyNotebook, timeout = SLOW): { result: () => R; counted: () => { record: RunRecord; leaked: number } } {
  let counted: { record: RunRecord; leaked: number } | undefined;
  beforeAll(async () => {
    counted = await runCounted(nb, nb.defaults);
  }, timeout);
  const get = (): { record: RunRecord; leaked: number } => {
    if (!counted) throw new Error(`${nb.id}: the defaults run did not finish in beforeAll`);
    return counted;
  };
  return { result: () => get().record.result as R, counted: get };
}

/** Each named paired difference has the same sign on every seed, and it is `sign`. */
export function expectDifferenceOnEverySeed(sweep: SeedSweepResult, names: readonly string[], sign: 1 | -1): void {
  for (const name of names) {
    const d = difference(sweep, name);
    expect(d.sameSign, name).toBe(true);
    if (sign > 0) expect(d.min, name).toBeGreaterThan(0);
    else expect(d.max, name).toBeLessThan(0);
  }
}

/** The seeds disagree on the sign of this difference (the prose calls none), and it never falls below `floor`. */
export function expectNoDifference(sweep: SeedSweepResult, name: string, floor: number): void {
  const d = difference(sweep, name);
  expect(d.sameSign, name).toBe(false);
  expect(d.min, name).toBeGreaterThan(floor);
}

/** On every seed, measure `a` is at least `factor` times measure `b` of the same seed. */
export function expectRatioOnEverySeed(sweep: SeedSweepResult, a: string, b: string, factor: number): void {
  const under = measure(sweep, b).values;
  measure(sweep, a).values.forEach((v, i) => expect(v, `${a} ≥ ${factor} × ${b}, seed ${sweep.seeds[i]}`).toBeGreaterThanOrEqual(factor * (under[i] as number)));
}

/** The entry of `xs` with this key (a run, a model, a method), or a failure naming the key. */
export function byKey<T extends { key: string }>(xs: readonly T[], key: string): T {
  const found = xs.find((x) => x.key === key);
  if (!found) throw new Error(`no entry with key "${key}" (keys: ${xs.map((x) => x.key).join(', ')})`);
  return found;
}

/** The last element of a non-empty list. */
export const last = <T>(xs: readonly T[]): T => xs[xs.length - 1] as T;

export interface ContractCase {
  /** The file's defaults run. */
  run: ReturnType<typeof defaultsRun>;
  timeout?: number;
  /** Changes that make two or more fields invalid, and the fields the error must name, in order. */
  invalid: { change: Record<string, unknown>; fields: string[] };
  /** Further bad configs and the message each is rejected with. */
  rejects: { change: Record<string, unknown>; message: RegExp }[];
  /** Progress passes `abortAfter` (default 0.2), Cancel fires, and the run must stop before `stopsBefore`. */
  cancel: { abortAfter?: number; stopsBefore: number };
}

/** The tests every notebook keeps (see the module comment). */
export function notebookContract(nb: AnyNotebook, c: ContractCase): void {
  const timeout = c.timeout ?? SLOW;

  test(
    'defaults run is deterministic, leak-free and equals the committed result',
    async () => {
      const first = c.run.counted();
      const again = await runCounted(nb, nb.defaults);
      expect(first.leaked).toBe(0);
      expect(again.leaked).toBe(0);
      expect(again.record).toEqual(first.record);
      // The committed file adds the seed sweep (checked against a fresh sweep in the next test).
      const seedSweep = nb.seedSweep ? committedResult<{ seedSweep?: unknown }>(nb.id).seedSweep : undefined;
      const record = seedSweep === undefined ? first.record : { ...first.record, result: nb.resultSchema.parse({ ...(first.record.result as object), seedSweep }) };
      expect(serializeRecord(record), staleMessage(nb.id)).toBe(committedText(nb.id));
    },
    timeout,
  );

  if (nb.seedSweep) {
    test(
      'the committed seed sweep equals a fresh sweep over its seeds',
      async () => {
        await onWasm();
        const before = tf.memory().numTensors;
        const fresh = await runSeedSweep(nb, nb.defaults, quietCtx());
        expect(tf.memory().numTensors).toBe(before);
        expect(fresh?.seeds.length).toBeGreaterThanOrEqual(5);
        expect(fresh, staleMessage(nb.id)).toEqual(committedSweep(nb.id));
      },
      timeout,
    );
  }

  test('a bad config is rejected naming the field', async () => {
    const err = await nb.run({ ...nb.defaults, ...c.invalid.change }, quietCtx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues.map((i) => i.field)).toEqual(c.invalid.fields);
    for (const r of c.rejects) await expect(nb.run({ ...nb.defaults, ...r.change }, quietCtx())).rejects.toThrow(r.message);
  });

  test(
    'cancel mid-run rejects with an AbortError and leaks nothing',
    async () => {
      await onWasm();
      const controller = new AbortController();
      const before = tf.memory().numTensors;
      const seen: number[] = [];
      const ctx: RunContext = {
        onProgress: (fraction) => {
          seen.push(fraction);
          if (fraction > (c.cancel.abortAfter ?? 0.2)) controller.abort();
        },
        signal: controller.signal,
      };
      await expect(nb.run(nb.defaults, ctx)).rejects.toMatchObject({ name: 'AbortError' });
      expect(Math.max(...seen)).toBeLessThan(c.cancel.stopsBefore); // it stopped at the next checkpoint, not at the end
      expect(tf.memory().numTensors).toBe(before);
    },
    timeout,
  );
}
