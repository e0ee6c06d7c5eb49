import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { emojiSplit, loadEmoji, type EmojiData } from '../../../src/data/emoji';
import { nearestNeighbours } from '../../../src/primitives/linalg';
import { loadManifest } from '../../../src/data/load';
import { PUBLIC_DIR, fsReader } from '../../../src/data/node-reader';
import { captionRetrieval } from '../../../src/data/retrieval';

describe('emoji dataset', () => {
  let data: EmojiData;
  beforeAll(async () => {
    data = await loadEmoji(fsReader(), ['captions', 'pooled', 'grid', 'mid', 'use', 'tokens', 'gallery']);
  });

  it('has the documented shapes', () => {
    expect(data.details.count).toBe(1911);
    expect(data.pooled!.shape).toEqual([1911, 256]);
    expect(data.grid!.shape).toEqual([1911, 49, 20]);
    expect(data.mid!.shape).toEqual([128, 196, 24]);
    expect(data.details.midIndices).toHaveLength(128);
    expect(data.use!.shape).toEqual([1911, 512]);
    expect(data.tokens!.rows.shape[1]).toBe(256);
    expect(data.tokens!.rows.shape[0]).toBe(data.tokens!.vocabIds.length);
    expect(data.captions).toHaveLength(1911);
  });

  it('loads only the parts asked for', async () => {
    const light = await loadEmoji(fsReader(), ['use']);
    expect(light.use!.shape).toEqual([1911, 512]);
    expect(light.pooled).toBeUndefined();
    expect(light.captions).toBeUndefined();
  });

  it('has a fixed seeded split that matches captions.json: 1,529 train, 382 test', () => {
    const { train, test } = data.split;
    expect(train).toHaveLength(1529);
    expect(test).toHaveLength(382);
    expect(new Set([...train, ...test]).size).toBe(1911);
    data.captions!.forEach((c, i) => {
      expect(c.index).toBe(i);
      expect(c.split).toBe(test.includes(i) ? 'test' : 'train');
    });
    expect(emojiSplit(1911)).toEqual(data.split); // deterministic
    expect(emojiSplit(1911, 0.2, 1).test).not.toEqual(test); // and seed-dependent
  });

  it('captions are the CLDR label followed by its tags', () => {
    const ewe = data.captions!.find((c) => c.unified === '1F411')!;
    expect(ewe.label).toBe('ewe');
    expect(ewe.caption).toBe(`ewe: ${ewe.tags.join(', ')}`);
    expect(ewe.tags).toContain('sheep');
    data.captions!.forEach((c) => expect(c.caption.startsWith(c.label)).toBe(true));
  });

  it('caption tokens index the committed token-embedding rows', () => {
    const t = data.tokens!;
    expect(t.captions).toHaveLength(1911);
    expect([...t.vocabIds].sort((a, b) => a - b)).toEqual(t.vocabIds);
    expect(new Set(t.vocabIds).size).toBe(t.vocabIds.length);
    const used = new Set(t.captions.flat());
    expect(used.size).toBe(t.vocabIds.length); // every stored row is used by some caption
    t.captions.flat().forEach((r) => expect(r).toBeLessThan(t.vocabIds.length));
    const ewe = data.captions!.findIndex((c) => c.unified === '1F411');
    expect(t.captions[ewe]!.map((r) => t.pieces[r]).join('')).toContain('sheep');
  });

  it('caption embeddings are unit-length USE vectors (within float16)', () => {
    const use = data.use!.data;
    for (const i of [0, 500, 1910]) {
      let s = 0;
      for (let j = 0; j < 512; j += 1) s += (use[i * 512 + j] as number) ** 2;
      expect(Math.sqrt(s)).toBeCloseTo(1, 2);
    }
  });

  it('the gallery neighbours are the nearest emoji in the committed pooled features', () => {
    const pooled = data.pooled!;
    for (const g of data.gallery!) {
      expect(data.captions![g.query]!.split).toBe('test');
      expect(nearestNeighbours(pooled.data.subarray(g.query * 256, (g.query + 1) * 256), pooled.data, 1911, 256, 5, g.query)).toEqual(g.neighbours);
    }
  });

  it('carries signal: ridge retrieval of held-out captions is far above chance, and falls to chance when pairs are shuffled', () => {
    const input = { image: data.pooled!.data, imageDim: 256, text: data.use!.data, textDim: 512, train: data.split.train, test: data.split.test };
    const paired = captionRetrieval(input);
    const shuffled = captionRetrieval(input, true);
    // The build recorded the same numbers from the same committed bytes.
    const recorded = data.details.retrieval;
    expect(paired).toEqual(recorded.paired);
    expect(shuffled).toEqual(recorded.shuffled);
    expect(paired.n).toBe(382);
    expect(paired.chanceMedianRank).toBe(191.5);
    // Real pairs: R@1 and R@10 many times chance, median rank a small fraction of chance.
    expect(paired.recallAt1).toBeGreaterThan(10 * paired.chanceRecallAt1);
    expect(paired.recallAt10).toBeGreaterThan(5 * paired.chanceRecallAt10);
    expect(paired.medianRank).toBeLessThan(paired.chanceMedianRank / 4);
    // Shuffled pairs: indistinguishable from chance.
    expect(shuffled.recallAt10).toBeLessThan(3 * shuffled.chanceRecallAt10);
    expect(shuffled.medianRank).toBeGreaterThan(0.6 * shuffled.chanceMedianRank);
  });
});

describe('no classifier output of the source package', () => {
  // The nsfwjs head's class names that are not ordinary words: none may appear in any committed
  // data or model file. ("Drawing", "Neutral" and "Sexy" are also plain CLDR words, e.g. the
  // winking-face emoji is tagged "sexy", so they cannot be searched for; the model test above
  // shows the head itself is gone.)
  const CLASS_NAMES = /\b(porn|hentai)\b/i;

  it('the served model has no classifier head and outputs only out_relu', async () => {
    const manifest = await loadManifest(fsReader(), 'encoder');
    const model = JSON.parse(readFileSync(join(PUBLIC_DIR, 'models/mobilenet_v2/model.json'), 'utf8')) as {
      modelTopology: { model_config: { config: { layers: Array<{ name: string; class_name: string }>; output_layers: unknown[] } } };
    };
    const { layers, output_layers: outputs } = model.modelTopology.model_config.config;
    expect(outputs).toEqual([['out_relu', 0, 0]]);
    expect(layers.filter((l) => l.class_name === 'Dense')).toEqual([]);
    expect(layers.at(-1)!.name).toBe('out_relu');
    expect(manifest.artefacts.map((a) => a.id)).toEqual(['model-json', 'model-weights']);
  });

  it('no committed text file names a classifier class', () => {
    const texts = (dir: string): string[] =>
      readdirSync(join(PUBLIC_DIR, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? texts(`${dir}/${e.name}`) : e.name.endsWith('.json') ? [`${dir}/${e.name}`] : [],
      );
    const files = [...texts('data'), ...texts('models')];
    expect(files.length).toBeGreaterThanOrEqual(8);
    const offending = files.filter((f) => CLASS_NAMES.test(readFileSync(join(PUBLIC_DIR, f), 'utf8')));
    expect(offending).toEqual([]);
  });
});
