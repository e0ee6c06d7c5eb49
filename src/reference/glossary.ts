/**
 * The glossary (content/data/glossary.json): terms the articles use, defined in the site's own words
 * with the works and code where each is used as defined. zod-validated at load; `term(id)` throws
 * on an unknown id, so an article's <Term id="…"> cannot point at a missing entry.
 */
import { z } from 'zod';
import data from '../../content/data/glossary.json';

const bibKey = z.string().regex(/^[a-z0-9]+$/, 'bibliography keys are lowercase ASCII letters and digits');

export const glossaryTermSchema = z
  .object({
    /** kebab-case; the entry's anchor on /reference/glossary/ is `term-<id>`. */
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'term ids are kebab-case'),
    term: z.string().min(1),
    definition: z.string().min(40, 'a definition is a sentence or more'),
    sources: z.array(bibKey),
    /** Repository paths where the term appears in code (from the reference facts). */
    code: z.string().min(1).optional(),
    /** GitHub threads ("owner/repo #n") where maintainers use the term as defined. */
    threads: z.array(z.string().min(1)).optional(),
    /** Related entries. */
    see: z.array(z.string()).optional(),
  })
  .strict();
export type GlossaryTerm = z.infer<typeof glossaryTermSchema>;

export const glossaryFileSchema = z
  .object({ $comment: z.string(), terms: z.array(glossaryTermSchema).min(1) })
  .strict()
  .superRefine((f, ctx) => {
    const ids = new Set<string>();
    f.terms.forEach((t, i) => {
      if (ids.has(t.id)) ctx.addIssue({ code: 'custom', path: ['terms', i, 'id'], message: `duplicate term "${t.id}"` });
      ids.add(t.id);
    });
    f.terms.forEach((t, i) => {
      for (const s of t.see ?? []) if (!ids.has(s)) ctx.addIssue({ code: 'custom', path: ['terms', i, 'see'], message: `"${t.id}" refers to unknown term "${s}"` });
    });
  });

export function parseGlossary(raw: unknown): GlossaryTerm[] {
  const parsed = glossaryFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`content/data/glossary.json is invalid: ${issues.join('; ')}`);
  }
  return parsed.data.terms;
}

/** Every term, sorted alphabetically by its displayed name. */
export const glossary: GlossaryTerm[] = parseGlossary(data).sort((a, b) => a.term.localeCompare(b.term, 'en', { sensitivity: 'base' }));
const byId = new Map(glossary.map((t) => [t.id, t]));

export const termAnchor = (id: string): string => `term-${id}`;
export const termHref = (id: string): string => `/reference/glossary/#${termAnchor(id)}`;

export function term(id: string): GlossaryTerm {
  const t = byId.get(id);
  if (!t) throw new Error(`Unknown glossary term "${id}" (content/data/glossary.json; known: ${[...byId.keys()].join(', ')})`);
  return t;
}
