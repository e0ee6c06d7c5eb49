/**
 * Wraps a notebook result with its provenance. The record is what the CLI commits to
 * content/data/<id>.json and what the Worker posts back: the same shape in both places.
 * No timestamps and no timings: the record must be a pure function of (notebook, config, backend),
 * or the staleness check could never pass.
 */
import { z } from 'zod';
// The import attribute lets plain Node ESM loaders (Playwright's) load the JSON too.
import pkg from '../../package.json' with { type: 'json' };
import type { AnyNotebook, RunContext } from '../types';
import { runSeedSweep } from './seed-sweep';

export const SITE_VERSION: string = pkg.version;

export const runMetaSchema = z
  .object({
    id: z.string().min(1),
    seed: z.number().int(),
    config: z.record(z.string(), z.unknown()),
    backend: z.enum(['wasm', 'cpu']),
    tfjsVersion: z.string().min(1),
    siteVersion: z.string().min(1),
  })
  .strict();

export type RunMeta = z.infer<typeof runMetaSchema>;

export const runRecordSchema = z.object({ meta: runMetaSchema, result: z.unknown() }).strict();

export interface RunRecord {
  meta: RunMeta;
  result: unknown;
}

export interface BackendUsed {
  backend: 'wasm' | 'cpu';
  tfjsVersion: string;
}

/**
 * Runs a notebook and wraps its result. The caller has already chosen the backend (see
 * src/runtime/backend.ts) and passes what it got, so the record names the backend that computed it.
 * With `seedSweep` (the CLI, and the tests of a committed file), a notebook that declares a seed
 * sweep also reruns over its seeds and adds `result.seedSweep`; a live run in the browser does not.
 */
export async function runWithMeta(nb: AnyNotebook, config: unknown, ctx: RunContext, used: BackendUsed, options: { seedSweep?: boolean } = {}): Promise<RunRecord> {
  const parsed = nb.schema.parse(config);
  let result = await nb.run(parsed, ctx);
  if (options.seedSweep && nb.seedSweep) {
    const seedSweep = await runSeedSweep(nb, parsed, ctx);
    result = nb.resultSchema.parse({ ...(result as Record<string, unknown>), seedSweep });
  }
  return {
    meta: {
      id: nb.id,
      seed: parsed.seed,
      config: parsed as unknown as Record<string, unknown>,
      backend: used.backend,
      tfjsVersion: used.tfjsVersion,
      siteVersion: SITE_VERSION,
    },
    result,
  };
}

/** Validates a stored record against the notebook (meta, config and result). */
export function parseRecord(nb: AnyNotebook, json: unknown): RunRecord {
  const record = runRecordSchema.parse(json);
  if (record.meta.id !== nb.id) throw new Error(`record is for "${record.meta.id}", expected "${nb.id}"`);
  nb.schema.parse(record.meta.config);
  return { meta: record.meta, result: nb.resultSchema.parse(record.result) };
}

/**
 * Pretty JSON with full float precision. Key order is the construction order (meta, then config and
 * result in schema order, because zod's parse rebuilds objects in shape order), so reruns diff clean.
 */
export const serializeRecord = (record: RunRecord): string => `${JSON.stringify(record, null, 2)}\n`;
