/**
 * Citing a Playground state and keeping its result: BibTeX and APA carry the permalink and the
 * site's version; JSON and CSV carry the record under its provenance (seed, backend, versions).
 */
import { describe, expect, it } from 'vitest';
import pkg from '../../../package.json' with { type: 'json' };
import { recordToCsv, recordToJson } from '../../../notebooks/playground/export';
import type { PlaygroundRecord } from '../../../notebooks/playground/run';
import { experimentCitations } from '../../../src/site/playground/cite';

const record: PlaygroundRecord = {
  meta: { kind: 'mlp', config: { visionDim: 4, llmDim: 6, depth: 2 }, seed: 7, tokens: { batch: 1, visionTokens: 16, textTokens: 8 }, input: 'random', weights: 'seed', backend: 'wasm', tfjsVersion: '4.22.0', siteVersion: pkg.version },
  outputShape: [1, 16, 6],
  flops: 1984,
  params: 72,
  stats: { mean: 0.125, std: 1.5, min: -2, max: 3, meanTokenNorm: 2.25, first: [0.5, -0.25] },
  attention: [],
};
const link = 'http://127.0.0.1:4321/lab/playground/?kind=mlp&set.depth=2&seed=7&input=random';

describe('playground citation and export', () => {
  it('BibTeX and APA name the projector, the seed, the version and the permalink', () => {
    const c = experimentCitations({ kind: 'mlp', preset: null, seed: 7 }, link, '2026-12-05');
    expect(c.bibtex).toContain('@misc{atlas-playground-mlp-s7,');
    expect(c.bibtex).toContain(`url          = {${link}},`);
    expect(c.bibtex).toContain(`version ${pkg.version}`);
    expect(c.bibtex).toContain('title        = {Projector Playground: mlp, seed 7},');
    expect(c.apa).toBe(`Projector Atlas contributors. (2026, December 5). Projector Playground: mlp, seed 7. Projector Atlas (Version ${pkg.version}). ${link}`);
    expect(experimentCitations({ kind: 'mlp', preset: 'llava-1.5-7b', seed: 1 }, link, '2026-12-05').bibtex).toContain('@misc{atlas-playground-llava-1-5-7b-s1,');
  });

  it('JSON keeps the whole record under its provenance', () => {
    const j = JSON.parse(recordToJson(record, link, 12.5));
    expect(j.record).toEqual(record);
    expect(j.provenance).toEqual({ permalink: link, kind: 'mlp', seed: 7, input: 'random normal', weights: 'seeded (seed 7)', backend: 'wasm', tfjsVersion: '4.22.0', siteVersion: pkg.version });
    expect(j.measured.forwardMs).toBe(12.5);
  });

  it('CSV has one quantity per row, provenance first, quoted where needed', () => {
    const lines = recordToCsv(record, link, 12.5).trim().split('\n');
    expect(lines[0]).toBe('quantity,value');
    expect(lines[1]).toBe(`provenance.permalink,${link}`);
    expect(lines).toContain('provenance.backend,wasm');
    expect(lines).toContain('config,"{""visionDim"":4,""llmDim"":6,""depth"":2}"');
    expect(lines).toContain('stats.mean,0.125');
    expect(lines).toContain('stats.first.1,-0.25');
    expect(lines.at(-1)).toBe('measured.forwardMs,12.5');
  });
});
