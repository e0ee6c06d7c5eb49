/**
 * Honeybee's C-Abstractor: learnable position embedding → RegStage (RegNet bottleneck blocks) →
 * AdaptiveAvgPool2d(√Q × √Q) → RegStage → MLP readout.
 *
 * Shapes: vision [B, Nv = h·h, Dv] → grid [B, h, h, W] → pooled [B, √Q, √Q, W]
 *         → tokens [B, Q, Dm]   (C-7B-M144: 256 → 144, Dv = W = 1024, Dm = 4096).
 * Paper: cha2024honeybee; code kakaobrain/honeybee honeybee/projectors/projectors.py (CAbstractor,
 * ConvProjector, build_mlp), configs/model_config/c-abs.yaml (depth 3, mlp_depth 2, hidden 1024,
 * 144 queries, pos_emb); blocks = timm RegStage/Bottleneck (huggingface/pytorch-image-models
 * timm/models/regnet.py) with act SiLU and norm LayerNorm2d: per block, conv1 1×1 → LN → SiLU,
 * conv2 depthwise 3×3 (group size 1) → LN → SiLU, SE (timm SEModule: reduction round(in·0.25), SiLU,
 * sigmoid gate), conv3 1×1 → LN, + shortcut (identity when in == out, else 1×1 conv + LN), SiLU.
 * PyTorch names: `pos_emb` [1, Nv, Dv]; stage s ∈ {0, 2} (net.1 is the pooler), block i ≥ 1:
 *   `net.s.bi.conv1.conv.weight` [W, in, 1, 1], `net.s.bi.conv1.bn.{weight,bias}`,
 *   `net.s.bi.conv2.conv.weight` [W, 1, 3, 3], `net.s.bi.conv2.bn.*`,
 *   `net.s.bi.se.fc1.{weight [R, W, 1, 1], bias}`, `net.s.bi.se.fc2.{weight [W, R, 1, 1], bias}`,
 *   `net.s.bi.conv3.conv.weight` [W, W, 1, 1], `net.s.bi.conv3.bn.*`,
 *   `net.0.b1.downsample.conv.weight`, `net.0.b1.downsample.bn.*` (only when Dv ≠ W);
 *   `readout.0.{weight,bias}`, `readout.2.{weight,bias}`, … (SiLU between).
 * Departures: LayerNorm eps is a config field (timm's LayerNormAct2d default 1e-5; the blocks were
 * checked against current timm, not the version Honeybee pins, facts.md Honeybee note); no prenorm
 * or eos tokens (off in c-abs.yaml); init is PyTorch's default (pos_emb trunc-normal std 0.02).
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { silu } from './ops/activations';
import { checkVision, getWeight, gridSide, shapeError, VISION } from './ops/common';
import { adaptiveAvgPool2d, conv1x1, depthwiseConv, squeezeExcite } from './ops/conv';
import { truncatedNormal, uniformFanIn } from './ops/init';
import { initLinear, linear, linearFlops, linearParams, linearSpecs } from './ops/linear';
import { initLayerNorm, layerNorm, layerNormParams, layerNormSpecs } from './ops/norm';
import type { ApplyOutput, InputShapes, ProjectorSpec, Shape, WeightSpec, Weights } from './types';

const positiveInt = z.number().int().positive();

export const schema = z
  .object({
    /** Dv: encoder_hidden_size (CLIP ViT-L/14: 1024). */
    visionDim: positiveInt,
    /** W: hidden_size of the RegNet stages (c-abs.yaml: 1024). */
    hiddenDim: positiveInt,
    /** Dm: output_hidden_size = LLM width (Vicuna-7B: 4096). */
    llmDim: positiveInt,
    /** RegNet blocks per stage (c-abs.yaml depth: 3). */
    depth: positiveInt.default(3),
    /** Linear layers of the readout MLP (c-abs.yaml mlp_depth: 2). */
    mlpDepth: positiveInt.default(2),
    /** Q: output tokens, a perfect square (num_query_tokens: 144). */
    numQueries: positiveInt.refine((m) => Number.isInteger(Math.sqrt(m)), { message: 'must be a perfect square' }),
    /** Nv: input tokens, CLS excluded (ViT-L/14 at 224 px: 256); sizes pos_emb. */
    numInputTokens: positiveInt,
    /** Learnable position embedding added to the input (c-abs.yaml pos_emb: true). */
    posEmb: z.boolean().default(true),
    /** LayerNorm2d eps (timm LayerNormAct2d default). */
    eps: z.number().positive().default(1e-5),
  })
  .strict();

export type Config = z.infer<typeof schema>;

export const defaults: Config = { visionDim: 16, hiddenDim: 16, llmDim: 32, depth: 1, mlpDepth: 2, numQueries: 4, numInputTokens: 16, posEmb: true, eps: 1e-5 };

interface BlockDims {
  prefix: string;
  inDim: number;
  hidden: number;
  reduce: number; // SE width: round(in · 0.25), timm Bottleneck
  shortcutConv: boolean;
}

function blocks(cfg: Config): BlockDims[] {
  const out: BlockDims[] = [];
  for (const stage of [0, 2]) {
    for (let i = 1; i <= cfg.depth; i += 1) {
      const inDim = stage === 0 && i === 1 ? cfg.visionDim : cfg.hiddenDim;
      out.push({ prefix: `net.${stage}.b${i}`, inDim, hidden: cfg.hiddenDim, reduce: Math.round(inDim * 0.25), shortcutConv: inDim !== cfg.hiddenDim });
    }
  }
  return out;
}

const readoutName = (i: number): string => `readout.${2 * i}`;

function weightSpecs(cfg: Config): WeightSpec[] {
  const specs: WeightSpec[] = [];
  if (cfg.posEmb) specs.push({ name: 'pos_emb', shape: [1, cfg.numInputTokens, cfg.visionDim], doc: 'learnable position embedding' });
  for (const bd of blocks(cfg)) {
    const { prefix: p, inDim, hidden: h, reduce: r } = bd;
    specs.push(
      { name: `${p}.conv1.conv.weight`, shape: [h, inDim, 1, 1], doc: '1×1 conv, no bias' },
      ...layerNormSpecs(`${p}.conv1.bn`, h),
      { name: `${p}.conv2.conv.weight`, shape: [h, 1, 3, 3], doc: 'depthwise 3×3 conv, no bias' },
      ...layerNormSpecs(`${p}.conv2.bn`, h),
      { name: `${p}.se.fc1.weight`, shape: [r, h, 1, 1], doc: 'SE reduce' },
      { name: `${p}.se.fc1.bias`, shape: [r], doc: 'SE reduce bias' },
      { name: `${p}.se.fc2.weight`, shape: [h, r, 1, 1], doc: 'SE expand' },
      { name: `${p}.se.fc2.bias`, shape: [h], doc: 'SE expand bias' },
      { name: `${p}.conv3.conv.weight`, shape: [h, h, 1, 1], doc: '1×1 conv, no bias' },
      ...layerNormSpecs(`${p}.conv3.bn`, h),
    );
    if (bd.shortcutConv) {
      specs.push({ name: `${p}.downsample.conv.weight`, shape: [h, inDim, 1, 1], doc: 'shortcut 1×1 conv' }, ...layerNormSpecs(`${p}.downsample.bn`, h));
    }
  }
  for (let i = 0; i < cfg.mlpDepth; i += 1) specs.push(...linearSpecs(readoutName(i), i === 0 ? cfg.hiddenDim : cfg.llmDim, cfg.llmDim));
  return specs;
}

function grid(cfg: Config, input: InputShapes): { b: number; side: number; q: number } {
  const [b, nv] = checkVision(input, cfg.visionDim);
  if (cfg.posEmb && nv !== cfg.numInputTokens) {
    throw shapeError('vision', input.vision, VISION, `Nv = numInputTokens = ${cfg.numInputTokens}`, 'pos_emb is sized for it');
  }
  return { b, side: gridSide('vision', input.vision, VISION, 'Nv = h·h, a square grid'), q: Math.round(Math.sqrt(cfg.numQueries)) };
}

function outputShape(cfg: Config, input: InputShapes): Shape {
  const { b } = grid(cfg, input);
  return [b, cfg.numQueries, cfg.llmDim];
}

/**
 * One RegNet bottleneck from `inDim` to W channels with SE width R = round(inDim / 4):
 * conv1 W·in + conv2 9·W + SE (R·W + R + W·R + W) + conv3 W² + three LayerNorms 6·W,
 * plus a 1×1 shortcut conv W·in and its LayerNorm 2·W when in ≠ W.
 * (At in = W = 1024, R = 256: 2,638,080, facts.md Honeybee note.)
 */
function blockParams(inDim: number, w: number): number {
  const r = Math.round(inDim * 0.25);
  const shortcut = inDim !== w ? w * inDim + layerNormParams(w) : 0;
  return w * inDim + 9 * w + (r * w + r) + (w * r + w) + w * w + 3 * layerNormParams(w) + shortcut;
}

/**
 * pos_emb Nv·Dv + 2·depth bottlenecks (the first from Dv, the rest from W) + the readout MLP
 * Linear(W, Dm) + (mlpDepth − 1)·Linear(Dm, Dm). (C-7B-M144: 262,144 + 6 × 2,638,080 + 20,979,712 = 37,070,336.)
 */
function paramCount(cfg: Config): number {
  const w = cfg.hiddenDim;
  const posEmb = cfg.posEmb ? cfg.numInputTokens * cfg.visionDim : 0;
  const stages = blockParams(cfg.visionDim, w) + (2 * cfg.depth - 1) * blockParams(w, w);
  const readout = linearParams(w, cfg.llmDim) + (cfg.mlpDepth - 1) * linearParams(cfg.llmDim, cfg.llmDim);
  return posEmb + stages + readout;
}

/** timm regnet Bottleneck (ratio 1, group size 1, SE 0.25, SiLU, LayerNorm2d) in NHWC. */
function bottleneck(x: tf.Tensor4D, weights: Weights, bd: BlockDims, eps: number): tf.Tensor4D {
  return tf.tidy(() => {
    const w = (n: string): tf.Tensor => getWeight(weights, `${bd.prefix}.${n}`);
    const norm = (t: tf.Tensor, n: string): tf.Tensor4D => layerNorm(t, w(`${n}.weight`), w(`${n}.bias`), eps) as tf.Tensor4D;
    let y = silu(norm(conv1x1(x, w('conv1.conv.weight')), 'conv1.bn')) as tf.Tensor4D;
    y = silu(norm(depthwiseConv(y, w('conv2.conv.weight'), 1), 'conv2.bn')) as tf.Tensor4D;
    y = squeezeExcite(y, { weight: w('se.fc1.weight'), bias: w('se.fc1.bias') }, { weight: w('se.fc2.weight'), bias: w('se.fc2.bias') }, silu, tf.sigmoid);
    y = norm(conv1x1(y, w('conv3.conv.weight')), 'conv3.bn');
    const shortcut = bd.shortcutConv ? norm(conv1x1(x, w('downsample.conv.weight')), 'downsample.bn') : x;
    return silu(y.add(shortcut)) as tf.Tensor4D;
  });
}

export const spec: ProjectorSpec<Config> = {
  kind: 'c-abstractor',
  side: 'input',
  title: 'C-Abstractor (Honeybee): RegNet blocks + adaptive pooling + MLP',
  cite: ['cha2024honeybee'],
  schema,
  defaults,
  outputShape,
  weightSpecs,
  paramCount,
  /** Per block over its n positions: conv1, depthwise 3×3, SE (on the pooled vector), conv3, shortcut conv; then the readout over Q tokens. Pooling not counted. */
  flops(cfg, input) {
    const { b, side, q } = grid(cfg, input);
    let total = 0;
    for (const bd of blocks(cfg)) {
      const n = bd.prefix.startsWith('net.0') ? side * side : q * q;
      const w = bd.hidden;
      const shortcut = bd.shortcutConv ? linearFlops(n, bd.inDim, w) : 0;
      total += linearFlops(n, bd.inDim, w) + 2 * n * 9 * w + linearFlops(1, w, bd.reduce) + linearFlops(1, bd.reduce, w) + linearFlops(n, w, w) + shortcut;
    }
    const readout = linearFlops(cfg.numQueries, cfg.hiddenDim, cfg.llmDim) + (cfg.mlpDepth - 1) * linearFlops(cfg.numQueries, cfg.llmDim, cfg.llmDim);
    return b * (total + readout);
  },
  init(cfg, seed): Weights {
    const w: Weights = {};
    const u = (name: string, shape: number[], fanIn: number): void => {
      w[name] = uniformFanIn(shape, fanIn, seed, name); // nn.Conv2d default U(±1/√fan_in)
    };
    if (cfg.posEmb) w.pos_emb = truncatedNormal([1, cfg.numInputTokens, cfg.visionDim], 0.02, seed, 'pos_emb');
    for (const { prefix: p, inDim, hidden: h, reduce: r, shortcutConv } of blocks(cfg)) {
      u(`${p}.conv1.conv.weight`, [h, inDim, 1, 1], inDim);
      Object.assign(w, initLayerNorm(`${p}.conv1.bn`, h));
      u(`${p}.conv2.conv.weight`, [h, 1, 3, 3], 9);
      Object.assign(w, initLayerNorm(`${p}.conv2.bn`, h));
      u(`${p}.se.fc1.weight`, [r, h, 1, 1], h);
      u(`${p}.se.fc1.bias`, [r], h);
      u(`${p}.se.fc2.weight`, [h, r, 1, 1], r);
      u(`${p}.se.fc2.bias`, [h], r);
      u(`${p}.conv3.conv.weight`, [h, h, 1, 1], h);
      Object.assign(w, initLayerNorm(`${p}.conv3.bn`, h));
      if (shortcutConv) {
        u(`${p}.downsample.conv.weight`, [h, inDim, 1, 1], inDim);
        Object.assign(w, initLayerNorm(`${p}.downsample.bn`, h));
      }
    }
    for (let i = 0; i < cfg.mlpDepth; i += 1) Object.assign(w, initLinear(readoutName(i), i === 0 ? cfg.hiddenDim : cfg.llmDim, cfg.llmDim, seed));
    return w;
  },
  apply(cfg, weights, input): ApplyOutput {
    const { b, side, q } = grid(cfg, { vision: input.vision.shape });
    return tf.tidy(() => {
      const x = cfg.posEmb ? input.vision.add(getWeight(weights, 'pos_emb')) : input.vision; // [B, Nv, Dv] + [1, Nv, Dv]
      let g = x.reshape([b, side, side, cfg.visionDim]) as tf.Tensor4D; // [B, h·h, Dv] → [B, h, h, Dv] (raster = "b (h w) d")
      const all = blocks(cfg);
      for (const bd of all.slice(0, cfg.depth)) g = bottleneck(g, weights, bd, cfg.eps); // stage 1 → [B, h, h, W]
      g = adaptiveAvgPool2d(g, q, q); // sampler → [B, √Q, √Q, W]
      for (const bd of all.slice(cfg.depth)) g = bottleneck(g, weights, bd, cfg.eps); // stage 2
      let y: tf.Tensor = g.reshape([b, cfg.numQueries, cfg.hiddenDim]); // [B, √Q, √Q, W] → [B, Q, W]
      for (let i = 0; i < cfg.mlpDepth; i += 1) {
        if (i > 0) y = silu(y);
        y = linear(y, getWeight(weights, `${readoutName(i)}.weight`), getWeight(weights, `${readoutName(i)}.bias`)); // [B, Q, Dm]
      }
      return { tokens: y, trace: {} };
    });
  },
};
