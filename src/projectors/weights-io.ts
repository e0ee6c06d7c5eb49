/**
 * Load and save projector weights as safetensors with the PyTorch names and layouts of each
 * module's weightSpecs. Loading validates EVERY tensor (missing, unexpected, shape, dtype) before
 * creating any tf tensor, so a bad file never leaves a half-loaded model behind.
 *
 * Shapes: bytes ↔ Weights (name → tf.Tensor in PyTorch layout, e.g. Linear weight [out, in]).
 * Paper: none (file format: huggingface/safetensors). Departures: F16/BF16/F64 weights are accepted
 * and widened to float32 (tfjs computes in float32); integer tensors are rejected as weights.
 */
import * as tf from '@tensorflow/tfjs';
import { parseSafetensors, serializeSafetensors, type ParsedTensor, type SerializableTensor } from '../primitives/safetensors';
import type { ProjectorSpec, Weights } from './types';

const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16', 'F64']);
const INT_DTYPES = new Set(['I32', 'I64', 'I16', 'I8']);

const fmt = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/**
 * Every problem of `tensors` against `spec.weightSpecs(cfg)`, one message each (empty = valid):
 * missing tensor, unexpected tensor, shape mismatch, dtype mismatch.
 */
export function weightProblems<C>(spec: ProjectorSpec<C>, cfg: C, tensors: ReadonlyMap<string, { dtype: string; shape: readonly number[] }>): string[] {
  const problems: string[] = [];
  const expected = spec.weightSpecs(cfg);
  const names = new Set(expected.map((s) => s.name));
  for (const s of expected) {
    const t = tensors.get(s.name);
    if (!t) {
      problems.push(`missing tensor '${s.name}' (expected ${fmt(s.shape)}: ${s.doc})`);
      continue;
    }
    if (t.shape.length !== s.shape.length || t.shape.some((d, i) => d !== s.shape[i])) {
      problems.push(`tensor '${s.name}': expected ${fmt(s.shape)}, got ${fmt(t.shape)}`);
    }
    if (!FLOAT_DTYPES.has(t.dtype)) problems.push(`tensor '${s.name}': dtype mismatch, expected a float type (F32/F16/BF16/F64), got ${t.dtype}`);
  }
  for (const name of [...tensors.keys()].sort()) {
    if (!names.has(name)) problems.push(`unexpected tensor '${name}' (not a weight of ${spec.kind} with this config)`);
  }
  return problems;
}

/** Parse, validate against the spec, and only then create tf tensors. Throws listing all problems. */
export function loadWeights<C>(spec: ProjectorSpec<C>, cfg: C, bytes: Uint8Array): Weights {
  const parsed = parseSafetensors(bytes);
  const problems = weightProblems(spec, cfg, parsed);
  if (problems.length > 0) {
    const shown = problems.slice(0, 8).join('; ');
    const more = problems.length > 8 ? `; … and ${problems.length - 8} more` : '';
    throw new Error(`weights do not fit ${spec.kind} (${problems.length} problem${problems.length > 1 ? 's' : ''}): ${shown}${more}`);
  }
  const out: Weights = {};
  for (const s of spec.weightSpecs(cfg)) {
    const t = parsed.get(s.name) as ParsedTensor;
    out[s.name] = tf.tensor(t.data as Float32Array, [...s.shape], 'float32');
  }
  return out;
}

function toSerializable(t: tf.Tensor): SerializableTensor {
  if (t.dtype === 'int32' || t.dtype === 'bool') return { dtype: 'I32', shape: [...t.shape], data: Int32Array.from(t.dataSync() as Int32Array | Uint8Array) };
  if (t.dtype !== 'float32') throw new Error(`cannot save a ${t.dtype} tensor as safetensors`);
  return { dtype: 'F32', shape: [...t.shape], data: t.dataSync() as Float32Array };
}

/** Serialise weights (float32 → F32) with their PyTorch names. */
export function saveWeights(weights: Weights, metadata?: Record<string, string>): Uint8Array {
  return tensorsToSafetensors(weights, metadata);
}

/** Serialise any named tensors (float32 → F32, int32/bool → I32), e.g. the CLI's `tokens` output. */
export function tensorsToSafetensors(tensors: Record<string, tf.Tensor>, metadata?: Record<string, string>): Uint8Array {
  const out: Record<string, SerializableTensor> = {};
  for (const [name, t] of Object.entries(tensors)) out[name] = toSerializable(t);
  return serializeSafetensors(out, metadata);
}

/**
 * Named tensors from a safetensors file (the CLI's input/output files). Float types become
 * float32 tensors, integer types int32; U8/BOOL become int32 too. `required` names must be present.
 */
export function tensorsFromSafetensors(bytes: Uint8Array, required: readonly string[] = []): Record<string, tf.Tensor> {
  const parsed = parseSafetensors(bytes);
  const missing = required.filter((n) => !parsed.has(n));
  if (missing.length > 0) throw new Error(`missing tensor${missing.length > 1 ? 's' : ''} ${missing.map((n) => `'${n}'`).join(', ')} (file has: ${[...parsed.keys()].join(', ') || 'none'})`);
  const out: Record<string, tf.Tensor> = {};
  for (const [name, t] of parsed) {
    const dtype = FLOAT_DTYPES.has(t.dtype) ? 'float32' : 'int32';
    const data = FLOAT_DTYPES.has(t.dtype) || INT_DTYPES.has(t.dtype) ? t.data : Int32Array.from(t.data);
    out[name] = tf.tensor(data, t.shape, dtype);
  }
  return out;
}
