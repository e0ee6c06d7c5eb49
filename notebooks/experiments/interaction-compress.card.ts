/**
 * Card of the interaction-compress notebook (schema, defaults, result, presentation; no tfjs).
 *
 * Spatial compressors cut the number of image tokens while keeping each output token tied to a
 * region of the image. Three from the projector registry read the same real 14 × 14 grid (the
 * MobileNetV2 block_13_expand_relu tokens of one emoji, PCA 576 → 24; src/data/emoji.ts `mid`) and
 * return 7 × 7 tokens:
 * - pixel shuffle + MLP (InternVL 1.5, chen2024how; reader question S7): each 2 × 2 block of tokens
 *   is concatenated into one token of 4× the width, then LayerNorm → Linear → GELU → Linear;
 * - C-Abstractor (Honeybee, cha2024honeybee): ResNet blocks, adaptive average pooling to 7 × 7,
 *   more ResNet blocks, then an MLP;
 * - LDPv2 (MobileVLM V2, chu2024mobilevlmv2): an MLP, average pooling to 7 × 7, and a depthwise 3 × 3
 *   convolution as a positional encoding generator with a residual.
 *
 * What each output token sees is measured, not assumed: the gradient of a fixed random projection of
 * one output token with respect to every input token (its norm per input token), for a corner and a
 * centre output token, at the library's seeded initialisation (structure, not training, decides which
 * inputs can reach an output). Token counts, parameters and FLOPs come from the library.
 */
import { z } from 'zod';
import { finite, intField, seedField } from '../toolkit/cards';
import type { NotebookCard } from '../types';
import { num, type Cell, type ViewBlock } from '../view';

export const schema = z
  .object({
    seed: seedField('initialisation and the random projection of the output token'),
    lmDim: intField(8, 256).describe('LM width Dm (output width of every compressor)'),
    image: intField(0, 127).describe('Which of the emoji with a 14 × 14 grid to read (0 = the first)'),
  })
  .strict();
export type Config = z.infer<typeof schema>;

export const defaults: Config = { seed: 7, lmDim: 64, image: 0 };

/** Output tokens whose view is measured: the top-left corner and the centre of the 7 × 7 output. */
export const PROBED = [0, 24] as const;

const moduleSchema = z
  .object({
    kind: z.enum(['pixel-shuffle-mlp', 'c-abstractor', 'ldp']),
    label: z.string(),
    params: z.number().int().positive(),
    flops: z.number().positive(),
    outputShape: z.array(z.number().int().positive()),
    applied: z.array(z.number().int().positive()),
    /** Per probed output token: the gradient norm of each of the 196 input tokens (row-major 14 × 14). */
    sees: z.array(z.object({ token: z.number().int().nonnegative(), values: z.array(finite), reached: z.number().int().nonnegative() }).strict()),
  })
  .strict();
export type ModuleResult = z.infer<typeof moduleSchema>;

export const resultSchema = z
  .object({
    emoji: z.number().int().nonnegative(),
    label: z.string(),
    inSide: z.number().int().positive(),
    outSide: z.number().int().positive(),
    visionDim: z.number().int().positive(),
    modules: z.array(moduleSchema).length(3),
  })
  .strict();
export type Result = z.infer<typeof resultSchema>;

function present(result: Result): ViewBlock[] {
  const rows: Cell[][] = result.modules.map((m, i) => [
    m.label,
    `${result.inSide * result.inSide} → ${m.applied[1]}`,
    m.outputShape.join(' × '),
    num(m.params, 'int', `modules.${i}.params`),
    num(m.flops, { kind: 'count', digits: 2 }, `modules.${i}.flops`),
    num(m.sees[0]?.reached ?? 0, 'int', `modules.${i}.sees.0.reached`),
    num(m.sees[1]?.reached ?? 0, 'int', `modules.${i}.sees.1.reached`),
  ]);
  return [
    {
      kind: 'table',
      caption: `Three compressors on the same ${result.inSide} × ${result.inSide} grid of “${result.label}” (library: outputShape, paramCount, flops), and how many of the ${result.inSide * result.inSide} input tokens reach an output token`,
      columns: ['Compressor', 'Tokens', 'outputShape', 'Parameters', 'FLOPs', 'Inputs reaching the corner token', 'Inputs reaching the centre token'],
      rows,
    },
    ...result.modules.map(
      (m, i): ViewBlock => ({
        kind: 'figure',
        figure: 'token-grid',
        caption: `${m.label}: gradient norm of each input token for the corner and the centre output token (darker: more influence; white: none)`,
        data: {
          grids: m.sees.map((s, k) => ({ key: `modules.${i}.sees.${k}`, label: `output token ${s.token + 1}`, h: result.inSide, w: result.inSide, values: s.values })),
        },
        opts: { id: `compress-${m.kind}`, title: `What an output token of the ${m.label} sees`, showValues: false },
      }),
    ),
  ];
}

export const card: NotebookCard<Config, Result> = {
  id: 'interaction-compress',
  title: 'Spatial compressors: what does each output token see?',
  question:
    'Pixel shuffle + MLP (InternVL 1.5), the C-Abstractor (Honeybee) and LDPv2 (MobileVLM V2) all turn a 14 × 14 grid of image tokens into 7 × 7. ' +
    'On a real emoji’s grid, which input tokens can each output token draw on, and what does each compressor cost in parameters and FLOPs?',
  schema,
  defaults,
  resultSchema,
  present,
};
