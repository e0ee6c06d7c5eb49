/**
 * The heavy half of the "try your own image" island, loaded by dynamic import only when a reader
 * picks or drops a file: validates the file, decodes it, runs the MobileNetV2 backbone to get 49
 * vision tokens, and paints them. Nothing here runs on page load.
 *
 * Backend: the site's wasm set-up (src/runtime/backend.ts), which agrees bit for bit with Node's wasm,
 * so a committed emoji re-encoded here gives the committed features.
 */
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../../src/runtime/backend';
import { fetchReader } from '../../src/data/reader';
import { loadEmoji, loadPca, type EmojiData, type PcaBasis } from '../../src/data/emoji';
import { nearestNeighbours, normalizeRows, pcaProject } from '../../src/primitives/linalg';
import { GRID_DIM, GRID_SIDE, loadEncoder, type Encoder, type RgbaImage } from '../../src/runtime/encoder/mobilenet-v2';
import { checkDimensions, checkUpload, fitWithin } from '../../src/runtime/encoder/upload';
import { formatFixed, formatInt } from '../../src/primitives/format';

interface Assets {
  encoder: Encoder;
  emoji: EmojiData;
  pooledPca: PcaBasis;
  gridPca: PcaBasis;
}

let assets: Promise<Assets> | undefined;

/** Encoder, PCA bases and emoji features, fetched (and checksummed) once, on the first file. */
function loadAssets(base: string): Promise<Assets> {
  assets ??= (async () => {
    await useBestBackend('wasm'); // falls back to cpu (slower, float-level differences) if wasm cannot load
    const reader = fetchReader(base);
    const [encoder, emoji] = await Promise.all([loadEncoder(reader), loadEmoji(reader, ['captions', 'pooled'])]);
    const [pooledPca, gridPca] = await Promise.all([loadPca(reader, emoji.manifest, 'pooled-pca'), loadPca(reader, emoji.manifest, 'grid-pca')]);
    return { encoder, emoji, pooledPca, gridPca };
  })();
  assets.catch(() => (assets = undefined)); // a failed download may be retried with the next file
  return assets;
}

export class UploadError extends Error {}

/** Decode with the browser, then draw on white at most DRAW_MAX_SIDE px: straight RGBA for the shared preprocessing. */
export async function decode(file: File): Promise<{ image: RgbaImage; naturalWidth: number; naturalHeight: number }> {
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  const check = checkUpload({ name: file.name, size: file.size, type: file.type }, head);
  if (!check.ok) throw new UploadError(check.message);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new UploadError(`“${file.name}” looks like a ${check.kind.toUpperCase()} but could not be decoded.`);
  }
  try {
    const dims = checkDimensions(bitmap.width, bitmap.height);
    if (!dims.ok) throw new UploadError(dims.message);
    const size = fitWithin(bitmap.width, bitmap.height);
    const canvas = document.createElement('canvas');
    canvas.width = size.width;
    canvas.height = size.height;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new UploadError('This browser cannot draw images to a canvas.');
    // White under transparent pixels: the same compositing the emoji got at build time.
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, size.width, size.height);
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, 0, 0, size.width, size.height);
    const pixels = ctx.getImageData(0, 0, size.width, size.height);
    return { image: { width: size.width, height: size.height, data: pixels.data }, naturalWidth: bitmap.width, naturalHeight: bitmap.height };
  } finally {
    bitmap.close();
  }
}

/**
 * Colour of each token: its first three grid-PCA coordinates, min–max scaled to 0..255 per axis, as
 * RGB. Tokens that look alike get similar colours; it is a picture of the data, not a theme colour.
 */
function tokenColours(gridReduced: Float32Array, k: number): Array<[number, number, number]> {
  const n = gridReduced.length / k;
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let t = 0; t < n; t += 1) for (let c = 0; c < 3; c += 1) {
    const v = gridReduced[t * k + c] as number;
    lo[c] = Math.min(lo[c] as number, v);
    hi[c] = Math.max(hi[c] as number, v);
  }
  return Array.from({ length: n }, (_, t) => [0, 1, 2].map((c) => {
    const span = (hi[c] as number) - (lo[c] as number);
    return span > 0 ? Math.round((255 * ((gridReduced[t * k + c] as number) - (lo[c] as number))) / span) : 128;
  }) as [number, number, number]);
}

export interface TryImageElements {
  status: HTMLElement;
  result: HTMLElement;
  preview: HTMLCanvasElement;
  tokens: HTMLCanvasElement;
  neighbours: HTMLOListElement;
  summary: HTMLElement;
}

export async function runTryImage(root: HTMLElement, file: File, els: TryImageElements, base: string): Promise<void> {
  root.dataset.state = 'working';
  els.status.textContent = `Reading “${file.name}”…`;
  try {
    const decoded = await decode(file);
    els.status.textContent = 'Loading the encoder (about 2.5 MB, once)…';
    const { encoder, emoji, pooledPca, gridPca } = await loadAssets(base);
    els.status.textContent = 'Encoding…';
    await tf.nextFrame(); // let the status paint before the forward pass blocks the thread
    const encoding = await encoder.encode(decoded.image);

    // Preview: the 224×224 input the encoder saw (squashed to a square, as in preprocessing).
    const pctx = els.preview.getContext('2d');
    if (pctx) {
      const bitmap = await createImageBitmap(new ImageData(Uint8ClampedArray.from(decoded.image.data), decoded.image.width, decoded.image.height));
      pctx.drawImage(bitmap, 0, 0, els.preview.width, els.preview.height);
      bitmap.close();
    }
    const k = gridPca.components;
    const reduced = pcaProject(encoding.grid, GRID_SIDE * GRID_SIDE, GRID_DIM, gridPca.mean, gridPca.basis, k);
    const colours = tokenColours(reduced, k);
    const tctx = els.tokens.getContext('2d');
    if (tctx) {
      const cell = els.tokens.width / GRID_SIDE;
      colours.forEach(([r, g, b], t) => {
        tctx.fillStyle = `rgb(${r} ${g} ${b})`;
        tctx.fillRect((t % GRID_SIDE) * cell, Math.floor(t / GRID_SIDE) * cell, cell, cell);
      });
    }

    // Nearest emoji by cosine in pooled-PCA space: the same space as the Data page's gallery.
    const pooled = emoji.pooled!;
    const captions = emoji.captions!;
    const kp = pooledPca.components;
    const query = pcaProject(encoding.pooled, 1, GRID_DIM, pooledPca.mean, pooledPca.basis, kp);
    const nearest = nearestNeighbours(query, pooled.data, pooled.shape[0] as number, kp, 5);
    const q = normalizeRows(query, 1, kp);
    els.neighbours.replaceChildren(
      ...nearest.map((i) => {
        const rec = captions[i]!;
        const row = normalizeRows(pooled.data.subarray(i * kp, (i + 1) * kp), 1, kp);
        let cos = 0;
        for (let j = 0; j < kp; j += 1) cos += (row[j] as number) * (q[j] as number);
        const li = document.createElement('li');
        li.dataset.index = String(i);
        const glyph = document.createElement('span');
        glyph.className = 'glyph';
        glyph.textContent = rec.char;
        glyph.setAttribute('aria-hidden', 'true');
        const text = document.createElement('span');
        text.textContent = `${rec.caption} (cosine ${formatFixed(cos, 2)})`;
        li.append(glyph, text);
        return li;
      }),
    );
    els.summary.textContent = `${formatInt(decoded.naturalWidth)} × ${formatInt(decoded.naturalHeight)} px image → ${formatInt(GRID_SIDE * GRID_SIDE)} vision tokens of ${formatInt(GRID_DIM)} dimensions.`;
    els.result.hidden = false;
    els.status.textContent = `Encoded “${file.name}”.`;
    root.dataset.state = 'done';
  } catch (error) {
    root.dataset.state = 'error';
    els.status.textContent = error instanceof UploadError ? error.message : `Something went wrong: ${(error as Error).message}`;
  }
}
