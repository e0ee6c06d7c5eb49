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
import { FONT, SVG_NS, baseOptsShape, r, seriesColor, type G, type Svg } from './common';
import { NOTE_Y, buildTree, layoutTaxonomy, type Placed, type TaxonomyLayout } from './taxonomy-layout';
import type { FigureRenderer, RenderEnv } from './types';

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

export const taxonomyOptsSchema = z
  .object({
    ...baseOptsShape,
    width: z.number().int().min(280).max(1600).default(760),
    title: z.string().default('Taxonomy'),
    layout: z.enum(['tree', 'indent']).default('tree'),
  })
  .strict();
export type TaxonomyOpts = z.infer<typeof taxonomyOptsSchema>;

/** One node: its dot, bold label with the count, and for a leaf its note and links. */
function drawNode(g: G, p: Placed, id: string): void {
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
  if (p.node.note) node.append('text').attr('x', 9).attr('y', NOTE_Y).attr('font-size', FONT.tick - 1).attr('fill', 'var(--muted)').text(p.node.note);
  p.node.links.forEach((link, k) => {
    const a = node.append('a').attr('href', link.href).attr('class', 'tax-link');
    a.append('text').attr('x', r(p.linkXs[k] ?? 0)).attr('y', p.linkY).attr('font-size', FONT.tick - 1).attr('fill', 'var(--accent)').attr('text-decoration', 'underline').text(link.label);
  });
}

/**
 * The root <svg>. Unlike createRoot it is role="group", not role="img": the leaves' links must stay
 * reachable by keyboard and screen readers.
 */
function createGroupRoot(env: RenderEnv, o: { id: string; width: number; height: number; title: string; description: string }): Svg {
  const svgEl = env.document.createElementNS(SVG_NS, 'svg') as unknown as SVGSVGElement;
  const svg = select(svgEl);
  svg
    .attr('id', `${o.id}-svg`)
    .attr('class', 'fig-svg fig-taxonomy')
    .attr('viewBox', `0 0 ${o.width} ${o.height}`)
    .attr('width', '100%')
    .attr('preserveAspectRatio', 'xMidYMid meet')
    .attr('role', 'group')
    .attr('aria-labelledby', `${o.id}-title`)
    .attr('aria-describedby', `${o.id}-desc`)
    .attr('data-width', o.width)
    .attr('data-height', o.height)
    .attr('font-family', 'var(--font-ui, system-ui, sans-serif)');
  svg.append('title').attr('id', `${o.id}-title`).text(o.title);
  svg.append('desc').attr('id', `${o.id}-desc`).text(o.description);
  return svg;
}

function drawTaxonomy(g: G, layout: TaxonomyLayout, id: string): void {
  const edges = g.append('g').attr('class', 'tax-edges').attr('fill', 'none').attr('stroke', 'var(--rule)').attr('stroke-width', 1.5);
  for (const edge of layout.edges) edges.append('path').attr('d', edge.d).attr('stroke-dasharray', edge.dashed ? '4 3' : null);
  for (const p of layout.nodes) drawNode(g, p, id);
}

export const taxonomy: FigureRenderer<TaxonomyData, TaxonomyOpts> = {
  id: 'taxonomy',
  dataSchema: taxonomyDataSchema,
  optsSchema: taxonomyOptsSchema,
  render(data, opts, env) {
    const layout = layoutTaxonomy(data, opts);
    const svg = createGroupRoot(env, { id: opts.id, width: layout.width, height: layout.height, title: opts.title, description: taxonomy.describe(data) });
    drawTaxonomy(svg.append('g') as unknown as G, layout, opts.id);
    return svg.node() as SVGSVGElement;
  },
  toRows(data) {
    return data.nodes.map((n) => ({ key: n.key, label: n.label, parent: n.parent ?? '', count: n.count ?? '', note: n.note ?? '' }));
  },
  describe(data) {
    const root = buildTree(data);
    const parts = root.children.map((side) => `${side.node.label}: ${side.children.map((c) => (c.children.length > 0 ? `${c.node.label} (${c.children.map((l) => l.node.label).join(', ')})` : c.node.label)).join('; ')}`);
    return `A tree of projector types. ${parts.join('. ')}.`;
  },
  narrowOpts(opts) {
    return { ...opts, width: 360, layout: 'indent' };
  },
};
