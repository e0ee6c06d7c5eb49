/**
 * One computed summary of a real-model preset: the numbers articles, the catalogue and the CLI show
 * (shapes, parameters, FLOPs, weight memory), all derived from the projector modules themselves.
 */
import { getPreset } from '../projectors/presets';
import { getProjector } from '../projectors/registry';
import { paramBreakdown as qformerParamBreakdown, type Config as QformerConfig } from '../projectors/qformer';
import type { InputShapes, Shape } from '../projectors/types';

export interface PresetSummary {
  id: string;
  model: string;
  kind: string;
  cite: readonly string[];
  sourceLocator: string;
  params: number;
  verifiedParams?: number;
  input?: InputShapes;
  outputShape?: Shape;
  flops?: number;
  /** Weight memory in bytes at fp32 and fp16. */
  bytesFp32: number;
  bytesFp16: number;
  /**
   * Q-Former presets only: the count split into the Q-Former proper and its final projection into
   * the LLM (opt_proj / llm_proj), from the module's own breakdown (facts.md BLIP-2 note).
   */
  breakdown?: { qformer: number; proj: number };
  /** The preset's validated configuration, for the odd width an article names (read with zod there). */
  config: Readonly<Record<string, unknown>>;
}

export function summarizePreset(id: string): PresetSummary {
  const preset = getPreset(id);
  const spec = getProjector(preset.kind);
  const config = spec.schema.parse(preset.config);
  const params = spec.paramCount(config);
  return {
    id: preset.id,
    model: preset.model,
    kind: preset.kind,
    cite: preset.cite,
    sourceLocator: preset.sourceLocator,
    params,
    verifiedParams: preset.verifiedParams,
    input: preset.input,
    outputShape: preset.input ? spec.outputShape(config, preset.input) : undefined,
    flops: preset.input ? spec.flops(config, preset.input) : undefined,
    bytesFp32: params * 4,
    bytesFp16: params * 2,
    breakdown: preset.kind === 'qformer' ? qformerParamBreakdown(config as QformerConfig) : undefined,
    config: config as Record<string, unknown>,
  };
}
