import { compile } from '@mdx-js/mdx';
import remarkMath from 'remark-math';
import { describe, expect, it } from 'vitest';
import { rehypeAtlas } from '../../../src/site/build/rehype-atlas';

/** Compile MDX through the plugin and return the frontmatter it records and the JS output. */
async function run(source: string, path = '/repo/content/articles/test.mdx') {
  const data: { astro: { frontmatter: Record<string, unknown> } } = { astro: { frontmatter: {} } };
  const file = await compile({ value: source, path, data }, { remarkPlugins: [remarkMath], rehypePlugins: [rehypeAtlas] });
  return { code: String(file.value), frontmatter: (file.data as typeof data).astro.frontmatter };
}

describe('rehype-atlas', () => {
  it('numbers figures, tables and equations in order and resolves references', async () => {
    const { code, frontmatter } = await run(
      [
        'See <Ref to="fig-b" /> and <Ref to="tab-a" /> and <Ref to="eq-x" />.',
        '<Figure id="fig-a">A</Figure>',
        '<Eq id="eq-x" tex="x" />',
        '<TableFigure id="tab-a" caption="T">t</TableFigure>',
        '<Figure id="fig-b">B</Figure>',
      ].join('\n\n'),
    );
    expect(code).toMatch(/to: "fig-b",\s*label: "Figure",\s*number: "2"/);
    expect(code).toMatch(/to: "tab-a",\s*label: "Table",\s*number: "1"/);
    expect(code).toMatch(/to: "eq-x",\s*label: "Equation",\s*number: "1"/);
    expect(frontmatter.counts).toEqual({ Figure: 2, Table: 1, Equation: 1 });
  });

  it('collects cited keys in order of first use, without duplicates', async () => {
    const { frontmatter } = await run('<Cite k="liu2023improved" /> <Cite k="li2023blip2,liu2023improved" /> <Quote id="survey.trainable-share" />');
    expect(frontmatter.citedKeys).toEqual(['liu2023improved', 'li2023blip2', 'zhang2024mmllms']);
  });

  it('fails the build on an unknown citation key, naming the key and the file', async () => {
    await expect(run('<Cite k="nosuchkey2099" />')).rejects.toThrow('Unknown citation key "nosuchkey2099" in content/articles/test.mdx');
  });

  it('fails on a reference to a missing target and on duplicate ids', async () => {
    await expect(run('<Ref to="fig-missing" />')).rejects.toThrow('<Ref to="fig-missing"> in content/articles/test.mdx points at no figure');
    await expect(run('<Figure id="f">a</Figure>\n\n<Figure id="f">b</Figure>')).rejects.toThrow('Duplicate id "f"');
  });

  it('refuses an UNVERIFIED or unknown quoted figure', async () => {
    await expect(run('<Quote id="no.such.figure" />')).rejects.toThrow('Unknown quoted figure "no.such.figure"');
  });

  it('gives headings ids and anchors and records the table of contents', async () => {
    const { code, frontmatter } = await run('## Five parts of an MLLM\n\n### The input projector');
    expect(frontmatter.toc).toEqual([
      { depth: 2, id: 'five-parts-of-an-mllm', text: 'Five parts of an MLLM' },
      { depth: 3, id: 'the-input-projector', text: 'The input projector' },
    ]);
    expect(code).toContain('href: "#five-parts-of-an-mllm"');
  });
});
