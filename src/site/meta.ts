/**
 * Site-wide constants. The version comes from package.json so citations always carry the release
 * the reader saw.
 */
import pkg from '../../package.json';

export const SITE_NAME = 'Projector Atlas';
export const SITE_VERSION: string = pkg.version;
export const SITE_AUTHOR = 'Projector Atlas contributors';
export const SITE_DESCRIPTION =
  'A research notebook on the projectors (connectors) of multimodal LLMs: what they are, how they align modalities, what they cost — with live TensorFlow.js implementations and numbers proven by tests.';

/** Top navigation, in order. */
export const NAV = [
  { href: '/articles/', label: 'Tutorial' },
  { href: '/lab/', label: 'Lab' },
  { href: '/reference/', label: 'Reference' },
  { href: '/search/', label: 'Search' },
] as const;

/** YYYY-MM-DD in UTC, the only date format citations use. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
