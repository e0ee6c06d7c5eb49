/**
 * Geometry of the taxonomy from the data and the width alone (no DOM): a left-to-right tidy tree
 * (wide, `tree`) or an indented list (narrow, `indent`), the edges between nodes and where each
 * leaf's links go. taxonomy.ts draws it.
 */
import { FONT, r, textWidth } from './common';
import type { TaxonomyData, TaxonomyOpts } from './taxonomy';

type Node = TaxonomyData['nodes'][number];

export interface Placed {
  node: Node;
  depth: number;
  x: number;
  y: number;
  branch: number;
  children: Placed[];
  /** A leaf's links: left end of each (relative to the node), on the line at `linkY`. */
  linkXs: number[];
  linkY: number;
}

export interface TaxonomyLayout {
  width: number;
  /** viewBox height (rounded). */
  height: number;
  root: Placed;
  /** Every node, parents before children (depth first). */
  nodes: Placed[];
  edges: Array<{ d: string; dashed: boolean }>;
}

const ROW = 50; // vertical space per leaf (two text lines + links)
const PAD = 12;
/** Baseline of a leaf's note, relative to the node; the links go one line (14) lower when there is a note. */
export const NOTE_Y = 9;

/** The tree of the data (parents are listed before children: the schema checks it). */
export function buildTree(data: TaxonomyData): Placed {
  const byKey = new Map<string, Placed>();
  let root: Placed | undefined;
  for (const node of data.nodes) {
    const parent = node.parent === null ? undefined : byKey.get(node.parent);
    const depth = parent ? parent.depth + 1 : 0;
    const branch = node.branch ?? parent?.branch ?? 0;
    const placed: Placed = { node, depth, x: 0, y: 0, branch, children: [], linkXs: [], linkY: NOTE_Y };
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

/** Wide: columns per depth; the leaves' column gets the remaining width for their two-line labels and links. */
function treeColumns(width: number): (depth: number) => number {
  const inner = [145, 165, 190];
  return (d) => PAD + inner.slice(0, d).reduce((a, b) => a + b, 0) * Math.min(1, (width - 320) / 450);
}

/** A curve from parent to child (tree), or down then across (indent). */
function edgePath(p: Placed, c: Placed, layout: TaxonomyOpts['layout']): string {
  return layout === 'tree'
    ? `M${r(p.x)},${r(p.y)} C${r((p.x + c.x) / 2)},${r(p.y)} ${r((p.x + c.x) / 2)},${r(c.y)} ${r(c.x)},${r(c.y)}`
    : `M${r(p.x)},${r(p.y)} V${r(c.y)} H${r(c.x)}`;
}

/** A leaf's links side by side below its note, each at most `maxLabel` wide. */
function placeLinks(p: Placed, maxLabel: number): void {
  p.linkY = p.node.note ? NOTE_Y + 14 : NOTE_Y;
  let x = 9;
  p.linkXs = p.node.links.map((link) => {
    const at = x;
    x += Math.min(maxLabel, textWidth(link.label, FONT.tick - 1)) + 12;
    return at;
  });
}

export function layoutTaxonomy(data: TaxonomyData, opts: TaxonomyOpts): TaxonomyLayout {
  const root = buildTree(data);
  const W = opts.width;
  const H = opts.layout === 'tree' ? layoutTree(root, treeColumns(W)) : layoutIndent(root, 18);
  const nodes: Placed[] = [];
  const edges: TaxonomyLayout['edges'] = [];
  walk(root, (p) => {
    nodes.push(p);
    if (p.children.length === 0) placeLinks(p, W - 40);
    for (const c of p.children) edges.push({ d: edgePath(p, c, opts.layout), dashed: c.node.dashed });
  });
  return { width: W, height: Math.round(H), root, nodes, edges };
}
