/**
 * "Cite this figure": a BibTeX @misc entry pointing at the figure's anchor on its page. Pure, so
 * it is unit-tested; Figure.astro calls it at build time.
 */
import { formatInt } from '../../src/primitives/format';

export interface FigureCitePage {
  title: string;
  /** Absolute page URL, without the fragment. */
  url: string;
  authors: readonly string[];
  /** YYYY-MM-DD; may be empty when unknown. */
  updated: string;
  siteVersion: string;
  /** Stable key stem, e.g. "atlas-what-is-a-projector". */
  key: string;
}

export interface FigureCiteInput {
  figureId: string;
  number: number;
  /** Plain-text short caption (no markup). */
  caption: string;
  page: FigureCitePage;
}

/** Escapes the characters BibTeX/LaTeX treat specially in a braced field value. */
export function escapeBibtex(text: string): string {
  // One pass, so the braces a replacement introduces are not escaped again.
  const map: Record<string, string> = { '\\': '\\textbackslash{}', '^': '\\^{}', '~': '\\~{}' };
  return text.replace(/[\\{}&%$#_^~]/g, (ch) => map[ch] ?? `\\${ch}`);
}

/** A key stem from a URL path: https://x/articles/what-is-a-projector/ → atlas-what-is-a-projector. */
export function keyFromUrl(url: string): string {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    // Relative URL: use it as given.
  }
  const last = path.split('/').filter((s) => s.length > 0).pop() ?? 'home';
  return `atlas-${last.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'home'}`;
}

/** Shortens a caption to its first sentence, at most `max` characters (cut at a word). */
export function shortCaption(text: string, max = 120): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  const sentence = /^(.+?[.!?])(\s|$)/.exec(clean)?.[1] ?? clean;
  const noDot = sentence.replace(/[.]$/, '');
  if (noDot.length <= max) return noDot;
  const cut = noDot.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max - 20))}…`;
}

export function figureBibtex(input: FigureCiteInput): string {
  const { page } = input;
  const anchorUrl = `${page.url.replace(/#.*$/, '')}#${input.figureId}`;
  const key = `${page.key}-${input.figureId}`.replace(/[^A-Za-z0-9:_-]/g, '-');
  const year = /^(\d{4})/.exec(page.updated)?.[1];
  const title = `Figure ${formatInt(input.number)}: ${input.caption} — in ${page.title}`;
  const author = page.authors.length > 0 ? page.authors.map(escapeBibtex).join(' and ') : '{Projector Atlas}';
  const note = [`Projector Atlas, version ${page.siteVersion}`, page.updated ? `updated ${page.updated}` : '']
    .filter((s) => s.length > 0)
    .join(', ');
  const fields: Array<[string, string]> = [
    ['author', author],
    ['title', `{${escapeBibtex(title)}}`],
    ['howpublished', `\\url{${anchorUrl}}`],
    ['url', anchorUrl],
    ...(year ? ([['year', year]] as Array<[string, string]>) : []),
    ['version', escapeBibtex(page.siteVersion)],
    ['note', escapeBibtex(note)],
  ];
  const width = Math.max(...fields.map(([k]) => k.length));
  const body = fields.map(([k, v]) => `  ${k.padEnd(width)} = {${v}}`).join(',\n');
  return `@misc{${key},\n${body}\n}`;
}
