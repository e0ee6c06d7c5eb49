/**
 * Computed numbers and figure data for the output-side section of "How projectors meet encoders and
 * decoders" (content/articles/interaction.mdx, section "The output side"). Shapes, parameter counts
 * and FLOPs come from the projector modules: the output-transformer presets (GILL, NExT-GPT) and the
 * codebook module at Unified-IO 2's image VQ-GAN size. Experiment numbers are not here: the article
 * binds them to the committed results with <ResultNum>.
 */
import { z } from 'zod';
import { getProjector } from '../../projectors/registry';
import { committedRecord } from '../results';
import { summarizePreset } from '../preset-summary';
import { labHref } from './alignment';

// ---- Continuous embedding: GILLMapper and NExT-GPT's output Transformers -------------------------

export const gillMapper = summarizePreset('gill-mapper');
export const nextgptImage = summarizePreset('nextgpt-image-output');
export const nextgptVideo = summarizePreset('nextgpt-video-output');
export const nextgptAudio = summarizePreset('nextgpt-audio-output');

const shapeOf = (s: { outputShape?: readonly number[]; input?: { vision: readonly number[] } }, which: 'in' | 'out'): number[] => {
  const shape = which === 'out' ? s.outputShape : s.input?.vision;
  if (!shape) throw new Error('interaction-output: a preset without an input shape');
  return [...shape];
};

/** GILL: 8 [IMG] states of OPT-6.7B in, Stable Diffusion v1.5's 77 × 768 condition out. */
export const GILL = {
  params: gillMapper.params,
  flops: gillMapper.flops ?? 0,
  input: shapeOf(gillMapper, 'in'), // [1, 8, 4096]
  output: shapeOf(gillMapper, 'out'), // [1, 77, 768]
  signalTokens: shapeOf(gillMapper, 'in')[1] as number,
  llmWidth: shapeOf(gillMapper, 'in')[2] as number,
  queries: shapeOf(gillMapper, 'out')[1] as number,
  conditionWidth: shapeOf(gillMapper, 'out')[2] as number,
  hiddenDim: z.object({ hiddenDim: z.number().int() }).passthrough().parse(gillMapper.config).hiddenDim,
} as const;

/** NExT-GPT's three output heads (legacy code), with their condition shapes. */
export const NEXTGPT_HEADS = [nextgptImage, nextgptVideo, nextgptAudio].map((s) => ({ id: s.id, model: s.model, params: s.params, input: shapeOf(s, 'in'), output: shapeOf(s, 'out') }));
/** The three heads' parameter counts by name, for the prose. */
export const NEXTGPT = { image: nextgptImage.params, video: nextgptVideo.params, audio: nextgptAudio.params } as const;

/**
 * The same head with per-token MLPs instead of the Transformer ('mlp' mode, the survey's other
 * output-projector form): its output length is tied to the number of signal tokens, which is why
 * a 77-position condition needs the learned queries.
 */
const outputSpec = getProjector('output-transformer');
const mlpHead = outputSpec.schema.parse({ mode: 'mlp', llmDim: GILL.llmWidth, hiddenDim: GILL.hiddenDim, outputDim: GILL.conditionWidth });
const mlpOut = outputSpec.outputShape(mlpHead, { vision: GILL.input }); // [1, 8, 768]
export const MLP_HEAD = { params: outputSpec.paramCount(mlpHead), output: [...mlpOut], tokens: mlpOut[1] as number, width: mlpOut[2] as number } as const;

// ---- Codebook: Unified-IO 2's image VQ-GAN --------------------------------------------------------

/**
 * facts.md "Unified-IO 2": the image VQ-GAN has n_embed 16,384 codes of embed_dim 256 and turns a
 * 256 × 256 image into (256 / 8)² = 1,024 tokens (allenai/unified-io-2 t5x/examples/unified_io/config.py).
 */
const UIO2_IMAGE = { codes: 16_384, codeDim: 256, resolution: 256, patch: 8 } as const;
const codebookSpec = getProjector('codebook');
const uio2Config = codebookSpec.schema.parse({ codebookSize: UIO2_IMAGE.codes, codeDim: UIO2_IMAGE.codeDim });
const uio2Tokens = (UIO2_IMAGE.resolution / UIO2_IMAGE.patch) ** 2;
export const UIO2 = {
  resolution: UIO2_IMAGE.resolution,
  patch: UIO2_IMAGE.patch,
  codes: UIO2_IMAGE.codes,
  codeDim: UIO2_IMAGE.codeDim,
  tokens: uio2Tokens,
  params: codebookSpec.paramCount(uio2Config),
  /** Nearest-code search for one image's tokens (2·N·K·D). */
  flops: codebookSpec.flops(uio2Config, { vision: [1, uio2Tokens, UIO2_IMAGE.codeDim] }),
  /** Bits one token carries: log2 K. */
  bitsPerToken: Math.log2(UIO2_IMAGE.codes),
  bitsPerImage: uio2Tokens * Math.log2(UIO2_IMAGE.codes),
} as const;

/** A continuous 77 × 768 condition at fp16 holds this many bits, against UIO2.bitsPerImage. */
export const CONDITION_BITS_FP16 = GILL.queries * GILL.conditionWidth * 16;

// ---- Shape-flow figures (pipeline renderer) --------------------------------------------------------

type Stage = { key: string; role: 'encoder' | 'input-projector' | 'llm' | 'output-projector' | 'generator' | 'other'; label: string; note?: string; shape?: number[]; params?: number; highlight?: boolean };

/** Continuous route: signal-token states → GILLMapper → the generator's text-condition slot. */
export const continuousFlow = {
  stages: [
    { key: 'llm', role: 'llm', label: 'LLM', note: 'states at the [IMG] tokens', shape: GILL.input.slice(1) },
    { key: 'mapper', role: 'output-projector', label: 'GILLMapper', note: 'learned queries', shape: GILL.output.slice(1), params: GILL.params, highlight: true },
    { key: 'sd', role: 'generator', label: 'Stable Diffusion v1.5', note: 'in place of its text encoder' },
  ] satisfies Stage[],
};

/** Codebook route: the LLM predicts code indices; the VQ decoder turns codes into pixels. */
export const codebookFlow = {
  stages: [
    { key: 'llm', role: 'llm', label: 'Transformer', note: 'predicts code indices', shape: [UIO2.tokens] },
    { key: 'codebook', role: 'output-projector', label: 'Codebook lookup', note: 'VQ-GAN codes', shape: [UIO2.tokens, UIO2.codeDim], params: UIO2.params, highlight: true },
    { key: 'decoder', role: 'generator', label: 'VQ-GAN decoder', note: 'codes to pixels' },
  ] satisfies Stage[],
};

/** Text route: the LLM writes a tool call; the tool's own text encoder reads it. */
export const textFlow = {
  stages: [
    { key: 'llm', role: 'llm', label: 'LLM', note: 'writes a tool call' },
    { key: 'text', role: 'output-projector', label: 'Text', note: 'tool name and prompt', highlight: true },
    { key: 'tool', role: 'generator', label: 'Image tool', note: 'its own text encoder' },
  ] satisfies Stage[],
};

// ---- Exercises ---------------------------------------------------------------------------------------

const EXERCISES = {
  'cb-iters': { notebook: 'output-codebook', set: { vqSteps: 400 } },
  'tr-temp': { notebook: 'output-text-route', set: { temperature: 0.1 } },
} as const;
export type OutputExerciseId = keyof typeof EXERCISES;

/** An exercise's setting as text, the committed value it replaces, and its Lab link. */
export function exercise(id: OutputExerciseId): { href: string; setting: string; from: string } {
  const { notebook, set } = EXERCISES[id];
  const config = committedRecord(notebook).meta.config as Record<string, unknown>;
  const pairs = Object.entries(set);
  return {
    href: labHref(notebook, set),
    setting: pairs.map(([k, v]) => `${k} = ${String(v)}`).join(', '),
    from: pairs.map(([k]) => `${k} = ${String(config[k])}`).join(', '),
  };
}
