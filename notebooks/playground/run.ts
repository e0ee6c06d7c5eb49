/**
 * One Playground run: a projector of any kind and config, seeded weights (spec.init), a seeded random
 * input of the chosen shape, one forward pass, and the statistics of its output plus the attention
 * maps its trace exposes. Pure in its numbers: the same request on the same backend gives the same
 * record in Node and in the browser Worker (stack.md: wasm is bit-identical across the two). The
 * forward time is measured with the caller's clock and returned beside the record, never in it.
 *
 * Shapes: vision [B, Nv, Dv] ~ N(0, 1) with seed `seed`, text [B, Nt, ·] ~ N(0, 1) with seed `seed + 1`
 * (the same convention as the projector tests' makeInput); tokens out [B, Nout, D].
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { BackendInfo } from '../../src/runtime/backend';
import { getProjector, isKind, parseConfig } from '../../src/projectors/registry';
import { SITE_VERSION } from '../runtime/run-meta';
import { describeProjector, MEMORY_BUDGET_BYTES } from './describe';
import { formatBytes, formatInt, formatShape } from '../../src/primitives/format';
import { defaultReader } from '../../src/data/default-reader';
import { blobSource } from '../../src/primitives/safetensors';
import type { Weights } from '../../src/projectors/types';
import { saveWeights } from '../../src/projectors/weights-io';
import { inspectCheckpoint, loadMatched, type Inspection } from './checkpoint';
import { loadEncoder, type Encoder } from '../../src/runtime/encoder/mobilenet-v2';
import { loadSampleInput, SAMPLE_SHAPE, type SampleInput } from './sample-input';

export const runRequestSchema = z
  .object({
    kind: z.string().refine(isKind, { message: 'unknown projector kind' }),
    config: z.record(z.unknown()),
    seed: z.number().int().min(0).max(2 ** 31 - 1),
    tokens: z.object({ batch: z.number().int().min(1).max(64), visionTokens: z.number().int().min(1).max(16384), textTokens: z.number().int().min(1).max(4096) }).strict(),
    /** random: N(0, 1) vision tokens; sample: an emoji of the data set (./sample-input.ts). */
    input: z.enum(['random', 'sample', 'image']).default('random'),
    sample: z.number().int().min(0).default(0),
    /** input 'image': the reader's image as straight RGBA (decoded on the page), encoded here by MobileNetV2. */
    image: z
      .object({ name: z.string().max(200), width: z.number().int().min(1).max(4096), height: z.number().int().min(1).max(4096), data: z.custom<Uint8ClampedArray>((v) => v instanceof Uint8ClampedArray, { message: 'image data must be a Uint8ClampedArray' }) })
      .strict()
      .refine((im) => im.data.length === im.width * im.height * 4, { message: 'image data must hold width × height RGBA pixels' })
      .optional(),
    /** Weights from the reader's safetensors file instead of spec.init (only the needed byte ranges are read). */
    weightsFile: z.custom<Blob & { name?: string }>((v) => typeof Blob !== 'undefined' && v instanceof Blob, { message: 'weightsFile must be a File' }).optional(),
  })
  .strict();
export type RunRequest = z.infer<typeof runRequestSchema>;
/** What a caller sends (the kind still a plain string; the Worker validates it). */
export type RunRequestInput = z.input<typeof runRequestSchema>;

/** Attention maps are cut to this many query rows and key columns for the page. */
export const MAP_ROWS = 16;
export const MAP_COLS = 48;

export const attentionMapSchema = z.object({
  key: z.string(),
  /** Shape of the full trace tensor. */
  shape: z.array(z.number().int()),
  /** What the map shows: batch item 0, the last layer, averaged over heads, the first rows and columns. */
  rows: z.number().int(),
  cols: z.number().int(),
  values: z.array(z.array(z.number())),
});
export type AttentionMap = z.infer<typeof attentionMapSchema>;

export const runRecordSchema = z.object({
  meta: z.object({ kind: z.string(), config: z.record(z.unknown()), seed: z.number().int(), tokens: runRequestSchema.shape.tokens, input: z.enum(['random', 'sample', 'image']), image: z.string().optional(), weights: z.union([z.literal('seed'), z.object({ file: z.string(), convention: z.string(), bytesRead: z.number().int(), fileBytes: z.number().int() }).strict()]).default('seed'), sample: z.object({ index: z.number().int(), label: z.string(), image: z.string() }).optional(), backend: z.string(), tfjsVersion: z.string(), siteVersion: z.string() }).strict(),
  outputShape: z.array(z.number().int()),
  flops: z.number(),
  params: z.number(),
  stats: z.object({ mean: z.number(), std: z.number(), min: z.number(), max: z.number(), meanTokenNorm: z.number(), first: z.array(z.number()) }).strict(),
  attention: z.array(attentionMapSchema),
});
export type PlaygroundRecord = z.infer<typeof runRecordSchema>;

export interface RunHooks {
  onProgress(fraction: number, message: string): void;
  /** The clock for the forward time (performance.now); display only. */
  now(): number;
}

/** A weights file that does not fit the kind: carries the listing and every mismatch for the page. */
export class WeightsError extends Error {
  readonly inspection: Inspection;
  constructor(inspection: Inspection) {
    super(`the weights do not fit (${inspection.match.problems.length} problem${inspection.match.problems.length === 1 ? '' : 's'}): ${inspection.match.problems.slice(0, 3).join('; ')}${inspection.match.problems.length > 3 ? '; …' : ''}`);
    this.name = 'WeightsError';
    this.inspection = inspection;
  }
}

/** The current seeded weights as a safetensors file (PyTorch names; metadata names kind, seed and config). */
export function saveSeededWeights(kind: string, rawConfig: unknown, seed: number): Uint8Array {
  const spec = getProjector(kind);
  const config = parseConfig(kind, rawConfig);
  const weightBytes = 4 * spec.paramCount(config);
  if (weightBytes > MEMORY_BUDGET_BYTES) throw new BudgetError(`the weights alone are ${formatBytes(weightBytes)}, over the budget of ${formatBytes(MEMORY_BUDGET_BYTES)}`);
  const w = spec.init(config, seed);
  try {
    return saveWeights(w, { kind, seed: String(seed), config: JSON.stringify(config), source: 'Projector Atlas playground' });
  } finally {
    tf.dispose(Object.values(w));
  }
}

/** A config over the memory budget: refused before any weight is allocated. */
export class BudgetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BudgetError';
  }
}

/** Batch item 0, last layer, mean over heads, first rows/columns: a 2-D map from an attention trace. */
function attentionMap(key: string, t: tf.Tensor): AttentionMap | null {
  if (t.rank < 3) return null;
  const shape = [...t.shape];
  const values = tf.tidy(() => {
    let x = t.rank === 5 ? t.gather([t.shape[0] - 1], 0).squeeze([0]) : t; // [L, B, H, Q, N] → [B, H, Q, N] (last layer)
    if (x.rank === 4) x = x.gather([0], 0).squeeze([0]).mean(0); // [B, H, Q, N] → [Q, N] (item 0, mean over heads)
    else if (x.rank === 3) x = x.gather([0], 0).squeeze([0]); // [B, Q, N] → [Q, N]
    const [q, n] = x.shape as [number, number];
    return x.slice([0, 0], [Math.min(q, MAP_ROWS), Math.min(n, MAP_COLS)]).arraySync() as number[][]; // [≤16, ≤48]
  });
  return { key, shape, rows: values.length, cols: values[0]?.length ?? 0, values };
}

/** The encoder is loaded once per Worker (about 2.5 MB) and kept. */
let encoderOnce: Promise<Encoder> | undefined;

export async function runPlayground(raw: unknown, hooks: RunHooks, backend: BackendInfo): Promise<{ record: PlaygroundRecord; forwardMs: number }> {
  const req = runRequestSchema.parse(raw);
  const spec = getProjector(req.kind);
  const config = parseConfig(req.kind, req.config) as Record<string, unknown>;
  const d = describeProjector(spec.kind, config, req.tokens);
  if (d.memory.totalBytes > MEMORY_BUDGET_BYTES) {
    throw new BudgetError(`one forward pass would need about ${formatBytes(d.memory.totalBytes)} (weights ${formatBytes(d.memory.weightBytes)}), over the budget of ${formatBytes(MEMORY_BUDGET_BYTES)}`);
  }
  let sample: SampleInput | undefined;
  let imageGrid: Float32Array | undefined;
  if (req.input !== 'random' && formatShape(d.input.vision) !== formatShape(SAMPLE_SHAPE)) {
    throw new Error(`${req.input === 'sample' ? 'a data-set sample' : 'an encoded image'} is vision ${formatShape(SAMPLE_SHAPE)} (B = 1, Nv = 49, Dv = 1280), but this configuration takes vision ${formatShape(d.input.vision)}`);
  }
  if (req.input === 'image') {
    if (!req.image) throw new Error('input image: no image was given');
    hooks.onProgress(0.08, 'encoding your image with MobileNetV2');
    encoderOnce ??= defaultReader().then(loadEncoder);
    encoderOnce.catch(() => (encoderOnce = undefined)); // a failed download may be retried
    const encoder = await encoderOnce;
    imageGrid = (await encoder.encode({ width: req.image.width, height: req.image.height, data: req.image.data })).grid; // [49 · 1280]
  }
  if (req.input === 'sample') {
    if (formatShape(d.input.vision) !== formatShape(SAMPLE_SHAPE)) {
      throw new Error(`a data-set sample is vision ${formatShape(SAMPLE_SHAPE)} (B = 1, Nv = 49, Dv = 1280), but this configuration takes vision ${formatShape(d.input.vision)}`);
    }
    hooks.onProgress(0.1, 'loading the data-set sample');
    sample = await loadSampleInput(req.sample);
  }
  let weights: Weights;
  let weightsMeta: PlaygroundRecord['meta']['weights'] = 'seed';
  if (req.weightsFile) {
    hooks.onProgress(0.12, 'reading the safetensors header');
    const src = blobSource(req.weightsFile);
    const { inspection, dataStart, match } = await inspectCheckpoint(spec, config, src);
    if (match.problems.length > 0) throw new WeightsError(inspection);
    hooks.onProgress(0.2, `reading ${formatInt(match.matched.size)} tensors`);
    const loaded = await loadMatched(spec, config, src, dataStart, match);
    weights = loaded.weights;
    weightsMeta = { file: (req.weightsFile.name ?? 'weights.safetensors').slice(0, 200), convention: match.convention, bytesRead: inspection.bytesRead + loaded.bytesRead, fileBytes: src.size };
  } else {
    hooks.onProgress(0.15, `initialising ${formatInt(d.params)} weights`);
    weights = spec.init(config, req.seed);
  }
  const features = sample?.vision ?? imageGrid;
  const vision = features
    ? tf.tensor3d(features, [...SAMPLE_SHAPE])
    : tf.randomNormal<tf.Rank.R3>([...d.input.vision] as [number, number, number], 0, 1, 'float32', req.seed);
  const text = d.input.text ? tf.randomNormal<tf.Rank.R3>([...d.input.text] as [number, number, number], 0, 1, 'float32', req.seed + 1) : undefined;
  try {
    await vision.data();
    hooks.onProgress(0.5, 'forward pass');
    const t0 = hooks.now();
    const out = spec.apply(config, weights, text ? { vision, text } : { vision });
    await out.tokens.data();
    const forwardMs = hooks.now() - t0;
    hooks.onProgress(0.85, 'statistics');
    try {
      const tokens = out.tokens;
      const [mean, std, min, max, norm, first] = tf.tidy(() => {
        const m = tokens.mean();
        const s = tokens.sub(m).square().mean().sqrt();
        const n = tokens.square().sum(-1).sqrt().mean(); // [B, N, D] → [B, N] → mean L2 norm of a token
        return [m, s, tokens.min(), tokens.max(), n, tokens.flatten().slice(0, Math.min(8, tokens.size))];
      });
      const stats = {
        mean: (await mean.data())[0] as number,
        std: (await std.data())[0] as number,
        min: (await min.data())[0] as number,
        max: (await max.data())[0] as number,
        meanTokenNorm: (await norm.data())[0] as number,
        first: Array.from(await first.data()),
      };
      tf.dispose([mean, std, min, max, norm, first]);
      const attention = Object.entries(out.trace)
        .filter(([key]) => /attention/i.test(key))
        .map(([key, t]) => attentionMap(key, t))
        .filter((m): m is AttentionMap => m !== null);
      const record: PlaygroundRecord = {
        meta: { kind: req.kind, config, seed: req.seed, tokens: req.tokens, input: req.input, ...(req.input === 'image' && req.image ? { image: req.image.name } : {}), ...(sample ? { sample: { index: sample.index, label: sample.label, image: sample.image } } : {}), weights: weightsMeta, backend: backend.backend, tfjsVersion: backend.tfjsVersion, siteVersion: SITE_VERSION },
        outputShape: [...tokens.shape],
        flops: d.flops,
        params: d.params,
        stats,
        attention,
      };
      hooks.onProgress(1, 'done');
      return { record: runRecordSchema.parse(record), forwardMs };
    } finally {
      tf.dispose([out.tokens, ...Object.values(out.trace)]);
    }
  } finally {
    tf.dispose([...Object.values(weights), vision, ...(text ? [text] : [])]);
  }
}
