/**
 * Bring your own weights: find a projector's tensors in a safetensors file (a projector file, or a
 * whole model shard with the projector among other tensors), report every mismatch against the
 * chosen kind and config, and load only the matched tensors' byte ranges.
 *
 * Names recognised (reader question L4): the kind's own PyTorch names as they are; original LLaVA
 * `model.mm_projector.<i>.weight|bias` (the Sequential indices, i.e. our names under a prefix);
 * Hugging Face llava `multi_modal_projector.linear_<k>` (k = 1, 2 → Sequential index 2(k − 1),
 * optionally under `model.`); BLIP-2 / InstructBLIP (LAVIS) `Qformer.*`, `query_tokens` and
 * `*_proj`, which are already our Q-Former names, so a LAVIS checkpoint matches after dropping its
 * vision tower and LLM tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { readSafetensorsHeader, readSafetensorsTensor, type HeaderEntry, type RangeSource } from '../../src/primitives/safetensors';
import type { ProjectorSpec, Weights } from '../../src/projectors/types';

const FLOAT = new Set(['F32', 'F16', 'BF16', 'F64']);
const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** A naming convention: file name → our name (or null when it does not apply). */
interface Convention {
  id: string;
  label: string;
  rename(name: string): string | null;
}

const HF_LINEAR = /^(?:model\.)?multi_modal_projector\.linear_(\d+)\.(weight|bias)$/;

export const CONVENTIONS: Convention[] = [
  { id: 'own', label: 'the kind\'s own PyTorch names', rename: (n) => n },
  { id: 'llava', label: 'original LLaVA (model.mm_projector.*)', rename: (n) => (n.startsWith('model.mm_projector.') ? n.slice('model.mm_projector.'.length) : null) },
  { id: 'llava-plain', label: 'LLaVA projector file (mm_projector.*)', rename: (n) => (n.startsWith('mm_projector.') ? n.slice('mm_projector.'.length) : null) },
  {
    id: 'hf-llava',
    label: 'Hugging Face llava (multi_modal_projector.linear_1/2)',
    rename: (n) => {
      const m = HF_LINEAR.exec(n);
      return m ? `${2 * (Number(m[1]) - 1)}.${m[2]}` : null;
    },
  },
];

export interface Match {
  convention: string;
  label: string;
  /** our name → file entry */
  matched: Map<string, HeaderEntry>;
  /** Every problem, one message each; empty when the weights can be loaded. */
  problems: string[];
  /** File tensors that are not part of the projector (the rest of a shard). */
  ignored: number;
}

/** The convention that finds the most of the kind's tensors, with every mismatch named. */
export function matchCheckpoint<C>(spec: ProjectorSpec<C>, cfg: C, entries: readonly HeaderEntry[]): Match {
  const expected = spec.weightSpecs(cfg);
  const wanted = new Set(expected.map((w) => w.name));
  let best: { conv: Convention; map: Map<string, HeaderEntry> } | null = null;
  for (const conv of CONVENTIONS) {
    const map = new Map<string, HeaderEntry>();
    for (const e of entries) {
      const ours = conv.rename(e.name);
      if (ours !== null && wanted.has(ours) && !map.has(ours)) map.set(ours, e);
    }
    if (!best || map.size > best.map.size) best = { conv, map };
  }
  const { conv, map } = best!;
  const problems: string[] = [];
  if (map.size === 0) {
    const sample = entries.slice(0, 5).map((e) => `'${e.name}'`).join(', ');
    problems.push(`no tensor of ${spec.kind} found under any known naming (${CONVENTIONS.map((c) => c.label).join('; ')}); the file has ${entries.length} tensors${sample ? `, e.g. ${sample}` : ''}`);
  }
  for (const w of map.size === 0 ? [] : expected) {
    const e = map.get(w.name);
    if (!e) {
      problems.push(`missing tensor '${w.name}' (expected ${fmt(w.shape)}: ${w.doc})`);
      continue;
    }
    const shown = e.name === w.name ? `'${w.name}'` : `'${e.name}' (→ '${w.name}')`;
    if (e.shape.length !== w.shape.length || e.shape.some((d, i) => d !== w.shape[i])) problems.push(`tensor ${shown}: expected shape ${fmt(w.shape)}, got ${fmt(e.shape)}`);
    if (!FLOAT.has(e.dtype)) problems.push(`tensor ${shown}: expected a float dtype (F32, F16, BF16 or F64), got ${e.dtype}`);
  }
  return { convention: conv.id, label: conv.label, matched: map, problems, ignored: entries.length - map.size };
}

export interface Inspection {
  tensors: { name: string; dtype: string; shape: number[] }[];
  match: { convention: string; label: string; matched: [string, string][]; problems: string[]; ignored: number };
  bytesRead: number;
}

/** Header + match; throws an Error with the file's own message (truncated, not safetensors, …). */
export async function inspectCheckpoint<C>(spec: ProjectorSpec<C>, cfg: C, src: RangeSource): Promise<{ inspection: Inspection; dataStart: number; match: Match }> {
  let bytesRead = 0;
  const counted: RangeSource = { size: src.size, read: async (b, e) => { bytesRead += e - b; return src.read(b, e); } };
  const { entries, dataStart } = await readSafetensorsHeader(counted);
  const match = matchCheckpoint(spec, cfg, entries);
  return {
    inspection: {
      tensors: entries.map((e) => ({ name: e.name, dtype: e.dtype, shape: e.shape })),
      match: { convention: match.convention, label: match.label, matched: [...match.matched].map(([ours, e]) => [ours, e.name]), problems: match.problems, ignored: match.ignored },
      bytesRead,
    },
    dataStart,
    match,
  };
}

/** Reads only the matched tensors' byte ranges and makes float32 weights. Call only when match.problems is empty. */
export async function loadMatched<C>(spec: ProjectorSpec<C>, cfg: C, src: RangeSource, dataStart: number, match: Match): Promise<{ weights: Weights; bytesRead: number }> {
  if (match.problems.length > 0) throw new Error(`weights do not fit ${spec.kind}: ${match.problems.join('; ')}`);
  const weights: Weights = {};
  let bytesRead = 0;
  try {
    for (const w of spec.weightSpecs(cfg)) {
      const e = match.matched.get(w.name)!;
      const t = await readSafetensorsTensor(src, dataStart, e);
      bytesRead += e.end - e.begin;
      weights[w.name] = tf.tensor(t.data as Float32Array, [...w.shape], 'float32');
    }
  } catch (err) {
    tf.dispose(Object.values(weights));
    throw err;
  }
  return { weights, bytesRead };
}
