import { Cite } from '@citation-js/core';
import '@citation-js/plugin-bibtex';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import pkg from '../../../package.json';
import { loadBibliography, parseBibliography, requireEntry } from '../../../src/site/build/bibliography';
import { pageApa, pageBibtex, pageCslJson } from '../../../src/site/citation';
import type { PageCitation } from '../../../src/site/citation';

const page: PageCitation = {
  title: 'What is a projector?',
  url: 'http://127.0.0.1:4321/articles/what-is-a-projector/',
  authors: ['Projector Atlas contributors'],
  published: '2026-11-27',
  updated: '2026-12-03',
  siteVersion: '0.1.0',
  key: 'atlas-what-is-a-projector',
};

describe('bibliography', () => {
  it('parses every entry of content/references.bib with citation-js', () => {
    const bib = loadBibliography();
    // Every entry of the file parses: as many as the file has entry heads ("@type{key,").
    const heads = readFileSync('content/references.bib', 'utf8').match(/^@\w+\{/gm) ?? [];
    expect(heads.length).toBeGreaterThanOrEqual(35);
    expect(bib.size).toBe(heads.length);
    const llava = requireEntry('liu2023improved', 'test');
    expect(llava.title).toBe('Improved Baselines with Visual Instruction Tuning');
    expect(llava.label).toBe('Liu et al., 2023');
    expect(llava.arxiv).toBe('2310.03744');
    expect(llava.url).toBe('https://arxiv.org/abs/2310.03744');
    const acmr = requireEntry('wang2017adversarial', 'test');
    expect(acmr.doi).toBe('10.1145/3123266.3123326');
    expect(acmr.url).toBe('https://doi.org/10.1145/3123266.3123326');
    expect(acmr.apaHtml).toContain('Adversarial Cross-Modal Retrieval');
  });

  it('every entry carries an arXiv id or a DOI', () => {
    for (const e of loadBibliography().values()) expect(Boolean(e.arxiv || e.doi), e.key).toBe(true);
  });

  it('an unknown key fails naming the key and the file', () => {
    expect(() => requireEntry('nosuchkey2099', 'content/articles/x.mdx')).toThrow('Unknown citation key "nosuchkey2099" in content/articles/x.mdx');
  });

  it('labels one, two and many authors the APA way', () => {
    const bib = parseBibliography('@misc{a1, title={T}, author={Solo, Ann}, year={2020}}\n@misc{a2, title={T}, author={One, A and Two, B}, year={2021}}');
    expect(bib.get('a1')?.label).toBe('Solo, 2020');
    expect(bib.get('a2')?.label).toBe('One & Two, 2021');
  });
});

describe('cite this page', () => {
  it('BibTeX parses back with citation-js and keeps title, URL, version and date', () => {
    const data = new Cite(pageBibtex(page)).data as Array<Record<string, any>>;
    expect(data).toHaveLength(1);
    expect(data[0]?.title).toBe('What is a projector?');
    expect(data[0]?.author).toEqual([{ family: 'Projector Atlas contributors' }]); // one collective name, not split
    expect(data[0]?.URL).toBe(page.url);
    expect(data[0]?.issued?.['date-parts']?.[0]).toEqual([2026, 12]);
    expect(pageBibtex(page)).toContain('last updated 2026-12-03');
  });

  it('a figure citation points at the anchor', () => {
    const bib = pageBibtex(page, { anchor: 'fig-anatomy', titlePrefix: 'Figure 1', key: 'atlas-x-fig-anatomy' });
    const data = new Cite(bib).data as Array<Record<string, any>>;
    expect(data[0]?.URL).toBe(`${page.url}#fig-anatomy`);
    expect(data[0]?.title).toBe('Figure 1 — What is a projector?');
  });

  it('APA and CSL-JSON carry the version and the updated date', () => {
    expect(pageApa(page)).toBe('Projector Atlas contributors. (2026, December 3). What is a projector?. Projector Atlas (Version 0.1.0). http://127.0.0.1:4321/articles/what-is-a-projector/');
    const csl = pageCslJson(page);
    expect(csl.version).toBe('0.1.0');
    expect(csl.URL).toBe(page.url);
    expect(csl.accessed).toEqual({ 'date-parts': [[2026, 12, 3]] });
  });
});

describe('CITATION.cff', () => {
  const cff = parse(readFileSync('CITATION.cff', 'utf8')) as Record<string, any>;
  it('is valid YAML with the CFF 1.2 required fields', () => {
    expect(cff['cff-version']).toBe('1.2.0');
    expect(typeof cff.message).toBe('string');
    expect(typeof cff.title).toBe('string');
    expect(Array.isArray(cff.authors)).toBe(true);
    expect(cff.authors.length).toBeGreaterThan(0);
    for (const a of cff.authors) expect(Boolean(a.name || a['family-names']), JSON.stringify(a)).toBe(true);
  });
  it('carries the site version of package.json', () => {
    expect(String(cff.version)).toBe(pkg.version);
  });
  it('the changelog has an entry for this version', () => {
    expect(readFileSync('CHANGELOG.md', 'utf8')).toContain(`## [${pkg.version}]`);
  });
});
