/**
 * Renders a notebook's view blocks (notebooks/view.ts) into DOM nodes of the given document: the
 * Lab page calls it at build time with a server DOM (linkedom) and again in the browser after a
 * live run, so the committed and the live result look identical. Numbers go through the cell's
 * formatter (src/primitives/format.ts) and keep data-key / data-value / data-format for the e2e checks.
 * Figures are drawn by the src/figures registry.
 */
import { renderFigure } from '../../src/figures/registry';
import { formatCell, type FigureBlock, type TableBlock, type ViewBlock } from '../../notebooks/view';

function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function renderTable(doc: Document, block: TableBlock): HTMLElement {
  const wrap = el(doc, 'div', { class: 'lab-table-wrap' });
  const table = el(doc, 'table', { class: 'lab-table' });
  table.append(el(doc, 'caption', {}, block.caption));
  const head = el(doc, 'thead');
  const headRow = el(doc, 'tr');
  // A column is numeric when any of its cells is a number: right-align its header and fillers too.
  const numeric = block.columns.map((_, i) => block.rows.some((r) => typeof r[i] === 'object'));
  block.columns.forEach((c, i) => headRow.append(el(doc, 'th', numeric[i] ? { scope: 'col', class: 'num' } : { scope: 'col' }, c)));
  head.append(headRow);
  const body = el(doc, 'tbody');
  for (const row of block.rows) {
    const tr = el(doc, 'tr');
    row.forEach((cell, i) => {
      if (typeof cell === 'string') {
        tr.append(i === 0 ? el(doc, 'th', { scope: 'row' }, cell) : el(doc, 'td', numeric[i] ? { class: 'num' } : {}, cell));
      } else {
        tr.append(el(doc, 'td', { class: 'num', 'data-key': cell.key, 'data-value': String(cell.value), 'data-format': JSON.stringify(cell.format) }, formatCell(cell)));
      }
    });
    body.append(tr);
  }
  table.append(head, body);
  wrap.append(table);
  return wrap;
}

function renderFigureBlock(doc: Document, block: FigureBlock): HTMLElement {
  const figure = el(doc, 'figure', { class: 'lab-figure' });
  try {
    const out = renderFigure(block.figure, block.data, block.opts, { document: doc });
    figure.append(out.svg);
    // A caption may already end with a full stop; never print two before the description.
    figure.append(el(doc, 'figcaption', {}, `${block.caption.replace(/\.$/, '')}. ${out.description}`));
  } catch (err) {
    // A figure that cannot be drawn must not hide the table: say so in place of the figure.
    figure.append(el(doc, 'p', { class: 'lab-figure-error', role: 'note' }, `The figure could not be drawn: ${err instanceof Error ? err.message : String(err)}`));
  }
  return figure;
}

/** All blocks, in order, inside one container element. */
export function renderResultView(doc: Document, blocks: readonly ViewBlock[]): HTMLElement {
  const root = el(doc, 'div', { class: 'lab-blocks', 'data-testid': 'lab-blocks' });
  for (const block of blocks) root.append(block.kind === 'table' ? renderTable(doc, block) : renderFigureBlock(doc, block));
  return root;
}

/**
 * The blocks an article's experiment card shows: the chosen present() blocks in the given order
 * (all by default), with figure ids prefixed by the notebook so two cards on one page never share
 * SVG ids. Used at build time (ExperimentCard.astro) and after a live run in the card, so both
 * paint the same subset.
 */
export function pickCardBlocks(notebook: string, all: readonly ViewBlock[], chosen?: readonly number[]): ViewBlock[] {
  return (chosen ?? all.map((_, i) => i)).map((i) => {
    const block = all[i];
    if (!block) throw new Error(`blocks[${i}] does not exist (present() returned ${all.length} blocks)`);
    return block.kind === 'figure' ? { ...block, opts: { ...block.opts, id: `${notebook}-${String(block.opts.id ?? 'figure')}` } } : block;
  });
}

/**
 * The article column is narrower than the Lab page, so wide tables and figures scroll sideways in a
 * card; a scrolling region must be reachable by keyboard (WCAG 2.1.1), so each is made focusable
 * and named after its caption.
 */
export function makeScrollablesFocusable(view: Element): void {
  view.querySelectorAll('.lab-table-wrap').forEach((wrap) => {
    wrap.setAttribute('tabindex', '0');
    wrap.setAttribute('role', 'region');
    wrap.setAttribute('aria-label', wrap.querySelector('caption')?.textContent ?? 'Result table');
  });
  view.querySelectorAll('.lab-figure').forEach((fig) => fig.setAttribute('tabindex', '0'));
}
