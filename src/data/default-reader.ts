/**
 * The reader an experiment uses when nobody injects one: the site's files over fetch in a browser or
 * Worker, the committed files in public/ on disk in Node. Experiments stay pure functions of their
 * config because the data they read is committed and checksum-verified by the loader.
 */
import { fetchReader, type ByteReader } from './reader';

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string' && typeof window === 'undefined' && typeof self === 'undefined';

let cached: Promise<ByteReader> | undefined;

export function defaultReader(): Promise<ByteReader> {
  cached ??= (async () => {
    if (isNode) {
      // A computed specifier keeps node:fs out of browser bundles (Vite does not follow it).
      const nodeReader = './node-reader';
      const mod = (await import(/* @vite-ignore */ nodeReader)) as typeof import('./node-reader');
      return mod.fsReader();
    }
    const base = (import.meta as { env?: { BASE_URL?: string } }).env?.BASE_URL ?? '/';
    return fetchReader(new URL(base, self.location.origin).href);
  })();
  return cached;
}
