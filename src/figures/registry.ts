/**
 * Names every figure renderer (one registry, like LLaVA's build_vision_projector) and validates
 * input at the boundary. Browser-safe: no linkedom here (see ./server.ts for build-time rendering).
 */
import { attentionOverlay } from './attention-overlay';
import { bar } from './bar';
import { describeZodError } from './common';
import { heatmap } from './heatmap';
import { line } from './line';
import { pipeline } from './pipeline';
import { scatter } from './scatter';
import { taxonomy } from './taxonomy';
import { tokenGrid } from './token-grid';
import { tokenSequence } from './token-sequence';
import type { AnyFigureRenderer, FigureRow, RenderEnv } from './types';

export const renderers = {
  bar,
  pipeline,
  line,
  heatmap,
  scatter,
  'token-grid': tokenGrid,
  taxonomy,
  'attention-overlay': attentionOverlay,
  'token-sequence': tokenSequence,
} as const satisfies Record<string, AnyFigureRenderer>;

export type FigureKind = keyof typeof renderers;
export const figureKinds = Object.keys(renderers) as FigureKind[];

export function isFigureKind(id: string): id is FigureKind {
  return Object.prototype.hasOwnProperty.call(renderers, id);
}

export function getRenderer(id: string): AnyFigureRenderer {
  if (!isFigureKind(id)) throw new Error(`Unknown figure renderer "${id}"; known: ${figureKinds.join(', ')}`);
  return renderers[id];
}

export interface ParsedFigure {
  renderer: AnyFigureRenderer;
  data: unknown;
  opts: { id: string; width: number } & Record<string, unknown>;
}

/** Validates data and opts; the error names the renderer and each failing field (data.rows[2].value). */
export function parseFigure(id: string, data: unknown, opts: unknown): ParsedFigure {
  const renderer = getRenderer(id);
  const d = renderer.dataSchema.safeParse(data);
  const o = renderer.optsSchema.safeParse(opts);
  const problems = [
    ...(d.success ? [] : [describeZodError('data', d.error)]),
    ...(o.success ? [] : [describeZodError('opts', o.error)]),
  ];
  if (!d.success || !o.success) {
    const figureId = typeof opts === 'object' && opts !== null && 'id' in opts ? String((opts as { id: unknown }).id) : '?';
    throw new Error(`Figure "${figureId}" (${id}): ${problems.join('; ')}`);
  }
  return { renderer, data: d.data, opts: o.data };
}

export interface RenderedFigure {
  /** The wide SVG. */
  svg: SVGSVGElement;
  /** The phone variant, when the renderer defines one. */
  narrow?: SVGSVGElement;
  rows: FigureRow[];
  description: string;
  /** Opts after defaults, as rendered. */
  opts: ParsedFigure['opts'];
}

/** Validates, then renders the wide (and narrow) variants into env.document. */
export function renderFigure(id: string, data: unknown, opts: unknown, env: RenderEnv): RenderedFigure {
  const parsed = parseFigure(id, data, opts);
  const { renderer } = parsed;
  const svg = renderer.render(parsed.data, parsed.opts, env);
  let narrow: SVGSVGElement | undefined;
  if (renderer.narrowOpts) {
    const nOpts = { ...renderer.narrowOpts(parsed.opts), id: `${parsed.opts.id}-n` };
    if (nOpts.width < parsed.opts.width || nOpts.layout !== parsed.opts.layout) narrow = renderer.render(parsed.data, nOpts, env);
  }
  return { svg, narrow, rows: renderer.toRows(parsed.data), description: renderer.describe(parsed.data), opts: parsed.opts };
}
