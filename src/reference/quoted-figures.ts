/**
 * Figures quoted from papers (content/data/quoted-figures.json): validated at load, looked up by id.
 * A figure that is not VERIFIED or CORRECTED cannot be fetched as a plain quote, so an unconfirmed
 * number never reaches a page as fact.
 */
import { z } from 'zod';
import data from '../../content/data/quoted-figures.json';

const figureSchema = z.object({
  id: z.string().regex(/^[a-z0-9.-]+$/),
  text: z.string().min(1),
  value: z.number().finite().optional(),
  cite: z.string().min(1),
  locator: z.string().min(1),
  status: z.enum(['VERIFIED', 'CORRECTED', 'UNVERIFIED']),
});
export type QuotedFigure = z.infer<typeof figureSchema>;

const figures = z.object({ figures: z.array(figureSchema) }).parse(data).figures;
const byId = new Map(figures.map((f) => [f.id, f]));

export function quotedFigure(id: string, { allowUnverified = false } = {}): QuotedFigure {
  const figure = byId.get(id);
  if (!figure) throw new Error(`Unknown quoted figure "${id}" (content/data/quoted-figures.json)`);
  if (figure.status === 'UNVERIFIED' && !allowUnverified) {
    throw new Error(`Quoted figure "${id}" is UNVERIFIED and may not be shown as fact`);
  }
  return figure;
}

export const allQuotedFigures = (): readonly QuotedFigure[] => figures;
