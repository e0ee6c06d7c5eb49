/**
 * The emoji image–text dataset (public/data/emoji): 1,911 Noto emoji paired with their CLDR label
 * and tags. Load only the parts an experiment uses; each is fetched and checksummed on demand.
 *
 * Shapes (N = 1,911 emoji):
 *   pooled [N,256]     MobileNetV2 pooled vector, PCA 1280 → 256
 *   grid   [N,49,20]   7×7 out_relu tokens, each PCA 1280 → 20
 *   mid    [M,196,24]  14×14 block_13_expand_relu tokens for M = 128 emoji (details.midIndices), PCA 576 → 24
 *   use    [N,512]     USE-lite caption embedding
 *   tokens [U,256]     rows of USE-lite's [8002,256] token-embedding table used by the captions
 */
import { z } from 'zod';
import { EMOJI_SPLIT_SEED } from './constants';
import { findArtefact, loadFloat, loadJson, loadManifest, type LoadOptions, type Tensor } from './load';
import type { Manifest } from './manifest';
import type { ByteReader } from './reader';
import { createRng, deriveSeed } from '../primitives/rng';

export const EMOJI_DATASET = 'emoji';

/**
 * The caption of an emoji: its CLDR label, then its tags ("ewe: animal, baa, farm, …"). Label + tags
 * gave the strongest retrieval signal in the source study (data-sources.md §2.3).
 */
export function captionOf(label: string, tags: readonly string[]): string {
  return tags.length > 0 ? `${label}: ${tags.join(', ')}` : label;
}

/** One record as stored in captions.json: only what cannot be derived (keeps the file small). */
export const EmojiStoredSchema = z.object({
  unified: z.string().regex(/^[0-9A-F]{4,6}(-[0-9A-F]{4,6})*$/), // code points, e.g. "1F411" or "263A-FE0F"
  name: z.string(), // Unicode name, e.g. "SHEEP"
  label: z.string().min(1), // CLDR label, e.g. "ewe"
  tags: z.array(z.string()), // CLDR tags
  category: z.string(),
  subcategory: z.string(),
  split: z.enum(['train', 'test']),
});
export type EmojiStored = z.infer<typeof EmojiStoredSchema>;

/** A record with its derived fields: position, the character itself, its image file, its caption. */
export interface EmojiRecord extends EmojiStored {
  index: number;
  char: string;
  image: string; // emoji-datasource file name: lower-case code points + ".png"
  caption: string;
}

export function toEmojiRecord(stored: EmojiStored, index: number): EmojiRecord {
  return {
    ...stored,
    index,
    char: String.fromCodePoint(...stored.unified.split('-').map((h) => parseInt(h, 16))),
    image: `${stored.unified.toLowerCase()}.png`,
    caption: captionOf(stored.label, stored.tags),
  };
}

/** captions.json → records (validated, derived fields added). */
export const EmojiCaptionsSchema = z.array(EmojiStoredSchema).transform((rows) => rows.map(toEmojiRecord));

export const RetrievalScoresSchema = z.object({
  n: z.number().int().positive(),
  recallAt1: z.number().min(0).max(1),
  recallAt10: z.number().min(0).max(1),
  medianRank: z.number().positive(),
  chanceRecallAt1: z.number(),
  chanceRecallAt10: z.number(),
  chanceMedianRank: z.number(),
});

export const EmojiDetailsSchema = z.object({
  count: z.number().int().positive(),
  split: z.object({ seed: z.number().int(), stream: z.string(), testFraction: z.number(), train: z.number().int(), test: z.number().int() }).passthrough(),
  midIndices: z.array(z.number().int().nonnegative()),
  samples: z.array(z.number().int().nonnegative()),
  galleryImageDir: z.string(),
  reencodeTolerance: z.object({ pooledRelative: z.number().positive(), pcaRelative: z.number().positive() }),
  // The signal check written by the build (see retrieval.ts); tests recompute it.
  retrieval: z.object({ features: z.string(), lambda: z.number().positive(), paired: RetrievalScoresSchema, shuffled: RetrievalScoresSchema }),
}).passthrough();
export type EmojiDetails = z.infer<typeof EmojiDetailsSchema>;

export const CaptionTokensSchema = z.object({
  vocabIds: z.array(z.number().int().min(0).max(8001)),
  pieces: z.array(z.string()),
  captions: z.array(z.array(z.number().int().nonnegative())),
});
export type CaptionTokens = z.infer<typeof CaptionTokensSchema>;

export const GallerySchema = z.array(z.object({ category: z.string(), query: z.number().int(), neighbours: z.array(z.number().int()) }));
export type Gallery = z.infer<typeof GallerySchema>;

/**
 * The fixed train/test split: a seeded shuffle of 0..n-1; the first round(n·testFraction) indices are
 * the test split. Both lists are returned in ascending order. The build wrote the same split into
 * captions.json; a unit test checks the two agree.
 */
export function emojiSplit(count: number, testFraction = 0.2, seed = EMOJI_SPLIT_SEED): { train: number[]; test: number[] } {
  const order = createRng(deriveSeed(seed, 'emoji-split')).shuffle(Array.from({ length: count }, (_, i) => i));
  const testCount = Math.round(count * testFraction);
  const test = order.slice(0, testCount).sort((a, b) => a - b);
  const train = order.slice(testCount).sort((a, b) => a - b);
  return { train, test };
}

export type EmojiPart = 'captions' | 'pooled' | 'grid' | 'mid' | 'use' | 'tokens' | 'gallery';

export interface EmojiData {
  manifest: Manifest;
  details: EmojiDetails;
  split: { train: number[]; test: number[] };
  captions?: EmojiRecord[];
  pooled?: Tensor<Float32Array>;
  grid?: Tensor<Float32Array>;
  mid?: Tensor<Float32Array>;
  use?: Tensor<Float32Array>;
  tokens?: { rows: Tensor<Float32Array> } & CaptionTokens;
  gallery?: Gallery;
}

const PART_ARTEFACT: Record<Exclude<EmojiPart, 'tokens'>, string> = {
  captions: 'captions',
  pooled: 'pooled-pca',
  grid: 'grid-pca',
  mid: 'mid-pca',
  use: 'use-caption',
  gallery: 'gallery',
};

/** Load the manifest plus the requested parts (in parallel). Nothing else is fetched. */
export async function loadEmoji(reader: ByteReader, parts: readonly EmojiPart[], options?: LoadOptions): Promise<EmojiData> {
  const manifest = await loadManifest(reader, EMOJI_DATASET);
  const details = EmojiDetailsSchema.parse(manifest.details);
  const split = emojiSplit(details.count, details.split.testFraction, details.split.seed);
  const data: EmojiData = { manifest, details, split };
  const want = new Set(parts);
  const tasks: Array<Promise<void>> = [];
  if (want.has('captions')) {
    tasks.push(loadJson(reader, manifest, PART_ARTEFACT.captions, options).then((j) => void (data.captions = EmojiCaptionsSchema.parse(j))));
  }
  if (want.has('gallery')) {
    tasks.push(loadJson(reader, manifest, PART_ARTEFACT.gallery, options).then((j) => void (data.gallery = GallerySchema.parse(j))));
  }
  for (const part of ['pooled', 'grid', 'mid', 'use'] as const) {
    if (want.has(part)) tasks.push(loadFloat(reader, manifest, PART_ARTEFACT[part], options).then((t) => void (data[part] = t)));
  }
  if (want.has('tokens')) {
    tasks.push(
      Promise.all([loadFloat(reader, manifest, 'token-rows', options), loadJson(reader, manifest, 'caption-tokens', options)]).then(([rows, j]) => {
        data.tokens = { rows, ...CaptionTokensSchema.parse(j) };
      }),
    );
  }
  await Promise.all(tasks);
  return data;
}

/** A PCA reduction as committed: subtract mean, multiply by basisᵀ. */
export interface PcaBasis {
  inputDim: number;
  components: number;
  explainedVariance: number;
  mean: Float32Array; // [inputDim]
  basis: Float32Array; // [components, inputDim]
}

/** The PCA of a reduced artefact (e.g. 'pooled-pca', 'grid-pca'), to project fresh encodings the same way. */
export async function loadPca(reader: ByteReader, manifest: Manifest, artefactId: string, options?: LoadOptions): Promise<PcaBasis> {
  const pca = findArtefact(manifest, artefactId).pca;
  if (!pca) throw new Error(`${artefactId} has no PCA`);
  const [mean, basis] = await Promise.all([loadFloat(reader, manifest, pca.meanArtefact, options), loadFloat(reader, manifest, pca.basisArtefact, options)]);
  return { inputDim: pca.inputDim, components: pca.components, explainedVariance: pca.explainedVariance, mean: mean.data, basis: basis.data };
}

/** Public path of an emoji's 64 px gallery image (only the gallery emoji are committed as images). */
export function galleryImagePath(details: EmojiDetails, record: Pick<EmojiRecord, 'image'>): string {
  return `${details.galleryImageDir}/${record.image}`;
}
