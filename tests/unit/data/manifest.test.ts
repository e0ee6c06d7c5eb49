import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/primitives/checksum';
import { loadBytes, loadFloat, loadJson, loadManifest, loadUint8 } from '../../../src/data/load';
import { parseManifest } from '../../../src/data/manifest';
import { PUBLIC_DIR, fsReader } from '../../../src/data/node-reader';
import type { ByteReader } from '../../../src/data/reader';

const DATASETS = ['encoder', 'emoji', 'fashion-mnist'] as const;

describe('committed manifests', () => {
  const reader = fsReader();

  it.each(DATASETS)('%s: every artefact exists with the stated size and SHA-256', async (dataset) => {
    const manifest = await loadManifest(reader, dataset);
    expect(manifest.dataset).toBe(dataset);
    for (const a of manifest.artefacts) {
      const bytes = readFileSync(join(PUBLIC_DIR, a.file));
      expect(bytes.byteLength, a.file).toBe(a.bytes);
      expect(await sha256Hex(bytes), a.file).toBe(a.sha256);
    }
    // Every artefact names a source, and every source carries a licence and an attribution line.
    for (const s of manifest.sources) {
      expect(s.licence.length).toBeGreaterThan(2);
      expect(s.attribution.length).toBeGreaterThan(20);
      expect(s.version).toMatch(/\d/);
    }
  });

  it('every file under public/data is listed in a manifest (nothing unaccounted for), except gallery images', async () => {
    const listed = new Set<string>();
    for (const d of DATASETS) {
      const m = await loadManifest(reader, d);
      m.artefacts.forEach((a) => listed.add(a.file));
      listed.add(`data/${d}/manifest.json`);
    }
    const walk = (dir: string): string[] =>
      readdirSync(join(PUBLIC_DIR, dir)).flatMap((f) => (statSync(join(PUBLIC_DIR, dir, f)).isDirectory() ? walk(`${dir}/${f}`) : [`${dir}/${f}`]));
    const unlisted = walk('data').filter((f) => !listed.has(f) && !f.startsWith('data/emoji/gallery/'));
    expect(unlisted).toEqual([]);
  });

  it('the sha256 helper matches a known digest', async () => {
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('loader errors', () => {
  const real = fsReader();
  /** A reader that flips one byte of one file: what a corrupted download or stale cache looks like. */
  const corrupting = (target: string): ByteReader => async (path) => {
    const buf = await real(path);
    if (path !== target) return buf;
    const copy = new Uint8Array(buf.slice(0));
    copy[0] = (copy[0] as number) ^ 0xff;
    return copy.buffer;
  };

  it('rejects a corrupted artefact by checksum', async () => {
    const manifest = await loadManifest(real, 'fashion-mnist');
    const labels = manifest.artefacts.find((a) => a.id === 'labels')!;
    await expect(loadUint8(corrupting(labels.file), manifest, 'labels')).rejects.toThrow(/checksum mismatch/);
    await expect(loadUint8(real, manifest, 'labels')).resolves.toMatchObject({ shape: [2000] });
  });

  it('rejects a truncated artefact by length, before hashing', async () => {
    const manifest = await loadManifest(real, 'fashion-mnist');
    const truncating: ByteReader = async (path) => (await real(path)).slice(0, 10);
    await expect(loadBytes(truncating, manifest, 'labels')).rejects.toThrow(/expected 2000 bytes, got 10/);
  });

  it('rejects a wrong dtype request and an unknown artefact', async () => {
    const manifest = await loadManifest(real, 'emoji');
    await expect(loadFloat(real, manifest, 'captions')).rejects.toThrow(/expected dtype float16/);
    await expect(loadJson(real, manifest, 'nope')).rejects.toThrow(/no artefact "nope"/);
  });

  it('rejects an invalid manifest, naming the field', () => {
    const good = JSON.parse(readFileSync(join(PUBLIC_DIR, 'data/fashion-mnist/manifest.json'), 'utf8')) as {
      artefacts: Array<{ sha256: string; sources: string[]; bytes: number }>;
    };
    const badSha = structuredClone(good);
    badSha.artefacts[0]!.sha256 = 'xyz';
    expect(() => parseManifest(badSha, 'test')).toThrow(/artefacts\.0\.sha256/);
    const badSource = structuredClone(good);
    badSource.artefacts[1]!.sources = ['unknown-source'];
    expect(() => parseManifest(badSource, 'test')).toThrow(/unknown source unknown-source/);
    const badBytes = structuredClone(good);
    badBytes.artefacts[0]!.bytes += 1;
    expect(() => parseManifest(badBytes, 'test')).toThrow(/manifest says/);
  });

  it('reports a manifest that is not JSON', async () => {
    const garbage: ByteReader = async () => new TextEncoder().encode('<html>404</html>').buffer;
    await expect(loadManifest(garbage, 'emoji')).rejects.toThrow(/data\/emoji\/manifest\.json: not JSON/);
  });
});
