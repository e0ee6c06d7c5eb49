/**
 * Card of the projector-budget notebook (schema, defaults, result, presentation; no tfjs).
 *
 * Projector budget: for a chosen list of real-model presets and an input resolution, how many
 * tokens each projector hands the LLM, how many parameters it has and what one forward pass costs.
 *
 * Pure arithmetic through the projector registry (outputShape, paramCount, flops): no tensors, so
 * it runs in milliseconds. Shapes per preset: vision [1, Nv, Dv] → tokens [1, Nout, Dm].
 * Resolution rule: input-side presets that read a full ViT patch grid (Nv = 256, 576 or 1024, i.e.
 * 224, 336 or 448 px with 14-px patches) are rescaled to Nv = (resolution / 14)², because every grid
 * preset in the catalogue comes from a /14 ViT (CLIP ViT-L/14, EVA ViT-g/14, InternViT).
 * Presets with a fixed number of input tokens (Q-Former outputs, resampler latents, pooled
 * embeddings, output-side heads, or a config that fixes Nv) keep their native Nv; the row says so.
 */
import { z } from 'zod';
import { presets, type Preset } from '../../src/projectors/presets';
import type { InputShapes } from '../../src/projectors/types';
import { seedField } from '../toolkit/cards';
import type { NotebookCard } from '../types';
import { num, type Cell, type ViewBlock } from '../view';
/** ViT patch size of every grid preset (see the module comment). */
export const PATCH = 14;

/**
 * Presets this notebook can compute: those with a real input. (Whether the kind is registered is
 * checked in run, so this card stays free of tfjs.)
 */
export const usable = Object.values(presets).filter((p): p is Preset & { input: InputShapes } => p.input !== undefined);
export const presetIds = usable.map((p) => p.id);
if (presetIds.length === 0) throw new Error('projector-budget: no usable presets in the registry');
const presetEnum = z.enum(presetIds as [string, ...string[]]);

export const schema = z
  .object({
    seed: seedField('unused: this notebook is pure arithmetic'),
    presets: z
      .array(presetEnum)
      .min(1, 'choose at least one preset')
      .refine((ids) => new Set(ids).size === ids.length, 'each preset may appear only once')
      .describe('Presets to compare'),
    resolution: z
      .number()
      .int()
      .min(112)
      .max(1344)
      .refine((px) => px % (2 * PATCH) === 0, `must be a multiple of ${2 * PATCH} px (an even number of ${PATCH}-px patches per side)`)
      .describe('Input resolution (px per side)'),
  })
  .strict();

export type Config = z.infer<typeof schema>;

const DEFAULT_PRESETS = ['llava-v1-7b', 'llava-1.5-7b', 'llava-1.5-13b', 'minigpt4-llama2', 'instructblip-vicuna7b', 'gill-input'];

export const defaults: Config = {
  seed: 0,
  presets: DEFAULT_PRESETS.filter((id) => presetIds.includes(id)), // the widely cited LLaVA family first
  resolution: 336, // LLaVA-1.5's CLIP ViT-L/14-336 input
};

const rowSchema = z
  .object({
    preset: z.string(),
    model: z.string(),
    kind: z.string(),
    /** true when Nv was rescaled to the chosen resolution, false when the preset's Nv is fixed. */
    gridScaled: z.boolean(),
    inputTokens: z.number().int().positive(),
    visionDim: z.number().int().positive(),
    outputTokens: z.number().int().positive(),
    llmDim: z.number().int().positive(),
    params: z.number().int().nonnegative(),
    flops: z.number().nonnegative().finite(),
  })
  .strict();

export const resultSchema = z
  .object({
    resolution: z.number().int(),
    rows: z.array(rowSchema).min(1),
  })
  .strict();

export type Result = z.infer<typeof resultSchema>;

/** Native input resolutions of the catalogued /14 ViTs: 224 (CLIP, EVA), 336 (CLIP-336), 448 (InternViT, Qwen-VL). */
export const NATIVE_RESOLUTIONS = [224, 336, 448] as const;
const GRID_TOKENS = new Set<number>(NATIVE_RESOLUTIONS.map((px) => (px / PATCH) ** 2)); // 256, 576, 1024

/**
 * The preset's input at `resolution`: an input-side projector reading a full patch grid (Nv is
 * (native / 14)², CLS dropped) rescales to (resolution / 14)²; everything else (Q-Former outputs,
 * resampler latents, pooled vectors, output-side heads) keeps its native input.
 */
export function inputAt(preset: Preset & { input: InputShapes }, resolution: number, side: string): { input: InputShapes; gridScaled: boolean } {
  const [b, nv, dv] = preset.input.vision as [number, number, number];
  if (side === 'input' && GRID_TOKENS.has(nv)) {
    const s = resolution / PATCH;
    return { input: { ...preset.input, vision: [b, s * s, dv] }, gridScaled: true };
  }
  return { input: preset.input, gridScaled: false };
}

function present(result: Result): ViewBlock[] {
  const rows: Cell[][] = result.rows.map((r, i) => [
    r.model,
    r.gridScaled ? r.kind : `${r.kind} (fixed input)`,
    num(r.inputTokens, 'int', `rows.${i}.inputTokens`),
    num(r.outputTokens, 'int', `rows.${i}.outputTokens`),
    num(r.params, 'count', `rows.${i}.params`),
    num(r.flops, 'gflop', `rows.${i}.flops`),
  ]);
  return [
    {
      kind: 'table',
      caption: `Tokens, parameters and forward FLOPs per image at ${result.resolution} px`,
      columns: ['Model', 'Projector', 'Tokens in', 'Tokens to LLM', 'Parameters', 'FLOPs'],
      rows,
    },
    {
      kind: 'figure',
      figure: 'bar',
      caption: 'Visual tokens each projector hands the LLM',
      data: { rows: result.rows.map((r, i) => ({ key: `rows.${i}.outputTokens`, label: r.model, value: r.outputTokens, group: r.kind })) },
      opts: { id: 'budget-tokens', title: 'Visual tokens per image', format: { kind: 'int' }, xLabel: 'tokens handed to the LLM' },
    },
  ];
}

export const card: NotebookCard<Config, Result> = {
  id: 'projector-budget',
  title: 'Projector budget: tokens, parameters and FLOPs',
  question:
    'The projector decides how many visual tokens the LLM must read and costs parameters and compute of its own. ' +
    'For real projector configurations at a given image resolution, how many tokens does each hand the LLM, ' +
    'how many parameters does it have, and how many FLOPs does one forward pass take?',
  schema,
  defaults,
  resultSchema,
  present,
};
