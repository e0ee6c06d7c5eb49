/**
 * The one training loop every training notebook uses (tfjs side). It owns what a hand-written loop
 * tends to leak or forget: it turns the initial weights into trainable variables, creates the
 * optimizer, steps it, reads back only the losses asked for, reports progress, yields to the event
 * loop so a Worker can receive Cancel, honours the AbortSignal between steps, and disposes the
 * optimizer and every variable however the run ends (result, error or cancel).
 *
 * What differs between notebooks is passed in as functions: the loss of a step, what to do after a
 * step (clamp a parameter, sample a curve, evaluate at an epoch's end) and what to measure before
 * the variables go.
 */
import * as tf from '@tensorflow/tfjs';
import type { Weights } from '../../src/projectors/types';
import { throwIfAborted, yieldToEventLoop, type RunContext } from '../types';

/** Trainable variables by group, then by weight name (the PyTorch names the projectors read). */
export type Variables<G extends string> = Record<G, Record<string, tf.Variable>>;

/**
 * Trainable float32 variables holding each group's initial weights (the initial tensors are
 * disposed), and the flat list an optimizer takes, in group order then weight order.
 */
function toVariables<G extends string>(groups: Record<G, Weights>): { vars: Variables<G>; list: tf.Variable[] } {
  const vars = {} as Variables<G>;
  for (const [group, weights] of Object.entries(groups) as [G, Weights][]) {
    const variables: Record<string, tf.Variable> = {};
    for (const [name, t] of Object.entries(weights)) {
      variables[name] = tf.variable(t, true, undefined, 'float32');
      t.dispose();
    }
    vars[group] = variables;
  }
  return { vars, list: (Object.values(vars) as Record<string, tf.Variable>[]).flatMap((g) => Object.values(g)) };
}

/** The single value of a scalar tensor, which is then disposed. */
export async function readScalar(t: tf.Tensor): Promise<number> {
  const v = (await t.data())[0] as number;
  t.dispose();
  return v;
}

/** The entries of a tensor widened to float64 (for rankings and float64 statistics), then disposed. */
export async function readFloat64(t: tf.Tensor): Promise<Float64Array> {
  const v = Float64Array.from(await t.data());
  t.dispose();
  return v;
}

/**
 * Progress over every optimizer step of one notebook run (its trainings share one counter). Each
 * step checks the signal; every `every` steps, and at the last step of each training, it reports,
 * gives the event loop a turn (a Worker's Cancel message is a macrotask) and checks again.
 */
export class StepProgress {
  private done = 0;
  constructor(
    private readonly ctx: RunContext,
    private readonly total: number,
    private readonly every: number,
  ) {}

  /** Throws an AbortError when the run was cancelled. */
  checkpoint(): void {
    throwIfAborted(this.ctx.signal);
  }

  /** Counts one finished step. */
  async step(last: boolean, message: () => string): Promise<void> {
    this.done += 1;
    this.checkpoint();
    if (this.done % this.every !== 0 && !last) return;
    this.ctx.onProgress(Math.min(1, this.done / this.total), message());
    await yieldToEventLoop();
    throwIfAborted(this.ctx.signal);
  }
}

export interface Training<G extends string, R> {
  /** Initial weights by group; the loop makes them variables and disposes them at the end. */
  weights: Record<G, Weights>;
  /** Makes the optimizer (the loop disposes it). */
  optimizer: () => tf.Optimizer;
  /** Number of optimizer steps. */
  steps: number;
  /** The loss of step `step` (1-based), built inside the optimizer's tape. */
  loss: (step: number, vars: Variables<G>) => tf.Scalar;
  /** Whether step `step`'s loss is read back (each read waits for the backend); default: every step. */
  readLoss?: (step: number) => boolean;
  /** Measures taken on the untrained variables (epoch 0 of a curve). */
  before?: (vars: Variables<G>) => Promise<void>;
  /** After each update; `loss` is the step's loss before its update, when it was read. */
  afterStep?: (step: number, loss: number | undefined, vars: Variables<G>) => void | Promise<void>;
  /** What the training returns, measured on the trained variables before they are disposed. */
  finish: (vars: Variables<G>) => Promise<R>;
  progress: StepProgress;
  /** The progress line for step `step`. */
  message: (step: number) => string;
}

/** Runs one training to the end (or to an AbortError) and returns what `finish` measured. */
export async function runTraining<G extends string, R>(t: Training<G, R>): Promise<R> {
  const { vars, list } = toVariables(t.weights);
  const optimizer = t.optimizer();
  try {
    await t.before?.(vars);
    for (let step = 1; step <= t.steps; step += 1) {
      t.progress.checkpoint();
      const read = t.readLoss?.(step) ?? true;
      const cost = optimizer.minimize(() => t.loss(step, vars), read, list);
      const loss = cost ? await readScalar(cost) : undefined;
      await t.afterStep?.(step, loss, vars);
      await t.progress.step(step === t.steps, () => t.message(step));
    }
    return await t.finish(vars);
  } finally {
    optimizer.dispose();
    list.forEach((v) => v.dispose());
  }
}
