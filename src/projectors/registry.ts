/**
 * The one table that names every projector kind, after LLaVA's `build_vision_projector`
 * (haotian-liu/LLaVA llava/model/multimodal_projector/builder.py): kind → ProjectorSpec.
 *
 * Shapes: none (lookup only). Papers: see each module's `cite`.
 * Departures: none; unlike LLaVA's builder it also names output-side and joint-embedding kinds.
 */
import { ZodError } from 'zod';
import { spec as cAbstractor } from './c-abstractor';
import { spec as codebook } from './codebook';
import { spec as crossAttentionResampler } from './cross-attention-resampler';
import { spec as dualProjection } from './dual-projection';
import { spec as gatedCrossAttention } from './gated-cross-attention';
import { spec as ldp } from './ldp';
import { spec as linear } from './linear';
import { spec as lowRank } from './low-rank';
import { spec as mlp } from './mlp';
import { spec as outputTransformer } from './output-transformer';
import { spec as perceiverResampler } from './perceiver-resampler';
import { spec as pixelShuffleMlp } from './pixel-shuffle-mlp';
import { spec as qformer } from './qformer';
import { spec as tokenSelection } from './token-selection';
import type { ProjectorKind, ProjectorSpec } from './types';

/** Each module's Config differs; the registry erases it, and callers validate with parseConfig. */
export type AnySpec = ProjectorSpec<any>;

const registry: Record<ProjectorKind, AnySpec> = {
  linear,
  mlp,
  qformer,
  'perceiver-resampler': perceiverResampler,
  'gated-cross-attention': gatedCrossAttention,
  'cross-attention-resampler': crossAttentionResampler,
  'c-abstractor': cAbstractor,
  ldp,
  'pixel-shuffle-mlp': pixelShuffleMlp,
  'token-selection': tokenSelection,
  'low-rank': lowRank,
  'dual-projection': dualProjection,
  'output-transformer': outputTransformer,
  codebook,
};

/** Every kind, in the order of types.ts. */
export function listKinds(): ProjectorKind[] {
  return Object.keys(registry) as ProjectorKind[];
}

export function isKind(kind: string): kind is ProjectorKind {
  return Object.hasOwn(registry, kind);
}

/** The spec of a kind; an unknown kind is an Error listing the known ones. */
export function getProjector(kind: string): AnySpec {
  if (!isKind(kind)) throw new Error(`unknown projector kind '${kind}' (known: ${listKinds().join(', ')})`);
  return registry[kind];
}

/**
 * Validate a raw config (e.g. parsed JSON) against a kind's schema. The Error names every bad
 * field as `config.<path>: <message>`.
 */
export function parseConfig(kind: string, raw: unknown): unknown {
  const spec = getProjector(kind);
  try {
    return spec.schema.parse(raw);
  } catch (err) {
    if (err instanceof ZodError) {
      const lines = err.issues.map((i) => `config.${i.path.join('.') || '(root)'}: ${i.message}`);
      throw new Error(`invalid ${kind} config: ${lines.join('; ')}`);
    }
    throw err;
  }
}
