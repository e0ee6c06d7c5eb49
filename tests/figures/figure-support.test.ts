import { describe, expect, it } from 'vitest';
import { escapeBibtex, figureBibtex, keyFromUrl, shortCaption } from '../../components/figure/figure-bibtex';
import { captionPlainText } from '../../components/figure/caption-text';
import { toCsv } from '../../components/figure/figure-client';

const page = {
  title: 'What is a projector?',
  url: 'https://atlas.example/articles/what-is-a-projector/',
  authors: ['Projector Atlas contributors'],
  updated: '2026-11-27',
  siteVersion: '0.1.0',
  key: 'atlas-what-is-a-projector',
};

describe('figureBibtex', () => {
  it('cites the figure anchor with number, caption, article title, version and date', () => {
    const bib = figureBibtex({ figureId: 'fig-anatomy', number: 1, caption: 'The five components of a multimodal LLM', page });
    expect(bib).toBe(
      [
        '@misc{atlas-what-is-a-projector-fig-anatomy,',
        '  author       = {Projector Atlas contributors},',
        '  title        = {{Figure 1: The five components of a multimodal LLM — in What is a projector?}},',
        '  howpublished = {\\url{https://atlas.example/articles/what-is-a-projector/#fig-anatomy}},',
        '  url          = {https://atlas.example/articles/what-is-a-projector/#fig-anatomy},',
        '  year         = {2026},',
        '  version      = {0.1.0},',
        '  note         = {Projector Atlas, version 0.1.0, updated 2026-11-27}',
        '}',
      ].join('\n'),
    );
  });

  it('joins several authors with "and", escapes specials, and falls back to a corporate author', () => {
    const bib = figureBibtex({ figureId: 'f', number: 12, caption: 'Cost in % & $', page: { ...page, authors: ['Doe, Jane', 'Roe, R.'] } });
    expect(bib).toContain('author       = {Doe, Jane and Roe, R.}');
    expect(bib).toContain('Figure 12: Cost in \\% \\& \\$');
    const anon = figureBibtex({ figureId: 'f', number: 1, caption: 'x', page: { ...page, authors: [], updated: '' } });
    expect(anon).toContain('author       = {{Projector Atlas}}');
    expect(anon).not.toContain('year');
    expect(escapeBibtex('a_b{c}~^\\')).toBe('a\\_b\\{c\\}\\~{}\\^{}\\textbackslash{}');
  });

  it('derives keys from URLs and shortens captions to the first sentence', () => {
    expect(keyFromUrl('http://127.0.0.1:4321/lab/token-pruning/')).toBe('atlas-token-pruning');
    expect(keyFromUrl('http://127.0.0.1:4321/')).toBe('atlas-home');
    expect(shortCaption('The five parts. Shapes are computed.')).toBe('The five parts');
    expect(shortCaption('word '.repeat(60), 40).endsWith('…')).toBe(true);
    expect(shortCaption('word '.repeat(60), 40).length).toBeLessThanOrEqual(41);
  });
});

describe('captionPlainText', () => {
  it('reads KaTeX math once and drops tags', () => {
    const html =
      'Map <span class="katex"><span class="katex-mathml"><math><semantics><mrow><mi>W</mi></mrow><annotation encoding="application/x-tex">W</annotation></semantics></math></span><span class="katex-html" aria-hidden="true"><span>W</span></span></span> to tokens <a href="#ref">[1]</a>.';
    expect(captionPlainText(html)).toBe('Map W to tokens [1].');
  });
});

describe('toCsv', () => {
  it('writes a header of every key and quotes cells that need it', () => {
    expect(toCsv([{ key: 'a', value: 1 }, { key: 'b,c', value: 2.5, note: 'say "hi"' }])).toBe('key,value,note\na,1,\n"b,c",2.5,"say ""hi"""\n');
  });
});
