/**
 * Card of the interaction-concat notebook (schema, defaults, result, presentation; no tfjs).
 *
 * The concatenation route (LLaVA; liu2023visual §4.1, liu2023improved): every image token goes
 * through the projector on its own — a Linear (LLaVA) or a two-layer GELU MLP (LLaVA-1.5) from the
 * projector registry — and the projected tokens are spliced into the language model's sequence
 * where the prompt's `<image>` placeholder stood, after the system prompt and before the user's
 * text (haotian-liu/LLaVA llava/model/llava_arch.py, prepare_inputs_labels_for_multimodal).
 *
 * Here: the 7 × 7 MobileNetV2 grid of each emoji ([49, 20], src/data/emoji.ts) is projected token by
 * token to the LM width Dm and trained (Adam) so that the mean of an image's projected tokens points
 * at its caption embedding (USE-lite, randomly projected to Dm, unit rows). For one held-out picture
 * the run reports the sequence a language model would read — `systemTokens` text tokens, the 49
 * projected image tokens, `questionTokens` text tokens — with the image tokens' count and width from
 * the library (outputShape) and from the projector's actual output, and how far each projected token
 * points at the picture's caption (cosine), drawn on the 7 × 7 grid.
 *
 * Departures: the text tokens are placeholders with a configurable count (no tokenizer or language
 * model is run); the loss is a cosine to a caption embedding, not the LM's next-token loss.
 */
import { z } from 'zod';
import { finite, intField, learningRateField, seedField } from '../toolkit/cards';
import { chanceRetrieval, retrievalSchema, sampledSteps } from '../toolkit/retrieval';
import type { NotebookCard } from '../types';
import { num, type ViewBlock } from '../view';

export const schema = z
  .object({
    seed: seedField('initialisation, minibatches and the caption projection'),
    projector: z.enum(['linear', 'mlp']).describe('Projector (linear: LLaVA; mlp: LLaVA-1.5’s two layers with GELU)'),
    steps: intField(1, 2000).describe('Adam steps'),
    batchSize: intField(4, 512).describe('Minibatch size (images per step)'),
    learningRate: learningRateField(),
    lmDim: intField(8, 256).describe('LM width Dm'),
    systemTokens: intField(0, 512).describe('Text tokens before the image (system prompt)'),
    questionTokens: intField(0, 512).describe('Text tokens after the image (the user’s question)'),
    picture: intField(0, 63).describe('Which held-out image with a committed picture to follow (0 = the first, in data-set order)'),
  })
  .strict();
export type Config = z.infer<typeof schema>;

export const defaults: Config = {
  seed: 7,
  projector: 'mlp', // LLaVA-1.5's choice
  steps: 60,
  batchSize: 16,
  learningRate: 0.01,
  lmDim: 64, // Dm
  systemTokens: 12, // a short system prompt
  questionTokens: 8, // a short question
  picture: 5, // the owl
};

export const curveSteps = (steps: number): number[] => sampledSteps(steps, 12);

const shapeSchema = z.array(z.number().int().positive());

export const resultSchema = z
  .object({
    trainImages: z.number().int().positive(),
    testImages: z.number().int().positive(),
    gridSide: z.number().int().positive(),
    visionDim: z.number().int().positive(),
    picture: z.object({ index: z.number().int().nonnegative(), label: z.string(), href: z.string() }).strict(),
    params: z.number().int().positive(),
    /** The image tokens: the library's outputShape for [1, 49, Dv], and the shape the projector returned. */
    outputShape: shapeSchema,
    applied: shapeSchema,
    /** The sequence in reading order: system text, image tokens, question text. */
    sequence: z.object({ system: z.number().int().nonnegative(), image: z.number().int().positive(), question: z.number().int().nonnegative(), width: z.number().int().positive(), total: z.number().int().positive() }).strict(),
    /** Cosine of each projected token of the picture with its caption embedding, row-major over the grid. */
    tokenCosine: z.array(finite),
    /** Cosine of the picture's mean projected token with its caption (what the training optimises). */
    meanCosine: finite,
    curve: z.object({ step: z.array(z.number().int()), train: z.array(finite) }).strict(),
    testLoss: finite,
    retrieval: retrievalSchema,
    chance: retrievalSchema,
  })
  .strict();
export type Result = z.infer<typeof resultSchema>;

function present(result: Result, config: Config): ViewBlock[] {
  const s = result.sequence;
  const name = config.projector === 'mlp' ? 'two-layer GELU MLP' : 'Linear';
  return [
    {
      kind: 'figure',
      figure: 'token-sequence',
      caption: `What the language model reads for “${result.picture.label}”: ${s.system} system-prompt tokens, the ${s.image} projected image tokens where <image> stood, then ${s.question} question tokens (${s.total} in all, each of width ${s.width})`,
      data: {
        segments: [
          ...(s.system > 0 ? [{ key: 'sequence.system', label: 'System prompt', kind: 'text', tokens: s.system }] : []),
          { key: 'sequence.image', label: `Image tokens (${name})`, kind: 'image', tokens: s.image, width: s.width },
          ...(s.question > 0 ? [{ key: 'sequence.question', label: 'Question', kind: 'text', tokens: s.question }] : []),
        ],
      },
      opts: { id: 'concat-sequence', title: 'The sequence the language model reads' },
    },
    {
      kind: 'figure',
      figure: 'token-grid',
      caption: `Cosine of each projected image token with the caption embedding of “${result.picture.label}”, on the ${result.gridSide} × ${result.gridSide} grid (the training only asks their mean to point at the caption)`,
      data: { grids: [{ key: 'tokenCosine', label: result.picture.label, h: result.gridSide, w: result.gridSide, values: result.tokenCosine }] },
      opts: { id: 'concat-token-cosine', title: 'How far each image token points at the caption', format: { kind: 'fixed', digits: 2 } },
    },
    {
      kind: 'table',
      caption: `The projector and its tokens (library: outputShape and paramCount), and held-out retrieval among ${result.testImages} captions after ${config.steps} steps`,
      columns: ['Quantity', 'Value'],
      rows: [
        ['Parameters', num(result.params, 'int', 'params')],
        ['Image tokens into the LM', num(s.image, 'int', 'sequence.image')],
        ['Width of each token (Dm)', num(s.width, 'int', 'sequence.width')],
        ['Tokens in the whole sequence', num(s.total, 'int', 'sequence.total')],
        ['Picture: cosine of the mean token with its caption', num(result.meanCosine, 'fixed4', 'meanCosine')],
        ['Held-out loss (1 − cos)', num(result.testLoss, 'fixed4', 'testLoss')],
        ['Held-out R@10', num(result.retrieval.recallAt10, 'percent', 'retrieval.recallAt10')],
        ['Chance R@10', num(result.chance.recallAt10, 'percent', 'chance.recallAt10')],
      ],
    },
  ];
}

export { chanceRetrieval };

export const card: NotebookCard<Config, Result> = {
  id: 'interaction-concat',
  title: 'Concatenation: what does the language model read when image tokens join the text?',
  question:
    'LLaVA projects every image token on its own with a Linear layer (LLaVA) or a two-layer MLP (LLaVA-1.5) and puts the projected tokens into the language model’s sequence where the <image> placeholder stood (Liu et al., 2023). ' +
    'For a real emoji picture’s 7 × 7 MobileNetV2 grid, what sequence does the language model receive, how many of its tokens are the image, and which projected tokens point at the caption after a short training?',
  schema,
  defaults,
  resultSchema,
  present,
};
