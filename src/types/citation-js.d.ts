/** Minimal types for the parts of citation-js the site uses (the packages ship no declarations). */
declare module '@citation-js/core' {
  export class Cite {
    constructor(data: unknown);
    data: unknown[];
    format(format: 'bibliography' | 'citation' | 'bibtex' | 'data', options?: Record<string, unknown>): string | unknown;
  }
  export const plugins: {
    input: { chain(data: unknown, options?: Record<string, unknown>): unknown };
  };
}
declare module '@citation-js/plugin-bibtex';
declare module '@citation-js/plugin-csl';
