/**
 * Taxonomy tree of projector types: a left-to-right tree (wide) or an indented list (narrow), whose
 * leaves link to the catalogue rows of that type and to a live implementation. Pure function of
 * (data, opts) after the figure contract (./types.ts): d3 selections on the given document, colours
 * from CSS custom properties, ids from opts.id, counts through src/primitives/format.ts with data-value.
 *
 * Unlike the chart renderers the SVG is role="group", not role="img": its links must stay reachable
 * by keyboard and screen readers (an img role would hide them).
 */
import { select } from 'd3';
import { z } from 'zod';
import { formatInt } from '../primitives/format';
import { FONT, SVG_NS, baseOptsShape, r, seriesColor, textWidth, type G } from './common';
import type { FigureRenderer } from './types';

const linkSchema = z
  .object({
    label: z.string().min(1),
    /** Site-relative link only: the figure must never point the reader's browser off-site by itself. */
    href: z.string().regex(/^\/[^\s]*$|^#[^\s]+$/, 'links must be site-relative (start with / or #)'),
  })
  .strict();

const nodeSchema = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9-]*$/),
    label: z.string().min(1),
    parent: z.string().nullable(),
    /** A short second line (representatives, the survey's name). */
    note: z.string().optional(),
    /** A count shown on the node (catalogue models of this type), written to data-value. */
    count: z.number().int().nonnegative().optional(),
    links: z.array(linkSchema).max(3).default([]),
    /** Colour branch index (series token); children inherit their parent's when absent. */
    branch: z.number().int().min(0).max(7).optional(),
    /** Marks a node whose scheme is not a published taxonomy (drawn dashed). */
    dashed: z.boolean().default(false),
  })
  .strict();

export const taxonomyDataSchema = z
  .object({ nodes: z.array(nodeSchema).min(2) })
  .strict()
  .superRefine((d, ctx) => {
    const keys = new Set<string>();
    let roots = 0;
    d.nodes.forEach((n, i) => {
      if (keys.has(n.key)) ctx.addIssue({ code: 'custom', path: ['nodes', i, 'key'], message: `duplicate key "${n.key}"` });
      keys.add(n.key);
      if (n.parent === null) roots += 1;
    });
    if (roots !== 1) ctx.addIssue({ code: 'custom', path: ['nodes'], message: `needs exactly one root, found ${roots}` });
    d.nodes.forEach((n, i) => {
      if (n.parent !== null && !keys.has(n.parent)) ctx.addIssue({ code: 'custom', path: ['nodes', i, 'parent'], message: `unknown parent "${n.parent}"` });
    });
    // Parents must come before children: keeps the layout a single pass and rules out cycles.
    const seen = new Set<string>();
    d.nodes.forEach((n, i) => {
      if (n.parent !== null && !seen.has(n.parent)) ctx.addIssue({ code: 'custom', path: ['nodes', i, 'parent'], message: `parent "${n.parent}" must be listed before "${n.key}"` });
      seen.add(n.key);
    });
  });
export type TaxonomyData = z.infer<typeof taxonomyDataSchema>;
type Node = TaxonomyData['nodes'][number];

export const taxonomyOptsSchema = z
  .object({
    ...baseOptsShape,
    width: z.number().int().min(280).max(1600).default(760),
    title: z.string().default('Taxonomy'),
    layout: z.enum(['tree', 'indent']).default('tree'),
  })
  .strict();
export type TaxonomyOpts = z.infer<typeof taxonomyOptsSchema>;

interface Placed {
  node: Node;
  depth: number;
  x: number;
  y: number;
  branch: number;
  children: Placed[];
}

const ROW = 50; // vertical space per leaf (two text lines + links)
const PAD = 12;

function build(data: TaxonomyData): Placed {
  const byKey = new Map<string, Placed>();
  let root: Placed | undefined;
  for (const node of data.nodes) {
    const parent = node.parent === null ? undefined : byKey.get(node.parent);
    const depth = parent ? parent.depth + 1 : 0;
    const branch = node.branch ?? parent?.branch ?? 0;
    const placed: Placed = { node, depth, x: 0, y: 0, branch, children: [] };
    byKey.set(node.key, placed);
    if (parent) parent.children.push(placed);
    else root = placed;
  }
  if (!root) throw new Error('taxonomy: no root');
  return root;
}

function walk(p: Placed, f: (p: Placed) => void): void {
  f(p);
  for (const c of p.children) walk(c, f);
}

/** Leaves get consecutive rows; a parent sits at the middle of its children (tidy-tree, one pass). */
function layoutTree(root: Placed, colX: (depth: number) => number): number {
  let row = 0;
  const place = (p: Placed): void => {
    p.x = colX(p.depth);
    if (p.children.length === 0) {
      p.y = PAD + row * ROW + ROW / 2;
      row += 1;
      return;
    }
    for (const c of p.children) place(c);
    const first = p.children[0];
    const last = p.children[p.children.length - 1];
    p.y = first && last ? (first.y + last.y) / 2 : PAD + row * ROW;
  };
  place(root);
  return PAD * 2 + row * ROW;
}

/** One row per node, indented by depth (the narrow variant). */
function layoutIndent(root: Placed, indent: number): number {
  let row = 0;
  walk(root, (p) => {
    p.x = PAD + p.depth * indent;
    p.y = PAD + row * ROW + ROW / 2;
    row += 1;
  });
  return PAD * 2 + row * ROW;
}

function drawNode(g: G, p: Placed, id: string, maxLabel: number): void {
  const color = p.depth === 0 ? 'var(--fg)' : seriesColor(p.branch);
  const node = g
    .append('g')
    .attr('class', 'tax-node')
    .attr('id', `${id}-node-${p.node.key}`)
    .attr('data-key', p.node.key)
    .attr('transform', `translate(${r(p.x)},${r(p.y)})`);
  node
    .append('circle')
    .attr('r', 4.5)
    .attr('fill', p.children.length === 0 && !p.node.dashed ? color : 'var(--bg)')
    .attr('stroke', color)
    .attr('stroke-width', 2)
    .attr('stroke-dasharray', p.node.dashed ? '2 2' : null);
  const leaf = p.children.length === 0;
  const label = node
    .append('text')
    .attr('x', 9)
    .attr('y', leaf ? -6 : -9)
    .attr('font-size', FONT.label)
    .attr('font-weight', p.depth <= 1 ? 700 : 600)
    .attr('fill', 'var(--fg)')
    .text(p.node.label);
  if (p.node.count !== undefined) {
    label
      .append('tspan')
      .attr('class', 'tax-count')
      .attr('data-key', `${p.node.key}.count`)
      .attr('data-value', p.node.count)
      .attr('fill', 'var(--muted)')
      .attr('font-weight', 400)
      .text(` (${formatInt(p.node.count)})`);
  }
  if (!leaf) return;
  let y = 9;
  if (p.node.note) {
    node.append('text').attr('x', 9).attr('y', y).attr('font-size', FONT.tick - 1).attr('fill', 'var(--muted)').text(p.node.note);
    y += 14;
  }
  let x = 9;
  for (const link of p.node.links) {
    const a = node.append('a').attr('href', link.href).attr('class', 'tax-link');
    a.append('text').attr('x', r(x)).attr('y', y).attr('font-size', FONT.tick - 1).attr('fill', 'var(--accent)').attr('text-decoration', 'underline').text(link.label);
    x += Math.min(maxLabel, textWidth(link.label, FONT.tick - 1)) + 12;
  }
}

export const taxonomy: FigureRenderer<TaxonomyData, TaxonomyOpts> = {
  id: 'taxonomy',
  dataSchema: taxonomyDataSchema,
  optsSchema: taxonomyOptsSchema,
  render(data, opts, env) {
    const root = build(data);
    let depthMax = 0;
    walk(root, (p) => {
      depthMax = Math.max(depthMax, p.depth);
    });
    const W = opts.width;
    let H: number;
    if (opts.layout === 'tree') {
      // Columns: the leaves' column gets the remaining width for their two-line labels and links.
      const inner = [145, 165, 190];
      const colX = (d: number): number => PAD + inner.slice(0, d).reduce((a, b) => a + b, 0) * Math.min(1, (W - 320) / 450);
      H = layoutTree(root, colX);
    } else {
      H = layoutIndent(root, 18);
    }
    const svgEl = env.document.createElementNS(SVG_NS, 'svg') as unknown as SVGSVGElement;
    const svg = select(svgEl);
    svg
      .attr('id', `${opts.id}-svg`)
      .attr('class', 'fig-svg fig-taxonomy')
      .attr('viewBox', `0 0 ${W} ${Math.round(H)}`)
      .attr('width', '100%')
      .attr('preserveAspectRatio', 'xMidYMid meet')
      .attr('role', 'group')
      .attr('aria-labelledby', `${opts.id}-title`)
      .attr('aria-describedby', `${opts.id}-desc`)
      .attr('data-width', W)
      .attr('data-height', Math.round(H))
      .attr('font-family', 'var(--font-ui, system-ui, sans-serif)');
    svg.append('title').attr('id', `${opts.id}-title`).text(opts.title);
    svg.append('desc').attr('id', `${opts.id}-desc`).text(taxonomy.describe(data));
    const g = svg.append('g') as unknown as G;
    const edges = g.append('g').attr('class', 'tax-edges').attr('fill', 'none').attr('stroke', 'var(--rule)').attr('stroke-width', 1.5);
    walk(root, (p) => {
      for (const c of p.children) {
        const d =
          opts.layout === 'tree'
            ? `M${r(p.x)},${r(p.y)} C${r((p.x + c.x) / 2)},${r(p.y)} ${r((p.x + c.x) / 2)},${r(c.y)} ${r(c.x)},${r(c.y)}`
            : `M${r(p.x)},${r(p.y)} V${r(c.y)} H${r(c.x)}`;
        edges.append('path').attr('d', d).attr('stroke-dasharray', c.node.dashed ? '4 3' : null);
      }
    });
    const maxLabel = W - 40;
    walk(root, (p) => drawNode(g, p, opts.id, maxLabel));
    return svgEl;
  },
  toRows(data) {
    return data.nodes.map((n) => ({ key: n.key, label: n.label, parent: n.parent ?? '', count: n.count ?? '', note: n.note ?? '' }));
  },
  describe(data) {
    const root = build(data);
    const parts = root.children.map((side) => `${side.node.label}: ${side.children.map((c) => (c.children.length > 0 ? `${c.node.label} (${c.children.map((l) => l.node.label).join(', ')})` : c.node.label)).join('; ')}`);
    return `A tree of projector types. ${parts.join('. ')}.`;
  },
  narrowOpts(opts) {
    return { ...opts, width: 360, layout: 'indent' };
  },
};
