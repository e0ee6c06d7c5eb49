/**
 * Build-time rendering on a server DOM (linkedom). Server-only: never import this from browser code.
 */
import { parseHTML } from 'linkedom';
import { parseFigure, renderFigure } from './registry';
import type { FigureRow } from './types';

function serverDocument(): Document {
  return parseHTML('<!doctype html><html><head></head><body></body></html>').document as unknown as Document;
}

/** The SVG markup of one figure (wide variant). Throws a validation error naming the field. */
export function renderToString(id: string, data: unknown, opts: unknown): string {
  const { renderer, data: d, opts: o } = parseFigure(id, data, opts);
  return renderer.render(d, o, { document: serverDocument() }).outerHTML;
}

export interface ServerFigure {
  svg: string;
  narrow?: string;
  rows: FigureRow[];
  description: string;
  opts: Record<string, unknown>;
}

/** Everything Figure.astro needs: both variants as markup, the rows and the text alternative. */
export function renderFigureMarkup(id: string, data: unknown, opts: unknown): ServerFigure {
  const out = renderFigure(id, data, opts, { document: serverDocument() });
  return {
    svg: out.svg.outerHTML,
    narrow: out.narrow?.outerHTML,
    rows: out.rows,
    description: out.description,
    opts: out.opts,
  };
}
