/**
 * Runs the projector-budget notebook: pure arithmetic through the projector registry
 * (outputShape, paramCount, flops), no tensors. The question, schema and presentation are in
 * projector-budget.card.ts.
 */
import { getProjector } from '../../src/projectors/registry';
import { card, inputAt, usable, type Config, type Result } from './projector-budget.card';
import { defineNotebook, throwIfAborted, type RunContext } from '../types';

export { defaults, inputAt, PATCH, type Config, type Result } from './projector-budget.card';

async function run(cfg: Config, ctx: RunContext): Promise<Result> {
  const rows: Result['rows'] = [];
  for (const [i, id] of cfg.presets.entries()) {
    throwIfAborted(ctx.signal);
    const preset = usable.find((p) => p.id === id);
    if (!preset) throw new Error(`unknown preset "${id}"`);
    const spec = getProjector(preset.kind);
    const pcfg = spec.schema.parse(preset.config);
    // Some grid presets fix their token count in the config (a position embedding sized for Nv):
    // those keep their native input, and the row says the input is fixed.
    let { input, gridScaled } = inputAt(preset, cfg.resolution, spec.side);
    let out: readonly number[];
    try {
      out = spec.outputShape(pcfg, input);
    } catch (err) {
      if (!gridScaled) throw new Error(`preset ${preset.id}: ${err instanceof Error ? err.message : String(err)}`);
      input = preset.input;
      gridScaled = false;
      out = spec.outputShape(pcfg, input);
    }
    // [B, N, D] token outputs; [B, D] (one pooled vector, e.g. an output-side head) counts as 1 token.
    const [outTokens, outDim] = out.length === 3 ? [out[1], out[2]] : out.length === 2 ? [1, out[1]] : [undefined, undefined];
    if (outTokens === undefined || outDim === undefined) throw new Error(`preset ${preset.id}: unexpected output shape [${out.join(', ')}]`);
    rows.push({
      preset: preset.id,
      model: preset.model,
      kind: preset.kind,
      gridScaled,
      inputTokens: input.vision[1] as number,
      visionDim: input.vision[2] as number,
      outputTokens: outTokens,
      llmDim: outDim,
      params: spec.paramCount(pcfg),
      flops: spec.flops(pcfg, input),
    });
    ctx.onProgress((i + 1) / cfg.presets.length, preset.model);
  }
  return { resolution: cfg.resolution, rows };
}

export const notebook = defineNotebook(card, run);
