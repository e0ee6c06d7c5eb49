/**
 * The claim ledger (content/data/claims.json): every factual claim of the source article with its
 * verdict. zod-validated at load; counts per verdict are computed here, never typed. A claim whose
 * verdict was changed by a re-check carries `evidence` (previous verdict, what was checked, sources).
 * `watch` lists figures of a claim that are UNVERIFIED: they may appear on the site only in the
 * ledger or inside an element marked data-unverified (tests/e2e/reference.spec.ts checks every page).
 * `sourceNote` says, for this claim alone, where its evidence comes from when the bib keys cannot say
 * it (no bib entry, nothing identified, or a cited entry that is not the source of the figure); a
 * claim without sources must have one, so the ledger never prints one claim's note under another.
 */
import { z } from 'zod';
import data from '../../content/data/claims.json';

export const VERDICTS = ['VERIFIED', 'CORRECTED', 'UNVERIFIED', 'NOT CHECKED'] as const;
export type Verdict = (typeof VERDICTS)[number];

const bibKey = z.string().regex(/^[a-z0-9]+$/);

export const claimSchema = z
  .object({
    id: z.string().regex(/^C\d{2}$/, 'claim ids look like C07'),
    section: z.string().min(1),
    claim_zh: z.string().min(1),
    claim_en: z.string().min(1),
    verdict: z.enum(VERDICTS),
    finding: z.string().min(1),
    sources: z.array(bibKey),
    sourceNote: z.string().min(1).optional(),
    evidence: z
      .object({
        previousVerdict: z.enum(VERDICTS),
        checked: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
        text: z.string().min(1),
        /** bib keys or repository paths / locators of what was read. */
        sources: z.array(z.string().min(1)).min(1),
      })
      .strict()
      .optional(),
    watch: z.array(z.string().min(2)).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.watch && c.verdict === 'VERIFIED') ctx.addIssue({ code: 'custom', path: ['watch'], message: 'only non-verified claims have watched figures' });
    if (c.sources.length === 0 && !c.sourceNote) {
      ctx.addIssue({ code: 'custom', path: ['sourceNote'], message: 'a claim without bib sources needs its own sourceNote saying where its evidence comes from' });
    }
  });
export type Claim = z.infer<typeof claimSchema>;

export const claimsFileSchema = z.array(claimSchema).min(1).superRefine((cs, ctx) => {
  const seen = new Set<string>();
  cs.forEach((c, i) => {
    if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate claim id "${c.id}"` });
    seen.add(c.id);
  });
});

export function parseClaims(raw: unknown): Claim[] {
  const parsed = claimsFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `[${i.path.join('].')}: ${i.message}`);
    throw new Error(`content/data/claims.json is invalid: ${issues.join('; ')}`);
  }
  return parsed.data;
}

export const claims: Claim[] = parseClaims(data);

/** Claims per verdict, in VERDICTS order (zero counts included). */
export function verdictCounts(list: readonly Claim[]): Record<Verdict, number> {
  const out = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const c of list) out[c.verdict] += 1;
  return out;
}

/** The value used in URLs and data attributes for a verdict ("NOT CHECKED" → "not-checked"). */
export const verdictSlug = (v: Verdict): string => v.toLowerCase().replace(' ', '-');

/** The anchor of a claim on the ledger page, for links from articles. */
export const claimAnchor = (id: string): string => `claim-${id}`;
export const claimHref = (id: string): string => `/reference/claims/#${claimAnchor(id)}`;

/** Every watched (unverified) figure with its claim. */
export const watchedFigures = (list: readonly Claim[]): { claim: string; text: string }[] =>
  list.flatMap((c) => (c.watch ?? []).map((text) => ({ claim: c.id, text })));
