/**
 * The emoji encoder pass: every 64 px Noto PNG through the site's own MobileNetV2 encoder
 * (src/runtime/encoder), giving pooled [n,1280], grid [n,49,1280] and, for a subset, mid
 * [m,196,576] features. The raw float32 outputs are cached in scripts/data/cache (git-ignored,
 * about 0.6 GB) so the PCA and the artefact layout can change without the ~4-minute encoder pass.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmojiRecord } from '../../src/data/emoji';
import { fsReader } from '../../src/data/node-reader';
import { GRID_DIM, MID_DIM, loadEncoder, type RgbaImage } from '../../src/runtime/encoder/mobilenet-v2';
import { CACHE, PUBLIC, cacheDir, packageRoot, requireHere } from './sources';

export interface EmojiFeatures {
  pooled: Float32Array; // [n, 1280]
  grid: Float32Array; // [n, 49, 1280]
  mid: Float32Array; // [midIndices.length, 196, 576]
}

/** Decodes a PNG file to straight RGBA. */
export function readPng(path: string): RgbaImage {
  const { PNG } = requireHere(packageRoot('pngjs')) as { PNG: { sync: { read(b: Buffer): { width: number; height: number; data: Buffer } } } };
  const png = PNG.sync.read(readFileSync(path));
  return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
}

function cachedF32(name: string): Float32Array | undefined {
  const path = join(CACHE, name);
  if (!existsSync(path)) return undefined;
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

function saveF32(name: string, x: Float32Array): void {
  writeFileSync(join(cacheDir(), name), new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
}

/** Cached 14×14 encodings for `want`, gathered from a cached superset (so the subset can shrink without re-encoding). */
function cachedMid(want: number[]): Float32Array | undefined {
  const all = cachedF32('emoji-mid.f32');
  const indexPath = join(CACHE, 'emoji-mid.json');
  if (!all || !existsSync(indexPath)) return undefined;
  const have = new Map((JSON.parse(readFileSync(indexPath, 'utf8')) as number[]).map((i, j) => [i, j]));
  const width = 196 * MID_DIM;
  if (all.length !== have.size * width || !want.every((i) => have.has(i))) return undefined;
  const out = new Float32Array(want.length * width);
  want.forEach((i, j) => out.set(all.subarray((have.get(i) as number) * width, ((have.get(i) as number) + 1) * width), j * width));
  return out;
}

/** Runs the encoder over every emoji (in index order) and fills the cache. */
async function encodeAll(rows: EmojiRecord[], midIndices: number[], imgDir: string): Promise<EmojiFeatures> {
  const n = rows.length;
  const encoder = await loadEncoder(fsReader(PUBLIC));
  const pooled = new Float32Array(n * GRID_DIM);
  const grid = new Float32Array(n * 49 * GRID_DIM);
  const mid = new Float32Array(midIndices.length * 196 * MID_DIM);
  const midPos = new Map(midIndices.map((i, j) => [i, j]));
  for (const r of rows) {
    const e = await encoder.encode(readPng(join(imgDir, r.image)));
    pooled.set(e.pooled, r.index * GRID_DIM);
    grid.set(e.grid, r.index * 49 * GRID_DIM);
    const j = midPos.get(r.index);
    if (j !== undefined) mid.set(e.mid, j * 196 * MID_DIM);
    if (r.index % 100 === 0) console.log(`encoded ${r.index}/${n}`);
  }
  encoder.dispose();
  saveF32('emoji-pooled.f32', pooled);
  saveF32('emoji-grid.f32', grid);
  saveF32('emoji-mid.f32', mid);
  writeFileSync(join(cacheDir(), 'emoji-mid.json'), JSON.stringify(midIndices));
  return { pooled, grid, mid };
}

/** The encoder features of every emoji, from the cache when it holds them, else by encoding. */
export async function emojiFeatures(rows: EmojiRecord[], midIndices: number[], imgDir: string): Promise<EmojiFeatures> {
  const pooled = cachedF32('emoji-pooled.f32');
  const grid = cachedF32('emoji-grid.f32');
  const mid = cachedMid(midIndices);
  if (pooled && grid && mid && pooled.length === rows.length * GRID_DIM) return { pooled, grid, mid };
  return encodeAll(rows, midIndices, imgDir);
}
