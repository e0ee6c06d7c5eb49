/**
 * Shared helpers for the attention-kind tests: wasm backend setup, golden fixture loading
 * (tests/fixtures/golden/<kind>/, written by scripts/golden/attention_kinds.py) and the relative
 * error max|a − b| / max(1, max|b|) used for golden parity.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { parseSafetensors } from '../../../../src/primitives/safetensors';
import type { Weights } from '../../../../src/projectors/types';

export async function useWasm(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
}

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'golden');

function readTensors(path: string): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [name, t] of parseSafetensors(new Uint8Array(readFileSync(path)))) {
    out[name] = tf.tensor(t.data as Float32Array, t.shape, 'float32');
  }
  return out;
}

export interface Golden {
  config: unknown;
  weights: Weights;
  inputs: Record<string, tf.Tensor>;
  outputs: Record<string, tf.Tensor>;
  dispose(): void;
}

export function loadGolden(kind: string): Golden {
  const dir = join(FIXTURES, kind);
  const weights = readTensors(join(dir, 'weights.safetensors'));
  const inputs = readTensors(join(dir, 'input.safetensors'));
  const outputs = readTensors(join(dir, 'output.safetensors'));
  return {
    config: JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as unknown,
    weights,
    inputs,
    outputs,
    dispose: () => tf.dispose([...Object.values(weights), ...Object.values(inputs), ...Object.values(outputs)]),
  };
}

/** max|a − b| / max(1, max|b|). */
export function relError(a: tf.Tensor, b: tf.Tensor): number {
  if (a.shape.join() !== b.shape.join()) throw new Error(`shape mismatch [${a.shape}] vs [${b.shape}]`);
  const x = a.dataSync();
  const y = b.dataSync();
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < x.length; i += 1) {
    diff = Math.max(diff, Math.abs((x[i] as number) - (y[i] as number)));
    scale = Math.max(scale, Math.abs(y[i] as number));
  }
  return diff / scale;
}

/** Total element count of a weight record. */
export const weightsSize = (w: Weights): number => Object.values(w).reduce((s, t) => s + t.size, 0);

export const disposeWeights = (w: Weights): void => tf.dispose(Object.values(w));
