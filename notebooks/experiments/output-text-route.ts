/**
 * Runs the output-text-route experiment (the question, schema and presentation are in the card).
 * See output-text-route.card.ts for the task; this file is the tfjs side.
 *
 * Shapes: token rows E [V, 256] (frozen); targets T [C, 256]; states H [C, L, Dh]; vocabulary head
 * W [V, Dh]; output projector P [Dh, 256]; every route makes a condition c [C, 256].
 */
import * as tf from '@tensorflow/tfjs';
import { loadEmoji } from '../../src/data';
import { defaultReader } from '../../src/data/default-reader';
import { createRng, deriveSeed } from '../../src/primitives/rng';
import { card, ROUTE_LABELS, ROUTES, type Config, type Result, type Route, type RouteResult } from './output-text-route.card';
import { loadEmojiParts, rmsEntry } from '../toolkit/emoji-prep';
import { readScalar, runTraining, StepProgress, type Variables } from '../toolkit/training';
import { defineNotebook, type RunContext } from '../types';

export { defaults, ROUTES, toolCall, type Config, type Result } from './output-text-route.card';

const ROW = 256; // width of a USE-lite token-embedding row

interface Task {
  e: tf.Tensor2D; // [V, 256] frozen token rows (the generator's text encoder's table)
  t: tf.Tensor2D; // [C, 256] targets
  pieces: readonly string[];
  firstLabel: string;
}

/** The condition c [C, 256] a route makes from its weights. */
function condition(route: Route, cfg: Config, task: Task, w: Record<string, tf.Tensor>, states: tf.Tensor): tf.Tensor2D {
  const c = states.shape[0] as number;
  const l = cfg.promptTokens;
  const h = states.reshape([c * l, cfg.stateDim]); // [C, L, Dh] → [C·L, Dh]
  if (route === 'continuous') return tf.matMul(h, w.proj as tf.Tensor2D).reshape([c, l, ROW]).mean(1) as tf.Tensor2D; // [C·L, 256] → [C, L, 256] → [C, 256]
  const logits = tf.matMul(h, w.head as tf.Tensor2D, false, true); // [C·L, Dh] × [V, Dh]ᵀ → [C·L, V]
  if (route === 'soft') return tf.matMul(tf.softmax(logits.div(cfg.temperature)), task.e).reshape([c, l, ROW]).mean(1) as tf.Tensor2D; // [C·L, V] × [V, 256] → [C, 256]
  // The text route: a discrete choice of token, then the frozen table's row (what a prompt is).
  // The lookup is written as a one-hot product (as the library's codebook does), so the backward pass
  // runs through it; tfjs cannot differentiate a gather with respect to its integer indices at all.
  const onehot = tf.oneHot(tf.argMax(logits, 1), task.e.shape[0]).toFloat(); // [C·L] → [C·L, V]
  return tf.matMul(onehot, task.e).reshape([c, l, ROW]).mean(1) as tf.Tensor2D; // [C·L, V] × [V, 256] → [C, L, 256] → [C, 256]
}

/** MSE between the condition of `states` [c, L, Dh] and the targets of the first c captions. */
const lossOf = (route: Route, cfg: Config, task: Task, w: Record<string, tf.Tensor>, states: tf.Tensor): tf.Scalar =>
  tf.tidy(() => {
    const c = states.shape[0] as number;
    const t = c === task.t.shape[0] ? task.t : task.t.slice([0, 0], [c, ROW]);
    return tf.losses.meanSquaredError(t, condition(route, cfg, task, w, states)) as tf.Scalar;
  });

/** The first caption's prompt pieces under a discrete route. */
async function prompt(cfg: Config, task: Task, w: Record<string, tf.Tensor>): Promise<string[]> {
  const idx = tf.tidy(() => tf.argMax(tf.matMul((w.states as tf.Tensor3D).slice([0, 0, 0], [1, cfg.promptTokens, cfg.stateDim]).reshape([cfg.promptTokens, cfg.stateDim]), w.head as tf.Tensor2D, false, true), 1)); // [1, L, Dh] → [L, Dh] → [L, V] → [L]
  const ids = Array.from(await idx.data());
  idx.dispose();
  return ids.map((i) => task.pieces[i] ?? '?');
}

function initialWeights(route: Route, cfg: Config, vocab: number): Record<string, tf.Tensor> {
  // The same seeds for every route, so all three start from the same states (and the discrete two from the same head).
  const states = tf.randomNormal([cfg.captions, cfg.promptTokens, cfg.stateDim], 0, 1, 'float32', deriveSeed(cfg.seed, 'states'));
  if (route === 'continuous') return { states, proj: tf.randomNormal([cfg.stateDim, ROW], 0, 1 / Math.sqrt(cfg.stateDim), 'float32', deriveSeed(cfg.seed, 'proj')) };
  return { states, head: tf.randomNormal([vocab, cfg.stateDim], 0, 1 / Math.sqrt(cfg.stateDim), 'float32', deriveSeed(cfg.seed, 'head')) };
}

async function runRoute(route: Route, cfg: Config, task: Task, alphas: number[], progress: StepProgress): Promise<RouteResult> {
  const vocab = task.e.shape[0];
  const weights = initialWeights(route, cfg, vocab);
  const trainable = Object.values(weights).reduce((s, t) => s + t.size, 0);
  const measured = { gradNorms: {} as Record<string, number>, gradNorm: 0, line: [] as number[], promptBefore: [] as string[] };
  const curve: number[] = [];
  let decodedLoss = 0;
  const promptAfter = await runTraining({
    weights: { model: weights },
    optimizer: () => tf.train.adam(cfg.learningRate),
    steps: cfg.steps,
    loss: (_step, vars) => lossOf(route, cfg, task, vars.model, vars.model.states as tf.Variable),
    afterStep: (_step, loss) => {
      curve.push(loss as number);
    },
    before: async (vars: Variables<'model'>) => {
      const names = Object.keys(vars.model);
      // ∂loss/∂θ at initialisation; through an argmax the backward pass is zero by definition (tfjs ArgMax's gradient is zerosLike).
      const { value, grads } = tf.variableGrads(() => lossOf(route, cfg, task, vars.model, vars.model.states as tf.Variable), names.map((n) => vars.model[n] as tf.Variable));
      let total = 0;
      for (const n of names) {
        const g = grads[(vars.model[n] as tf.Variable).name];
        const sq = g ? await readScalar(tf.tidy(() => g.square().sum())) : 0;
        measured.gradNorms[n] = Math.sqrt(sq);
        total += sq;
      }
      tf.dispose([value, ...Object.values(grads)]);
      measured.gradNorm = Math.sqrt(total);
      // The first caption's loss along h0 + α·d, h0 its L initial states [1, L, Dh] and d a seeded
      // direction scaled to h0's norm (the same for every route): only its own prompt can change.
      const h0 = tf.tidy(() => (vars.model.states as tf.Variable).slice([0, 0, 0], [1, cfg.promptTokens, cfg.stateDim]));
      const d = tf.tidy(() => {
        const r = tf.randomNormal(h0.shape, 0, 1, 'float32', deriveSeed(cfg.seed, 'line'));
        return r.mul(h0.norm().div(r.norm()));
      });
      for (const a of alphas) {
        const h = tf.tidy(() => h0.add(d.mul(a)));
        measured.line.push(await readScalar(lossOf(route, cfg, task, vars.model, h)));
        h.dispose();
      }
      tf.dispose([h0, d]);
      if (route !== 'continuous') measured.promptBefore = await prompt(cfg, task, vars.model);
    },
    progress,
    message: (step) => `${ROUTE_LABELS[route]}: step ${step} of ${cfg.steps}`,
    finish: async (vars) => {
      const states = vars.model.states as tf.Variable;
      curve.push(await readScalar(lossOf(route, cfg, task, vars.model, states)));
      // What the trained weights give when their prompt is actually emitted as tokens (argmax).
      decodedLoss = route === 'continuous' ? (curve[curve.length - 1] as number) : await readScalar(lossOf('text', cfg, task, vars.model, states));
      return route === 'continuous' ? [] : prompt(cfg, task, vars.model);
    },
  });
  let flat = 0;
  for (let i = 1; i < measured.line.length; i += 1) if (measured.line[i] === measured.line[i - 1]) flat += 1;
  return {
    key: route,
    label: ROUTE_LABELS[route],
    gradNorm: measured.gradNorm,
    gradNorms: measured.gradNorms,
    trainable,
    line: measured.line,
    flatShare: flat / (measured.line.length - 1),
    curve,
    decodedLoss,
    promptBefore: measured.promptBefore,
    promptAfter,
  };
}

async function run(cfg: Config, ctx: RunContext): Promise<Result> {
  const emoji = await loadEmojiParts('output-text-route', ['captions'], ctx);
  const tokens = (await loadEmoji(await defaultReader(), ['tokens'])).tokens;
  if (!tokens) throw new Error('output-text-route: the emoji data did not load (tokens missing)');
  const vocab = tokens.pieces.length;
  const scale = rmsEntry(tokens.rows.data);
  // C held-out captions, a seeded draw; each target is the mean of its caption's token rows.
  const chosen = createRng(deriveSeed(cfg.seed, 'captions')).shuffle(emoji.split.test).slice(0, cfg.captions);
  const targets = new Float32Array(cfg.captions * ROW);
  chosen.forEach((i, j) => {
    const ids = tokens.captions[i] ?? [];
    for (const id of ids) for (let k = 0; k < ROW; k += 1) targets[j * ROW + k] = (targets[j * ROW + k] as number) + (tokens.rows.data[id * ROW + k] as number) / scale / ids.length;
  });
  const task: Task = {
    e: tf.tidy(() => tf.tensor2d(tokens.rows.data, [vocab, ROW]).div(scale) as tf.Tensor2D),
    t: tf.tensor2d(targets, [cfg.captions, ROW]),
    pieces: tokens.pieces,
    firstLabel: emoji.captions[chosen[0] as number]?.label ?? '',
  };
  const alphas = Array.from({ length: cfg.linePoints }, (_, i) => -cfg.lineSpan + (2 * cfg.lineSpan * i) / (cfg.linePoints - 1));
  try {
    const progress = new StepProgress(ctx, ROUTES.length * cfg.steps, 10);
    const routes: RouteResult[] = [];
    for (const r of ROUTES) routes.push(await runRoute(r, cfg, task, alphas, progress));
    ctx.onProgress(1, 'done');
    return { vocabulary: vocab, firstCaption: task.firstLabel, alphas, routes };
  } finally {
    tf.dispose([task.e, task.t]);
  }
}

export const notebook = defineNotebook(card, run);
