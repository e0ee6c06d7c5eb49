/**
 * Step 3 (`build:fashion`): 2,000 Fashion-MNIST images with class-name captions
 * (public/data/fashion-mnist/), from the Debian package dataset-fashion-mnist. Per part, a seeded,
 * class-balanced sample: 150 per class from the training set and 50 from the test set, kept in
 * source order. No image encoder: on 28 px greyscale images, pixels do as well as ImageNet
 * features (data-sources.md §2.6).
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { FASHION_CLASSES, FASHION_SEED, fashionCaption } from '../../src/data/constants';
import { createRng, deriveSeed } from '../../src/primitives/rng';
import { ArtefactWriter, TFJS_VERSION, writeManifest } from './artefacts';
import { PUBLIC, sources } from './sources';
import { captionTokens, embedAll, loadUse } from './text-encoder';

const FASHION_DIR = '/usr/share/datasets/fashion-mnist';
const FASHION_TRAIN_PER_CLASS = 150;
const FASHION_TEST_PER_CLASS = 50;

interface Picked {
  images: Uint8Array; // [count, 28, 28]
  labels: Uint8Array; // [count]
  sourceIndex: number[];
}

/** Reads a gzipped idx file: its dimensions and its bytes. */
function readIdx(file: string): { dims: number[]; data: Uint8Array } {
  const b = gunzipSync(readFileSync(file));
  const rank = b[3] as number;
  const dims = Array.from({ length: rank }, (_, i) => b.readUInt32BE(4 + 4 * i));
  return { dims, data: new Uint8Array(b.subarray(4 + 4 * rank)) };
}

/**
 * Class-balanced, seeded sample of one part: shuffle all indices, take the first perClass of each
 * class, and keep them in source order so the files diff cleanly.
 */
function pickBalanced(part: 'train' | 't10k', perClass: number): Picked {
  const images = readIdx(join(FASHION_DIR, `${part}-images-idx3-ubyte.gz`));
  const labels = readIdx(join(FASHION_DIR, `${part}-labels-idx1-ubyte.gz`));
  const count = labels.dims[0] as number;
  const order = createRng(deriveSeed(FASHION_SEED, `fashion-${part}`)).shuffle(Array.from({ length: count }, (_, i) => i));
  const taken = new Map<number, number>();
  const chosen: number[] = [];
  for (const i of order) {
    const c = labels.data[i] as number;
    if ((taken.get(c) ?? 0) < perClass) {
      taken.set(c, (taken.get(c) ?? 0) + 1);
      chosen.push(i);
    }
  }
  chosen.sort((a, b) => a - b);
  const out = new Uint8Array(chosen.length * 784);
  chosen.forEach((i, j) => out.set(images.data.subarray(i * 784, (i + 1) * 784), j * 784));
  return { images: out, labels: Uint8Array.from(chosen.map((i) => labels.data[i] as number)), sourceIndex: chosen };
}

export async function buildFashion(): Promise<void> {
  if (!existsSync(FASHION_DIR)) throw new Error(`${FASHION_DIR} missing: apt-get install -y dataset-fashion-mnist`);
  const tr = pickBalanced('train', FASHION_TRAIN_PER_CLASS);
  const te = pickBalanced('t10k', FASHION_TEST_PER_CLASS);
  const images = new Uint8Array([...tr.images, ...te.images]);
  const labels = new Uint8Array([...tr.labels, ...te.labels]);
  const nTotal = labels.length;

  const use = await loadUse();
  const captions = FASHION_CLASSES.map((c) => fashionCaption(c));
  const emb = await embedAll(use, captions);
  const tokens = captionTokens(use, captions);

  const dir = join(PUBLIC, 'data/fashion-mnist');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const s = sources();
  const out = new ArtefactWriter();
  const f = (name: string): string => `data/fashion-mnist/${name}`;
  out.write({ id: 'images', file: f('images.u8.bin'), dtype: 'uint8', shape: [nTotal, 28, 28], sources: [s.fashion.id], description: `28×28 greyscale images (0 = background): ${tr.labels.length} from the training set, then ${te.labels.length} from the test set. Cut into 4×4 patches they give a 7×7 grid of 49 tokens of 16 pixels.` }, images);
  out.write({ id: 'labels', file: f('labels.u8.bin'), dtype: 'uint8', shape: [nTotal], sources: [s.fashion.id], description: 'Class index 0–9 of each image.' }, labels);
  out.json({ id: 'classes', file: f('classes.json'), sources: [s.fashion.id, s.use.id], description: 'Class names, their captions and the token rows each caption uses.' }, {
    names: FASHION_CLASSES,
    captions,
    vocabIds: tokens.usedIds,
    pieces: tokens.pieces,
    tokens: tokens.captions,
  });
  out.f16({ id: 'use-caption', file: f('use-caption.f16.bin'), shape: [FASHION_CLASSES.length, 512], sources: [s.use.id, s.useTokenizer.id], description: 'USE-lite embedding of each class caption.' }, emb);
  out.f16({ id: 'token-rows', file: f('token-rows.f16.bin'), shape: [tokens.usedIds.length, 256], sources: [s.use.id], description: 'Rows of USE-lite’s [8002, 256] token-embedding table used by the class captions.' }, tokens.tokenRows);
  writeManifest('fashion-mnist', {
    title: 'Fashion-MNIST patches',
    description: `${nTotal} Fashion-MNIST images (class-balanced), each a 7×7 grid of 4×4-pixel patches (49 tokens), with class-name captions and their USE-lite embeddings.`,
    generator: { script: 'cd scripts/data && npm run build:fashion', tfjs: TFJS_VERSION, backend: tf.getBackend() },
    sources: [s.fashion, s.use, s.useTokenizer],
    artefacts: out.entries,
    details: {
      count: nTotal,
      split: { train: tr.labels.length, test: te.labels.length, trainFrom: 'train-images-idx3-ubyte.gz', testFrom: 't10k-images-idx3-ubyte.gz', perClass: { train: FASHION_TRAIN_PER_CLASS, test: FASHION_TEST_PER_CLASS }, seed: FASHION_SEED, method: 'per part: createRng(deriveSeed(seed, "fashion-<part>")).shuffle(indices), first perClass of each class, kept in source order' },
      sourceIndex: { train: tr.sourceIndex, test: te.sourceIndex },
      patch: { size: 4, grid: 7, tokens: 49, dim: 16 },
    },
  });
  console.log(`fashion-mnist: ${nTotal} images, ${tokens.usedIds.length} token rows`);
}
