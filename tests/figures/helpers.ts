/** Test helpers: render through the registry on a linkedom document and query the result. */
import { parseHTML } from 'linkedom';
import { renderFigure, type RenderedFigure } from '../../src/figures/registry';

export function render(figure: string, data: unknown, opts: unknown): RenderedFigure {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  return renderFigure(figure, data, opts, { document: document as unknown as Document });
}

export function all(root: Element, selector: string): Element[] {
  return Array.from(root.querySelectorAll(selector));
}

export function attr(el: Element | null | undefined, name: string): string {
  const v = el?.getAttribute(name);
  if (v === null || v === undefined) throw new Error(`missing attribute ${name}`);
  return v;
}

/** One tag per line, so snapshot diffs point at the changed mark. */
export function normaliseSvg(markup: string): string {
  return `${markup.replace(/>\s*</g, '>\n<').trim()}\n`;
}

/** Every visible text node of the SVG (excluding <title>/<desc>), in document order. */
export function visibleTexts(svg: Element): string[] {
  return all(svg, 'text').map((t) => (t.textContent ?? '').trim());
}
