/**
 * The Playground's data-set input: one emoji of the committed data set (public/data/emoji) as the
 * vision tokens MobileNetV2 gives it, the 7×7 `out_relu` grid. The data set stores each grid reduced
 * by PCA to a few components per token; the input is its reconstruction, mean + coefficients · basis,
 * so it has the encoder's width again (approximately: the committed PCA keeps the variance its
 * manifest states).
 *
 * Shapes: grid-pca [N, 49, C] → one item [49, C] → reconstruction [1, 49, 1280] (B = 1, Nv = 49, Dv = 1280).
 * Only emoji whose PNG is committed (the gallery's queries and neighbours) are offered, so the page
 * can show the data set's own image of the input.
 */
import { defaultReader } from '../../src/data/default-reader';
import { galleryImagePath, loadEmoji, loadPca } from '../../src/data/emoji';

export const SAMPLE_SHAPE = [1, 49, 1280] as const;

export interface SampleInput {
  /** Index into the data set. */
  index: number;
  label: string;
  /** Site path of the emoji's PNG. */
  image: string;
  /** [49 · 1280], token-major. */
  vision: Float32Array;
  explainedVariance: number;
}

/** The data-set items the Playground offers, in data-set order: every emoji of the gallery. */
export async function sampleIndices(): Promise<number[]> {
  const emoji = await loadEmoji(await defaultReader(), ['gallery']);
  const set = new Set<number>();
  for (const g of emoji.gallery ?? []) [g.query, ...g.neighbours].forEach((i) => set.add(i));
  return [...set].sort((a, b) => a - b);
}

/** The `sample`-th offered emoji (0-based) as vision tokens; an index past the end is an Error naming the count. */
export async function loadSampleInput(sample: number): Promise<SampleInput> {
  const reader = await defaultReader();
  const emoji = await loadEmoji(reader, ['gallery', 'captions', 'grid']);
  const offered = new Set<number>();
  for (const g of emoji.gallery ?? []) [g.query, ...g.neighbours].forEach((i) => offered.add(i));
  const list = [...offered].sort((a, b) => a - b);
  if (!Number.isInteger(sample) || sample < 0 || sample >= list.length) throw new Error(`sample must be from 0 to ${list.length - 1} (the ${list.length} emoji with a committed image), got ${sample}`);
  const index = list[sample] as number;
  const grid = emoji.grid!;
  const [, tokens, comps] = grid.shape as [number, number, number];
  const pca = await loadPca(reader, emoji.manifest, 'grid-pca');
  if (pca.components !== comps || pca.inputDim !== SAMPLE_SHAPE[2] || tokens !== SAMPLE_SHAPE[1]) {
    throw new Error(`grid-pca: expected [N, 49, ${pca.components}] coefficients of a ${SAMPLE_SHAPE[2]}-wide basis, got [${grid.shape.join(', ')}]`);
  }
  const vision = new Float32Array(tokens * pca.inputDim);
  for (let t = 0; t < tokens; t += 1) {
    const coeffs = grid.data.subarray((index * tokens + t) * comps, (index * tokens + t + 1) * comps);
    for (let d = 0; d < pca.inputDim; d += 1) {
      let v = pca.mean[d] as number;
      for (let c = 0; c < comps; c += 1) v += (coeffs[c] as number) * (pca.basis[c * pca.inputDim + d] as number); // x = μ + Σ_c a_c·b_c
      vision[t * pca.inputDim + d] = v;
    }
  }
  const record = emoji.captions![index]!;
  return { index, label: record.label, image: galleryImagePath(emoji.details, record), vision, explainedVariance: pca.explainedVariance };
}
