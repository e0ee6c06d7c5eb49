/**
 * The figure script every article page loads (keep it tiny: it counts against the 30 KB page budget).
 * Downloads (SVG with resolved colours, PNG at 2×, CSV from the rows embedded at build time, JSON),
 * copy-to-clipboard for the BibTeX, and `rerenderFigure` for islands: d3 and the renderers load
 * only through its dynamic import, when a live re-render is actually requested.
 */
import { formatInt } from '../../src/primitives/format';

export interface FigureProvenance {
  seed: number;
  backend: string;
  tfjsVersion: string;
  siteVersion: string;
  live?: boolean;
}

interface Payload {
  figure: string;
  id: string;
  number: number;
  data: unknown;
  opts: Record<string, unknown>;
  rows: Array<Record<string, string | number>>;
  provenance: FigureProvenance | null;
}

const payloads = new WeakMap<HTMLElement, Payload>();

function payloadOf(fig: HTMLElement): Payload {
  let p = payloads.get(fig);
  if (!p) {
    p = JSON.parse(fig.querySelector('script.fig-payload')?.textContent ?? '{}') as Payload;
    payloads.set(fig, p);
  }
  return p;
}

function save(name: string, blob: Blob): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function status(fig: HTMLElement, text: string): void {
  const el = fig.querySelector('.fig-status');
  if (!el) return;
  el.textContent = text;
  setTimeout(() => {
    if (el.textContent === text) el.textContent = '';
  }, 2500);
}

// Presentation properties resolved from the page's CSS (var(--…) and classes) into the exported file.
const PROPS = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'fill-opacity', 'stroke-opacity', 'opacity', 'font-family', 'font-size', 'font-weight', 'font-style'];

/** The wide SVG as a standalone file: colours as they look now (theme included), a background, xmlns. */
export function serializeSvg(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const live = [svg, ...Array.from(svg.querySelectorAll('*'))];
  const copy = [clone, ...Array.from(clone.querySelectorAll('*'))];
  live.forEach((el, i) => {
    const cs = getComputedStyle(el);
    const target = copy[i];
    if (!target) return;
    for (const prop of PROPS) {
      const v = cs.getPropertyValue(prop);
      if (v) target.setAttribute(prop, v);
    }
    target.removeAttribute('class');
  });
  const [, , w = '640', h = '400'] = (svg.getAttribute('viewBox') ?? '').split(' ');
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', w);
  clone.setAttribute('height', h);
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  // The body's resolved background: --bg itself is a light-dark() pair, not a colour a file can use.
  bg.setAttribute('fill', getComputedStyle(document.body).backgroundColor || '#fff');
  clone.insertBefore(bg, clone.querySelector(':scope > desc')?.nextSibling ?? clone.firstChild);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
}

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows → CSV with a header of every key, in first-seen order. */
export function toCsv(rows: Array<Record<string, string | number>>): string {
  const keys: string[] = [];
  for (const row of rows) for (const k of Object.keys(row)) if (!keys.includes(k)) keys.push(k);
  return [keys.map(csvCell).join(','), ...rows.map((row) => keys.map((k) => csvCell(row[k] ?? '')).join(','))].join('\n') + '\n';
}

function wideSvg(fig: HTMLElement): SVGSVGElement | null {
  return fig.querySelector<SVGSVGElement>('.fig-variant-wide svg');
}

async function toPng(svgText: string, w: number, h: number): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = w * 2;
    canvas.height = h * 2;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d canvas');
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((ok, fail) => canvas.toBlob((b) => (b ? ok(b) : fail(new Error('PNG encoding failed'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Copies the element's text; where the Clipboard API is unavailable, selects it for a manual copy. */
async function copyFrom(el: Element | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(el?.textContent ?? '');
    return true;
  } catch {
    const selection = getSelection();
    if (el && selection) selection.selectAllChildren(el);
    return false;
  }
}

async function act(fig: HTMLElement, action: string): Promise<void> {
  const p = payloadOf(fig);
  const name = p.id;
  if (action === 'copy') {
    status(fig, (await copyFrom(fig.querySelector('.fig-bibtex'))) ? 'Copied' : 'Selected: press Ctrl+C');
    return;
  }
  if (action === 'csv') return save(`${name}.csv`, new Blob([toCsv(p.rows)], { type: 'text/csv' }));
  if (action === 'json') {
    const { figure, id, number, data, opts, provenance } = p;
    return save(`${name}.json`, new Blob([JSON.stringify({ figure, id, number, data, opts, provenance }, null, 2)], { type: 'application/json' }));
  }
  const svg = wideSvg(fig);
  if (!svg) return;
  const text = serializeSvg(svg);
  if (action === 'svg') return save(`${name}.svg`, new Blob([text], { type: 'image/svg+xml' }));
  if (action === 'png') {
    const vb = (svg.getAttribute('viewBox') ?? '').split(' ').map(Number);
    save(`${name}.png`, await toPng(text, vb[2] ?? 640, vb[3] ?? 400));
  }
}

let started = false;

/** Reveals the toolbar buttons (they need JavaScript) and wires one delegated click handler. */
/** Phones get a figure's phone layout (Figure.astro keeps it in a <template>): one rendering in the DOM at a time. */
const NARROW = '(max-width: 560px)';

function showNarrow(fig: HTMLElement, on: boolean): void {
  const template = fig.querySelector<HTMLTemplateElement>('template.fig-narrow-template');
  if (!template) return;
  const shown = fig.querySelector('.fig-variant-narrow');
  if (on && !shown) {
    const box = document.createElement('div');
    box.className = 'fig-canvas fig-variant-narrow';
    box.setAttribute('data-pagefind-ignore', '');
    box.append(template.content.cloneNode(true));
    fig.querySelector('.fig-variant-wide')?.after(box);
  } else if (!on && shown) shown.remove();
  fig.classList.toggle('narrow-shown', on);
}

function wireNarrowFigures(): void {
  const figs = [...document.querySelectorAll<HTMLElement>('figure.fig.has-narrow')];
  if (figs.length === 0) return;
  const query = matchMedia(NARROW);
  const apply = (on: boolean): void => figs.forEach((fig) => showNarrow(fig, on));
  apply(query.matches);
  query.addEventListener('change', () => apply(query.matches));
  // Print always uses the wide layout.
  addEventListener('beforeprint', () => apply(false));
  addEventListener('afterprint', () => apply(query.matches));
}

export function initFigures(): void {
  if (started) return;
  started = true;
  wireNarrowFigures();
  document.querySelectorAll<HTMLElement>('.fig-downloads, .fig [data-fig-action="copy"]').forEach((el) => {
    el.hidden = false;
  });
  document.addEventListener('click', (event) => {
    const button = (event.target as Element | null)?.closest<HTMLElement>('[data-fig-action]');
    const fig = button?.closest<HTMLElement>('figure.fig');
    if (!button || !fig) return;
    act(fig, button.dataset.figAction ?? '').catch((err: unknown) => {
      status(fig, 'Failed');
      console.warn('figure action failed', err);
    });
  });
}

function setBadge(fig: HTMLElement, prov: FigureProvenance): void {
  const badge = fig.querySelector<HTMLElement>('.fig-badge');
  if (!badge) return;
  const live = prov.live ?? true;
  badge.dataset.live = String(live);
  const set = (key: string, text: string): void => {
    const el = badge.querySelector(`[data-prov="${key}"]`);
    if (el) el.textContent = text;
  };
  set('kind', live ? 'live' : 'precomputed');
  set('seed', formatInt(prov.seed));
  set('backend', prov.backend);
  set('tfjsVersion', prov.tfjsVersion);
  set('siteVersion', prov.siteVersion);
}

/**
 * Re-renders a figure in place with new data (and optionally new opts and provenance): loads the
 * renderers on first use, validates like the build does, swaps both SVG variants, and updates the
 * embedded payload (so CSV/JSON downloads export what is shown) and the badge.
 */
export async function rerenderFigure(
  fig: HTMLElement,
  data: unknown,
  opts?: Record<string, unknown>,
  provenance?: FigureProvenance,
): Promise<void> {
  const p = payloadOf(fig);
  const { renderFigure } = await import('../../src/figures/registry');
  const nextOpts = { ...(opts ?? p.opts), id: p.id };
  const out = renderFigure(p.figure, data, nextOpts, { document });
  fig.querySelector('.fig-variant-wide svg')?.replaceWith(out.svg);
  if (out.narrow) {
    const template = fig.querySelector<HTMLTemplateElement>('template.fig-narrow-template');
    if (template) template.innerHTML = out.narrow.outerHTML;
    fig.querySelector('.fig-variant-narrow svg')?.replaceWith(out.narrow);
  }
  payloads.set(fig, { ...p, data, opts: nextOpts, rows: out.rows, provenance: provenance ?? p.provenance });
  const script = fig.querySelector('script.fig-payload');
  if (script) script.textContent = JSON.stringify(payloads.get(fig)).replace(/</g, '\\u003c');
  if (provenance) setBadge(fig, provenance);
  fig.dataset.state = provenance?.live === false ? 'static' : 'live';
}
