/**
 * Messages between the Lab page and the notebook Worker, validated with zod on both sides (a
 * message is a boundary like any other).
 */
import { z } from 'zod';
import { runRecordSchema } from './run-meta';

export const toWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run'), runId: z.number().int(), id: z.string(), config: z.unknown(), backend: z.enum(['wasm', 'cpu']).default('wasm') }).strict(),
  z.object({ type: z.literal('cancel'), runId: z.number().int() }).strict(),
]);

export type ToWorker = z.input<typeof toWorkerSchema>;

export const fromWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), runId: z.number().int(), fraction: z.number().min(0).max(1), message: z.string() }).strict(),
  z
    .object({
      type: z.literal('result'),
      runId: z.number().int(),
      record: runRecordSchema,
      /** Wall-clock time of the run, for display only: never part of the record. */
      elapsedMs: z.number().nonnegative(),
      fallbackReason: z.string().optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('error'),
      runId: z.number().int(),
      name: z.string(),
      message: z.string(),
      issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    })
    .strict(),
]);

export type FromWorker = z.infer<typeof fromWorkerSchema>;
