/**
 * Runs the interaction-compress experiment (the question, schema and presentation are in the card).
 *
 * Shapes: mid grid [1, Nv = 196, Dv = 24] → compressor → [1, 49, Dm]; for a probed output token j,
 * g = ∂(out[0, j, :] · u)/∂x, with u a fixed random [Dm] vector, gives [1, 196, 24]; its norm over
 * Dv is what each input token contributes.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../../src/primitives/rng';
import { getProjector } from '../../src/projectors/registry';
import type { Weights } from '../../src/projectors/types';
import { card, PROBED, type Config, type ModuleResult, type Result } from './interaction-compress.card';
import { loadEmojiParts } from '../toolkit/emoji-prep';
import { rmsEntry } from '../toolkit/emoji-prep';
import { defineNotebook, throwIfAborted, type RunContext } from '../types';

export { defaults, type Config, type Result } from './interaction-compress.card';

/** A gradient norm this small is rounding, not influence (float32). */
const REACH_EPS = 1e-7;

async function run(cfg: Config, ctx: RunContext): Promise<Result> {
  const emoji = await loadEmojiParts('interaction-compress', ['mid', 'captions'], ctx);
  const [count, tokens, width] = emoji.mid.shape as [number, number, number];
  const inSide = Math.round(Math.sqrt(tokens));
  const outSide = inSide / 2;
  const index = emoji.details.midIndices[cfg.image];
  if (index === undefined || cfg.image >= count) throw new Error(`image: must be below ${count}`);
  const label = emoji.captions[index]?.label ?? String(index);
  const row = emoji.mid.data.subarray(cfg.image * tokens * width, (cfg.image + 1) * tokens * width);
  const scale = rmsEntry(row);
  const kinds: { kind: ModuleResult['kind']; label: string; cfg: unknown }[] = [
    { kind: 'pixel-shuffle-mlp', label: 'Pixel shuffle + MLP (InternVL)', cfg: { visionDim: width, llmDim: cfg.lmDim, downsample: 2, psVersion: 'v2' } },
    { kind: 'c-abstractor', label: 'C-Abstractor (Honeybee)', cfg: { visionDim: width, hiddenDim: width, llmDim: cfg.lmDim, depth: 1, mlpDepth: 2, numQueries: outSide * outSide, numInputTokens: tokens, posEmb: true } },
    { kind: 'ldp', label: 'LDPv2 (MobileVLM V2)', cfg: { visionDim: width, llmDim: cfg.lmDim, version: 2, poolSize: outSide } },
  ];
  const x = tf.tidy(() => tf.tensor3d(row, [1, tokens, width]).div(scale) as tf.Tensor3D); // [1, 196, 24], unit RMS
  try {
    const modules: ModuleResult[] = [];
    for (const [k, m] of kinds.entries()) {
      throwIfAborted(ctx.signal);
      ctx.onProgress(k / kinds.length, `${m.label}`);
      const spec = getProjector(m.kind);
      const pcfg = spec.schema.parse(m.cfg);
      const weights: Weights = spec.init(pcfg, deriveSeed(cfg.seed, `init.${m.kind}`));
      try {
        const applied = tf.tidy(() => [...spec.apply(pcfg, weights, { vision: x }).tokens.shape]);
        const sees: ModuleResult['sees'] = [];
        for (const token of PROBED) {
          const u = tf.randomNormal([cfg.lmDim], 0, 1, 'float32', deriveSeed(cfg.seed, `probe.${token}`));
          const norms = tf.tidy(() => {
            const grad = tf.grad((input: tf.Tensor) => spec.apply(pcfg, weights, { vision: input as tf.Tensor3D }).tokens.slice([0, token, 0], [1, 1, cfg.lmDim]).reshape([cfg.lmDim]).mul(u).sum())(x);
            return grad.square().sum(-1).sqrt().reshape([tokens]); // [1, 196, 24] → [196]
          });
          const values = Array.from(await norms.data());
          tf.dispose([u, norms]);
          sees.push({ token, values, reached: values.filter((v) => v > REACH_EPS).length });
        }
        modules.push({ kind: m.kind, label: m.label, params: spec.paramCount(pcfg), flops: spec.flops(pcfg, { vision: x.shape }), outputShape: [...spec.outputShape(pcfg, { vision: x.shape })], applied, sees });
      } finally {
        tf.dispose(Object.values(weights));
      }
    }
    ctx.onProgress(1, 'done');
    return { emoji: index, label, inSide, outSide, visionDim: width, modules };
  } finally {
    x.dispose();
  }
}

export const notebook = defineNotebook(card, run);
