import { describe, expect, it } from 'vitest';
import { defaultReader } from '../../../src/data/default-reader';

describe('defaultReader', () => {
  it('reads the committed files from public/ in Node', async () => {
    const read = await defaultReader();
    const manifest = JSON.parse(new TextDecoder().decode(await read('data/emoji/manifest.json'))) as { dataset?: string };
    expect(manifest.dataset).toBe('emoji');
  });
});
