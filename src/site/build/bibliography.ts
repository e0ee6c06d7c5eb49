/**
 * The site's bibliography: content/references.bib parsed once at build time with citation-js.
 * Server-only (runs in Node during the Astro build and in tests); pages receive plain objects.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Cite, plugins } from '@citation-js/core';
import '@citation-js/plugin-bibtex';
import '@citation-js/plugin-csl';

export interface BibAuthor {
  family: string;
  given?: string;
}

export interface BibEntry {
  key: string;
  type: string; // BibTeX entry type: inproceedings, misc, article
  title: string;
  authors: BibAuthor[];
  year: string;
  venue?: string;
  arxiv?: string;
  doi?: string;
  /** The best link: DOI, else arXiv abstract page. */
  url?: string;
  /** "Liu et al., 2023" — the in-text label. */
  label: string;
  /** The formatted APA reference as HTML (from citeproc). */
  apaHtml: string;
  /** The entry re-serialised as BibTeX. */
  bibtex: string;
  /** A note from the .bib file (verification caveats). */
  note?: string;
}

// Resolved from the project root (the build and the tests run there); import.meta.url points into
// dist/ once the page code is bundled.
const BIB_PATH = resolve(process.cwd(), 'content/references.bib');

interface RawEntry {
  type: string;
  label: string;
  properties: Record<string, string>;
}

interface CslEntry {
  id: string;
  title?: string;
  author?: Array<{ family?: string; given?: string; literal?: string }>;
  issued?: { 'date-parts'?: number[][] };
  'container-title'?: string;
  DOI?: string;
}

let cache: Map<string, BibEntry> | undefined;

function inTextLabel(authors: BibAuthor[], year: string): string {
  const names = authors.map((a) => a.family);
  if (names.length === 0) return year;
  if (names.length === 1) return `${names[0]}, ${year}`;
  if (names.length === 2) return `${names[0]} & ${names[1]}, ${year}`;
  return `${names[0]} et al., ${year}`;
}

/** Parse references.bib (or the given text) into entries keyed by citation key. */
export function parseBibliography(text: string): Map<string, BibEntry> {
  const raw = plugins.input.chain(text, { target: '@biblatex/entries+list', generateGraph: false }) as RawEntry[];
  const rawByKey = new Map(raw.map((r) => [r.label, r]));
  const cite = new Cite(text);
  const entries = new Map<string, BibEntry>();
  for (const csl of cite.data as CslEntry[]) {
    const rawEntry = rawByKey.get(csl.id);
    const props = rawEntry?.properties ?? {};
    const authors: BibAuthor[] = (csl.author ?? []).map((a) => ({ family: a.family ?? a.literal ?? '', given: a.given }));
    const year = String(csl.issued?.['date-parts']?.[0]?.[0] ?? props.year ?? 'n.d.');
    const arxiv = props.archiveprefix?.toLowerCase() === 'arxiv' ? props.eprint : undefined;
    const doi = csl.DOI ?? props.doi;
    const single = new Cite(csl);
    entries.set(csl.id, {
      key: csl.id,
      type: rawEntry?.type ?? 'misc',
      title: csl.title ?? props.title ?? csl.id,
      authors,
      year,
      venue: csl['container-title'] ?? props.booktitle ?? props.journal,
      arxiv,
      doi,
      url: doi ? `https://doi.org/${doi}` : arxiv ? `https://arxiv.org/abs/${arxiv}` : undefined,
      label: inTextLabel(authors, year),
      apaHtml: extractEntryHtml(single.format('bibliography', { format: 'html', template: 'apa', lang: 'en-US' }) as string),
      bibtex: (single.format('bibtex') as string).trim(),
      note: props.note,
    });
  }
  return entries;
}

/** citeproc wraps each entry in two divs; keep the entry's inner HTML only. */
function extractEntryHtml(html: string): string {
  const match = /<div[^>]*class="csl-entry"[^>]*>([\s\S]*?)<\/div>/.exec(html);
  return (match?.[1] ?? html).trim();
}

export function loadBibliography(): Map<string, BibEntry> {
  cache ??= parseBibliography(readFileSync(BIB_PATH, 'utf8'));
  return cache;
}

/** Look up a key; throws naming the key and the file that used it. */
export function requireEntry(key: string, usedIn: string): BibEntry {
  const entry = loadBibliography().get(key);
  if (!entry) throw new Error(`Unknown citation key "${key}" in ${usedIn} (not in content/references.bib)`);
  return entry;
}
