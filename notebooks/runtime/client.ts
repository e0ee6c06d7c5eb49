/**
 * Browser side of the notebook Worker: one Worker per page, started lazily on the first run, so a
 * page that is only read never downloads tfjs. `runInWorker` returns a promise for the record plus
 * a cancel function; progress arrives through the callback.
 */
import type { RunRecord } from './run-meta';
import { fromWorkerSchema, type ToWorker } from './worker-protocol';

export interface WorkerRunResult {
  record: RunRecord;
  /** Display only (never written into a record). */
  elapsedMs: number;
  fallbackReason?: string;
}

/** The error a failed run rejects with; `issues` name bad config fields. */
export class WorkerRunError extends Error {
  readonly issues: { field: string; message: string }[];
  constructor(name: string, message: string, issues: { field: string; message: string }[] = []) {
    super(message);
    this.name = name;
    this.issues = issues;
  }
}

export interface WorkerRun {
  promise: Promise<WorkerRunResult>;
  cancel(): void;
}

let worker: Worker | null = null;
let nextRunId = 1;
const pending = new Map<number, { resolve: (r: WorkerRunResult) => void; reject: (e: Error) => void; onProgress: (f: number, m: string) => void }>();

function getWorker(): Worker {
  if (worker) return worker;
  // Vite bundles the worker from this URL at build time (worker.format 'es' in astro.config).
  const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'notebook-worker' });
  w.onmessage = (event: MessageEvent) => {
    const parsed = fromWorkerSchema.safeParse(event.data);
    if (!parsed.success) return; // a malformed message cannot be routed to a run; ignore it
    const msg = parsed.data;
    const entry = pending.get(msg.runId);
    if (!entry) return;
    if (msg.type === 'progress') entry.onProgress(msg.fraction, msg.message);
    else if (msg.type === 'result') {
      pending.delete(msg.runId);
      entry.resolve({ record: msg.record as RunRecord, elapsedMs: msg.elapsedMs, ...(msg.fallbackReason ? { fallbackReason: msg.fallbackReason } : {}) });
    } else {
      pending.delete(msg.runId);
      entry.reject(new WorkerRunError(msg.name, msg.message, msg.issues));
    }
  };
  // A worker that fails to load (or crashes) fails every pending run with a readable message.
  w.onerror = (event: ErrorEvent) => {
    const message = `the notebook worker failed: ${event.message || 'it could not be loaded'}`;
    for (const [id, entry] of pending) {
      pending.delete(id);
      entry.reject(new WorkerRunError('WorkerError', message));
    }
    worker = null;
  };
  worker = w;
  return w;
}

export function runInWorker(id: string, config: unknown, onProgress: (fraction: number, message: string) => void, backend: 'wasm' | 'cpu' = 'wasm'): WorkerRun {
  const runId = nextRunId++;
  const w = getWorker();
  const promise = new Promise<WorkerRunResult>((resolve, reject) => {
    pending.set(runId, { resolve, reject, onProgress });
  });
  const msg: ToWorker = { type: 'run', runId, id, config, backend };
  w.postMessage(msg);
  return {
    promise,
    cancel: () => {
      const cancelMsg: ToWorker = { type: 'cancel', runId };
      w.postMessage(cancelMsg);
    },
  };
}
