/**
 * The interaction article on the built site: the gate-0 identity is asserted in Chromium from a
 * run in the browser (not only in Node), and the article's painted experiment numbers equal the
 * committed results.
 */
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { getCard } from '../../notebooks/catalog';
import type { RunRecord } from '../../notebooks/runtime/run-meta';
import type { Result as GatesResult } from '../../notebooks/experiments/interaction-gates.card';
import type { Result as QueriesResult } from '../../notebooks/experiments/interaction-queries.card';
import { committed, expectCellsMatch, nodeRun, paintedCells } from './lab-helpers';

const ARTICLE = '/articles/interaction/';

test('the article paints the committed results of its experiments', async ({ page }) => {
  await page.goto(ARTICLE);
  for (const id of ['interaction-gates', 'interaction-queries', 'interaction-concat', 'interaction-compress']) {
    const card = page.locator(`.experiment-card[data-experiment="${id}"]`);
    await expect(card).toHaveCount(1);
    expectCellsMatch(await paintedCells(card), committed(id).result);
  }
  await expect(page.locator('body')).not.toContainText('NaN');
});

test('gated cross-attention: the gate-0 identity is exactly 0 in Chromium, and the gates open', async ({ page }) => {
  test.setTimeout(300_000);
  const id = 'interaction-gates';
  await page.goto(ARTICLE);
  const card = page.locator(`.experiment-card[data-experiment="${id}"]`);
  await card.locator('summary', { hasText: 'Change the controls' }).click();
  await expect(card.locator('[data-lab-root]')).toHaveAttribute('data-ready', 'true');
  // Another seed and fewer steps: a fresh frozen LM and fresh blocks, computed in the browser.
  const cfg = { ...(getCard(id).defaults as unknown as Record<string, unknown>), seed: 12, steps: 15 };
  await card.locator('[name="seed"]').fill('12');
  await card.locator('[name="steps"]').fill('15');
  await card.getByRole('button', { name: 'Run' }).click();
  const result = card.locator('[data-lab-result]');
  await expect(result).toHaveAttribute('data-source', 'live', { timeout: 240_000 });
  const live = JSON.parse((await result.getAttribute('data-record')) ?? 'null') as RunRecord;
  expect(live.meta.backend).toBe('wasm');
  const r = live.result as GatesResult;
  expect(r.identity.maxAbsDiff).toBe(0);
  expect(r.identity.perBlock).toEqual([0, 0]);
  // Painted as zero through the formatter, from the identity table.
  const cell = card.locator('td[data-key="identity.maxAbsDiff"]');
  await expect(cell).toHaveAttribute('data-value', '0');
  // Every gate starts at 0 and has left it by the end.
  for (const g of r.gates) {
    expect([g.attn[0], g.ff[0]]).toEqual([0, 0]);
    expect(Math.abs(g.attn.at(-1) as number)).toBeGreaterThan(0);
    expect(Math.abs(g.ff.at(-1) as number)).toBeGreaterThan(0);
  }
  // And the browser's run is Node's run, bit for bit (wasm in both).
  const expected = await nodeRun(id, cfg as never);
  expect(live.result).toEqual(JSON.parse(JSON.stringify(expected.result)));
  expectCellsMatch(await paintedCells(card), expected.result);
});

test('learned queries: each query’s attention sums to 1 in the figures, and 49 or 196 tokens in give Q out, in Chromium', async ({ page }) => {
  test.setTimeout(300_000);
  const id = 'interaction-queries';
  await page.goto(ARTICLE);
  const card = page.locator(`.experiment-card[data-experiment="${id}"]`);
  const sums = async (): Promise<number[]> =>
    card.locator('.fig-attention-panel').evaluateAll((panels) =>
      panels.map((p) => [...p.querySelectorAll('[data-value]')].reduce((a, el) => a + Number(el.getAttribute('data-value')), 0)),
    );
  // The committed figures: one panel per query and module, each summing to 1 (grid, plus the latents' share).
  const committedSums = await sums();
  const nq = (committed(id).meta.config as { numQueries: number }).numQueries;
  expect(committedSums).toHaveLength(2 * nq);
  for (const s of committedSums) expect(s).toBeCloseTo(1, 5);
  // The picture under every panel is the data set's PNG, loaded from this site.
  const hrefs = await card.locator('.fig-attention-panel image').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('href')));
  expect(new Set(hrefs).size).toBe(1);
  const png = await page.request.get(hrefs[0] as string);
  expect(png.headers()['content-type']).toBe('image/png');

  // A live run with fewer queries and another picture.
  await card.locator('summary', { hasText: 'Change the controls' }).click();
  await expect(card.locator('[data-lab-root]')).toHaveAttribute('data-ready', 'true');
  const cfg = { ...(getCard(id).defaults as unknown as Record<string, unknown>), steps: 8, numQueries: 4, picture: 2 };
  await card.locator('[name="steps"]').fill('8');
  await card.locator('[name="numQueries"]').fill('4');
  await card.locator('[name="picture"]').fill('2');
  await card.getByRole('button', { name: 'Run' }).click();
  await expect(card.locator('[data-lab-result]')).toHaveAttribute('data-source', 'live', { timeout: 240_000 });
  const live = JSON.parse((await card.locator('[data-lab-result]').getAttribute('data-record')) ?? 'null') as RunRecord;
  for (const m of (live.result as QueriesResult).modules) {
    expect(m.lengths.inTokens).toEqual([49, 196]);
    expect(m.lengths.applied[0]?.[1]).toBe(4);
    expect(m.lengths.applied[1]).toEqual(m.lengths.applied[0]);
  }
  const liveSums = await sums();
  expect(liveSums).toHaveLength(2 * 4);
  for (const s of liveSums) expect(s).toBeCloseTo(1, 5);
  const expected = await nodeRun(id, cfg as never);
  expect(live.result).toEqual(JSON.parse(JSON.stringify(expected.result)));
});

test('the reader’s own image: a real PNG gives 49 tokens in the sequence; a corrupt or non-image file is named and changes nothing', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(ARTICLE);
  const box = page.locator('[data-concat-upload]');
  const input = box.locator('input[type="file"]');
  const status = box.locator('[data-status]');
  await input.setInputFiles(resolve(process.cwd(), 'public/data/emoji/gallery/1f989.png'));
  await expect(box).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  const figure = box.locator('[data-figure]');
  await expect(figure).toHaveAttribute('data-tokens', '49');
  const lm = (getCard('interaction-concat').defaults as unknown as { lmDim: number }).lmDim;
  await expect(figure).toHaveAttribute('data-output-shape', `1,49,${lm}`);
  await expect(figure).toHaveAttribute('data-applied', `1,49,${lm}`);
  await expect(figure.locator('[data-key="upload.image.tokens"]')).toHaveAttribute('data-value', '49');
  const before = await figure.innerHTML();

  // A file named .png whose bytes are not a PNG, then a text file.
  await input.setInputFiles({ name: 'broken.png', mimeType: 'image/png', buffer: Buffer.from('this is not a picture at all, just text') });
  await expect(box).toHaveAttribute('data-state', 'error');
  await expect(status).toContainText('broken.png');
  expect(await figure.innerHTML()).toBe(before);
  await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await expect(box).toHaveAttribute('data-state', 'error');
  await expect(status).not.toHaveText('');
  expect(await figure.innerHTML()).toBe(before);
  await expect(page.locator('body')).not.toContainText('NaN');
});
