/**
 * Fashion-MNIST patches (public/data/fashion-mnist): a class-balanced sample of 28×28 greyscale
 * images (the first `split.train` from the training set, then `split.test` from the test set), cut
 * ViT-style into a 7×7 grid of 4×4 patches: 49 tokens of 16 values. Captions are class names.
 *
 * Shapes (N = 2,000): images [N,28,28] uint8, labels [N] uint8, patches [N,49,16] float in 0..1,
 * use [10,512] caption embeddings, tokens [U,256] token-embedding rows.
 */
import { z } from 'zod';
import { loadFloat, loadJson, loadManifest, loadUint8, type LoadOptions, type Tensor } from './load';
import type { Manifest } from './manifest';
import type { ByteReader } from './reader';

export const FASHION_DATASET = 'fashion-mnist';
export const IMAGE_SIDE = 28;
export const PATCH_SIDE = 4;
export const PATCH_GRID = IMAGE_SIDE / PATCH_SIDE; // 7
export const PATCH_TOKENS = PATCH_GRID * PATCH_GRID; // 49
export const PATCH_DIM = PATCH_SIDE * PATCH_SIDE; // 16

export const FashionDetailsSchema = z.object({
  count: z.number().int().positive(),
  split: z.object({ train: z.number().int().positive(), test: z.number().int().positive() }).passthrough(),
  patch: z.object({ size: z.literal(PATCH_SIDE), grid: z.literal(PATCH_GRID), tokens: z.literal(PATCH_TOKENS), dim: z.literal(PATCH_DIM) }),
}).passthrough();

export const FashionClassesSchema = z.object({
  names: z.array(z.string()).length(10),
  captions: z.array(z.string()).length(10),
  vocabIds: z.array(z.number().int()),
  pieces: z.array(z.string()),
  tokens: z.array(z.array(z.number().int().nonnegative())).length(10),
});

export interface FashionData {
  manifest: Manifest;
  images: Tensor<Uint8Array>; // [N,28,28]
  labels: Uint8Array; // [N]
  classes: z.infer<typeof FashionClassesSchema>;
  use: Tensor<Float32Array>; // [10,512]
  tokenRows: Tensor<Float32Array>; // [U,256]
  train: number[]; // indices into images
  test: number[];
}

export async function loadFashionMnist(reader: ByteReader, options?: LoadOptions): Promise<FashionData> {
  const manifest = await loadManifest(reader, FASHION_DATASET);
  const details = FashionDetailsSchema.parse(manifest.details);
  const [images, labels, classesJson, use, tokenRows] = await Promise.all([
    loadUint8(reader, manifest, 'images', options),
    loadUint8(reader, manifest, 'labels', options),
    loadJson(reader, manifest, 'classes', options),
    loadFloat(reader, manifest, 'use-caption', options),
    loadFloat(reader, manifest, 'token-rows', options),
  ]);
  if (details.split.train + details.split.test !== details.count) throw new Error('fashion-mnist: split counts do not add up');
  const range = (start: number, count: number): number[] => Array.from({ length: count }, (_, i) => start + i);
  return {
    manifest,
    images,
    labels: labels.data,
    classes: FashionClassesSchema.parse(classesJson),
    use,
    tokenRows,
    train: range(0, details.split.train),
    test: range(details.split.train, details.split.test),
  };
}

/**
 * Cut images into the 7×7 grid of 4×4 patches, scaled to 0..1: [m,49,16]. Token t = row·7 + col
 * (row-major, like the MobileNet grid); inside a patch, pixels are row-major too.
 */
export function toPatches(images: Tensor<Uint8Array>, indices: readonly number[]): Float32Array {
  const out = new Float32Array(indices.length * PATCH_TOKENS * PATCH_DIM);
  indices.forEach((img, m) => {
    if (img < 0 || img >= (images.shape[0] ?? 0)) throw new RangeError(`toPatches: image ${img} out of range`);
    const base = img * IMAGE_SIDE * IMAGE_SIDE;
    for (let pr = 0; pr < PATCH_GRID; pr += 1) {
      for (let pc = 0; pc < PATCH_GRID; pc += 1) {
        const token = pr * PATCH_GRID + pc;
        for (let y = 0; y < PATCH_SIDE; y += 1) {
          for (let x = 0; x < PATCH_SIDE; x += 1) {
            const pixel = images.data[base + (pr * PATCH_SIDE + y) * IMAGE_SIDE + pc * PATCH_SIDE + x] as number;
            out[(m * PATCH_TOKENS + token) * PATCH_DIM + y * PATCH_SIDE + x] = pixel / 255;
          }
        }
      }
    }
  });
  return out;
}
