/**
 * The contract every figure renderer implements (design.md, "A figure is a pure function").
 *
 * A renderer is a pure function of (data, opts): no I/O, no tfjs, no globals. It draws into the
 * `document` it is given (linkedom at build time, the page's document in the browser), so the same
 * code produces the server-rendered SVG and the live re-render. Ids are derived from `opts.id`;
 * colours are CSS custom properties (`var(--series-1)` …) so theme and print need no re-render;
 * every mark that shows a number carries `data-value` (the raw number) and `data-key`, and all
 * visible numbers go through src/primitives/format.ts.
 */
import type { z } from 'zod';

/** Options every renderer accepts (each renderer's opts schema extends these). */
export interface BaseOpts {
  /** Stable id prefix for every id inside the SVG (the figure's anchor id). */
  id: string;
  /** Width of the viewBox in user units; the SVG itself scales to 100 % of its container. */
  width: number;
}

export interface RenderEnv {
  /** The document to create elements in. Never the global one, so the renderer runs on a server DOM. */
  document: Document;
}

/** One row of the table behind a figure (CSV download, tests, e2e comparisons). */
export type FigureRow = Record<string, string | number>;

export interface FigureRenderer<D, O extends BaseOpts> {
  /** Registry name, used as `figure="…"` in MDX. */
  id: string;
  /** Validates the data; the input side is `unknown` because schemas may coerce or default. */
  dataSchema: z.ZodType<D, z.ZodTypeDef, unknown>;
  /** Validates the options and fills defaults (so `{ id }` alone is always enough). */
  optsSchema: z.ZodType<O, z.ZodTypeDef, unknown>;
  /** Draws the figure. Expects already-validated data and opts (see registry.renderFigure). */
  render(data: D, opts: O, env: RenderEnv): SVGSVGElement;
  /** The table behind the figure, raw numbers (not formatted). */
  toRows(data: D): FigureRow[];
  /** A text alternative: what the figure shows, in one or two sentences. */
  describe(data: D): string;
  /**
   * Options for the narrow (phone) variant, or undefined when the wide SVG reads well when scaled
   * down. Figure renders this variant too and shows it below 560 px with CSS (no JavaScript).
   */
  narrowOpts?(opts: O): O;
}

/**
 * A renderer with its type parameters erased, for the registry: data and opts arrive as `unknown`
 * and are only handed to render() after the renderer's own schemas have parsed them.
 */
export type AnyFigureRenderer = FigureRenderer<any, any>;
