/**
 * Shared checks for notebook tests: every notebook runs on wasm (the backend its committed result
 * was computed on), and its committed JSON must equal a fresh run byte for byte.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../../src/runtime/backend';
import { runWithMeta, serializeRecord, type RunRecord } from '../../notebooks/runtime/run-meta';
import type { AnyNotebook, RunContext } from '../../notebooks/types';

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

export const staleMessage = (id: string): string =>
  `content/data/${id}.json is stale (it differs from a fresh run of the defaults): run \`npm run notebook -- ${id}\``;

export { serializeRecord };

/**
 * Runs the defaults twice and checks the contract every notebook keeps: both runs are identical,
 * leave no tensor behind, and equal the committed JSON byte for byte. Returns the record.
 */
export async function expectDefaultsReproduceCommitted(nb: AnyNotebook): Promise<RunRecord> {
  const a = await runCounted(nb, nb.defaults);
  const b = await runCounted(nb, nb.defaults);
  expect(a.leaked).toBe(0);
  expect(b.record).toEqual(a.record);
  expect(serializeRecord(a.record), staleMessage(nb.id)).toBe(committedText(nb.id));
  return a.record;
}

/**
 * Aborts a defaults run once progress passes `abortAfter` and checks that it rejects with an
 * AbortError at the next checkpoint (progress never passes `stopsBefore`) and leaks no tensor.
 */
export async function expectCancelStopsEarly(nb: AnyNotebook, { abortAfter = 0.2, stopsBefore }: { abortAfter?: number; stopsBefore: number }): Promise<void> {
  const controller = new AbortController();
  const before = tf.memory().numTensors;
  const seen: number[] = [];
  const ctx: RunContext = {
    onProgress: (fraction) => {
      seen.push(fraction);
      if (fraction > abortAfter) controller.abort();
    },
    signal: controller.signal,
  };
  await expect(nb.run(nb.defaults, ctx)).rejects.toMatchObject({ name: 'AbortError' });
  expect(Math.max(...seen)).toBeLessThan(stopsBefore); // it stopped at the next checkpoint, not at the end
  expect(tf.memory().numTensors).toBe(before);
}
