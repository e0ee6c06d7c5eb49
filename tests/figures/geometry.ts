/**
 * Boxes for the layout tests: what a laid-out label or mark covers, in viewBox units, estimated with
 * the renderers' own text metrics (textWidth errs wide, so a pass here leaves room on screen).
 */
import { expect } from 'vitest';
import { textWidth } from '../../src/figures/common';

export interface Rect {
  /** What the box is, for the failure message. */
  what: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export const rect = (what: string, x: number, y: number, w: number, h: number): Rect => ({ what, x0: Math.min(x, x + w), y0: Math.min(y, y + h), x1: Math.max(x, x + w), y1: Math.max(y, y + h) });

/**
 * The box of one line of text. `y` is the baseline before `dy` (in em); glyphs reach 0.75 em above
 * the baseline and 0.2 em below it.
 */
export function textBox(what: string, text: string, o: { x: number; y: number; size: number; anchor?: 'start' | 'middle' | 'end'; dy?: number }): Rect {
  const w = textWidth(text, o.size);
  const anchor = o.anchor ?? 'start';
  const x0 = anchor === 'start' ? o.x : anchor === 'middle' ? o.x - w / 2 : o.x - w;
  const base = o.y + (o.dy ?? 0) * o.size;
  return { what: `${what} "${text}"`, x0, x1: x0 + w, y0: base - 0.75 * o.size, y1: base + 0.2 * o.size };
}

/** Whether two boxes share more than `slack` units in both directions. */
export function overlap(a: Rect, b: Rect, slack = 0.5): boolean {
  return Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > slack && Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) > slack;
}

const fmt = (r: Rect): string => `${r.what} [${r.x0.toFixed(1)}, ${r.y0.toFixed(1)}, ${r.x1.toFixed(1)}, ${r.y1.toFixed(1)}]`;

/** Every box lies inside the viewBox [0, width] × [0, height]. */
export function expectInside(boxes: Rect[], width: number, height: number): void {
  const out = boxes.filter((b) => b.x0 < -0.5 || b.y0 < -0.5 || b.x1 > width + 0.5 || b.y1 > height + 0.5);
  expect(out.map(fmt), `outside the ${width} × ${height} viewBox`).toEqual([]);
}

/** No two boxes overlap. */
export function expectApart(boxes: Rect[]): void {
  const clashes: string[] = [];
  boxes.forEach((a, i) => {
    for (const b of boxes.slice(i + 1)) if (overlap(a, b)) clashes.push(`${fmt(a)} × ${fmt(b)}`);
  });
  expect(clashes, 'overlapping boxes').toEqual([]);
}

/** A box inside another one. */
export function expectWithin(inner: Rect, outer: Rect): void {
  const ok = inner.x0 >= outer.x0 - 0.5 && inner.y0 >= outer.y0 - 0.5 && inner.x1 <= outer.x1 + 0.5 && inner.y1 <= outer.y1 + 0.5;
  expect(ok, `${fmt(inner)} outside ${fmt(outer)}`).toBe(true);
}
