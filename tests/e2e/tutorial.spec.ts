/**
 * The articles as a course: each ends with exercises whose answers are collapsed until asked for,
 * jargon links to the glossary, GitHub threads are links, the training-stage questions (reader
 * questions T1/T2) are answered in one place, and the numbers the accuracy review found typed by
 * hand are now painted from code.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';

const ARTICLES = ['/articles/what-is-a-projector/', '/articles/taxonomy/', '/articles/alignment/', '/articles/interaction/', '/articles/comparing-models/', '/articles/performance/', '/articles/future-directions/'];
const glossary = JSON.parse(readFileSync('content/data/glossary.json', 'utf8')) as { terms: { id: string; term: string }[] };

/** The article body's visible prose, without painted numbers, code, maths, figures and the given selectors. */
async function proseText(page: Page, root: string, extra: string[] = []): Promise<string> {
  return page.evaluate(
    ({ root, extra }) => {
      const el = document.querySelector(root);
      if (!el) throw new Error(`no ${root}`);
      const clone = el.cloneNode(true) as HTMLElement;
      clone.querySelectorAll(['.num', 'code', 'pre', '.katex', 'figure', 'svg', 'script', 'style', ...extra].join(',')).forEach((n) => n.remove());
      return clone.textContent ?? '';
    },
    { root, extra },
  );
}

for (const path of ARTICLES) {
  test(`${path} ends with exercises, each with a collapsed answer`, async ({ page }) => {
    await page.goto(path);
    const headings = await page.locator('.article-body h2').evaluateAll((hs) => hs.map((h) => (h.textContent ?? '').replace('#', '').trim()));
    expect(headings.at(-1), `the last section of ${path}`).toBe('Exercises');
    const items = page.locator('ol.exercises > li');
    expect(await items.count()).toBeGreaterThanOrEqual(5);
    for (const li of await items.all()) {
      const id = (await li.getAttribute('id')) ?? '?';
      const answer = li.locator(':scope > details.answer');
      await expect(answer, id).toHaveCount(1);
      await expect(answer, id).not.toHaveAttribute('open', /.*/);
      const body = await answer.evaluate((d) => [...d.childNodes].filter((n) => n.nodeName !== 'SUMMARY').map((n) => n.textContent ?? '').join(' ').trim());
      expect(body.length, `${id} has an answer with a reason`).toBeGreaterThan(80);
    }
    // Opening one shows it.
    const first = items.first().locator('details.answer');
    await first.locator('summary').click();
    await expect(first).toHaveAttribute('open', '');
  });

}

for (const [path, root] of [...ARTICLES.map((p) => [p, '.article-body']), ['/reference/models/', 'article'], ['/reference/glossary/', 'article']] as const) {
  test(`${path} cites GitHub threads as links, never as plain text`, async ({ page }) => {
    await page.goto(path);
    const plain = await page.evaluate((root) => {
      const body = document.querySelector(root);
      const out: string[] = [];
      const walker = document.createTreeWalker(body ?? document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (n.parentElement?.closest('a, code, pre')) continue;
        const m = /[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+ (PR )?#\d+/.exec(n.textContent ?? '');
        if (m) out.push(m[0]);
      }
      return out;
    }, root);
    expect(plain).toEqual([]);
    for (const a of await page.locator('.thread a').all()) await expect(a).toHaveAttribute('href', /^https:\/\/github\.com\/[^/]+\/[^/]+\/(issues|pull)\/\d+$/);
  });
}

test('command-line flags in code keep their double hyphen', async ({ page }) => {
  for (const path of ARTICLES) {
    await page.goto(path);
    const mangled = await page.locator('.article-body code').evaluateAll((els) => els.map((e) => e.textContent ?? '').filter((t) => /^[\u2013\u2014]/.test(t)));
    expect(mangled, path).toEqual([]);
  }
  await page.goto(ARTICLES[0] as string);
  await expect(page.locator('.article-body code', { hasText: 'pretrain_mm_mlp_adapter' })).toHaveText('--pretrain_mm_mlp_adapter');
});

test('the training stages (T1, T2) are answered once, and the first article links there', async ({ page }) => {
  const counts: Record<string, number> = {};
  for (const path of ARTICLES) {
    await page.goto(path);
    const text = await page.locator('.article-body').innerText();
    counts[path] = (text.match(/--tune_mm_mlp_adapter|mm_projector_lr/g) ?? []).length;
  }
  expect(counts['/articles/what-is-a-projector/']).toBe(0);
  expect(counts['/articles/taxonomy/']).toBe(0);
  expect(counts['/articles/alignment/']).toBeGreaterThan(0);
  await page.goto(ARTICLES[0] as string);
  await expect(page.locator('a[href="/articles/alignment/#how-projectors-are-trained-stages-and-frozen-parts"]')).toHaveCount(1);
  await expect(page.locator('a[href="/articles/alignment/#stage-1-the-projector-alone"]')).toHaveCount(1);
});

test('the glossary lists every term, and the taxonomy links the jargon to it', async ({ page }) => {
  await page.goto('/reference/glossary/');
  await expect(page.locator('[data-glossary-term]')).toHaveCount(glossary.terms.length);
  for (const t of glossary.terms) await expect(page.locator(`#term-${t.id} dt`)).toHaveText(t.term);
  await page.goto('/reference/');
  await expect(page.locator('a[href="/reference/glossary/"]').first()).toBeVisible();
  await page.goto('/articles/taxonomy/');
  for (const id of ['latents', 'regnet-stage', 'peg', 'ldpv2', 'depthwise-convolution', 'point-query']) {
    await expect(page.locator(`.article-body a.term[data-term="${id}"]`).first(), id).toHaveAttribute('href', `/reference/glossary/#term-${id}`);
  }
});

test('numbers the review found typed by hand are painted from code', async ({ page }) => {
  await page.goto('/articles/taxonomy/');
  const taxonomy = await proseText(page, '.article-body');
  for (const n of ['43', '448', '512']) expect(taxonomy, `“${n}” typed in the taxonomy`).not.toMatch(new RegExp(`(?<![\\w.-])${n}(?![\\w-])`));
  await page.goto('/articles/what-is-a-projector/');
  const first = await proseText(page, '.article-body');
  for (const n of ['224', '576', '144']) expect(first, `“${n}” typed in the first article`).not.toMatch(new RegExp(`(?<![\\w.-])${n}(?![\\w-])`));
  await page.goto('/articles/alignment/');
  expect(await proseText(page, '#ex-adv-strong')).not.toContain('50%');
  await page.goto('/reference/models/');
  expect(await proseText(page, '#questions', ['.width-groups'])).not.toMatch(/(?<![\w.-])4096(?![\w-])/);
});
