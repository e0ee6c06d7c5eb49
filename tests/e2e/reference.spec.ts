/**
 * The Reference section on the built site: the model catalogue shows the verified figures (which the
 * unit tests prove equal to the computed ones) through format.ts, sorting and filtering keep every row
 * reachable by keyboard, bad URL parameters get a clear message, the claim ledger shows every claim
 * of content/data/claims.json with its verdict counts, the taxonomy article's figures match the
 * survey data, and no UNVERIFIED key figure appears as plain fact on any page.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { formatInt } from '../../src/primitives/format';
import { builtPages } from './pages';

const root = process.cwd();
const readJson = <T>(path: string): T => JSON.parse(readFileSync(join(root, path), 'utf8')) as T;

interface ModelRow {
  id: string;
  model: string;
  tokens: { in: number | null; out: number | null };
  tokenPreset: string | null;
  inputProjector: { category: string };
  components: { figure: number; side?: string }[];
}
interface ClaimRow {
  id: string;
  verdict: string;
  watch?: string[];
}
const models = readJson<{ models: ModelRow[] }>('content/data/models.json').models;
const claims = readJson<ClaimRow[]>('content/data/claims.json');
const survey = readJson<{ total: number; output: { count: number; hasOutputProjector: boolean }[] }>('content/data/survey-projectors.json');

const MODELS = '/reference/models/';
const CLAIMS = '/reference/claims/';
const TAXONOMY = '/articles/taxonomy/';

/** Every request a page makes must stay on the site (links to arXiv are fine, requests are not). */
function trackExternal(page: Page, baseURL: string | undefined): string[] {
  const external: string[] = [];
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(baseURL ?? 'http://127.0.0.1') && !url.startsWith('data:') && !url.startsWith('blob:')) external.push(url);
  });
  return external;
}

async function visibleRowIds(page: Page, table: string): Promise<string[]> {
  return page.locator(`${table} tbody tr[data-row]:not([hidden])`).evaluateAll((trs) => trs.map((tr) => tr.id));
}

/** Tabs from the first focusable element of the table body to past its end, collecting row ids. */
async function rowsReachedByTab(page: Page, table: string): Promise<Set<string>> {
  await page.locator(`${table} tbody tr[data-row]:not([hidden]) a`).first().focus();
  const reached = new Set<string>();
  for (let i = 0; i < 400; i += 1) {
    const id = await page.evaluate((sel) => {
      const el = document.activeElement;
      const tr = el?.closest('tr[data-row]');
      return tr && el?.closest(sel) ? tr.id : null;
    }, table);
    if (id === null) break;
    reached.add(id);
    await page.keyboard.press('Tab');
  }
  return reached;
}

test.describe('Model catalogue', () => {
  test('shows every model with the verified parameter and token counts', async ({ page, baseURL }) => {
    const external = trackExternal(page, baseURL);
    await page.goto(MODELS);
    await expect(page.locator('#catalogue-table tbody tr[data-row]')).toHaveCount(models.length);
    await expect(page.locator('[data-key="catalogue.count"]')).toHaveText(formatInt(models.length));
    for (const m of models) {
      const row = page.locator(`#model-${m.id}`);
      await expect(row, m.id).toHaveCount(1);
      if (m.components.length > 0) {
        const total = m.components.reduce((a, c) => a + c.figure, 0);
        const cell = row.locator(`[data-key="${m.id}.params"]`);
        await expect(cell, m.id).toHaveAttribute('data-value', String(total));
        await expect(cell, m.id).toHaveText(formatInt(total));
      }
      if (m.tokenPreset !== null && m.tokens.out !== null) {
        await expect(row.locator(`[data-key="${m.id}.tokens-out"]`), m.id).toHaveText(formatInt(m.tokens.out));
      }
      if (m.tokenPreset !== null && m.tokens.in !== null) {
        await expect(row.locator(`[data-key="${m.id}.tokens-in"]`), m.id).toHaveText(formatInt(m.tokens.in));
      }
    }
    // Spot checks against the reference facts, so a wrong file cannot pass on its own.
    await expect(page.locator('#model-llava-1-5-7b [data-key="llava-1-5-7b.params"]')).toHaveText('20,979,712');
    await expect(page.locator('#model-openflamingo-9b [data-key="openflamingo-9b.params"]')).toHaveText(formatInt(63_019_008 + 1_115_815_952));
    await expect(page.locator('#model-qwen-vl')).toContainText('UNVERIFIED');
    // InstructBLIP trains its Q-Former: BLIP-2's query path plus llm_proj, shown as a lower bound.
    await expect(page.locator('#model-instructblip-vicuna-7b [data-key="instructblip-vicuna-7b.params"]')).toHaveText(formatInt(105_162_240 + 3_149_824));
    await expect(page.locator('#model-instructblip-vicuna-7b [data-lower-bound]')).toHaveText('at least');
    // BLIP-2's card shows the computed stage-1 count beside the paper's 188M, and the gap.
    await expect(page.locator('[data-key="card.blip-2-opt-2-7b.stage1"]')).toHaveText(formatInt(186_705_470));
    await expect(page.locator('[data-key="card.blip-2-opt-2-7b.gap"]')).toHaveText(formatInt(188_000_000 - 186_705_470));
    await expect(page.locator('#how-to-read')).not.toContainText('counted separately');
    expect(external).toEqual([]);
  });

  test('sorting keeps every row and every row reachable by keyboard', async ({ page }) => {
    await page.goto(MODELS);
    const button = page.locator('#catalogue-table [data-sort-button="params"]');
    await button.focus();
    await page.keyboard.press('Enter'); // ascending
    await page.keyboard.press('Enter'); // descending
    await expect(page.locator('#catalogue-table th[data-sort-col="params"]')).toHaveAttribute('aria-sort', 'descending');
    const ids = await visibleRowIds(page, '#catalogue-table');
    expect(ids).toHaveLength(models.length);
    const totals = new Map(models.map((m) => [`model-${m.id}`, m.components.length > 0 ? m.components.reduce((a, c) => a + c.figure, 0) : null]));
    const known = ids.map((id) => totals.get(id)).filter((v): v is number => v !== null && v !== undefined);
    expect(known[0]).toBe(Math.max(...known));
    expect([...known].sort((a, b) => b - a)).toEqual(known);
    expect(page.url()).toContain('sort=params&dir=desc');
    const reached = await rowsReachedByTab(page, '#catalogue-table');
    expect(reached.size).toBe(models.length);
  });

  test('filtering hides rows, says how many, and a link to a hidden row reveals it', async ({ page }) => {
    await page.goto(MODELS);
    const mlp = models.filter((m) => m.inputProjector.category === 'mlp');
    await page.locator('#catalogue-table select[data-filter="input"]').focus();
    await page.locator('#catalogue-table select[data-filter="input"]').selectOption('mlp');
    expect(await visibleRowIds(page, '#catalogue-table')).toEqual(mlp.map((m) => `model-${m.id}`));
    await expect(page.locator('#catalogue-table [data-table-status]')).toHaveText(`Showing ${mlp.length} of ${models.length} models. Use “Show all” to clear the filters.`);
    expect((await rowsReachedByTab(page, '#catalogue-table')).size).toBe(mlp.length);
    await page.goto(`${MODELS}?input=mlp#model-blip-2-opt-2-7b`);
    await expect(page.locator('#model-blip-2-opt-2-7b')).toBeVisible();
    await page.locator('#catalogue-table button[type="reset"]').focus();
    await page.keyboard.press('Enter');
    expect(await visibleRowIds(page, '#catalogue-table')).toHaveLength(models.length);
  });

  test('a bad URL parameter gets a clear message and the full table', async ({ page }) => {
    await page.goto(`${MODELS}?input=quantum&sort=colour&status=VERIFIED`);
    const alert = page.locator('#catalogue-table [data-table-issues]');
    await expect(alert).toBeVisible();
    await expect(alert).toContainText('“quantum” is not a value of the input filter; allowed: ');
    await expect(alert).toContainText('cannot sort by “colour”');
    const verified = models.length - (await page.locator('#catalogue-table tbody tr[data-f-status="UNVERIFIED"]').count());
    expect(await visibleRowIds(page, '#catalogue-table')).toHaveLength(verified); // the valid filter is kept
  });

  test('each row has a citation with the model paper and the row anchor', async ({ page }) => {
    await page.goto(`${MODELS}#cite-llava-1-5-7b`);
    const cite = page.locator('#cite-llava-1-5-7b');
    await cite.locator('summary').click();
    await expect(cite).toContainText('@misc{liu2023improved,'); // the model paper's BibTeX
    await expect(cite).toContainText('/reference/models/#model-llava-1-5-7b');
  });
});

test.describe('Claim ledger', () => {
  test('shows exactly the claims of claims.json with their verdict counts', async ({ page, baseURL }) => {
    const external = trackExternal(page, baseURL);
    await page.goto(CLAIMS);
    await expect(page.locator('#ledger-table tbody tr[data-row]')).toHaveCount(claims.length);
    await expect(page.locator('[data-key="ledger.count"]')).toHaveText(formatInt(claims.length));
    const counts = new Map<string, number>();
    for (const c of claims) counts.set(c.verdict, (counts.get(c.verdict) ?? 0) + 1);
    for (const [verdict, n] of counts) {
      const slug = verdict.toLowerCase().replace(' ', '-');
      await expect(page.locator(`[data-verdict-count="${slug}"]`)).toHaveAttribute('data-value', String(n));
      await expect(page.locator(`#ledger-table tbody tr[data-verdict="${verdict}"]`)).toHaveCount(n);
      await expect(page.locator(`#fig-verdicts .fig-variant-wide [data-key="${slug}"] [data-value]`).first()).toHaveAttribute('data-value', String(n));
    }
    for (const c of claims) await expect(page.locator(`#claim-${c.id}`)).toHaveCount(1);
    expect(external).toEqual([]);
  });

  test('each claim without a bib source shows its own source note', async ({ page }) => {
    await page.goto(CLAIMS);
    // The LVP claims name the anonymous submission; C18 (CDRA) and C19 must not inherit that line.
    for (const id of ['C15', 'C32', 'C33', 'C40']) {
      await expect(page.locator(`#claim-${id} [data-source-note="${id}"]`), id).toContainText('OpenReview forum PxBzxO02Ef');
    }
    const c18 = page.locator('#claim-C18 [data-source-note="C18"]');
    await expect(c18).toContainText('CDRA');
    await expect(c18).not.toContainText('OpenReview');
    const c19 = page.locator('#claim-C19 [data-source-note="C19"]');
    await expect(c19).toContainText('C15–C18');
    await expect(c19).not.toContainText('OpenReview');
    for (const id of ['C18', 'C19']) await expect(page.locator(`#claim-${id}`), id).not.toContainText('ICLR submission');
  });

  test('filters by verdict from a link, and rejects an unknown verdict clearly', async ({ page }) => {
    const corrected = claims.filter((c) => c.verdict === 'CORRECTED');
    await page.goto(`${CLAIMS}?verdict=corrected`);
    expect(await visibleRowIds(page, '#ledger-table')).toEqual(corrected.map((c) => `claim-${c.id}`));
    expect((await rowsReachedByTab(page, '#ledger-table')).size).toBe(corrected.length);
    await page.goto(`${CLAIMS}?verdict=probably`);
    await expect(page.locator('#ledger-table [data-table-issues]')).toContainText('“probably” is not a value of the verdict filter');
    expect(await visibleRowIds(page, '#ledger-table')).toHaveLength(claims.length);
  });
});

test.describe('Taxonomy article', () => {
  test('shows the survey tally and links every leaf of the diagram', async ({ page, baseURL }) => {
    const external = trackExternal(page, baseURL);
    await page.goto(TAXONOMY);
    const withOut = survey.output.filter((o) => o.hasOutputProjector).reduce((a, o) => a + o.count, 0);
    await expect(page.locator('[data-key="survey.with"]')).toHaveText(formatInt(withOut));
    await expect(page.locator('[data-key="survey.total"]')).toHaveText(formatInt(survey.total));
    const bars = await page.locator('#fig-survey-output .fig-variant-wide [data-value]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
    expect(bars).toEqual(expect.arrayContaining(survey.output.map((o) => o.count)));
    const leafLinks = page.locator('#fig-taxonomy .fig-variant-wide a[href^="/reference/models/?"]');
    await expect(leafLinks).toHaveCount(13);
    await leafLinks.first().focus();
    await expect(leafLinks.first()).toBeFocused();
    await expect(page.locator('a[href="/reference/claims/#claim-C08"]').first()).toBeVisible();
    expect(external).toEqual([]);
  });

  test('the prose lists the same models per type as the diagram and the catalogue filter', async ({ page }) => {
    await page.goto(TAXONOMY);
    const families = (category: string): string[] =>
      (models as (ModelRow & { family: string })[]).filter((m) => m.inputProjector.category === category).map((m) => m.family).filter((f, i, a) => a.indexOf(f) === i);
    const resamplers = page.locator('[data-representatives="cross-attention"]');
    await expect(resamplers).toHaveText(families('cross-attention').join(', '));
    await expect(resamplers).not.toContainText('TokenPacker');
    await expect(resamplers).not.toContainText('Unified-IO');
    await expect(page.locator('[data-representatives="point-query"]')).toHaveText('TokenPacker');
    // The diagram's leaf note shows the same families.
    await expect(page.locator('#fig-taxonomy .fig-variant-wide [data-key="in-cross-attention"]').first()).toContainText(families('cross-attention').join(', '));
    // Following the prose link filters the catalogue to exactly those rows.
    await page.locator('[data-representatives="cross-attention"]').click();
    await page.waitForURL(/\/reference\/models\/\?input=cross-attention/);
    const expected = models.filter((m) => m.inputProjector.category === 'cross-attention').map((m) => `model-${m.id}`);
    // The table's script applies the URL's filter after load; poll until it has.
    await expect.poll(() => visibleRowIds(page, '#catalogue-table')).toEqual(expected);
  });
});

test('no UNVERIFIED key figure of the ledger appears as plain fact on any page', async ({ page }) => {
  const watched = claims.flatMap((c) => (c.watch ?? []).map((text) => ({ claim: c.id, text })));
  expect(watched.map((w) => w.text)).toContain('17.58');
  const offenders: string[] = [];
  for (const path of builtPages(process.env.ATLAS_DIST)) {
    await page.goto(path);
    // Outside the ledger and outside elements labelled data-unverified, none may appear.
    const text = await page.evaluate(() => {
      const clone = document.body.cloneNode(true) as HTMLElement;
      clone.querySelectorAll('script, style, template, [data-unverified], [data-claim-ledger]').forEach((el) => el.remove());
      return clone.textContent ?? '';
    });
    for (const w of watched) if (text.includes(w.text)) offenders.push(`${path}: “${w.text}” (${w.claim})`);
  }
  expect(offenders).toEqual([]);
});
