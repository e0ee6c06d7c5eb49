/**
 * Generic artefact loading: manifest → verified bytes → typed arrays with their shapes. Every byte
 * that reaches an experiment has had its length and SHA-256 checked against the manifest, so a
 * truncated download, a stale cache or a hand-edited file fails here instead of skewing a figure.
 */
import { sha256Hex } from '../primitives/checksum';
import { decodeFloat16 } from '../primitives/fp16';
import { parseManifest, type Artefact, type Manifest } from './manifest';
import type { ByteReader } from './reader';

export interface Tensor<T extends Float32Array | Uint8Array | Uint16Array> {
  shape: number[];
  data: T;
}

export interface LoadOptions {
  /** Skip the SHA-256 check (length is still checked). Only for hot loops over already verified files. */
  verify?: boolean;
}

export function manifestPath(dataset: string): string {
  return `data/${dataset}/manifest.json`;
}

export async function loadManifest(reader: ByteReader, dataset: string): Promise<Manifest> {
  const path = manifestPath(dataset);
  const text = new TextDecoder().decode(await reader(path));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not JSON (${(error as Error).message})`);
  }
  return parseManifest(json, path);
}

export function findArtefact(manifest: Manifest, id: string): Artefact {
  const artefact = manifest.artefacts.find((a) => a.id === id);
  if (!artefact) {
    throw new Error(`${manifest.dataset}: no artefact "${id}" (have: ${manifest.artefacts.map((a) => a.id).join(', ')})`);
  }
  return artefact;
}

/** Raw bytes of one artefact, checked against the manifest's byte count and checksum. */
export async function loadBytes(reader: ByteReader, manifest: Manifest, id: string, options: LoadOptions = {}): Promise<Uint8Array> {
  const artefact = findArtefact(manifest, id);
  const bytes = new Uint8Array(await reader(artefact.file));
  if (bytes.byteLength !== artefact.bytes) {
    throw new Error(`${artefact.file}: expected ${artefact.bytes} bytes, got ${bytes.byteLength}`);
  }
  if (options.verify !== false) {
    const actual = await sha256Hex(bytes);
    if (actual !== artefact.sha256) throw new Error(`${artefact.file}: checksum mismatch (expected ${artefact.sha256}, got ${actual})`);
  }
  return bytes;
}

/** A float16 artefact decoded to float32. */
export async function loadFloat(reader: ByteReader, manifest: Manifest, id: string, options?: LoadOptions): Promise<Tensor<Float32Array>> {
  const artefact = findArtefact(manifest, id);
  if (artefact.dtype !== 'float16') throw new Error(`${id}: expected dtype float16, manifest says ${artefact.dtype}`);
  return { shape: artefact.shape.slice(), data: decodeFloat16(await loadBytes(reader, manifest, id, options)) };
}

export async function loadUint8(reader: ByteReader, manifest: Manifest, id: string, options?: LoadOptions): Promise<Tensor<Uint8Array>> {
  const artefact = findArtefact(manifest, id);
  if (artefact.dtype !== 'uint8') throw new Error(`${id}: expected dtype uint8, manifest says ${artefact.dtype}`);
  return { shape: artefact.shape.slice(), data: await loadBytes(reader, manifest, id, options) };
}

export async function loadUint16(reader: ByteReader, manifest: Manifest, id: string, options?: LoadOptions): Promise<Tensor<Uint16Array>> {
  const artefact = findArtefact(manifest, id);
  if (artefact.dtype !== 'uint16') throw new Error(`${id}: expected dtype uint16, manifest says ${artefact.dtype}`);
  const bytes = await loadBytes(reader, manifest, id, options);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = new Uint16Array(bytes.byteLength / 2);
  for (let i = 0; i < data.length; i += 1) data[i] = view.getUint16(2 * i, true); // little-endian on disk
  return { shape: artefact.shape.slice(), data };
}

/** A JSON artefact, verified, then parsed; the caller validates its shape with zod. */
export async function loadJson(reader: ByteReader, manifest: Manifest, id: string, options?: LoadOptions): Promise<unknown> {
  const artefact = findArtefact(manifest, id);
  if (artefact.dtype !== 'json') throw new Error(`${id}: expected dtype json, manifest says ${artefact.dtype}`);
  return JSON.parse(new TextDecoder().decode(await loadBytes(reader, manifest, id, options)));
}

/** Row `i` of a row-major [n, ...rest] tensor, as a view (no copy). */
export function row(t: Tensor<Float32Array>, i: number): Float32Array {
  const [n] = t.shape;
  if (n === undefined || i < 0 || i >= n) throw new RangeError(`row ${i} out of range [0, ${String(n)})`);
  const width = t.data.length / n;
  return t.data.subarray(i * width, (i + 1) * width);
}
