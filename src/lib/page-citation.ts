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
