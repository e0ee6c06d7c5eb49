/**
 * Re-encodes the committed sample emoji with the committed encoder (public/models/mobilenet_v2) and
 * checks that the committed features are reproduced: the raw pooled vectors, and the PCA-reduced
 * pooled and grid rows after projecting with the committed PCA. This ties the browser encoder, the
 * shared preprocessing and the committed artefacts together.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBestBackend } from '../../../src/runtime/backend';
import { loadFloat, loadUint8 } from '../../../src/data/load';
import { loadEmoji, loadPca, type EmojiData, type PcaBasis } from '../../../src/data/emoji';
import { pcaProject } from '../../../src/primitives/linalg';
import { fsReader } from '../../../src/data/node-reader';
import { loadEncoder, type Encoder, type Encoding } from '../../../src/runtime/encoder/mobilenet-v2';

/** max |a − b| / max |b|: one number per comparison, insensitive to the features' scale. */
function relativeMaxError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i += 1) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(b[i] as number));
  }
  return diff / scale;
}

describe('re-encoding committed samples reproduces committed features', () => {
  const reader = fsReader();
  let encoder: Encoder;
  let emoji: EmojiData;
  let pooledPca: PcaBasis;
  let gridPca: PcaBasis;
  let encodings: Encoding[];
  let samplePooled: Float32Array;

  beforeAll(async () => {
    expect((await useBestBackend('wasm')).backend).toBe('wasm'); // the backend the build used
    encoder = await loadEncoder(reader);
    emoji = await loadEmoji(reader, ['pooled', 'grid']);
    [pooledPca, gridPca] = await Promise.all([loadPca(reader, emoji.manifest, 'pooled-pca'), loadPca(reader, emoji.manifest, 'grid-pca')]);
    const rgba = await loadUint8(reader, emoji.manifest, 'samples-rgba');
    samplePooled = (await loadFloat(reader, emoji.manifest, 'samples-pooled')).data;
    const [count, height, width] = rgba.shape as [number, number, number, number];
    expect(count).toBe(emoji.details.samples.length);
    encodings = [];
    for (let s = 0; s < count; s += 1) {
      const data = rgba.data.subarray(s * height * width * 4, (s + 1) * height * width * 4);
      encodings.push(await encoder.encode({ width, height, data }));
    }
  }, 120_000);

  afterAll(() => encoder?.dispose());

  it('encoder outputs 49 grid tokens of 1280, 196 mid tokens of 576, and the pooled mean', () => {
    const e = encodings[0] as Encoding;
    expect(e.grid.length).toBe(49 * 1280);
    expect(e.mid.length).toBe(196 * 576);
    let mean0 = 0;
    for (let t = 0; t < 49; t += 1) mean0 += (e.grid[t * 1280] as number) / 49;
    expect(e.pooled[0]).toBeCloseTo(mean0, 5);
    expect(Math.min(...e.grid)).toBeGreaterThanOrEqual(0); // out_relu is a ReLU
  });

  it('raw pooled vectors match the committed float16 copies (max error ≤ 0.2% of the largest value)', () => {
    const tol = emoji.details.reencodeTolerance.pooledRelative;
    encodings.forEach((e, s) => {
      expect(relativeMaxError(e.pooled, samplePooled.subarray(s * 1280, (s + 1) * 1280))).toBeLessThan(tol);
    });
  });

  it('PCA-projected pooled and grid features match the committed rows', () => {
    const tol = emoji.details.reencodeTolerance.pcaRelative;
    const pooled = emoji.pooled!;
    const grid = emoji.grid!;
    const kp = pooledPca.components;
    const kg = gridPca.components;
    emoji.details.samples.forEach((index, s) => {
      const e = encodings[s] as Encoding;
      const fresh = pcaProject(e.pooled, 1, 1280, pooledPca.mean, pooledPca.basis, kp);
      const committed = pooled.data.subarray(index * kp, (index + 1) * kp);
      expect(relativeMaxError(fresh, committed)).toBeLessThan(tol);
      const freshGrid = pcaProject(e.grid, 49, 1280, gridPca.mean, gridPca.basis, kg);
      const committedGrid = grid.data.subarray(index * 49 * kg, (index + 1) * 49 * kg);
      expect(relativeMaxError(freshGrid, committedGrid)).toBeLessThan(tol);
    });
  });

  it('different images give different features (the check is not vacuous)', () => {
    const a = encodings[0] as Encoding;
    const b = encodings[1] as Encoding;
    expect(relativeMaxError(a.pooled, b.pooled)).toBeGreaterThan(0.1);
  });
});
