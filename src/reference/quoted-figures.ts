/**
 * Figures quoted from their sources (content/data/quoted-figures.json): validated at load, looked up
 * by id. Each figure names the source it really comes from: a bib key (`cite`), or, when that source
 * has no bib entry, a plain `attribution` (third-party pages, an anonymous submission). A CORRECTED
 * figure names the work it contradicts in `contradicts`, and the schema forbids citing that work as
 * its source (facts.md a: "a quoted figure names the source it really comes from").
 * A figure that is not VERIFIED or CORRECTED cannot be fetched as a plain quote, so an unconfirmed
 * number never reaches a page as fact.
 */
import { z } from 'zod';
import data from '../../content/data/quoted-figures.json';

const bibKey = z.string().regex(/^[a-z0-9]+$/, 'bibliography keys are lowercase ASCII letters and digits');

/**
 * A locator must say where in the source the words stand: a section, table, figure, appendix, the
 * abstract, a repository file, or (for an attribution) the pages it was seen on.
 */
export const STRONG_LOCATOR = /§\d|Table \d|Figure \d|Appendix [A-Z]|abstract|README|\.(py|md|json|yaml)\b|pages /;

export const quotedFigureSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9.-]+$/),
    text: z.string().min(1),
    value: z.number().finite().optional(),
    /** The work the words are quoted from. */
    cite: bibKey.optional(),
    /** Who says it, when that source has no bib entry. Shown instead of a citation. */
    attribution: z.string().min(1).optional(),
    /** For a CORRECTED figure: the work whose own numbers it contradicts (never shown as its source). */
    contradicts: bibKey.optional(),
    locator: z.string().regex(STRONG_LOCATOR, 'a locator names a section (§), table, figure, appendix, the abstract or a file'),
    /** The item of the project's reference facts that records the figure. */
    basis: z.string().min(1),
    status: z.enum(['VERIFIED', 'CORRECTED', 'UNVERIFIED']),
  })
  .strict()
  .superRefine((f, ctx) => {
    if ((f.cite === undefined) === (f.attribution === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['cite'], message: `"${f.id}" needs exactly one of cite (a bib key) or attribution (a source without one)` });
    }
    if (f.status === 'CORRECTED' && f.contradicts === undefined) {
      ctx.addIssue({ code: 'custom', path: ['contradicts'], message: `"${f.id}" is CORRECTED: name the work it contradicts` });
    }
    if (f.contradicts !== undefined && f.cite === f.contradicts) {
      ctx.addIssue({ code: 'custom', path: ['cite'], message: `"${f.id}" contradicts ${f.contradicts}, so it cannot be credited to it` });
    }
  });
export type QuotedFigure = z.infer<typeof quotedFigureSchema>;

export const quotedFiguresFileSchema = z.object({ $comment: z.string(), figures: z.array(quotedFigureSchema) }).strict();

/** Parses a quoted-figures file; the error names the figure and the field. */
export function parseQuotedFigures(raw: unknown): QuotedFigure[] {
  const parsed = quotedFiguresFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`content/data/quoted-figures.json is invalid: ${issues.join('; ')}`);
  }
  return parsed.data.figures;
}

const figures = parseQuotedFigures(data);
const byId = new Map(figures.map((f) => [f.id, f]));

export function quotedFigure(id: string, { allowUnverified = false } = {}): QuotedFigure {
  const figure = byId.get(id);
  if (!figure) throw new Error(`Unknown quoted figure "${id}" (content/data/quoted-figures.json)`);
  if (figure.status === 'UNVERIFIED' && !allowUnverified) {
    throw new Error(`Quoted figure "${id}" is UNVERIFIED and may not be shown as fact`);
  }
  return figure;
}

/** The short form of a locator for an inline citation: its first clause ("§3.3 and Table 3", "§2.4"). */
export const shortLocator = (locator: string): string => (locator.split(/ \(|, /)[0] ?? locator).trim();

export const allQuotedFigures = (): readonly QuotedFigure[] => figures;
