/** Quoted figures: every one names its real source with a strong locator; a corrected figure is never credited to the work it contradicts. */
import { describe, expect, it } from 'vitest';
import raw from '../../../content/data/quoted-figures.json';
import { allQuotedFigures, parseQuotedFigures, quotedFigure, shortLocator } from '../../../src/reference/quoted-figures';
import { loadBibliography } from '../../../src/site/build/bibliography';

const clone = (): { $comment: string; figures: Record<string, unknown>[] } => structuredClone(raw) as never;

describe('quoted figures', () => {
  it('credit the third-party LLaVA-1.5 figure to the pages it comes from, not to the paper it contradicts', () => {
    const f = quotedFigure('llava15.third-party-claim');
    expect(f.status).toBe('CORRECTED');
    expect(f.cite).toBeUndefined();
    expect(f.attribution).toMatch(/third-party/);
    expect(f.contradicts).toBe('liu2023improved');
  });

  it('reject a corrected figure credited to the work it contradicts, naming the field', () => {
    const bad = clone();
    const f = bad.figures.find((x) => x.id === 'llava15.third-party-claim') as Record<string, unknown>;
    delete f.attribution;
    f.cite = 'liu2023improved';
    expect(() => parseQuotedFigures(bad)).toThrow(/cannot be credited to it/);
  });

  it('reject a figure with both a citation and an attribution, or with neither', () => {
    const both = clone();
    (both.figures[0] as Record<string, unknown>).attribution = 'somebody';
    expect(() => parseQuotedFigures(both)).toThrow(/exactly one of cite/);
    const neither = clone();
    delete (neither.figures[0] as Record<string, unknown>).cite;
    expect(() => parseQuotedFigures(neither)).toThrow(/exactly one of cite/);
  });

  it('reject a weak locator such as “survey text”', () => {
    const bad = clone();
    (bad.figures[0] as Record<string, unknown>).locator = 'survey text on training';
    expect(() => parseQuotedFigures(bad)).toThrow(/figures\.0\.locator/);
  });

  it('cite only bibliography keys and give a short locator for the inline citation', () => {
    const bib = loadBibliography();
    for (const f of allQuotedFigures()) {
      if (f.cite) expect(bib.has(f.cite), `${f.id}: ${f.cite}`).toBe(true);
      if (f.contradicts) expect(bib.has(f.contradicts), `${f.id}: ${f.contradicts}`).toBe(true);
    }
    expect(shortLocator(quotedFigure('survey.trainable-share').locator)).toBe('§2');
    expect(shortLocator(quotedFigure('flamingo.resampler-table5').locator)).toBe('Table 5');
    expect(shortLocator(quotedFigure('flamingo.xattn-every-4th').locator)).toBe('§3.3 and Table 3');
  });

  it('record both of Flamingo’s resampler figures and both Honeybee goals', () => {
    expect(quotedFigure('flamingo.resampler-table5').text).toBe('194M');
    expect(quotedFigure('flamingo.resampler-appendix').text).toBe('approximately 200M');
    expect(quotedFigure('honeybee.design-goal-locality').text).toContain('local context');
  });
});
