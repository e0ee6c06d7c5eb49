/**
 * Runs the projector-budget notebook: pure arithmetic through the projector registry
 * (outputShape, paramCount, flops), no tensors. The question, schema and presentation are in
 * projector-budget.card.ts.
 */
import { getProjector } from '../src/projectors/registry';
import { card, inputAt, usable, type Config, type Result } from './projector-budget.card';
import { defineNotebook, throwIfAborted, type RunContext } from './types';

export { defaults, inputAt, PATCH, type Config, type Result } from './projector-budget.card';

async function run(cfg: Config, ctx: RunContext): Promise<Result> {
  const rows: Result['rows'] = [];
  for (const [i, id] of cfg.presets.entries()) {
    throwIfAborted(ctx.signal);
    const preset = usable.find((p) => p.id === id);
    if (!preset) throw new Error(`unknown preset "${id}"`);
    const spec = getProjector(preset.kind);
    const pcfg = spec.schema.parse(preset.config);
    const { input, gridScaled } = inputAt(preset, cfg.resolution);
    const out = spec.outputShape(pcfg, input);
    rows.push({
      preset: preset.id,
      model: preset.model,
      kind: preset.kind,
      gridScaled,
      inputTokens: input.vision[1] as number,
      visionDim: input.vision[2] as number,
      outputTokens: out[1] as number,
      llmDim: out[out.length - 1] as number,
      params: spec.paramCount(pcfg),
      flops: spec.flops(pcfg, input),
    });
    ctx.onProgress((i + 1) / cfg.presets.length, preset.model);
  }
  return { resolution: cfg.resolution, rows };
}

export const notebook = defineNotebook(card, run);
