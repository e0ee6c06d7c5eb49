/**
 * Build-time pass over every MDX article's tree (rehype, before components render):
 * - numbers <Figure id>, <TableFigure id> and <Eq id> in document order and injects `number`;
 * - resolves <Ref to="fig-…"/> to "Figure N" (text and link) and fails on unknown targets;
 * - validates every <Cite k="a,b"/> key (and the source of every <Quote id/>) against content/references.bib and fails naming the key
 *   and the file; records the keys in order as frontmatter `citedKeys` for the bibliography;
 * - gives headings stable ids and a copy-link anchor, and records them for the table of contents.
 * Failing the build is deliberate: a dangling reference must never reach a reader.
 */
import GithubSlugger from 'github-slugger';
import type { Root, Element, ElementContent } from 'hast';
import { visit } from 'unist-util-visit';
import { loadBibliography } from './bibliography';
import { quotedFigure } from '../../reference/quoted-figures';

interface JsxAttribute {
  type: 'mdxJsxAttribute';
  name: string;
  value?: string | null | { type: string; value: string };
}

interface JsxElement {
  type: 'mdxJsxFlowElement' | 'mdxJsxTextElement';
  name: string | null;
  attributes: JsxAttribute[];
  children: unknown[];
}

interface VFileLike {
  path?: string;
  history?: string[];
  data: { astro?: { frontmatter?: Record<string, unknown> } };
}

const NUMBERED = { Figure: 'Figure', TableFigure: 'Table', Eq: 'Equation' } as const;
type NumberedName = keyof typeof NUMBERED;

function attr(node: JsxElement, name: string): string | undefined {
  const found = node.attributes.find((a) => a.type === 'mdxJsxAttribute' && a.name === name);
  if (!found || found.value == null) return undefined;
  return typeof found.value === 'string' ? found.value : undefined;
}

function setAttr(node: JsxElement, name: string, value: string): void {
  const existing = node.attributes.find((a) => a.type === 'mdxJsxAttribute' && a.name === name);
  if (existing) existing.value = value;
  else node.attributes.push({ type: 'mdxJsxAttribute', name, value });
}

function textOf(node: { children?: unknown[]; value?: unknown; type?: string }): string {
  if (node.type === 'text' && typeof node.value === 'string') return node.value;
  return (node.children ?? []).map((c) => textOf(c as never)).join('');
}

function fileName(file: VFileLike): string {
  const path = file.path ?? file.history?.[0] ?? '(unknown file)';
  const at = path.lastIndexOf('/content/');
  return at >= 0 ? path.slice(at + 1) : path;
}

export interface TocEntry {
  depth: number;
  id: string;
  text: string;
}

export function rehypeAtlas() {
  return (tree: Root, file: VFileLike): void => {
    const where = fileName(file);
    const bib = loadBibliography();
    const counters: Record<string, number> = { Figure: 0, Table: 0, Equation: 0 };
    const targets = new Map<string, { label: string; number: number }>();
    const cited: string[] = [];
    const toc: TocEntry[] = [];
    const slugger = new GithubSlugger();

    // Pass 1: numbering, citations and headings, in document order.
    visit(tree as never, (node: unknown) => {
      const el = node as JsxElement;
      if (el.type === 'mdxJsxFlowElement' || el.type === 'mdxJsxTextElement') {
        const name = el.name ?? '';
        if (name in NUMBERED) {
          const id = attr(el, 'id');
          if (!id) {
            if (name === 'Eq') return; // unnumbered display equation
            throw new Error(`<${name}> without an id in ${where}: every ${NUMBERED[name as NumberedName].toLowerCase()} needs an id for its anchor`);
          }
          if (targets.has(id)) throw new Error(`Duplicate id "${id}" in ${where}`);
          const label = NUMBERED[name as NumberedName];
          counters[label] = (counters[label] ?? 0) + 1;
          const number = counters[label] as number;
          targets.set(id, { label, number });
          setAttr(el, 'number', String(number));
        } else if (name === 'Quote') {
          const id = attr(el, 'id') ?? '';
          let key: string | undefined;
          try {
            key = quotedFigure(id).cite;
          } catch (err) {
            throw new Error(`${(err as Error).message} in ${where}`);
          }
          // A figure credited by attribution (no bib entry) adds nothing to the reference list.
          if (key !== undefined && !cited.includes(key)) cited.push(key);
        } else if (name === 'Cite') {
          const keys = (attr(el, 'k') ?? '').split(',').map((k) => k.trim()).filter(Boolean);
          if (keys.length === 0) throw new Error(`<Cite> without a k="key" attribute in ${where}`);
          for (const key of keys) {
            if (!bib.has(key)) throw new Error(`Unknown citation key "${key}" in ${where} (not in content/references.bib)`);
            if (!cited.includes(key)) cited.push(key);
          }
        }
        return;
      }
      const heading = node as Element;
      if (heading.type === 'element' && /^h[2-4]$/.test(heading.tagName)) {
        const text = textOf(heading as never).trim();
        const id = typeof heading.properties?.id === 'string' ? heading.properties.id : slugger.slug(text);
        heading.properties = { ...heading.properties, id };
        const anchor: ElementContent = {
          type: 'element',
          tagName: 'a',
          properties: { className: ['heading-anchor'], href: `#${id}`, ariaLabel: `Link to the section “${text}”` },
          children: [{ type: 'text', value: '#' }],
        };
        heading.children.push(anchor);
        toc.push({ depth: Number(heading.tagName.slice(1)), id, text });
      }
    });

    // Pass 2: cross-references, now that every target has its number.
    visit(tree as never, (node: unknown) => {
      const el = node as JsxElement;
      if ((el.type === 'mdxJsxFlowElement' || el.type === 'mdxJsxTextElement') && el.name === 'Ref') {
        const to = attr(el, 'to');
        if (!to) throw new Error(`<Ref> without a to="id" attribute in ${where}`);
        const target = targets.get(to);
        if (!target) throw new Error(`<Ref to="${to}"> in ${where} points at no figure, table or equation of that id`);
        setAttr(el, 'label', target.label);
        setAttr(el, 'number', String(target.number));
      }
    });

    const astro = (file.data.astro ??= {});
    const frontmatter = (astro.frontmatter ??= {});
    frontmatter.citedKeys = cited;
    frontmatter.toc = toc;
    frontmatter.counts = counters;
  };
}
