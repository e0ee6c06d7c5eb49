/**
 * The Data page on the built site: numbers equal the committed manifest through the same formatter,
 * every source's licence is shown, a first visit fetches no data or model files, and the
 * "try your own image" island turns a real PNG into 49 tokens and rejects bad files with a message.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page, type Request } from '@playwright/test';
import { EmojiCaptionsSchema, EmojiDetailsSchema } from '../../src/data/emoji';
import { parseManifest, type Manifest } from '../../src/data/manifest';
import { formatFixed, formatPercent } from '../../src/primitives/format';

const PAGE = '/reference/data/';
const publicDir = join(process.cwd(), 'public');
const manifest = (dataset: string): Manifest =>
  parseManifest(JSON.parse(readFileSync(join(publicDir, 'data', dataset, 'manifest.json'), 'utf8')), dataset);

/** Requests for committed data or model files (the heavy ones a first visit must not fetch). */
function isDataRequest(r: Request): boolean {
  const path = new URL(r.url()).pathname;
  return /\/data\/.+\.(bin|json)$/.test(path) || path.includes('/models/');
}

async function collectRequests(page: Page): Promise<Request[]> {
  const requests: Request[] = [];
  page.on('request', (r) => requests.push(r));
  return requests;
}

test.describe('Data page', () => {
  test('shows the committed retrieval numbers through format.ts', async ({ page }) => {
    await page.goto(PAGE);
    const retrieval = EmojiDetailsSchema.parse(manifest('emoji').details).retrieval;
    for (const [key, scores] of [['retrieval-paired', retrieval.paired], ['retrieval-shuffled', retrieval.shuffled]] as const) {
      const cells = page.locator(`[data-key="${key}"] td`);
      await expect(cells.nth(0)).toHaveText(formatPercent(scores.recallAt1));
      await expect(cells.nth(1)).toHaveText(formatPercent(scores.recallAt10));
      await expect(cells.nth(2)).toHaveText(formatFixed(scores.medianRank, 1));
    }
  });

  test('credits every source of every artefact with its licence', async ({ page }) => {
    await page.goto(PAGE);
    for (const dataset of ['encoder', 'emoji', 'fashion-mnist']) {
      for (const source of manifest(dataset).sources) {
        const item = page.locator(`#licences [data-source="${source.id}"]`);
        await expect(item).toContainText(source.attribution);
        await expect(item.locator('[data-licence]')).toHaveText(source.licence);
        await expect(item).toContainText(`${source.package}@${source.version}`);
      }
    }
    await expect(page.locator('#encoder')).toContainText('MobileNetV2 (ImageNet), via nsfwjs');
  });

  test('the gallery shows emoji images with captions and neighbours', async ({ page }) => {
    await page.goto(PAGE);
    const rows = page.locator('[data-gallery] figure');
    await expect(rows).toHaveCount(6);
    await expect(rows.first().locator('.neighbours li')).toHaveCount(5);
    const images = page.locator('[data-gallery] img');
    const count = await images.count();
    for (let i = 0; i < count; i += 1) {
      const img = images.nth(i);
      await img.scrollIntoViewIfNeeded();
      await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(64);
    }
  });

  test('a first visit fetches no data or model files', async ({ page }) => {
    const requests = await collectRequests(page);
    await page.goto(PAGE, { waitUntil: 'networkidle' });
    expect(requests.filter(isDataRequest).map((r) => r.url())).toEqual([]);
    // Nor the island's heavy chunk (tfjs + encoder code): Vite names it after its module.
    expect(requests.filter((r) => r.url().includes('try-image-run')).map((r) => r.url())).toEqual([]);
  });

  test('a reader’s PNG becomes 49 vision tokens, loading the encoder only then', async ({ page }) => {
    test.setTimeout(120_000);
    const requests = await collectRequests(page);
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(PAGE);
    const island = page.locator('[data-try-image]');
    const emoji = manifest('emoji');
    const gallery = JSON.parse(readFileSync(join(publicDir, emoji.artefacts.find((a) => a.id === 'gallery')!.file), 'utf8')) as Array<{ query: number }>;
    const captions = EmojiCaptionsSchema.parse(JSON.parse(readFileSync(join(publicDir, emoji.artefacts.find((a) => a.id === 'captions')!.file), 'utf8')));
    const png = join(publicDir, 'data/emoji/gallery', captions[gallery[0]!.query]!.image);
    await island.locator('[data-input]').setInputFiles(png);
    await expect(island).toHaveAttribute('data-state', 'done', { timeout: 100_000 });
    await expect(island.locator('[data-summary]')).toContainText('49 vision tokens of 1,280 dimensions');
    await expect(island.locator('[data-neighbours] li')).toHaveCount(5);
    // The image is itself one of the emoji, so its nearest neighbour is itself.
    await expect(island.locator('[data-neighbours] li').first()).toHaveAttribute('data-index', String(gallery[0]!.query));
    const fetched = requests.filter(isDataRequest).map((r) => new URL(r.url()).pathname);
    expect(fetched.some((p) => p.endsWith('/models/mobilenet_v2/weights.bin'))).toBe(true);
    expect(fetched.some((p) => p.includes('fashion-mnist'))).toBe(false); // only what this island uses
    expect(errors).toEqual([]);
  });

  test('bad files get a clear message', async ({ page }) => {
    await page.goto(PAGE);
    const island = page.locator('[data-try-image]');
    const input = island.locator('[data-input]');
    const status = island.locator('[data-status]');
    await input.setInputFiles({ name: 'empty.png', mimeType: 'image/png', buffer: Buffer.alloc(0) });
    await expect(status).toHaveText('“empty.png” is empty (0 bytes).');
    await expect(island).toHaveAttribute('data-state', 'error');
    await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image at all') });
    await expect(status).toHaveText('“notes.txt” is not a PNG or JPEG image.');
    const huge = Buffer.alloc(26 * 1024 * 1024);
    huge.set([0xff, 0xd8, 0xff]);
    await input.setInputFiles({ name: 'huge.jpg', mimeType: 'image/jpeg', buffer: huge });
    await expect(status).toHaveText('“huge.jpg” is 26.0 MiB; the limit is 25.0 MiB.');
    // A PNG signature followed by garbage: the browser cannot decode it.
    const fake = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
    await input.setInputFiles({ name: 'broken.png', mimeType: 'image/png', buffer: fake });
    await expect(status).toHaveText('“broken.png” looks like a PNG but could not be decoded.');
  });
});
