/**
 * Writing the committed artefacts: each file goes to public/ with its manifest entry (shape, dtype,
 * byte count, SHA-256, sources), and each dataset's manifest is validated before it is written.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { encodeFloat16 } from '../../src/primitives/fp16';
import { parseManifest, type Artefact, type Manifest } from '../../src/data/manifest';
import { PUBLIC } from './sources';

/** The tfjs version recorded in every manifest. */
export const TFJS_VERSION = tf.version.tfjs;

export interface Pending {
  id: string;
  file: string; // relative to public/
  dtype: Artefact['dtype'];
  shape: number[];
  sources: string[];
  description: string;
  pca?: Artefact['pca'];
}

/** Writes files under public/ and collects their manifest entries in order. */
export class ArtefactWriter {
  readonly entries: Artefact[] = [];
  write(meta: Pending, bytes: Uint8Array): void {
    const path = join(PUBLIC, meta.file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
    this.entries.push({
      ...meta,
      bytes: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  }
  json(meta: Omit<Pending, 'dtype' | 'shape'>, value: unknown): void {
    this.write({ ...meta, dtype: 'json', shape: [] }, new TextEncoder().encode(`${JSON.stringify(value)}\n`));
  }
  f16(meta: Omit<Pending, 'dtype'>, values: ArrayLike<number>): void {
    const expected = meta.shape.reduce((a, b) => a * b, 1);
    if (values.length !== expected) throw new Error(`${meta.id}: ${values.length} values for shape ${meta.shape.join('x')}`);
    this.write({ ...meta, dtype: 'float16' }, encodeFloat16(values));
  }
}

/** Validates, then writes public/data/<dataset>/manifest.json. */
export function writeManifest(dataset: string, manifest: Omit<Manifest, 'schemaVersion' | 'dataset'>): void {
  const full = parseManifest({ schemaVersion: 1, dataset, ...manifest }, dataset);
  const dir = join(PUBLIC, 'data', dataset);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(full, null, 2)}\n`);
}
