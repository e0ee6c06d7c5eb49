/**
 * Small pieces every training notebook needs (tfjs side): turning initial weights into trainable
 * variables, and reading a scalar loss back.
 */
import * as tf from '@tensorflow/tfjs';
import type { Weights } from '../../src/projectors/types';

/**
 * Trainable float32 variables holding `init` (the initial tensors are disposed), by name and as the
 * list an optimizer takes. The caller disposes the list when training ends.
 */
export function toVariables(init: Weights): { vars: Record<string, tf.Variable>; list: tf.Variable[] } {
  const vars: Record<string, tf.Variable> = {};
  for (const [name, t] of Object.entries(init)) {
    vars[name] = tf.variable(t, true, undefined, 'float32');
    t.dispose();
  }
  return { vars, list: Object.values(vars) };
}

/** The single value of a scalar tensor, which is then disposed. */
export async function readScalar(t: tf.Tensor): Promise<number> {
  const v = (await t.data())[0] as number;
  t.dispose();
  return v;
}
