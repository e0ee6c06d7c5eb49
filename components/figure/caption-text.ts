/**
 * Plain text of a rendered caption (server only): drops KaTeX's visual duplicate and TeX source so
 * math reads once, and removes tags. Used for the citation title.
 */
import { parseHTML } from 'linkedom';

export function captionPlainText(html: string): string {
  const { document } = parseHTML(`<!doctype html><html><body><div id="c">${html}</div></body></html>`);
  const root = document.getElementById('c');
  if (!root) return '';
  root.querySelectorAll('.katex-html, annotation, [aria-hidden="true"], script, style').forEach((el) => el.remove());
  return (root.textContent ?? '').replace(/\s+/g, ' ').trim();
}
