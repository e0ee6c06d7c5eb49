/**
 * MobileNetV2 (ImageNet), via nsfwjs, as a vision-token encoder. The site's converted copy
 * (public/models/mobilenet_v2) keeps only the convolutional backbone: the source package's
 * classifier head was removed at conversion (scripts/data/model.ts), so no class output exists here.
 *
 * Shapes (B = 1 image):
 *   input  [B,224,224,3]  RGB in 0..1
 *   grid   [B,7,7,1280]   `out_relu`, 49 vision tokens × 1280 (Nv = 49, Dv = 1280)
 *   mid    [B,14,14,576]  `block_13_expand_relu`, 196 tokens × 576
 *   pooled [B,1280]       mean of the 49 grid tokens
 *
 * Preprocessing is shared by the build (Node), the tests (Node) and the upload island (browser), so
 * a reader's image and the committed emoji go through identical arithmetic:
 *   composite RGBA on white → round to 8 bits → /255 → bilinear resize to 224 with alignCorners=true
 * (the last two steps are what nsfwjs's own infer() does).
 */
import * as tf from '@tensorflow/tfjs';
import { loadBytes, loadManifest } from '../../data/load';
import type { ByteReader } from '../../data/reader';

export const INPUT_SIZE = 224;
export const GRID_ENDPOINT = 'out_relu';
export const MID_ENDPOINT = 'block_13_expand_relu';
export const GRID_SIDE = 7;
export const GRID_DIM = 1280;
export const MID_SIDE = 14;
export const MID_DIM = 576;
/** The dataset id of the encoder's manifest (public/data/encoder/manifest.json). */
export const ENCODER_DATASET = 'encoder';

/** Straight (non-premultiplied) RGBA pixels, row-major, as from PNG decoders or canvas getImageData. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

export interface Encoding {
  grid: Float32Array; // [49 * 1280], token-major (row, col, channel)
  pooled: Float32Array; // [1280]
  mid: Float32Array; // [196 * 576]
}

export interface Encoder {
  model: tf.LayersModel;
  encode(image: RgbaImage): Promise<Encoding>;
  dispose(): void;
}

/** Composite on white and round to 8-bit RGB: what a browser shows for a transparent PNG on a white page. */
export function compositeOnWhite(image: RgbaImage): Uint8Array {
  const { width, height, data } = image;
  if (!(width > 0 && height > 0)) throw new RangeError(`compositeOnWhite: empty image ${width}×${height}`);
  if (data.length !== width * height * 4) throw new RangeError(`compositeOnWhite: ${data.length} bytes for ${width}×${height} RGBA`);
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p += 1) {
    const a = (data[4 * p + 3] as number) / 255;
    for (let c = 0; c < 3; c += 1) rgb[3 * p + c] = Math.round((data[4 * p + c] as number) * a + 255 * (1 - a));
  }
  return rgb;
}

/** RGBA image → [1,224,224,3] float input in 0..1. */
export function preprocess(image: RgbaImage): tf.Tensor4D {
  const rgb = compositeOnWhite(image);
  return tf.tidy(() => {
    const x = tf.tensor3d(rgb, [image.height, image.width, 3], 'int32').toFloat().div(255) as tf.Tensor3D;
    const resized = image.width === INPUT_SIZE && image.height === INPUT_SIZE ? x : tf.image.resizeBilinear(x, [INPUT_SIZE, INPUT_SIZE], true);
    return resized.expandDims(0) as tf.Tensor4D;
  });
}

/**
 * Load the converted backbone through a ByteReader (fetch in the browser, disk in Node), with every
 * file checked against the encoder manifest's SHA-256 before tfjs sees it.
 */
export async function loadEncoder(reader: ByteReader): Promise<Encoder> {
  const manifest = await loadManifest(reader, ENCODER_DATASET);
  const modelJson = JSON.parse(new TextDecoder().decode(await loadBytes(reader, manifest, 'model-json'))) as {
    modelTopology: object;
    weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  };
  const weightBytes = await loadBytes(reader, manifest, 'model-weights');
  const weightData = weightBytes.buffer.slice(weightBytes.byteOffset, weightBytes.byteOffset + weightBytes.byteLength) as ArrayBuffer;
  const backbone = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights),
      weightData,
    }),
  );
  const model = tf.model({
    inputs: backbone.inputs,
    outputs: [GRID_ENDPOINT, MID_ENDPOINT].map((name) => backbone.getLayer(name).output as tf.SymbolicTensor),
  });
  return {
    model,
    encode: (image) => encodeWith(model, image),
    dispose: () => backbone.dispose(),
  };
}

async function encodeWith(model: tf.LayersModel, image: RgbaImage): Promise<Encoding> {
  const [grid, mid, pooled] = tf.tidy(() => {
    const x = preprocess(image);
    const [g, m] = model.predict(x) as [tf.Tensor4D, tf.Tensor4D];
    return [g, m, g.mean([1, 2])];
  });
  try {
    const [gridData, midData, pooledData] = await Promise.all([grid.data(), mid.data(), pooled.data()]);
    return { grid: Float32Array.from(gridData), mid: Float32Array.from(midData), pooled: Float32Array.from(pooledData) };
  } finally {
    tf.dispose([grid, mid, pooled]);
  }
}
