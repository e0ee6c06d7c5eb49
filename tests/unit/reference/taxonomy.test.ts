/** The taxonomy article's data and diagram: survey tally, counts per type, and the renderer contract. */
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import * as T from '../../../src/reference/articles/taxonomy';
import { loadCatalogue } from '../../../src/reference/catalogue';
import { taxonomy } from '../../../src/figures/taxonomy';

const env = () => ({ document: parseHTML('<!doctype html><html><body></body></html>').document as unknown as Document });

describe('survey tally', () => {
  it('has 8 of 43 models with an output projector, 35 without', () => {
    expect(T.SURVEY_TOTAL).toBe(43);
    expect(T.surveyWithOutput).toBe(8);
    expect(T.surveyWithoutOutput).toBe(35);
    expect(T.surveyWithOutputShare).toBeCloseTo(0.186, 3);
    expect(T.surveyData.withOutputProjector).toContain('GILL');
    expect(T.surveyData.withOutputProjector).not.toContain('LLaVA');
    expect(T.surveyOutputBars.rows.map((r) => r.value)).toEqual([35, 4, 3, 1]);
  });

  it('input tally is led by the linear projector (17)', () => {
    expect(T.surveyInputTop?.type).toBe('Linear Projector');
    expect(T.surveyInputTop?.count).toBe(17);
    expect(T.surveyInputBars.rows.reduce((a, r) => a + r.value, 0)).toBe(43);
  });
});

describe('taxonomy diagram', () => {
  const data = taxonomy.dataSchema.parse(T.taxonomyTree);
  const opts = taxonomy.optsSchema.parse({ id: 'fig-taxonomy' });

  it('links every leaf to the catalogue and shows the catalogue count', () => {
    const svg = taxonomy.render(data, opts, env());
    const catalogue = loadCatalogue();
    const leaves = data.nodes.filter((n) => !data.nodes.some((m) => m.parent === n.key));
    expect(leaves).toHaveLength(13); // 10 input types (point queries among them) and 3 output classes
    for (const leaf of leaves) {
      const g = svg.querySelector(`[data-key="${leaf.key}"]`);
      expect(g, leaf.key).not.toBeNull();
      const hrefs = [...(g?.querySelectorAll('a') ?? [])].map((a) => a.getAttribute('href'));
      expect(hrefs.some((h) => h?.startsWith('/reference/models/?')), leaf.key).toBe(true);
    }
    const mlp = svg.querySelector('[data-key="in-mlp.count"]');
    expect(Number(mlp?.getAttribute('data-value'))).toBe(catalogue.filter((e) => e.inputProjector.category === 'mlp').length);
    expect(mlp?.textContent).toBe(' (2)');
    const conv = svg.querySelector('[data-key="in-conv-abstractor.count"]');
    expect(conv?.getAttribute('data-value')).toBe('5'); // Honeybee + 2 MobileVLM + 2 MobileVLM V2
    expect(svg.getAttribute('role')).toBe('group');
  });

  it('files TokenPacker under spatial downsampling and Unified-IO 2 outside the learned-query types', () => {
    const row = (id: string) => catalogue.find((e) => e.id === id);
    const catalogue = loadCatalogue();
    // TokenPacker's point queries are downsampled image features; their number follows the image (facts.md d.6).
    expect(row('tokenpacker')?.inputProjector.category).toBe('point-query');
    const pointLeaf = data.nodes.find((n) => n.key === 'in-point-query');
    expect(pointLeaf?.parent).toBe('spatial');
    // Unified-IO 2's current image enters as ViT features; its resamplers handle only history.
    expect(row('unified-io-2')?.inputProjector.category).toBe('not-recorded');
    const queryRows = catalogue.filter((e) => e.inputProjector.category === 'cross-attention').map((e) => e.id);
    expect(queryRows).toEqual(['flamingo-3b', 'openflamingo-3b', 'openflamingo-9b', 'qwen-vl']);
  });

  it('lists the same families in the prose and in the diagram', () => {
    expect(T.representatives('cross-attention')).toBe('Flamingo, Qwen-VL');
    const leaf = data.nodes.find((n) => n.key === 'in-cross-attention');
    expect(leaf?.note).toBe(T.representatives('cross-attention'));
    for (const k of Object.keys(T.inputTypes) as (keyof typeof T.inputTypes)[]) {
      const note = data.nodes.find((n) => n.key === `in-${k}`)?.note ?? '';
      const prose = T.representatives(k);
      if (prose === '') expect(note, k).toBe('no catalogue model');
      else expect(prose.startsWith(note.replace(/, …$/, '')), k).toBe(true);
    }
  });

  it('renders the narrow variant as an indented list of the same nodes', () => {
    const narrow = taxonomy.narrowOpts?.(opts);
    expect(narrow?.layout).toBe('indent');
    const svg = taxonomy.render(data, { ...(narrow ?? opts), id: 'n' }, env());
    expect(svg.querySelectorAll('.tax-node')).toHaveLength(data.nodes.length);
    expect(svg.getAttribute('viewBox')?.startsWith('0 0 360 ')).toBe(true);
  });

  it('rejects off-site links, unknown parents and a second root', () => {
    const bad = (nodes: unknown[]) => taxonomy.dataSchema.safeParse({ nodes }).success;
    const root = { key: 'r', label: 'R', parent: null };
    expect(bad([root, { key: 'a', label: 'A', parent: 'r', links: [{ label: 'x', href: 'https://example.org/' }] }])).toBe(false);
    expect(bad([root, { key: 'a', label: 'A', parent: 'zz' }])).toBe(false);
    expect(bad([root, { key: 'b', label: 'B', parent: null }])).toBe(false);
    expect(bad([root, { key: 'a', label: 'A', parent: 'r', links: [{ label: 'x', href: '/reference/models/' }] }])).toBe(true);
  });

  it('describes the tree in text', () => {
    expect(taxonomy.describe(data)).toContain('Input projector: Per-token mapping (Linear, MLP)');
  });
});
