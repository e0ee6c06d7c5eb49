/**
 * Citing a page of this site: what a citation needs to know (PageCitation) and the citation in
 * three formats (BibTeX, APA, CSL-JSON), all built from one PageCitation so they never disagree.
 * Pure functions: used at build time and in tests.
 */
import { SITE_NAME } from './meta';

/**
 * What a citation of a page (or of a figure on it) needs to know about the page. The article route
 * fills it into Astro.locals.page before rendering the MDX, so components can cite the page.
 */
export interface PageCitation {
  /** Article title. */
  title: string;
  /** Absolute canonical URL of the page, e.g. https://…/articles/what-is-a-projector/ */
  url: string;
  /** Authors as "Family, Given" or a collective name. */
  authors: readonly string[];
  /** Dates as YYYY-MM-DD. */
  published: string;
  updated: string;
  /** The site's version from package.json, e.g. "0.1.0". */
  siteVersion: string;
  /** Stable id used in BibTeX keys, e.g. "atlas-what-is-a-projector". */
  key: string;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Escape the characters BibTeX treats specially inside braces. */
function bibEscape(text: string): string {
  return text.replace(/([%&#_$])/g, '\\$1');
}

function parts(date: string): { year: number; month: number; day: number } {
  const [y, m, d] = date.split('-').map(Number);
  return { year: y as number, month: m as number, day: d as number };
}

/** BibTeX @misc. Collective authors are wrapped in extra braces so they stay one literal name. */
export function pageBibtex(page: PageCitation, opts: { anchor?: string; titlePrefix?: string; key?: string } = {}): string {
  const { year, month } = parts(page.updated);
  const authors = page.authors.map((a) => (a.includes(',') ? a : `{${a}}`)).join(' and ');
  const url = opts.anchor ? `${page.url}#${opts.anchor}` : page.url;
  const title = opts.titlePrefix ? `${opts.titlePrefix} — ${page.title}` : page.title;
  return [
    `@misc{${opts.key ?? page.key},`,
    `  title        = {${bibEscape(title)}},`,
    `  author       = {${authors}},`,
    `  year         = {${year}},`,
    `  month        = ${MONTHS[month - 1]},`,
    `  howpublished = {${SITE_NAME}, version ${page.siteVersion}},`,
    `  url          = {${url}},`,
    `  note         = {Version ${page.siteVersion}, last updated ${page.updated}},`,
    '}',
  ].join('\n');
}

/** APA 7 style for a web page: Author. (Year, Month Day). Title. Site (Version). URL */
export function pageApa(page: PageCitation): string {
  const { year, month, day } = parts(page.updated);
  return `${page.authors.join(', ')}. (${year}, ${MONTH_NAMES[month - 1]} ${day}). ${page.title}. ${SITE_NAME} (Version ${page.siteVersion}). ${page.url}`;
}

/** CSL-JSON, the format reference managers import. */
export function pageCslJson(page: PageCitation): Record<string, unknown> {
  const updated = parts(page.updated);
  const published = parts(page.published);
  return {
    id: page.key,
    type: 'webpage',
    title: page.title,
    author: page.authors.map((a) => ({ literal: a })),
    'container-title': SITE_NAME,
    version: page.siteVersion,
    issued: { 'date-parts': [[published.year, published.month, published.day]] },
    'original-date': { 'date-parts': [[published.year, published.month, published.day]] },
    accessed: { 'date-parts': [[updated.year, updated.month, updated.day]] },
    URL: page.url,
    note: `Last updated ${page.updated}`,
  };
}
