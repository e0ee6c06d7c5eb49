/**
 * The reader's own picture on the concatenation route (tfjs side, for the interaction article's
 * upload box): its 7 × 7 grid, reduced to the committed grid PCA width like the emoji, goes through
 * the projector of the interaction-concat notebook's configuration, freshly initialised from the
 * seed (the trained weights are not committed; the shapes do not depend on them), and the sequence
 * the language model would read is returned with the library's outputShape next to the shape the
 * projector actually produced.
 *
 * Shapes: grid [Nv, Dv] → [1, Nv, Dv] → projector → [1, Nv, Dm].
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../../src/primitives/rng';
import { getProjector } from '../../src/projectors/registry';
import type { Config } from '../experiments/interaction-concat.card';

export interface UploadSequence {
  outputShape: number[];
  applied: number[];
  sequence: { system: number; image: number; question: number; width: number; total: number };
  params: number;
}

export function projectUpload(grid: Float32Array, tokens: number, width: number, cfg: Config): UploadSequence {
  if (grid.length !== tokens * width) throw new Error(`the grid has ${grid.length} values, expected ${tokens} × ${width}`);
  const spec = getProjector(cfg.projector);
  const pcfg = spec.schema.parse(cfg.projector === 'mlp' ? { visionDim: width, llmDim: cfg.lmDim, depth: 2 } : { visionDim: width, llmDim: cfg.lmDim });
  const weights = spec.init(pcfg, deriveSeed(cfg.seed, `init.${cfg.projector}`));
  try {
    const applied = tf.tidy(() => [...spec.apply(pcfg, weights, { vision: tf.tensor3d(grid, [1, tokens, width]) }).tokens.shape]); // [1, Nv, Dv] → [1, Nv, Dm]
    const outputShape = [...spec.outputShape(pcfg, { vision: [1, tokens, width] })];
    const image = applied[1] as number;
    return {
      outputShape,
      applied,
      params: spec.paramCount(pcfg),
      sequence: { system: cfg.systemTokens, image, question: cfg.questionTokens, width: applied[2] as number, total: cfg.systemTokens + image + cfg.questionTokens },
    };
  } finally {
    tf.dispose(Object.values(weights));
  }
}
