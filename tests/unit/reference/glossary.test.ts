/** The glossary: every entry valid, sourced where it names a work, and covering the jargon the articles use. */
import { describe, expect, it } from 'vitest';
import raw from '../../../content/data/glossary.json';
import { glossary, parseGlossary, term, termHref } from '../../../src/reference/glossary';
import { loadBibliography } from '../../../src/site/build/bibliography';
import { parseThreads } from '../../../src/site/threads';

describe('glossary', () => {
  it('defines the jargon the accuracy review asked for', () => {
    for (const id of ['latents', 'regnet-stage', 'peg', 'ldpv2', 'depthwise-convolution', 'point-query']) {
      expect(term(id).definition.length, id).toBeGreaterThan(80);
    }
    expect(termHref('peg')).toBe('/reference/glossary/#term-peg');
  });

  it('cites only bibliography keys and well-formed threads', () => {
    const bib = loadBibliography();
    for (const t of glossary) {
      for (const k of t.sources) expect(bib.has(k), `${t.id}: ${k}`).toBe(true);
      for (const r of t.threads ?? []) expect(() => parseThreads(r), `${t.id}: ${r}`).not.toThrow();
    }
  });

  it('is sorted by term and rejects unknown cross-references and ids', () => {
    const names = glossary.map((t) => t.term.toLowerCase());
    expect([...names].sort((a, b) => a.localeCompare(b, 'en'))).toEqual(names);
    const bad = structuredClone(raw) as { $comment: string; terms: { see?: string[] }[] };
    (bad.terms[0] as { see?: string[] }).see = ['no-such-term'];
    expect(() => parseGlossary(bad)).toThrow(/unknown term "no-such-term"/);
    expect(() => term('no-such-term')).toThrow(/Unknown glossary term "no-such-term"/);
  });
});
