/**
 * Shared checks for notebook tests: every notebook runs on wasm (the backend its committed result
 * was computed on), and its committed JSON must equal a fresh run byte for byte.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../../src/lib/backend';
import { runWithMeta, serializeRecord, type RunRecord } from '../../notebooks/run-meta';
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
