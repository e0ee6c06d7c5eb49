/**
 * The starting code of the Playground's code cell: a kind's forward pass written as plain
 * JavaScript over the tfjs API, for the reader to edit. The cell is the body of
 * `function (tf, weights, x, cfg, outputShape)`: `weights` maps PyTorch names to tensors ([out, in] Linear
 * layout), `x.vision` is [B, Nv, Dv] (and `x.text` where the kind reads text), `cfg` the config, `outputShape` the library's output shape; it
 * returns the output tokens. Written kinds: linear, mlp, low-rank, token-selection, codebook; the others start from a stub that
 * lists their weights, so the max difference shows how far a hand-written version still is.
 */
import { getProjector } from '../../src/projectors/registry';

const LINEAR_HELPER = `// nn.Linear on the last axis: x [..., in] · Wᵀ [in, out] + b [out]
const linear = (t, w, b) => {
  const lead = t.shape.slice(0, -1);
  const y = tf.matMul(t.reshape([-1, t.shape[t.shape.length - 1]]), w, false, true);
  return (b ? y.add(b) : y).reshape([...lead, w.shape[0]]);
};`;

const TEMPLATES: Record<string, string> = {
  linear: `${LINEAR_HELPER}
// LLaVA: one Linear from Dv to Dm per token (concat / split fold tokens in and out)
const [B, Nv] = x.vision.shape;
const grouped = x.vision.reshape([B, Nv / cfg.concat, cfg.visionDim * cfg.concat]);
const y = linear(grouped, weights['weight'], cfg.bias ? weights['bias'] : undefined);
return y.reshape([B, (Nv / cfg.concat) * cfg.split, cfg.llmDim]);`,
  mlp: `${LINEAR_HELPER}
// LLaVA-1.5 mlp2x_gelu: Linear, GELU (exact erf form), Linear, ... (Sequential indices 0, 2, 4, ...)
const gelu = (t) => t.mul(0.5).mul(tf.erf(t.mul(Math.SQRT1_2)).add(1));
let h = x.vision;
for (let i = 0; i < cfg.depth; i += 1) {
  if (i > 0) h = gelu(h);
  h = linear(h, weights[\`\${2 * i}.weight\`], weights[\`\${2 * i}.bias\`]);
}
return h;`,
  'low-rank': `${LINEAR_HELPER}
// Low-rank factorisation: down to r without bias, then up to Dm
const inner = linear(x.vision, weights['down.weight']);
return linear(inner, weights['up.weight'], weights['up.bias']);`,
  'token-selection': `${LINEAR_HELPER}
// Language-guided selection: score each projected vision token against the mean text state,
// keep the top \`keep\` in their original order (x.text is [B, Nt, Dm]; no mask here)
const projected = linear(x.vision, weights['proj.weight'], weights['proj.bias']); // [B, Nv, Dm]
const pooled = x.text.mean(1); // [B, Dm]
let scores = tf.matMul(projected, pooled.expandDims(2)).squeeze([2]); // [B, Nv]
if (cfg.score === 'cosine') {
  scores = scores.div(projected.norm('euclidean', 2).maximum(1e-12)).div(pooled.norm('euclidean', 1, true).maximum(1e-12));
}
const [B, Nv] = x.vision.shape;
const rows = tf.topk(scores, cfg.keep).indices.arraySync().map((r) => [...r].sort((a, b) => a - b));
const out = rows.map((r, i) => tf.gather(projected.slice([i, 0, 0], [1, Nv, cfg.llmDim]).squeeze([0]), r));
return tf.stack(out); // [B, keep, Dm]`,
  codebook: `// VQ-VAE lookup: each token becomes its nearest code (squared L2 distance)
const [B, N, D] = x.vision.shape;
const e = weights['embedding.weight']; // [K, Dc]
const z = x.vision.reshape([B * N, D]);
const dist = z.square().sum(1, true).sub(tf.matMul(z, e, false, true).mul(2)).add(e.square().sum(1).expandDims(0)); // [B·N, K]
return tf.gather(e, tf.argMin(dist, 1)).reshape([B, N, D]);`,
};

/** The cell's starting code for a kind. */
export function codeTemplate(kind: string, config: unknown): string {
  const t = TEMPLATES[kind];
  if (t) return t;
  const spec = getProjector(kind);
  const names = spec.weightSpecs(config).map((w) => `//   ${w.name} [${w.shape.join(', ')}]`).slice(0, 40);
  return `// ${spec.title}
// Not written out here yet: write its forward pass. Its weights:
${names.join('\n')}
// Until then this returns zeros of the right shape, and the max difference says how far it is.
return tf.zeros(outputShape);`;
}
