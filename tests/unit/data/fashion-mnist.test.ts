import { beforeAll, describe, expect, it } from 'vitest';
import { FASHION_CLASSES, fashionCaption } from '../../../src/data/constants';
import { loadFashionMnist, toPatches, type FashionData } from '../../../src/data/fashion-mnist';
import { ridgeFit, ridgePredict } from '../../../src/primitives/linalg';
import { fsReader } from '../../../src/data/node-reader';

describe('Fashion-MNIST patches', () => {
  let data: FashionData;
  beforeAll(async () => {
    data = await loadFashionMnist(fsReader());
  });

  it('has 1,500 train + 500 test images, class-balanced, with the documented captions', () => {
    expect(data.images.shape).toEqual([2000, 28, 28]);
    expect(data.train).toHaveLength(1500);
    expect(data.test).toHaveLength(500);
    const counts = (idx: number[]): number[] => {
      const c = new Array<number>(10).fill(0);
      idx.forEach((i) => (c[data.labels[i] as number] = (c[data.labels[i] as number] as number) + 1));
      return c;
    };
    expect(counts(data.train)).toEqual(new Array(10).fill(150));
    expect(counts(data.test)).toEqual(new Array(10).fill(50));
    expect(data.classes.names).toEqual([...FASHION_CLASSES]);
    expect(data.classes.captions[9]).toBe(fashionCaption('Ankle boot'));
    expect(data.classes.captions[9]).toBe('a photo of an ankle boot');
    expect(data.use.shape).toEqual([10, 512]);
    expect(data.tokenRows.shape[1]).toBe(256);
    data.classes.tokens.flat().forEach((r) => expect(r).toBeLessThan(data.tokenRows.shape[0] as number));
  });

  it('cuts an image into a row-major 7×7 grid of 4×4 patches', () => {
    // Synthetic image whose pixel value encodes its own position: value = (y·28 + x) mod 256.
    const img = Uint8Array.from({ length: 784 }, (_, i) => i % 256);
    const patches = toPatches({ shape: [1, 28, 28], data: img }, [0]);
    expect(patches).toHaveLength(49 * 16);
    // Token 8 = patch row 1, col 1 → its first pixel is (y=4, x=4) → 116; its last is (7,7) → 203.
    expect(patches[8 * 16]! * 255).toBeCloseTo(4 * 28 + 4, 4);
    expect(patches[8 * 16 + 15]! * 255).toBeCloseTo(7 * 28 + 7, 4);
    expect(() => toPatches({ shape: [1, 28, 28], data: img }, [1])).toThrow(/out of range/);
  });

  it('patches carry class signal: a ridge probe on the 49×16 patch tokens beats 75% (chance 10%)', () => {
    const x = toPatches(data.images, data.train);
    const xt = toPatches(data.images, data.test);
    const oneHot = new Float64Array(data.train.length * 10);
    data.train.forEach((i, r) => (oneHot[r * 10 + (data.labels[i] as number)] = 1));
    const model = ridgeFit(x, oneHot, data.train.length, 784, 10, 10);
    const pred = ridgePredict(model, xt, data.test.length);
    let correct = 0;
    data.test.forEach((i, r) => {
      let best = 0;
      for (let c = 1; c < 10; c += 1) if ((pred[r * 10 + c] as number) > (pred[r * 10 + best] as number)) best = c;
      if (best === data.labels[i]) correct += 1;
    });
    expect(correct / data.test.length).toBeGreaterThan(0.75);
  });
});
