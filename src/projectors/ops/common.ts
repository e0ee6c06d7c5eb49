/**
 * Small helpers shared by the projector modules: shape checks whose errors name the argument,
 * weight lookup, and sizes of weight specs. No tensor math here.
 */
import type * as tf from '@tensorflow/tfjs';
import type { InputShapes, Shape, WeightSpec, Weights } from '../types';

/** Number of elements of a shape ([] is a scalar: 1). */
export const sizeOf = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

/** Summed size of weight specs: every module's paramCount must equal this. */
export const specsSize = (specs: readonly WeightSpec[]): number => specs.reduce((a, s) => a + sizeOf(s.shape), 0);

/** Summed size of initialised weights. */
export const weightsSize = (w: Weights): number => Object.values(w).reduce((a, t) => a + t.size, 0);

/** Checks `input.vision` is [B, Nv, Dv] with Dv = `dim`; returns [B, Nv, Dv]. */
export function visionShape(input: InputShapes, dim: number, dimField: string): [number, number, number] {
  return rank3(input.vision, 'input.vision', dim, dimField);
}

/** Checks a rank-3 shape [B, N, D] with D = `dim` and positive integers everywhere. */
export function rank3(shape: Shape | undefined, what: string, dim: number, dimField: string): [number, number, number] {
  if (!shape) throw new Error(`${what} is required ([B, N, ${dimField}])`);
  if (shape.length !== 3) throw new Error(`${what} must have rank 3 [B, N, ${dimField}], got [${shape.join(', ')}]`);
  shape.forEach((d, i) => {
    if (!Number.isInteger(d) || d < 1) throw new Error(`${what}[${i}] must be a positive integer, got ${d}`);
  });
  if (shape[2] !== dim) throw new Error(`${what}[2] must equal config.${dimField} = ${dim}, got ${shape[2]}`);
  return [shape[0] as number, shape[1] as number, shape[2] as number];
}

/** The side of a square token grid, or an Error naming the argument when N is not a square. */
export function squareSide(n: number, what: string): number {
  const side = Math.round(Math.sqrt(n));
  if (side * side !== n) throw new Error(`${what} = ${n} is not a perfect square (the tokens must form a square h × w grid)`);
  return side;
}

/** A weight by name; a missing name is an Error naming it. */
export function getWeight(weights: Weights, name: string): tf.Tensor {
  const t = weights[name];
  if (!t) throw new Error(`weights: missing tensor '${name}'`);
  return t;
}
