/**
 * Step 2 (`build:emoji`): 1,911 emoji image–text pairs (public/data/emoji/). Joins the Noto images
 * to their CLDR labels and tags, splits train/test with a fixed seed, encodes the images with the
 * site's MobileNetV2 (emoji-encode.ts), reduces the features by PCA fitted on the train split only,
 * embeds the captions with USE-lite, and writes the features, the caption tokens, re-encode
 * fixtures, a gallery and the manifest (with a caption-retrieval signal check). Every step is
 * described in scripts/data/README.md.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { EMOJI_SPLIT_SEED } from '../../src/data/constants';
import { emojiSplit, toEmojiRecord, type EmojiRecord } from '../../src/data/emoji';
import { RETRIEVAL_LAMBDA, captionRetrieval } from '../../src/data/retrieval';
import { nearestNeighbours } from '../../src/primitives/linalg';
import { GRID_DIM, MID_DIM } from '../../src/runtime/encoder/mobilenet-v2';
import { ArtefactWriter, TFJS_VERSION, writeManifest } from './artefacts';
import { emojiFeatures, readPng, type EmojiFeatures } from './emoji-encode';
import { fitPca, project, roundF16, type PcaFit } from './pca';
import { PUBLIC, packageRoot, requireHere, sources } from './sources';
import { captionTokens, embedAll, loadUse, type CaptionTokens } from './text-encoder';

// Sizes chosen to keep the committed total small (see README "Sizes").
const POOLED_K = 256; // pooled 1280-d → 256 PCA axes
const GRID_K = 20; // each of the 49 tokens 1280-d → 20 PCA axes
const MID_K = 24; // each of the 196 tokens 576-d → 24 PCA axes
const MID_TRAIN = 96; // images with a 14×14 grid: the first 96 train + first 32 test, in index order
const MID_COUNT = 128;
const TEST_FRACTION = 0.2;
const SAMPLE_COUNT = 6; // re-encode fixtures
const GALLERY_CATEGORIES = ['Animals & Nature', 'Food & Drink', 'Travel & Places', 'Activities', 'Objects', 'Smileys & Emotion'];
const GALLERY_NEIGHBOURS = 5;
const PCA_METHOD = 'covariance + 40 rounds of seeded subspace iteration + Rayleigh–Ritz';

/** Every emoji with a Google image, in sort order, joined to its CLDR label and tags, with the fixed split. */
function emojiRows(): EmojiRecord[] {
  const google = requireHere(join(packageRoot('emoji-datasource-google'), 'emoji.json')) as Array<{
    name: string; unified: string; image: string; category: string; subcategory: string; has_img_google: boolean; sort_order: number;
  }>;
  const cldr = requireHere(join(packageRoot('emojibase-data'), 'en/data.json')) as Array<{ hexcode: string; label: string; tags?: string[]; emoji: string }>;
  const key = (hex: string): string => hex.toUpperCase().replace(/-FE0F/g, '');
  const byHex = new Map(cldr.map((e) => [key(e.hexcode), e]));
  const kept = google.filter((e) => e.has_img_google).sort((a, b) => a.sort_order - b.sort_order);
  const rows = kept.map((e, index) => {
    const c = byHex.get(key(e.unified));
    if (!c) throw new Error(`no CLDR entry for ${e.unified}`);
    const record = toEmojiRecord(
      { unified: e.unified, name: e.name, label: c.label, tags: c.tags ?? [], category: e.category, subcategory: e.subcategory, split: 'train' },
      index,
    );
    // captions.json stores only the underived fields; the loader derives the image name, so check it here.
    if (record.image !== e.image) throw new Error(`image name ${e.image} is not derivable from ${e.unified}`);
    return record;
  });
  // Fixed, seeded split (the loader recomputes it with the same function): see emojiSplit().
  for (const i of emojiSplit(rows.length, TEST_FRACTION, EMOJI_SPLIT_SEED).test) (rows[i] as EmojiRecord).split = 'test';
  return rows;
}

/** Rows `idx` of x, each `width` values wide. */
function gather(x: Float32Array, idx: number[], width: number): Float32Array {
  const out = new Float32Array(idx.length * width);
  idx.forEach((i, j) => out.set(x.subarray(i * width, (i + 1) * width), j * width));
  return out;
}

interface Reduced {
  fit: PcaFit;
  projected: Float32Array;
}

/** The three PCAs, fitted on the train split only (nothing about the test images leaks into the reduction), then applied to all. */
function reduce(f: EmojiFeatures, n: number, train: number[], midIndices: number[]): { pooled: Reduced; grid: Reduced; mid: Reduced } {
  const seed = (name: string): { seed: number; name: string } => ({ seed: EMOJI_SPLIT_SEED, name });
  const pooledFit = fitPca(gather(f.pooled, train, GRID_DIM), train.length, GRID_DIM, POOLED_K, seed('pooled'));
  console.log(`pooled PCA ${POOLED_K}: explained ${pooledFit.explained.toFixed(4)}`);
  const gridFit = fitPca(gather(f.grid, train, 49 * GRID_DIM), train.length * 49, GRID_DIM, GRID_K, seed('grid'));
  console.log(`grid PCA ${GRID_K}: explained ${gridFit.explained.toFixed(4)}`);
  const midFit = fitPca(f.mid.subarray(0, MID_TRAIN * 196 * MID_DIM), MID_TRAIN * 196, MID_DIM, MID_K, seed('mid'));
  console.log(`mid PCA ${MID_K}: explained ${midFit.explained.toFixed(4)}`);
  return {
    pooled: { fit: pooledFit, projected: project(f.pooled, n, GRID_DIM, pooledFit) },
    grid: { fit: gridFit, projected: project(f.grid, n * 49, GRID_DIM, gridFit) },
    mid: { fit: midFit, projected: project(f.mid, midIndices.length * 196, MID_DIM, midFit) },
  };
}

/** Re-encode fixtures: a few emoji spread over the list, as raw RGBA. */
function sampleImages(rows: EmojiRecord[], imgDir: string): { indices: number[]; rgba: Uint8Array } {
  const n = rows.length;
  const indices = Array.from({ length: SAMPLE_COUNT }, (_, j) => Math.floor(((j + 0.5) * n) / SAMPLE_COUNT));
  const rgba = new Uint8Array(SAMPLE_COUNT * 64 * 64 * 4);
  indices.forEach((i, j) => {
    const img = readPng(join(imgDir, (rows[i] as EmojiRecord).image));
    if (img.width !== 64 || img.height !== 64) throw new Error('expected 64 px emoji');
    rgba.set(img.data, j * 64 * 64 * 4);
  });
  return { indices, rgba };
}

/**
 * Gallery: per category, the first test-split emoji and its nearest neighbours (cosine) among all
 * emoji in the committed pooled-PCA space (float16-rounded, as the browser sees it).
 */
function galleryOf(rows: EmojiRecord[], pooledCommitted: Float32Array): Array<{ category: string; query: number; neighbours: number[] }> {
  return GALLERY_CATEGORIES.map((category) => {
    const query = rows.find((r) => r.category === category && r.split === 'test');
    if (!query) throw new Error(`no test emoji in ${category}`);
    const neighbours = nearestNeighbours(
      pooledCommitted.subarray(query.index * POOLED_K, (query.index + 1) * POOLED_K), pooledCommitted, rows.length, POOLED_K, GALLERY_NEIGHBOURS, query.index,
    );
    return { category, query: query.index, neighbours };
  });
}

/** Empties public/data/emoji/ and copies the PNGs the gallery shows into gallery/. */
function resetWithGallery(rows: EmojiRecord[], gallery: Array<{ query: number; neighbours: number[] }>, imgDir: string): void {
  const dir = join(PUBLIC, 'data/emoji');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'gallery'), { recursive: true });
  const images = [...new Set(gallery.flatMap((g) => [g.query, ...g.neighbours]))].sort((a, b) => a - b);
  for (const i of images) {
    const r = rows[i] as EmojiRecord;
    writeFileSync(join(dir, 'gallery', r.image), readFileSync(join(imgDir, r.image)));
  }
}

interface EmojiOutputs {
  rows: EmojiRecord[];
  train: number[];
  midIndices: number[];
  pooled: Float32Array;
  reduced: ReturnType<typeof reduce>;
  useEmb: Float32Array;
  tokens: CaptionTokens;
  samples: { indices: number[]; rgba: Uint8Array };
  gallery: unknown;
}

/** Writes every emoji artefact, in manifest order. */
function writeEmojiArtefacts(o: EmojiOutputs): ArtefactWriter {
  const { rows, train, midIndices, reduced, tokens } = o;
  const n = rows.length;
  const s = sources();
  const image = [s.nsfwjs.id, s.noto.id];
  const text = [s.use.id, s.useTokenizer.id, s.cldr.id];
  const out = new ArtefactWriter();
  const f = (name: string): string => `data/emoji/${name}`;
  out.json({ id: 'captions', file: f('captions.json'), sources: [s.noto.id, s.cldr.id], description: 'One record per emoji, in index order: code points, Unicode name, CLDR label and tags, category, train/test split. The caption is label + tags (captionOf in src/data/emoji.ts).' },
    rows.map(({ unified, name, label, tags, category, subcategory, split }) => ({ unified, name, label, tags, category, subcategory, split })));
  out.f16({ id: 'pooled-pca', file: f('image-pooled-pca.f16.bin'), shape: [n, POOLED_K], sources: image, description: `Mean of the 49 out_relu tokens (1280-d) per emoji, reduced to ${POOLED_K} PCA axes.`,
    pca: { inputDim: GRID_DIM, components: POOLED_K, fitOn: `train split, ${train.length} pooled vectors`, method: PCA_METHOD, explainedVariance: reduced.pooled.fit.explained, meanArtefact: 'pooled-pca-mean', basisArtefact: 'pooled-pca-basis' } }, reduced.pooled.projected);
  out.f16({ id: 'pooled-pca-mean', file: f('pooled-pca-mean.f16.bin'), shape: [GRID_DIM], sources: image, description: 'Mean pooled vector of the train split (subtracted before projection).' }, reduced.pooled.fit.mean);
  out.f16({ id: 'pooled-pca-basis', file: f('pooled-pca-basis.f16.bin'), shape: [POOLED_K, GRID_DIM], sources: image, description: 'Principal axes of the pooled vectors, one per row, by descending variance.' }, reduced.pooled.fit.basis);
  out.f16({ id: 'grid-pca', file: f('image-grid-pca.f16.bin'), shape: [n, 49, GRID_K], sources: image, description: `The 7×7 out_relu grid: 49 vision tokens per emoji (row-major), each reduced from 1280 to ${GRID_K} PCA axes.`,
    pca: { inputDim: GRID_DIM, components: GRID_K, fitOn: `train split, ${train.length * 49} tokens`, method: PCA_METHOD, explainedVariance: reduced.grid.fit.explained, meanArtefact: 'grid-pca-mean', basisArtefact: 'grid-pca-basis' } }, reduced.grid.projected);
  out.f16({ id: 'grid-pca-mean', file: f('grid-pca-mean.f16.bin'), shape: [GRID_DIM], sources: image, description: 'Mean grid token of the train split.' }, reduced.grid.fit.mean);
  out.f16({ id: 'grid-pca-basis', file: f('grid-pca-basis.f16.bin'), shape: [GRID_K, GRID_DIM], sources: image, description: 'Principal axes of the grid tokens.' }, reduced.grid.fit.basis);
  out.f16({ id: 'mid-pca', file: f('image-mid-pca.f16.bin'), shape: [midIndices.length, 196, MID_K], sources: image, description: `The 14×14 block_13_expand_relu grid (196 tokens) for ${midIndices.length} emoji (indices in details.midIndices), each token reduced from 576 to ${MID_K} PCA axes.`,
    pca: { inputDim: MID_DIM, components: MID_K, fitOn: `the ${MID_TRAIN} train-split images of the subset, ${MID_TRAIN * 196} tokens`, method: PCA_METHOD, explainedVariance: reduced.mid.fit.explained, meanArtefact: 'mid-pca-mean', basisArtefact: 'mid-pca-basis' } }, reduced.mid.projected);
  out.f16({ id: 'mid-pca-mean', file: f('mid-pca-mean.f16.bin'), shape: [MID_DIM], sources: image, description: 'Mean 14×14-grid token of the subset’s train images.' }, reduced.mid.fit.mean);
  out.f16({ id: 'mid-pca-basis', file: f('mid-pca-basis.f16.bin'), shape: [MID_K, MID_DIM], sources: image, description: 'Principal axes of the 14×14-grid tokens.' }, reduced.mid.fit.basis);
  out.f16({ id: 'use-caption', file: f('use-caption.f16.bin'), shape: [n, 512], sources: text, description: 'Universal Sentence Encoder lite embedding (512-d) of each caption.' }, o.useEmb);
  out.json({ id: 'caption-tokens', file: f('caption-tokens.json'), sources: text, description: 'SentencePiece tokenisation of each caption: the vocabulary ids used, their pieces, and per caption the rows of token-rows it uses.' }, {
    vocabIds: tokens.usedIds,
    pieces: tokens.pieces,
    captions: tokens.captions,
  });
  out.f16({ id: 'token-rows', file: f('token-rows.f16.bin'), shape: [tokens.usedIds.length, 256], sources: [s.use.id], description: `Rows of USE-lite’s pretrained [8002, 256] token-embedding table (module/Embeddings_en) for the ${tokens.usedIds.length} token ids the captions use: a stand-in for an LLM’s input embedding space.` }, tokens.tokenRows);
  out.write({ id: 'samples-rgba', file: f('samples-rgba.u8.bin'), dtype: 'uint8', shape: [SAMPLE_COUNT, 64, 64, 4], sources: [s.noto.id], description: 'Raw RGBA pixels of a few emoji (indices in details.samples), decoded once at build time, for the re-encode check.' }, o.samples.rgba);
  out.f16({ id: 'samples-pooled', file: f('samples-pooled.f16.bin'), shape: [SAMPLE_COUNT, GRID_DIM], sources: image, description: 'Un-reduced pooled 1280-d vectors of the sample emoji, for the re-encode check.' }, gather(o.pooled, o.samples.indices, GRID_DIM));
  out.json({ id: 'gallery', file: f('gallery.json'), sources: [s.nsfwjs.id, s.noto.id, s.cldr.id], description: 'Per category, one test-split emoji and its nearest neighbours by cosine in pooled-PCA space (images in gallery/).' }, o.gallery);
  return out;
}

export async function buildEmoji(): Promise<void> {
  const rows = emojiRows();
  const n = rows.length;
  const imgDir = join(packageRoot('emoji-datasource-google'), 'img/google/64');
  const train = rows.filter((r) => r.split === 'train').map((r) => r.index);
  const test = rows.filter((r) => r.split === 'test').map((r) => r.index);
  const midIndices = [...train.slice(0, MID_TRAIN), ...test.slice(0, MID_COUNT - MID_TRAIN)];

  const features = await emojiFeatures(rows, midIndices, imgDir);
  const reduced = reduce(features, n, train, midIndices);
  const use = await loadUse();
  const captions = rows.map((r) => r.caption);
  const useEmb = await embedAll(use, captions);
  const tokens = captionTokens(use, captions);
  const samples = sampleImages(rows, imgDir);
  const pooledCommitted = roundF16(reduced.pooled.projected);
  const gallery = galleryOf(rows, pooledCommitted);
  resetWithGallery(rows, gallery, imgDir);
  const out = writeEmojiArtefacts({ rows, train, midIndices, pooled: features.pooled, reduced, useEmb, tokens, samples, gallery });

  // Signal check on exactly the committed (float16) numbers; the unit tests recompute these.
  const retrievalInput = { image: pooledCommitted, imageDim: POOLED_K, text: roundF16(useEmb), textDim: 512, train, test, lambda: RETRIEVAL_LAMBDA };
  const retrieval = { features: 'pooled-pca → use-caption', lambda: RETRIEVAL_LAMBDA, paired: captionRetrieval(retrievalInput), shuffled: captionRetrieval(retrievalInput, true) };
  console.log('retrieval', JSON.stringify(retrieval));

  const s = sources();
  writeManifest('emoji', {
    title: 'Emoji image–text pairs',
    description: `${n} Noto emoji images paired with their CLDR label and tags, with MobileNetV2 image features, USE-lite caption embeddings and token-embedding rows.`,
    generator: { script: 'cd scripts/data && npm run build:emoji', tfjs: TFJS_VERSION, backend: tf.getBackend() },
    sources: [s.nsfwjs, s.noto, s.cldr, s.use, s.useTokenizer],
    artefacts: out.entries,
    details: {
      count: n,
      split: { seed: EMOJI_SPLIT_SEED, stream: 'emoji-split', testFraction: TEST_FRACTION, train: train.length, test: test.length, method: 'createRng(deriveSeed(seed, "emoji-split")).shuffle(indices); the first round(0.2·n) are test' },
      order: 'emoji-datasource sort_order',
      imagePreprocessing: '64 px PNG, composited on white, resized to 224 px (see encoder manifest)',
      midIndices,
      samples: samples.indices,
      galleryImageDir: 'data/emoji/gallery',
      // Measured on the 6 samples (Node, wasm and cpu alike): 4.2e-4 raw pooled, 3.1e-4 pooled PCA, 3.0e-4
      // grid PCA, i.e. float16 rounding; the tolerance allows ~4× that for other backends.
      reencodeTolerance: { pooledRelative: 0.002, pcaRelative: 0.002 },
      retrieval,
    },
  });
  console.log(`emoji: ${n} pairs, ${tokens.usedIds.length} token rows, train ${train.length}, test ${test.length}`);
}
