/**
 * Small helpers shared by every projector kind: the one shape check and its one error style, the
 * one weight accessor, and sizes of weight specs. No tensor math here.
 *
 * Error style (every kind, every argument):
 *   vision: expected [B, Nv, Dv] with Dv = visionDim = 6, got [2, 5, 5]
 * i.e. the argument, the expected shape in the letters of the types.ts legend, the conditions that
 * fix its axes (a config field names itself), and the shape received ("none" when it is missing).
 */
import type * as tf from '@tensorflow/tfjs';
import type { InputShapes, Shape, WeightSpec, Weights } from '../types';

/** Number of elements of a shape ([] is a scalar: 1). */
export const sizeOf = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

/** Summed size of weight specs: every kind's paramCount must equal this (the contract test checks it). */
export const specsSize = (specs: readonly WeightSpec[]): number => specs.reduce((a, s) => a + sizeOf(s.shape), 0);

/** Summed size of initialised weights. */
export const weightsSize = (w: Weights): number => Object.values(w).reduce((a, t) => a + t.size, 0);

/**
 * What one axis must be: a plain size (`Nt = 1`), or [source, size] when a config field or another
 * input fixes it (`Dv = visionDim = 6`, `B = vision[0] = 2`).
 */
export type AxisRule = number | readonly [source: string, size: number];

/** One number per legend letter. */
export type Dims<L extends readonly string[]> = { [K in keyof L]: number };

const formatShape = (shape: Shape | undefined): string => (shape ? `[${shape.join(', ')}]` : 'none');

/**
 * An Error in the one style, for a condition `checkShape` cannot express (divisibility, grids).
 * An empty legend means the argument must be absent ("expected none").
 */
export function shapeError(what: string, shape: Shape | undefined, legend: readonly string[], condition: string, why?: string): Error {
  const expected = legend.length > 0 ? `[${legend.join(', ')}]` : 'none';
  const withText = condition ? ` with ${condition}` : '';
  return new Error(`${what}: expected ${expected}${withText}, got ${formatShape(shape)}${why ? ` (${why})` : ''}`);
}

/**
 * The one shape check. `what` names the argument ('vision', 'text', 'mask'); `legend` its axes in
 * the types.ts letters; `rules` the axes whose size is fixed. Every axis must be a positive
 * integer. Returns the sizes, one per legend letter, or throws in the one error style.
 */
export function checkShape<const L extends readonly string[]>(
  what: string,
  shape: Shape | undefined,
  legend: L,
  rules: Readonly<Record<string, AxisRule>> = {},
): Dims<L> {
  const condition = Object.entries(rules)
    .map(([axis, rule]) => (typeof rule === 'number' ? `${axis} = ${rule}` : `${axis} = ${rule[0]} = ${rule[1]}`))
    .join(', ');
  const fail = (why?: string): Error => shapeError(what, shape, legend, condition, why);
  if (!shape || shape.length !== legend.length) throw fail();
  legend.forEach((axis, i) => {
    const d = shape[i] as number;
    if (!Number.isInteger(d) || d < 1) throw fail(`${axis} = ${d} is not a positive integer`);
    const rule = rules[axis];
    if (rule !== undefined && d !== (typeof rule === 'number' ? rule : rule[1])) throw fail();
  });
  return [...shape] as unknown as Dims<L>;
}

/** The legend of a vision input. */
export const VISION = ['B', 'Nv', 'Dv'] as const;

/** `input.vision` is [B, Nv, Dv] with Dv = visionDim: the check most kinds start with. */
export const checkVision = (input: InputShapes, visionDim: number): Dims<typeof VISION> =>
  checkShape('vision', input.vision, VISION, { Dv: ['visionDim', visionDim] });

/**
 * The side h of a square grid of Nv = h·h tokens (axis 1 of `shape`), or an Error in the one style
 * naming `condition` (e.g. "Nv = h·h, a square grid").
 */
export function gridSide(what: string, shape: Shape, legend: readonly string[], condition: string): number {
  const n = shape[1] as number;
  const side = Math.round(Math.sqrt(n));
  if (side * side !== n) throw shapeError(what, shape, legend, condition, `${n} is not a square`);
  return side;
}

/** A weight by its PyTorch name; a missing name is an Error naming it. The one weight accessor. */
export function getWeight(weights: Weights, name: string): tf.Tensor {
  const t = weights[name];
  if (!t) throw new Error(`weights: missing tensor '${name}'`);
  return t;
}
