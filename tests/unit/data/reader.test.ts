import { describe, expect, it } from 'vitest';
import { loadEmoji } from '../../../src/data/emoji';
import { fsReader } from '../../../src/data/node-reader';
import { fetchReader } from '../../../src/data/reader';

describe('fetchReader (the browser path) with an injected fetch', () => {
  const disk = fsReader();
  /** Serves public/ like the static site would, under an optional base path, and logs requests. */
  const fakeFetch = (base: string, log: string[]): typeof fetch =>
    (async (input: RequestInfo | URL) => {
      const url = String(input);
      log.push(url);
      if (!url.startsWith(base)) return new Response('not found', { status: 404 });
      try {
        return new Response(await disk(url.slice(base.length)));
      } catch {
        return new Response('not found', { status: 404 });
      }
    }) as typeof fetch;

  it('loads through the site base path and fetches only the parts asked for', async () => {
    const log: string[] = [];
    const data = await loadEmoji(fetchReader('/atlas', fakeFetch('/atlas/', log)), ['use']);
    expect(data.use!.shape).toEqual([1911, 512]);
    expect(log.sort()).toEqual(['/atlas/data/emoji/manifest.json', '/atlas/data/emoji/use-caption.f16.bin']);
  });

  it('turns an HTTP error into a message naming the file', async () => {
    const reader = fetchReader('/', fakeFetch('/', []));
    await expect(reader('data/nope/manifest.json')).rejects.toThrow('could not load data/nope/manifest.json: HTTP 404');
  });

  it('the disk reader refuses paths that climb out of public/', async () => {
    await expect(disk('../package.json')).rejects.toThrow(/outside the root/);
  });
});
