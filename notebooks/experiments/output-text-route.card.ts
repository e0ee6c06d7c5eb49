/**
 * Card of the output-text-route notebook (schema, defaults, result, presentation; no tfjs).
 *
 * The text-token route of the output side (Visual ChatGPT, wu2023visualchatgpt; facts.md "Visual
 * ChatGPT"): the LLM does not hand a generator any vector; it writes text, a tool name and a text
 * argument ("Generate Image From User Input Text" plus a prompt), which the tool's own text encoder
 * reads. There is no projector to learn, and nothing can be learnt through it either: the text is
 * a discrete choice, an argmax over the vocabulary followed by a table lookup, and the derivative of
 * an argmax is zero wherever it is defined. This notebook shows that on real token embeddings.
 *
 * Set-up (public/data/emoji; no generator is run): the generator's text encoder is stood in for by
 * the mean of a prompt's USE-lite token-embedding rows (256-d, frozen); the goal for each of C
 * held-out captions is that mean over the caption's own tokens. The "LLM" has, per caption, L
 * trainable output states h_l ∈ R^Dh (standing for what fine-tuning could change) and a trainable
 * vocabulary head W [V, Dh] over the V = 2,947 SentencePiece pieces the captions use. Three routes
 * turn the states into the generator's condition c:
 * - 'text' (text tokens): token_l = argmax_v (W h_l)_v, c = mean_l E[token_l] (E the frozen rows);
 * - 'soft' (a relaxation, not used by Visual ChatGPT): c = mean_l softmax(W h_l / τ) E;
 * - 'continuous' (continuous embedding, as GILL / NExT-GPT): c = mean_l P h_l with a trainable
 *   linear output projector P [Dh, 256].
 * Loss: the mean squared error between c and the caption's target.
 *
 * Measured: the gradient of the loss with respect to every trainable weight at initialisation (its
 * norm; exactly 0 for 'text'); the loss along a seeded random line through the initial states
 * (a staircase for 'text': flat between vocabulary switches); the loss over Adam steps from the
 * same start; and the prompt each discrete route emits, shown as the tool call a Visual ChatGPT-style
 * agent would send.
 */
import { z } from 'zod';
import { formatInt } from '../../src/primitives/format';
import { finite, intField, learningRateField, points, seedField } from '../toolkit/cards';
import type { NotebookCard } from '../types';
import { num, type Cell, type ViewBlock } from '../view';

/** The tool Visual ChatGPT's agent calls to draw an image (microsoft/TaskMatrix visual_chatgpt.py, facts.md). */
export const TOOL_NAME = 'Generate Image From User Input Text';

export const schema = z
  .object({
    seed: seedField('states, vocabulary head, projector, captions and the line direction'),
    captions: intField(1, 382).describe('Held-out captions C (each gets its own prompt)'),
    promptTokens: intField(1, 16).describe('Prompt length L (tokens the LLM emits per caption)'),
    stateDim: intField(2, 256).describe('Width Dh of the LLM output states'),
    temperature: z.number().gt(0).max(10).describe('Softmax temperature τ of the relaxed route'),
    steps: intField(1, 500).describe('Adam steps per route'),
    learningRate: learningRateField(1),
    lineSpan: z.number().gt(0).max(100).describe('Half-length of the line through the initial states (in units of one state’s norm)'),
    linePoints: intField(3, 401).describe('Points along the line'),
  })
  .strict();

export type Config = z.infer<typeof schema>;

export const defaults: Config = {
  seed: 7,
  captions: 8, // the discrete routes cost C·L·V·(Dh + 256) per step, with V = 2,947
  promptTokens: 4,
  stateDim: 64,
  temperature: 1,
  steps: 40,
  learningRate: 0.05,
  lineSpan: 2,
  linePoints: 61,
};

export const ROUTES = ['text', 'soft', 'continuous'] as const;
export type Route = (typeof ROUTES)[number];
export const ROUTE_LABELS: Record<Route, string> = {
  text: 'Text tokens: argmax, then lookup',
  soft: 'Relaxed tokens: softmax-weighted lookup',
  continuous: 'Continuous embedding: linear projector',
};

const routeSchema = z
  .object({
    key: z.enum(ROUTES),
    label: z.string(),
    /** ‖∂loss/∂θ‖ over every trainable weight at initialisation. */
    gradNorm: z.number().nonnegative(),
    /** The same per weight group (states, vocabulary head, projector). */
    gradNorms: z.record(z.string(), z.number().nonnegative()),
    trainable: z.number().int().positive(),
    /** The first caption's loss at each point of the line. */
    line: z.array(finite),
    /** Share of neighbouring line points with exactly the same loss (flat steps); the line moves the first caption's states only. */
    flatShare: z.number().min(0).max(1),
    /** Loss before each Adam step and after the last. */
    curve: z.array(finite),
    /** After training, the loss when the prompt is emitted as tokens (argmax): the relaxed route's gap; the continuous route's own loss. */
    decodedLoss: finite,
    /** The first caption's prompt pieces before and after training (discrete routes; empty for 'continuous'). */
    promptBefore: z.array(z.string()),
    promptAfter: z.array(z.string()),
  })
  .strict();
export type RouteResult = z.infer<typeof routeSchema>;

export const resultSchema = z
  .object({
    vocabulary: z.number().int().positive(),
    /** Label of the first caption, whose prompts are shown. */
    firstCaption: z.string(),
    /** Offsets α of the line points (H = H0 + α·‖h‖·d). */
    alphas: z.array(finite),
    routes: z.array(routeSchema).length(ROUTES.length),
  })
  .strict();
export type Result = z.infer<typeof resultSchema>;

/** The tool call a Visual ChatGPT-style agent sends for a prompt (LangChain's Action / Action Input lines). */
export const toolCall = (pieces: readonly string[]): string => `Action: ${TOOL_NAME} · Action Input: ${pieces.join('').replace(/▁/g, ' ').trim()}`;

function present(result: Result, config: Config): ViewBlock[] {
  const rows: Cell[][] = result.routes.map((r, i) => [
    r.label,
    num(r.trainable, 'int', `routes.${i}.trainable`),
    num(r.gradNorm, 'sig3', `routes.${i}.gradNorm`),
    num(r.flatShare, 'percent', `routes.${i}.flatShare`),
    num(r.curve[0] as number, 'sig4', `routes.${i}.curve.0`),
    num(r.curve[r.curve.length - 1] as number, 'sig4', `routes.${i}.curve.${r.curve.length - 1}`),
    num(r.decodedLoss, 'sig4', `routes.${i}.decodedLoss`),
  ]);
  const steps = result.routes[0]!.curve.map((_, s) => s);
  const discrete = result.routes.filter((r) => r.promptBefore.length > 0);
  return [
    {
      kind: 'table',
      caption: `Gradient at initialisation and ${formatInt(config.steps)} Adam steps from the same start, ${formatInt(config.captions)} held-out captions, prompts of ${formatInt(config.promptTokens)} tokens over ${formatInt(result.vocabulary)} pieces`,
      columns: ['Route', 'Trainable weights', '‖gradient‖ at init', 'Flat steps on the line', 'Loss at start', 'Loss after training', 'After training, prompt emitted as tokens'],
      rows,
    },
    {
      kind: 'figure',
      figure: 'line',
      caption: 'The first caption’s loss along a random line through its initial LLM states: the text route is a staircase (zero slope between vocabulary switches), the other two are smooth',
      data: { series: result.routes.map((r) => ({ key: `${r.key}-line`, label: r.label, points: points(result.alphas, r.line) })) },
      opts: { id: 'text-route-line', title: 'Loss along a line in state space', xLabel: 'offset α along the line', yLabel: 'MSE', xFormat: { kind: 'fixed', digits: 1 }, yFormat: { kind: 'sig', digits: 3 } },
    },
    {
      kind: 'figure',
      figure: 'line',
      caption: 'The text route alone on its own scale: flat between the points where one of the prompt’s tokens switches, so its derivative is zero wherever it exists',
      data: { series: result.routes.filter((r) => r.key === 'text').map((r) => ({ key: `${r.key}-line-alone`, label: r.label, points: points(result.alphas, r.line) })) },
      opts: { id: 'text-route-staircase', title: 'The text route’s staircase', xLabel: 'offset α along the line', yLabel: 'MSE', xFormat: { kind: 'fixed', digits: 1 }, yFormat: { kind: 'sig', digits: 3 } },
    },
    {
      kind: 'figure',
      figure: 'line',
      caption: 'Loss per Adam step: the text route never moves, because its gradient is exactly zero',
      data: { series: result.routes.map((r) => ({ key: `${r.key}-curve`, label: r.label, points: points(steps, r.curve) })) },
      opts: { id: 'text-route-curve', title: 'Training each route', xLabel: 'Adam step', yLabel: 'MSE', yFormat: { kind: 'sig', digits: 3 } },
    },
    {
      kind: 'table',
      caption: `What the LLM emits for “${result.firstCaption}”, as the tool call an agent would send, before and after training`,
      columns: ['Route', 'Before training', 'After training'],
      rows: discrete.map((r) => [r.label, toolCall(r.promptBefore), toolCall(r.promptAfter)]),
    },
  ];
}

export const card: NotebookCard<Config, Result> = {
  id: 'output-text-route',
  title: 'Text-token output: why a prompt or tool call cannot be trained end to end',
  question:
    'Visual ChatGPT gives its image tools text: a tool name and a prompt, written by an LLM that is never fine-tuned. ' +
    'If we wanted to train the LLM through that interface, what gradient would reach it? Using the real token embeddings of 2,947 caption pieces, ' +
    'compare the gradient and the training of a text-token route (argmax, then lookup), a softmax relaxation and a continuous-embedding projector.',
  schema,
  defaults,
  resultSchema,
  present,
};
