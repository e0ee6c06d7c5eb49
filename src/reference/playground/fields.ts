/**
 * The Playground's config form, read from each projector kind's own zod schema: one descriptor per
 * field (integer / number / boolean / enum, with bounds, a label and the kind's default). Runs at
 * build time; the page receives the descriptors as plain JSON, so the reader's first paint needs
 * neither zod nor tfjs.
 *
 * Bounds: the schemas say "positive integer" and little more, so the Playground adds its own upper
 * bounds (PLAYGROUND_MAX) that keep a typed value inside what a browser tab could ever hold; the
 * memory budget (./budget.ts) is the finer guard. A schema's own max (MLP depth ≤ 16) always wins.
 */
import { z } from 'zod';
import { getProjector, listKinds } from '../../projectors/registry';
import { presets } from '../../projectors/presets';
import type { InputShapes, ProjectorKind } from '../../projectors/types';

export type PlaygroundFieldKind = 'integer' | 'number' | 'boolean' | 'enum';

export interface PlaygroundField {
  key: string;
  label: string;
  kind: PlaygroundFieldKind;
  min?: number;
  max?: number;
  /** Enum options as text (ldp's version 1 | 2 is the text "1" | "2"). */
  options?: string[];
  /** Enum options whose value is a number, not a string. */
  numericOptions?: boolean;
  /** output-transformer only: the modes a field belongs to (absent = every mode). */
  modes?: string[];
}

export interface PlaygroundKind {
  kind: ProjectorKind;
  title: string;
  side: string;
  fields: PlaygroundField[];
  defaults: Record<string, unknown>;
}

export interface PlaygroundPreset {
  id: string;
  model: string;
  kind: ProjectorKind;
  config: Record<string, unknown>;
  input?: InputShapes;
}

export interface PlaygroundCatalogue {
  kinds: PlaygroundKind[];
  presets: PlaygroundPreset[];
}

/** Labels in the vocabulary of src/projectors/types.ts (letter, then meaning). */
const LABELS: Record<string, string> = {
  visionDim: 'Dv: vision token width',
  llmDim: 'Dm: LLM width',
  textDim: 'Dt: text-tower width',
  embedDim: 'E: joint embedding width',
  outputDim: 'Do: output width',
  hiddenDim: 'W: internal width',
  numHeads: 'H: attention heads',
  headDim: 'Dh: width per head',
  ffnDim: 'F: feed-forward width',
  ffnMult: 'F multiple of the block width',
  depth: 'L: layers',
  encoderDepth: 'encoder layers',
  decoderDepth: 'decoder layers',
  mlpDepth: 'readout MLP Linear layers',
  numQueries: 'Q: queries (output tokens)',
  numInputTokens: 'input tokens the position table is sized for',
  codebookSize: 'K: codes',
  codeDim: 'Dc: code width',
  rank: 'r: low-rank inner width',
  downsample: 'r: pixel-shuffle block side',
  concat: 'adjacent tokens concatenated',
  split: 'output tokens per input token',
  keep: 'tokens kept',
  poolSize: 'pooled grid side',
  crossAttentionFreq: 'cross-attention every n layers',
  eps: 'LayerNorm epsilon',
  beta: 'β: commitment weight',
  logitScaleInit: 'initial log logit scale',
  learnLogitScale: 'learn the logit scale',
  bias: 'Linear bias',
  posEmb: 'position embedding',
  instructionAware: 'instruction-aware (reads text)',
  activation: 'FFN activation',
  score: 'selection score',
  psVersion: 'pixel-shuffle version',
  projName: 'projection name',
  version: 'LDP version',
  mode: 'mode',
};

/** Upper bounds the Playground adds (see the file comment). */
const PLAYGROUND_MAX: Record<string, number> = {
  depth: 64,
  encoderDepth: 64,
  decoderDepth: 64,
  mlpDepth: 16,
  numHeads: 256,
  numQueries: 4096,
  numInputTokens: 16384,
  concat: 64,
  split: 64,
  keep: 16384,
  poolSize: 256,
  downsample: 16,
  crossAttentionFreq: 64,
  ffnMult: 16,
  codebookSize: 1_048_576,
};
/** Any other width: 65,536 is above every real model's (the widest in the presets is 8,192). */
const DEFAULT_INT_MAX = 65_536;
const NUMBER_RANGES: Record<string, [number, number]> = {
  eps: [1e-12, 0.1],
  beta: [0, 100],
  logitScaleInit: [-20, 20],
};

function unwrap(type: z.ZodTypeAny): z.ZodTypeAny {
  let t = type;
  for (;;) {
    if (t instanceof z.ZodDefault || t instanceof z.ZodOptional || t instanceof z.ZodNullable) t = t._def.innerType;
    else if (t instanceof z.ZodEffects) t = t._def.schema;
    else return t;
  }
}

function describeField(key: string, type: z.ZodTypeAny): PlaygroundField {
  const label = LABELS[key] ?? key;
  const inner = unwrap(type);
  if (inner instanceof z.ZodNumber) {
    if (inner.isInt) {
      const schemaMin = inner.minValue ?? 0;
      // z.number().int().positive() stores min 0 exclusive; nonnegative stores 0 inclusive.
      const exclusive = inner._def.checks.some((c) => c.kind === 'min' && !c.inclusive);
      const min = exclusive ? schemaMin + 1 : schemaMin;
      const max = Math.min(inner.maxValue ?? Infinity, PLAYGROUND_MAX[key] ?? DEFAULT_INT_MAX);
      return { key, label, kind: 'integer', min, max };
    }
    const range = NUMBER_RANGES[key];
    if (!range) throw new Error(`playground: no range for number field "${key}"`);
    return { key, label, kind: 'number', min: range[0], max: range[1] };
  }
  if (inner instanceof z.ZodBoolean) return { key, label, kind: 'boolean' };
  if (inner instanceof z.ZodEnum) return { key, label, kind: 'enum', options: [...(inner.options as string[])] };
  if (inner instanceof z.ZodLiteral) return { key, label, kind: 'enum', options: [String(inner.value)], numericOptions: typeof inner.value === 'number' };
  if (inner instanceof z.ZodUnion) {
    const values = (inner.options as z.ZodTypeAny[]).map((o) => {
      const lit = unwrap(o);
      if (!(lit instanceof z.ZodLiteral)) throw new Error(`playground: field "${key}" is a union of non-literals`);
      return lit.value as string | number;
    });
    return { key, label, kind: 'enum', options: values.map(String), numericOptions: values.every((v) => typeof v === 'number') };
  }
  throw new Error(`playground: field "${key}" has a type the form cannot show`);
}

function objectFields(obj: z.ZodObject<z.ZodRawShape>): PlaygroundField[] {
  return Object.entries(obj.shape).map(([k, t]) => describeField(k, t as z.ZodTypeAny));
}

/** The form fields of a kind, in schema order; a discriminated union lists its discriminator first. */
export function playgroundFields(kind: ProjectorKind): PlaygroundField[] {
  const schema = unwrap(getProjector(kind).schema as z.ZodTypeAny);
  if (schema instanceof z.ZodObject) return objectFields(schema);
  if (schema instanceof z.ZodDiscriminatedUnion) {
    const disc = schema.discriminator as string;
    const options = [...schema.options.values()] as z.ZodObject<z.ZodRawShape>[];
    const modes = options.map((o) => String(unwrap(o.shape[disc] as z.ZodTypeAny)._def.value));
    const fields: PlaygroundField[] = [{ key: disc, label: LABELS[disc] ?? disc, kind: 'enum', options: modes }];
    const byKey = new Map<string, PlaygroundField>();
    options.forEach((o, i) => {
      for (const f of objectFields(o)) {
        if (f.key === disc) continue;
        const seen = byKey.get(f.key);
        if (seen) seen.modes = [...(seen.modes ?? []), modes[i] as string];
        else {
          const field = { ...f, modes: [modes[i] as string] };
          byKey.set(f.key, field);
          fields.push(field);
        }
      }
    });
    return fields;
  }
  throw new Error(`playground: the ${kind} schema is neither an object nor a discriminated union`);
}

/** Every kind with its fields and defaults, and every preset, as plain JSON for the page. */
export function playgroundCatalogue(): PlaygroundCatalogue {
  const kinds = listKinds().map((kind) => {
    const spec = getProjector(kind);
    return { kind, title: spec.title, side: spec.side, fields: playgroundFields(kind), defaults: { ...(spec.defaults as Record<string, unknown>) } };
  });
  const list = Object.values(presets)
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((p) => ({ id: p.id, model: p.model, kind: p.kind, config: { ...(getProjector(p.kind).schema.parse(p.config) as Record<string, unknown>) }, ...(p.input ? { input: p.input } : {}) }));
  return { kinds, presets: list };
}
