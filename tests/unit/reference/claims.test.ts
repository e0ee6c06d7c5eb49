/** The claim ledger data: shape, counts per verdict, and the re-check evidence rules. */
import { describe, expect, it } from 'vitest';
import { claims, parseClaims, verdictCounts, watchedFigures } from '../../../src/reference/claims';
import { loadBibliography } from '../../../src/site/build/bibliography';

describe('claim ledger', () => {
  it('has the 40 claims of the shared ledger, C01 to C40 in article order', () => {
    expect(claims.map((c) => c.id)).toEqual(Array.from({ length: 40 }, (_, i) => `C${String(i + 1).padStart(2, '0')}`));
    expect(claims.find((c) => c.id === 'C36')?.claim_zh).toContain('17.58G');
  });

  it('counts claims per verdict', () => {
    const counts = verdictCounts(claims);
    expect(counts.VERIFIED + counts.CORRECTED + counts.UNVERIFIED + counts['NOT CHECKED']).toBe(claims.length);
    expect(counts).toEqual(EXPECTED_COUNTS);
  });

  it('records evidence for every verdict that differs from the shared ledger', () => {
    claims.forEach((c, i) => {
      const before = SHARED_VERDICTS[ORIGINAL[i] as keyof typeof SHARED_VERDICTS];
      if (before !== c.verdict) {
        expect(c.evidence, `${c.id} changed from ${before} without evidence`).toBeDefined();
        expect(c.evidence?.previousVerdict).toBe(before);
      } else {
        expect(c.evidence, `${c.id} has evidence but no change`).toBeUndefined();
      }
    });
  });

  it('cites only bibliography keys', () => {
    const bib = loadBibliography();
    for (const c of claims) for (const k of c.sources) expect(bib.has(k), `${c.id}: ${k}`).toBe(true);
  });

  it('watches the unverified key figures, e.g. STViT’s 17.58G → 12.13G', () => {
    const watched = watchedFigures(claims);
    expect(watched).toContainEqual({ claim: 'C36', text: '17.58' });
    expect(watched).toContainEqual({ claim: 'C36', text: '12.13' });
    for (const w of watched) expect(claims.find((c) => c.id === w.claim)?.verdict).not.toBe('VERIFIED');
  });

  it('gives every claim its own source note: LVP claims name the submission, C18 and C19 do not', () => {
    const note = (id: string): string => claims.find((c) => c.id === id)?.sourceNote ?? '';
    for (const c of claims) if (c.sources.length === 0) expect(c.sourceNote, c.id).toBeTruthy();
    for (const id of ['C15', 'C32', 'C33', 'C40']) expect(note(id), id).toContain('OpenReview forum PxBzxO02Ef');
    for (const id of ['C18', 'C19']) expect(note(id), id).not.toMatch(/OpenReview|ICLR/);
    expect(note('C18')).toContain('CDRA');
    expect(note('C19')).toContain('C15–C18');
    // C16 cites LLaVA-Meteor only to tell it apart: the note says the range is the submission's.
    expect(note('C16')).toContain('PxBzxO02Ef');
    // A claim without sources and without a note of its own is rejected, naming the field.
    const bad = structuredClone(claims) as unknown as Array<Record<string, unknown>>;
    delete (bad[17] as Record<string, unknown>).sourceNote;
    expect(() => parseClaims(bad)).toThrow(/\[17\]\.sourceNote/);
  });

  it('carries no re-check that the shared ledger does not record', () => {
    for (const c of claims) if (!c.evidence) expect(c.finding, c.id).not.toMatch(/Re-checked on/);
  });

  it('rejects bad data with the claim and field named', () => {
    const bad = structuredClone(claims) as unknown as Array<Record<string, unknown>>;
    (bad[3] as Record<string, unknown>).verdict = 'PROBABLY';
    expect(() => parseClaims(bad)).toThrow(/\[3\]\.verdict/);
  });
});

/** Verdict counts after the re-check (see the evidence fields); the shared ledger had 18 / 10 / 10 / 2. */
const EXPECTED_COUNTS = { VERIFIED: 18, CORRECTED: 10, UNVERIFIED: 10, 'NOT CHECKED': 2 };

/**
 * Verdicts of the shared ledger (/work/shared/reference/claims.json) before the re-check, one letter
 * per claim C01…C40: V VERIFIED, C CORRECTED, U UNVERIFIED, N NOT CHECKED. Frozen here so the test
 * does not depend on a file outside the repository.
 */
const ORIGINAL = 'VVVVUVUCUCUCVVCCVUNVVVCVVCVCCVNVUCUUUVUV';
const SHARED_VERDICTS = { V: 'VERIFIED', C: 'CORRECTED', U: 'UNVERIFIED', N: 'NOT CHECKED' } as const;
