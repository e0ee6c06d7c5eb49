/**
 * Node reader for tests, notebooks and the build: reads the committed files from public/ on disk.
 * Kept in its own module so that browser bundles never import node:fs.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ByteReader } from './reader';

/** The public/ folder of this repository, from the current working directory (the repo root). */
export const PUBLIC_DIR = resolve(process.cwd(), 'public');

export function fsReader(root: string = PUBLIC_DIR): ByteReader {
  return async (path) => {
    if (path.split('/').includes('..')) throw new Error(`fsReader: refusing a path outside the root: ${path}`);
    const bytes = await readFile(join(root, path));
    // Copy out an exact ArrayBuffer: a Node Buffer can be a view into a larger shared pool.
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  };
}
