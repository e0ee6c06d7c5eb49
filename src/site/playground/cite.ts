/**
 * "Cite this experiment" for a Playground state: the site's page citation (src/site/citation.ts)
 * with the permalink as its URL, a title naming the projector and seed, and a key derived from them,
 * so the BibTeX and APA forms never disagree.
 */
import { pageApa, pageBibtex, type PageCitation } from '../citation';
import { SITE_AUTHOR, SITE_VERSION } from '../meta';

export function experimentCitation(what: { kind: string; preset: string | null; seed: number }, permalink: string, date: string): PageCitation {
  const name = what.preset ?? what.kind;
  return {
    title: `Projector Playground: ${name}, seed ${what.seed}`,
    url: permalink,
    authors: [SITE_AUTHOR],
    published: date,
    updated: date,
    siteVersion: SITE_VERSION,
    key: `atlas-playground-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-s${what.seed}`,
  };
}

export function experimentCitations(what: { kind: string; preset: string | null; seed: number }, permalink: string, date: string): { bibtex: string; apa: string } {
  const c = experimentCitation(what, permalink, date);
  return { bibtex: pageBibtex(c), apa: pageApa(c) };
}
