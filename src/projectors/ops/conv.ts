/**
 * Convolution helpers in NHWC for the convolutional projectors (LDP, LDPv2, C-Abstractor), taking
 * weights in PyTorch layout ([out, in/groups, kh, kw]).
 *
 * Why not tf.depthwiseConv2d: its gradient kernels are missing on the wasm backend, and every
 * projector must train there (tf.variableGrads). A depthwise k×k convolution is written as a sum of
 * k² shifted slices times per-channel weights, which uses only pad/slice/reshape/mul/add, whose
 * gradients exist on every backend. Results equal torch's F.conv2d(groups=C) up to float rounding.
 * Same reason for adaptiveAvgPool2d: two small averaging matrices (matMul) instead of a gather.
 */
import * as tf from '@tensorflow/tfjs';
import { linear } from './linear';

/**
 * Depthwise conv, PyTorch Conv2d(C, C, k, stride, padding=(k-1)/2, groups=C) semantics.
 * x [B, H, W, C], weight [C, 1, k, k], bias [C]? → [B, Ho, Wo, C], Ho = ⌊(H + 2p − k)/s⌋ + 1.
 */
export function depthwiseConv(x: tf.Tensor4D, weight: tf.Tensor, stride: number, bias?: tf.Tensor): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, h, w, c] = x.shape;
    const k = weight.shape[2] as number;
    const p = Math.floor((k - 1) / 2);
    const ho = Math.floor((h + 2 * p - k) / stride) + 1;
    const wo = Math.floor((w + 2 * p - k) / stride) + 1;
    // Extra zeros at the end (stride more) so every strided window can be cut as a full block.
    const xp = tf.pad(x, [[0, 0], [p, p + stride], [p, p + stride], [0, 0]]);
    const kernel = weight.reshape([c, k * k]).transpose(); // [C, 1, k, k] → [k·k, C]
    let acc: tf.Tensor | undefined;
    for (let ky = 0; ky < k; ky += 1) {
      for (let kx = 0; kx < k; kx += 1) {
        let win: tf.Tensor = tf.slice(xp, [0, ky, kx, 0], [b, ho * stride, wo * stride, c]); // [B, Ho·s, Wo·s, C]
        if (stride > 1) {
          win = win.reshape([b, ho, stride, wo, stride, c]); // [B, Ho·s, Wo·s, C] → [B, Ho, s, Wo, s, C]
          win = tf.slice(win, [0, 0, 0, 0, 0, 0], [b, ho, 1, wo, 1, c]).reshape([b, ho, wo, c]); // every s-th → [B, Ho, Wo, C]
        }
        const tap = tf.slice(kernel, [ky * k + kx, 0], [1, c]).reshape([c]); // [C]
        const term = win.mul(tap);
        acc = acc ? acc.add(term) : term;
      }
    }
    const out = acc as tf.Tensor;
    return (bias ? out.add(bias) : out) as tf.Tensor4D;
  });
}

/** 1×1 convolution: weight [out, in, 1, 1] (+ bias [out]) on x [B, H, W, in] → [B, H, W, out]. */
export function conv1x1(x: tf.Tensor4D, weight: tf.Tensor, bias?: tf.Tensor): tf.Tensor4D {
  return tf.tidy(() => {
    const [o, i] = weight.shape as [number, number];
    return linear(x, weight.reshape([o, i]), bias) as tf.Tensor4D; // [out, in, 1, 1] → [out, in]
  });
}

/**
 * torch.nn.AdaptiveAvgPool2d bin matrix for one axis: row i averages input positions
 * ⌊i·n/m⌋ … ⌈(i+1)·n/m⌉ − 1 (PyTorch's start/end index rule). Returns [m, n].
 */
export function adaptivePoolMatrix(n: number, m: number): tf.Tensor2D {
  const vals = new Float32Array(m * n);
  for (let i = 0; i < m; i += 1) {
    const start = Math.floor((i * n) / m);
    const end = Math.ceil(((i + 1) * n) / m);
    for (let j = start; j < end; j += 1) vals[i * n + j] = 1 / (end - start);
  }
  return tf.tensor2d(vals, [m, n]);
}

/** AdaptiveAvgPool2d((oh, ow)) on x [B, H, W, C] → [B, oh, ow, C]. */
export function adaptiveAvgPool2d(x: tf.Tensor4D, oh: number, ow: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, h, w, c] = x.shape;
    const ph = adaptivePoolMatrix(h, oh);
    const pw = adaptivePoolMatrix(w, ow);
    const rows = x.transpose([1, 0, 2, 3]).reshape([h, b * w * c]); // [B, H, W, C] → [H, B·W·C]
    const pooledRows = tf.matMul(ph, rows).reshape([oh, b, w, c]); // [oh, B·W·C] → [oh, B, W, C]
    const cols = pooledRows.transpose([2, 1, 0, 3]).reshape([w, b * oh * c]); // → [W, B·oh·C]
    const pooled = tf.matMul(pw, cols).reshape([ow, b, oh, c]); // [ow, B·oh·C] → [ow, B, oh, C]
    return pooled.transpose([1, 2, 0, 3]) as tf.Tensor4D; // → [B, oh, ow, C]
  });
}

/**
 * Squeeze-and-excitation on x [B, H, W, C]: s = gate(fc2(act(fc1(mean_hw x)))), x · s.
 * fc1 [S, C, 1, 1] + bias [S], fc2 [C, S, 1, 1] + bias [C] (torchvision SqueezeExcitation and
 * timm SEModule share this layout).
 */
export function squeezeExcite(
  x: tf.Tensor4D,
  fc1: { weight: tf.Tensor; bias: tf.Tensor },
  fc2: { weight: tf.Tensor; bias: tf.Tensor },
  act: (t: tf.Tensor) => tf.Tensor,
  gate: (t: tf.Tensor) => tf.Tensor,
): tf.Tensor4D {
  return tf.tidy(() => {
    const pooled = x.mean([1, 2], true) as tf.Tensor4D; // [B, 1, 1, C]
    const squeezed = act(conv1x1(pooled, fc1.weight, fc1.bias)) as tf.Tensor4D; // [B, 1, 1, S]
    const scale = gate(conv1x1(squeezed, fc2.weight, fc2.bias)); // [B, 1, 1, C]
    return x.mul(scale) as tf.Tensor4D;
  });
}
