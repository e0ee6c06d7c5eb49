/**
 * MobileVLM's Lightweight Downsample Projector: LDP (v1) and LDPv2 (`version: 2`).
 *
 * Shapes: vision [B, Nv = h·h, Dv] →
 *   v1: MLP → [B, h, h, Dm] → inverted residual (stride 1) → inverted residual (stride 2)
 *       → tokens [B, ⌈h/2⌉², Dm]  (576 → 144 for CLIP ViT-L/14-336)
 *   v2: MLP → AdaptiveAvgPool2d(pool × pool) → PEG (depthwise 3×3 conv with bias, + residual)
 *       → tokens [B, pool², Dm]    (576 → 144 with pool 12)
 * Papers: chu2023mobilevlm (LDP, §3.4), chu2024mobilevlmv2 (LDPv2); code Meituan-AutoML/MobileVLM
 * mobilevlm/model/vision_projector.py (LDPBlock, LDPNetV2Projector); blocks from pytorch/vision
 * torchvision/models/mobilenetv3.py (InvertedResidual with InvertedResidualConfig(d, 3, d, d, True,
 * "HS", stride, 1, 1): no expansion conv, depthwise 3×3 → norm → Hardswish, SE (ReLU,
 * Hardsigmoid, squeeze = make_divisible(d/4, 8)), 1×1 projection → norm; residual only at stride 1).
 * Norms: the reference passes timm's LayerNormAct2d (act None) as norm_layer, so every norm is a
 * LayerNorm over channels (eps 1e-5) — no BatchNorm, no running statistics.
 * PyTorch names, v1 (LDPNetProjector → `model.`): `model.mlp.1.{weight,bias}`,
 *   `model.mlp.3.{weight,bias}`, and for j = 1, 2: `model.mb_block.j.block.0.0.weight` [Dm,1,3,3],
 *   `model.mb_block.j.block.0.1.{weight,bias}`, `model.mb_block.j.block.1.fc1.{weight [S,Dm,1,1],bias}`,
 *   `model.mb_block.j.block.1.fc2.{weight [Dm,S,1,1],bias}`, `model.mb_block.j.block.2.0.weight`
 *   [Dm,Dm,1,1], `model.mb_block.j.block.2.1.{weight,bias}`.
 * PyTorch names, v2: `mlp.mlp.0.*`, `mlp.mlp.2.*`, `peg.peg.0.weight` [Dm,1,3,3], `peg.peg.0.bias`.
 * Departures: the paper's Eq. 3 writes the blocks with LayerNorm over tokens; this follows the code.
 * The pool size of v2 is a config field (the code fixes (12, 12)).
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { gelu, hardSigmoid, hardSwish } from './ops/activations';
import { checkVision, getWeight, gridSide, VISION } from './ops/common';
import { adaptiveAvgPool2d, conv1x1, depthwiseConv, squeezeExcite } from './ops/conv';
import { uniformFanIn } from './ops/init';
import { initLinear, linear, linearFlops, linearParams, linearSpecs } from './ops/linear';
import { initLayerNorm, layerNorm, layerNormParams, layerNormSpecs } from './ops/norm';
import type { ApplyOutput, InputShapes, ProjectorSpec, Shape, WeightSpec, Weights } from './types';

const positiveInt = z.number().int().positive();

export const schema = z
  .object({
    /** Dv: vision width (CLIP ViT-L/14-336: 1024). */
    visionDim: positiveInt,
    /** Dm: LLM width (MobileLLaMA 1.4B: 2048, 2.7B: 2560). */
    llmDim: positiveInt,
    /** 1 = LDP (MobileVLM), 2 = LDPv2 (MobileVLM V2). */
    version: z.union([z.literal(1), z.literal(2)]).default(1),
    /** v2 only: AdaptiveAvgPool2d output side (the code's TokenDownLayer((12, 12))). */
    poolSize: positiveInt.default(12),
    /** LayerNorm eps of the v1 blocks (timm LayerNormAct2d default). */
    eps: z.number().positive().default(1e-5),
  })
  .strict();

export type Config = z.infer<typeof schema>;

export const defaults: Config = { visionDim: 16, llmDim: 32, version: 1, poolSize: 3, eps: 1e-5 };

/** torchvision's _make_divisible(v, 8): round to a multiple of 8, never more than 10 % below v. */
export function makeDivisible(v: number, divisor = 8): number {
  let out = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (out < 0.9 * v) out += divisor;
  return out;
}

const squeezeDim = (cfg: Config): number => makeDivisible(Math.floor(cfg.llmDim / 4));
const blockPrefix = (j: number): string => `model.mb_block.${j}.block`;

function weightSpecs(cfg: Config): WeightSpec[] {
  const d = cfg.llmDim;
  if (cfg.version === 2) {
    return [
      ...linearSpecs('mlp.mlp.0', cfg.visionDim, d),
      ...linearSpecs('mlp.mlp.2', d, d),
      { name: 'peg.peg.0.weight', shape: [d, 1, 3, 3], doc: 'PEG depthwise 3×3 conv weight' },
      { name: 'peg.peg.0.bias', shape: [d], doc: 'PEG depthwise conv bias' },
    ];
  }
  const s = squeezeDim(cfg);
  const specs = [...linearSpecs('model.mlp.1', cfg.visionDim, d), ...linearSpecs('model.mlp.3', d, d)];
  for (const j of [1, 2]) {
    const p = blockPrefix(j);
    specs.push(
      { name: `${p}.0.0.weight`, shape: [d, 1, 3, 3], doc: `block ${j} depthwise 3×3 conv (stride ${j}), no bias` },
      ...layerNormSpecs(`${p}.0.1`, d),
      { name: `${p}.1.fc1.weight`, shape: [s, d, 1, 1], doc: `block ${j} SE squeeze 1×1 conv` },
      { name: `${p}.1.fc1.bias`, shape: [s], doc: `block ${j} SE squeeze bias` },
      { name: `${p}.1.fc2.weight`, shape: [d, s, 1, 1], doc: `block ${j} SE excite 1×1 conv` },
      { name: `${p}.1.fc2.bias`, shape: [d], doc: `block ${j} SE excite bias` },
      { name: `${p}.2.0.weight`, shape: [d, d, 1, 1], doc: `block ${j} 1×1 projection conv, no bias` },
      ...layerNormSpecs(`${p}.2.1`, d),
    );
  }
  return specs;
}

function grid(cfg: Config, input: InputShapes): { b: number; side: number; outSide: number } {
  const [b] = checkVision(input, cfg.visionDim);
  const side = gridSide('vision', input.vision, VISION, 'Nv = h·h, a square grid');
  // v1: the stride-2 depthwise conv (k 3, pad 1) gives ⌊(h − 1)/2⌋ + 1 = ⌈h/2⌉.
  return { b, side, outSide: cfg.version === 2 ? cfg.poolSize : Math.ceil(side / 2) };
}

function outputShape(cfg: Config, input: InputShapes): Shape {
  const { b, outSide } = grid(cfg, input);
  return [b, outSide * outSide, cfg.llmDim];
}

/**
 * The MLP Linear(Dv, Dm) + Linear(Dm, Dm), then
 *   v2: PEG depthwise 3×3 with bias, 9·Dm + Dm;
 *   v1: two inverted-residual blocks of depthwise 3×3 (9·Dm) + LN (2·Dm) + SE (S·Dm + S + Dm·S + Dm)
 *       + 1×1 projection (Dm²) + LN (2·Dm), S = makeDivisible(Dm / 4), i.e. Dm² + 2·S·Dm + S + 14·Dm each.
 * (MobileVLM 1.7B, Dm = 2048, S = 512: 6,295,552 + 2 × 6,320,640 = 18,936,832.)
 */
function paramCount(cfg: Config): number {
  const d = cfg.llmDim;
  const mlp = linearParams(cfg.visionDim, d) + linearParams(d, d);
  if (cfg.version === 2) return mlp + 9 * d + d;
  const s = squeezeDim(cfg);
  const block = 9 * d + layerNormParams(d) + (s * d + s) + (d * s + d) + d * d + layerNormParams(d);
  return mlp + 2 * block;
}

/** torchvision InvertedResidual (expand ratio 1, SE, Hardswish) with LayerNorm2d, NHWC. */
function invertedResidual(x: tf.Tensor4D, weights: Weights, j: number, stride: number, eps: number): tf.Tensor4D {
  return tf.tidy(() => {
    const p = blockPrefix(j);
    const w = (n: string): tf.Tensor => getWeight(weights, `${p}.${n}`);
    let y = depthwiseConv(x, w('0.0.weight'), stride);
    y = hardSwish(layerNorm(y, w('0.1.weight'), w('0.1.bias'), eps)) as tf.Tensor4D;
    y = squeezeExcite(y, { weight: w('1.fc1.weight'), bias: w('1.fc1.bias') }, { weight: w('1.fc2.weight'), bias: w('1.fc2.bias') }, tf.relu, hardSigmoid);
    y = layerNorm(conv1x1(y, w('2.0.weight')), w('2.1.weight'), w('2.1.bias'), eps) as tf.Tensor4D;
    return stride === 1 ? (y.add(x) as tf.Tensor4D) : y; // use_res_connect: stride 1 and in == out
  });
}

export const spec: ProjectorSpec<Config> = {
  kind: 'ldp',
  side: 'input',
  title: 'Lightweight Downsample Projector (MobileVLM LDP / LDPv2)',
  cite: ['chu2023mobilevlm', 'chu2024mobilevlmv2'],
  schema,
  defaults,
  outputShape,
  weightSpecs,
  paramCount,
  /** MLP over h² tokens; v2: PEG depthwise over pool²; v1: per block depthwise + SE (on the pooled vector) + projection. Pooling not counted. */
  flops(cfg, input) {
    const { b, side, outSide } = grid(cfg, input);
    const d = cfg.llmDim;
    const mlp = linearFlops(side * side, cfg.visionDim, d) + linearFlops(side * side, d, d);
    const depthwise = (positions: number): number => 2 * positions * 9 * d; // 3×3 taps per channel
    if (cfg.version === 2) return b * (mlp + depthwise(outSide * outSide));
    const s = squeezeDim(cfg);
    const block = (n: number): number => depthwise(n) + linearFlops(1, d, s) + linearFlops(1, s, d) + linearFlops(n, d, d);
    return b * (mlp + block(side * side) + block(outSide * outSide));
  },
  init(cfg, seed): Weights {
    const d = cfg.llmDim;
    if (cfg.version === 2) {
      return {
        ...initLinear('mlp.mlp.0', cfg.visionDim, d, seed),
        ...initLinear('mlp.mlp.2', d, d, seed),
        // nn.Conv2d default: U(±1/√fan_in), fan_in = (in/groups)·k·k = 9.
        'peg.peg.0.weight': uniformFanIn([d, 1, 3, 3], 9, seed, 'peg.peg.0.weight'),
        'peg.peg.0.bias': uniformFanIn([d], 9, seed, 'peg.peg.0.bias'),
      };
    }
    const s = squeezeDim(cfg);
    const w: Weights = { ...initLinear('model.mlp.1', cfg.visionDim, d, seed), ...initLinear('model.mlp.3', d, d, seed) };
    for (const j of [1, 2]) {
      const p = blockPrefix(j);
      const u = (name: string, shape: number[], fanIn: number): void => {
        w[name] = uniformFanIn(shape, fanIn, seed, name);
      };
      u(`${p}.0.0.weight`, [d, 1, 3, 3], 9);
      Object.assign(w, initLayerNorm(`${p}.0.1`, d));
      u(`${p}.1.fc1.weight`, [s, d, 1, 1], d);
      u(`${p}.1.fc1.bias`, [s], d);
      u(`${p}.1.fc2.weight`, [d, s, 1, 1], s);
      u(`${p}.1.fc2.bias`, [d], s);
      u(`${p}.2.0.weight`, [d, d, 1, 1], d);
      Object.assign(w, initLayerNorm(`${p}.2.1`, d));
    }
    return w;
  },
  apply(cfg, weights, input): ApplyOutput {
    const { b, side, outSide } = grid(cfg, { vision: input.vision.shape });
    const d = cfg.llmDim;
    const w = (n: string): tf.Tensor => getWeight(weights, n);
    return tf.tidy(() => {
      if (cfg.version === 2) {
        const h = linear(gelu(linear(input.vision, w('mlp.mlp.0.weight'), w('mlp.mlp.0.bias'))), w('mlp.mlp.2.weight'), w('mlp.mlp.2.bias')); // [B, Nv, Dm]
        const g = h.reshape([b, side, side, d]) as tf.Tensor4D; // [B, h·h, Dm] → [B, h, h, Dm]
        const pooled = adaptiveAvgPool2d(g, outSide, outSide); // [B, pool, pool, Dm]
        const peg = depthwiseConv(pooled, w('peg.peg.0.weight'), 1, w('peg.peg.0.bias')).add(pooled); // PEG + residual
        return { tokens: peg.reshape([b, outSide * outSide, d]), trace: {} }; // [B, pool, pool, Dm] → [B, pool², Dm]
      }
      const h = linear(gelu(linear(input.vision, w('model.mlp.1.weight'), w('model.mlp.1.bias'))), w('model.mlp.3.weight'), w('model.mlp.3.bias')); // [B, Nv, Dm]
      const g = h.reshape([b, side, side, d]) as tf.Tensor4D; // [B, h·h, Dm] → [B, h, h, Dm] (raster order = torch's reshape to [B, Dm, h, h])
      const y = invertedResidual(invertedResidual(g, weights, 1, 1, cfg.eps), weights, 2, 2, cfg.eps); // [B, ⌈h/2⌉, ⌈h/2⌉, Dm]
      return { tokens: y.reshape([b, outSide * outSide, d]), trace: {} }; // → [B, ⌈h/2⌉², Dm]
    });
  },
};
