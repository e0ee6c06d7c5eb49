/**
 * The article "How projectors align modalities": every experiment number in its prose equals the
 * committed JSON through the shared formatter, the embedded experiment tables equal their JSON too,
 * the source article's errors are corrected visibly, and every Lab link opens a working Lab page.
 */
import { expect, test } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { formatSpecSchema, formatValue, type FormatSpec } from '../../src/primitives/format';
import { readResultNumber } from '../../src/primitives/json-path';

const ARTICLE = '/articles/alignment/';

/** What components/Num.astro paints for a raw value: the shared dispatcher, keyed by its `format` prop. */
const reformat = (value: number, format: string, digits?: number): string => formatValue({ kind: format as FormatSpec['kind'], digits }, value);

const records = new Map<string, unknown>();
/** The committed record of a notebook, read from the repository (not from the page). */
function committed(notebook: string): unknown {
  const cached = records.get(notebook);
  if (cached !== undefined) return cached;
  const file = `content/data/${notebook}.json`;
  if (!existsSync(file)) throw new Error(`${file} is missing, but the article binds numbers to it`);
  const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
  records.set(notebook, json);
  return json;
}

test('every experiment number in the prose equals its committed result', async ({ page }) => {
  await page.goto(ARTICLE);
  const bound = await page.locator('[data-notebook][data-path]').evaluateAll((els) =>
    els
      .filter((e) => e.classList.contains('result-num'))
      .map((e) => {
        const num = e.querySelector('.num');
        return {
          notebook: e.getAttribute('data-notebook') ?? '',
          path: e.getAttribute('data-path') ?? '',
          value: num?.getAttribute('data-value') ?? null,
          format: num?.getAttribute('data-format') ?? '',
          digits: num?.getAttribute('data-digits') ?? null,
          text: num?.textContent ?? null,
        };
      }),
  );
  expect(bound.length, 'the article binds some numbers to experiment results').toBeGreaterThan(5);
  for (const b of bound) {
    const label = `${b.notebook} ${b.path}`;
    const value = readResultNumber(committed(b.notebook), b.path);
    expect(b.value, label).toBe(String(value));
    expect(b.text, label).toBe(reformat(value, b.format, b.digits === null ? undefined : Number(b.digits)));
  }
});

test('the prose states each comparison as a mean with its spread over seeds, and calls no difference the seeds do not agree on', async ({ page }) => {
  await page.goto(ARTICLE);
  const bound = await page.locator('.result-num[data-path^="result.seedSweep."]').evaluateAll((els) =>
    els.map((e) => ({ notebook: e.getAttribute('data-notebook') ?? '', path: e.getAttribute('data-path') ?? '', paragraph: e.closest('p')?.textContent ?? '' })),
  );
  // Every alignment experiment reports its headline numbers over its seed sweep.
  expect([...new Set(bound.map((b) => b.notebook))].sort()).toEqual(['align-adversarial', 'align-contrastive', 'align-feature-map', 'align-multispace', 'align-token-selection']);
  const paths = new Set(bound.map((b) => `${b.notebook} ${b.path}`));
  for (const b of bound) {
    // A mean never stands alone: its standard deviation is bound next to it.
    if (b.path.endsWith('.mean')) expect(paths.has(`${b.notebook} ${b.path.replace(/\.mean$/, '.sd')}`), `${b.notebook} ${b.path}`).toBe(true);
    // A paired difference the prose quotes: where the seeds disagree on its sign, the sentence says so.
    const diff = /^result\.seedSweep\.differences\.([^.]+)\.mean$/.exec(b.path);
    if (diff) {
      const sweep = (committed(b.notebook) as { result: { seedSweep: { differences: Record<string, { sameSign: boolean }> } } }).result.seedSweep;
      const sameSign = sweep.differences[diff[1] as string]?.sameSign;
      expect(sameSign, `${b.notebook} ${diff[1]}`).toBeDefined();
      if (sameSign === false) expect(b.paragraph, `${b.notebook} ${diff[1]}`).toContain('changes sign');
    }
  }
});

test('embedded experiment tables equal their committed results', async ({ page }) => {
  await page.goto(ARTICLE);
  const cards = page.locator('.experiment-card:not([data-pending])');
  expect(await cards.count(), 'at least one experiment is embedded with its result').toBeGreaterThan(0);
  const cells = await page.locator('[data-experiment-result] td[data-key][data-value]').evaluateAll((els) =>
    els.map((e) => ({
      notebook: e.closest('[data-experiment-result]')?.getAttribute('data-notebook') ?? '',
      key: e.getAttribute('data-key') ?? '',
      value: e.getAttribute('data-value') ?? '',
      format: e.getAttribute('data-format') ?? '',
      text: e.textContent ?? '',
    })),
  );
  for (const c of cells) {
    const record = committed(c.notebook) as { result: unknown };
    const value = readResultNumber(record.result, c.key);
    expect(c.value, `${c.notebook} ${c.key}`).toBe(String(value));
    expect(c.text, `${c.notebook} ${c.key}`).toBe(formatValue(formatSpecSchema.parse(JSON.parse(c.format)), value));
  }
  // Provenance under each card names the committed record's seed and backend.
  for (const card of await cards.all()) {
    const id = (await card.getAttribute('data-experiment')) ?? '';
    const meta = (committed(id) as { meta: { seed: number; backend: string } }).meta;
    await expect(card.locator('[data-meta="seed"]')).toHaveText(` · seed ${meta.seed}`);
    await expect(card.locator('[data-meta="backend"]')).toHaveText(` · backend ${meta.backend}`);
  }
});

test('the source article is corrected visibly, with links to the ledger', async ({ page }) => {
  await page.goto(ARTICLE);
  const corrections = page.locator('aside.callout.correction');
  expect(await corrections.count()).toBeGreaterThanOrEqual(2);
  await expect(corrections.filter({ hasText: 'Correction to the source article' }).first()).toBeVisible();
  // LVP: an anonymous, rejected submission; a token range, not FLOPs.
  const lvp = corrections.filter({ hasText: 'LVP' });
  await expect(lvp).toHaveCount(1);
  await expect(lvp).toContainText('OpenReview PxBzxO02Ef');
  await expect(lvp).toContainText('75%~95%');
  await expect(lvp.locator('a[href="/reference/claims/#claim-C15"]')).toHaveCount(1);
  // CDRA: not identified, said plainly.
  const cdra = corrections.filter({ hasText: 'CDRA' });
  await expect(cdra).toHaveCount(1);
  await expect(cdra).toContainText('could be identified');
  await expect(cdra.locator('a[href="/reference/claims/#claim-C18"]')).toHaveCount(1);
  // The ledger table lists the §3 claims with their verdicts.
  await expect(page.locator('#tab-claims tbody tr')).toHaveCount(7);
});

test('every Lab link on the article opens a working Lab page', async ({ page, request }) => {
  await page.goto(ARTICLE);
  const hrefs = [...new Set(await page.locator('a[href^="/lab/"]').evaluateAll((els) => els.map((e) => e.getAttribute('href') ?? '')))];
  const notebooks = [...new Set(hrefs.map((h) => /^\/lab\/([a-z0-9-]+)\//.exec(h)?.[1]).filter((id): id is string => id !== undefined))];
  expect(notebooks.length, 'the article links to the Lab pages of its experiments').toBeGreaterThan(0);
  for (const href of hrefs) {
    const res = await request.get(href);
    expect(res.status(), href).toBe(200);
  }
  for (const id of notebooks) {
    await page.goto(`/lab/${id}/`);
    await expect(page.locator(`[data-lab-root][data-notebook="${id}"]`)).toHaveCount(1);
  }
  // A link with controls set opens the Lab with those values in the form, without URL errors.
  const withQuery = hrefs.find((h) => h.includes('?set.') || h.includes('&set.'));
  if (withQuery) {
    await page.goto(withQuery);
    await expect(page.locator('[data-lab-root]')).toHaveAttribute('data-ready', 'true');
    await expect(page.locator('[data-lab-url-issues]')).toBeHidden();
    const url = new URL(withQuery, 'http://x');
    for (const [name, value] of url.searchParams) {
      if (!name.startsWith('set.')) continue;
      const field = page.locator(`[data-lab-form] [name="${name.slice(4)}"]`).first();
      await expect(field).toHaveValue(value);
    }
  }
});
