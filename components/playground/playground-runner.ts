/**
 * The Playground's run half, loaded when the reader presses Run: starts the projector Worker
 * (notebooks/playground/worker.ts), relays progress, cancels by terminating the Worker, and paints
 * the result: output statistics, forward time and GFLOP/s, and the attention maps of attention kinds
 * (src/figures heatmap). Every number goes through src/primitives/format.ts.
 */
import { z } from 'zod';
import { heatmap } from '../../src/figures/heatmap';
import { formatBytes, formatFixed, formatGflop, formatSeconds, formatShape, formatSig } from '../../src/primitives/format';
import { runRecordSchema, type PlaygroundRecord, type RunRequestInput } from '../../notebooks/playground/run';

const inspectionSchema = z.object({
  tensors: z.array(z.object({ name: z.string(), dtype: z.string(), shape: z.array(z.number()) })),
  match: z.object({ convention: z.string(), label: z.string(), matched: z.array(z.tuple([z.string(), z.string()])), problems: z.array(z.string()), ignored: z.number() }),
  bytesRead: z.number(),
});
export type InspectionView = z.infer<typeof inspectionSchema>;

const fromWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), runId: z.number(), fraction: z.number().min(0).max(1), message: z.string() }),
  z.object({ type: z.literal('result'), runId: z.number(), record: runRecordSchema, forwardMs: z.number().nonnegative(), fallbackReason: z.string().optional() }),
  z.object({ type: z.literal('saved'), runId: z.number(), bytes: z.instanceof(Uint8Array) }),
  z.object({ type: z.literal('inspected'), runId: z.number(), inspection: inspectionSchema }),
  z.object({ type: z.literal('error'), runId: z.number(), name: z.string(), message: z.string(), inspection: inspectionSchema.optional() }),
]);
type FromWorker = z.infer<typeof fromWorker>;

export interface RunOutcome {
  record: PlaygroundRecord;
  forwardMs: number;
  fallbackReason?: string;
}

/** A failed Worker job; `inspection` is set when a weights file did not fit. */
export class JobError extends Error {
  inspection?: InspectionView;
}

let worker: Worker | null = null;
let nextId = 1;
/** Jobs in flight, by id: the Worker's one message handler routes each reply to its job. */
const pending = new Map<number, { onMessage(m: FromWorker): void; fail(e: Error): void }>();

function getWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('../../notebooks/playground/worker.ts', import.meta.url), { type: 'module', name: 'playground-worker' });
  w.onmessage = (event: MessageEvent) => {
    const parsed = fromWorker.safeParse(event.data);
    if (parsed.success) pending.get(parsed.data.runId)?.onMessage(parsed.data);
  };
  w.onerror = (event: ErrorEvent) => {
    if (worker === w) worker = null;
    for (const [, p] of pending) p.fail(new Error(`the playground worker failed: ${event.message || 'it could not be loaded'}`));
    pending.clear();
  };
  worker = w;
  return w;
}

function job<T>(message: Record<string, unknown>, onProgress: (fraction: number, message: string) => void, pick: (m: FromWorker) => T | undefined): { promise: Promise<T>; cancel(): void } {
  const runId = nextId++;
  const w = getWorker();
  const promise = new Promise<T>((resolve, reject) => {
    pending.set(runId, {
      fail: reject,
      onMessage: (msg) => {
        if (msg.type === 'progress') return onProgress(msg.fraction, msg.message);
        pending.delete(runId);
        if (msg.type === 'error') {
          const e = new JobError(msg.message);
          e.name = msg.name;
          if (msg.inspection) e.inspection = msg.inspection;
          reject(e);
          return;
        }
        const value = pick(msg);
        if (value !== undefined) resolve(value);
        else reject(new Error(`unexpected reply "${msg.type}" from the playground worker`));
      },
    });
  });
  w.postMessage({ ...message, runId });
  return {
    promise,
    cancel: () => {
      // A forward pass is one synchronous call: only ending the Worker stops it; every job on it ends.
      w.terminate();
      if (worker === w) worker = null;
      for (const [id, p] of pending) {
        const e = new Error('cancelled');
        e.name = 'AbortError';
        p.fail(e);
        pending.delete(id);
      }
    },
  };
}

export function startRun(request: RunRequestInput, onProgress: (fraction: number, message: string) => void): { promise: Promise<RunOutcome>; cancel(): void } {
  return job({ type: 'run', request }, onProgress, (m) => (m.type === 'result' ? { record: m.record, forwardMs: m.forwardMs, ...(m.fallbackReason ? { fallbackReason: m.fallbackReason } : {}) } : undefined));
}

export function inspectWeights(file: File, kind: string, config: unknown): Promise<InspectionView> {
  return job({ type: 'inspect', kind, config, file }, () => undefined, (m) => (m.type === 'inspected' ? m.inspection : undefined)).promise;
}

export function saveCurrentWeights(kind: string, config: unknown, seed: number): Promise<Uint8Array> {
  return job({ type: 'save', kind, config, seed }, () => undefined, (m) => (m.type === 'saved' ? m.bytes : undefined)).promise;
}

/** The listing of a weights file: the match, every problem, and every tensor with what it maps to. */
export function paintInspection(target: HTMLElement, file: string, v: InspectionView): void {
  target.replaceChildren();
  const ok = v.match.problems.length === 0;
  target.dataset.fit = String(ok);
  target.append(make('p', { class: 'pg-weights-summary' }, `${file}: ${v.tensors.length} tensors; names read as ${v.match.label}; ${v.match.matched.length} matched, ${v.match.ignored} not part of the projector; ${ok ? 'every tensor fits.' : `${v.match.problems.length} problem${v.match.problems.length === 1 ? '' : 's'}:`} (read ${formatBytes(v.bytesRead)} of the file so far.)`));
  if (!ok) {
    const list = make('ul', { class: 'pg-weights-problems' });
    for (const p of v.match.problems) list.append(make('li', {}, p));
    target.append(list);
  }
  const mapped = new Map(v.match.matched.map(([ours, theirs]) => [theirs, ours]));
  const wrap = make('div', { class: 'lab-table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Tensors in the file' });
  const table = make('table');
  table.append(make('caption', {}, 'Tensors in the file (the first 200)'));
  const head = make('tr');
  for (const h of ['name', 'dtype', 'shape', 'projector weight']) head.append(make('th', { scope: 'col' }, h));
  const thead = make('thead');
  thead.append(head);
  const body = make('tbody');
  for (const t of v.tensors.slice(0, 200)) {
    const tr = make('tr');
    const name = make('td');
    name.append(make('code', {}, t.name));
    tr.append(name, make('td', {}, t.dtype), make('td', {}, formatShape(t.shape)), make('td', {}, mapped.get(t.name) ?? '—'));
    body.append(tr);
  }
  table.append(thead, body);
  wrap.append(table);
  target.append(wrap);
}

const make = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
};

/** The rows of the result table: key, label, raw value, text. */
export function resultRows(o: RunOutcome): { key: string; label: string; value?: number; text: string }[] {
  const s = o.record.stats;
  const seconds = o.forwardMs / 1000;
  return [
    { key: 'outputShape', label: 'output shape', text: formatShape(o.record.outputShape) },
    { key: 'stats.mean', label: 'mean', value: s.mean, text: formatSig(s.mean, 6) },
    { key: 'stats.std', label: 'standard deviation', value: s.std, text: formatSig(s.std, 6) },
    { key: 'stats.min', label: 'minimum', value: s.min, text: formatSig(s.min, 6) },
    { key: 'stats.max', label: 'maximum', value: s.max, text: formatSig(s.max, 6) },
    { key: 'stats.meanTokenNorm', label: 'mean L2 norm of a token', value: s.meanTokenNorm, text: formatSig(s.meanTokenNorm, 6) },
    { key: 'stats.first', label: 'first values', text: s.first.map((v) => formatFixed(v, 4)).join(', ') },
    { key: 'forwardMs', label: 'forward time (this browser, once)', value: o.forwardMs, text: formatSeconds(seconds) },
    { key: 'gflops', label: 'speed', value: seconds > 0 ? o.record.flops / seconds / 1e9 : 0, text: seconds > 0 ? `${formatGflop(o.record.flops / seconds, 2)}/s` : '—' },
  ];
}

export function paintResult(target: HTMLElement, o: RunOutcome): void {
  target.replaceChildren();
  const m = o.record.meta;
  if (m.sample) {
    const fig = make('figure', { class: 'pg-sample' });
    fig.append(make('img', { src: m.sample.image.startsWith('/') ? m.sample.image : `/${m.sample.image}`, alt: m.sample.label, width: '64', height: '64' }));
    fig.append(make('figcaption', {}, `Input: data-set item ${m.sample.index}, “${m.sample.label}”, as its 7 × 7 MobileNetV2 grid rebuilt from the committed PCA.`));
    target.append(fig);
  }
  target.append(make('p', { class: 'pg-provenance', 'data-pg-provenance': '' }, `Live result · ${m.kind} · seed ${m.seed} · ${m.sample ? `data-set sample ${m.sample.index}` : 'random input'} · backend ${m.backend} · tfjs ${m.tfjsVersion} · site ${m.siteVersion}${o.fallbackReason ? ` (${o.fallbackReason})` : ''}`));
  const wrap = make('div', { class: 'lab-table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Output statistics' });
  const table = make('table', { class: 'pg-result-table' });
  table.append(make('caption', {}, 'Output statistics'));
  const body = make('tbody');
  for (const r of resultRows(o)) {
    const tr = make('tr');
    tr.append(make('th', { scope: 'row' }, r.label));
    const td = make('td', { 'data-key': r.key, ...(r.value !== undefined ? { 'data-value': String(r.value) } : {}) }, r.text);
    tr.append(td);
    body.append(tr);
  }
  table.append(body);
  wrap.append(table);
  target.append(wrap);
  o.record.attention.forEach((a, i) => {
    const fig = make('figure', { class: 'pg-attention', 'data-attention': a.key });
    const data = heatmap.dataSchema.parse({ rows: a.values.map((_, r) => `q${r}`), cols: a.values[0]!.map((_, c) => `k${c}`), values: a.values });
    const opts = heatmap.optsSchema.parse({ id: `pg-att-${i}`, width: 640, title: `${a.key} weights`, showValues: false, rowTitle: 'query', colTitle: 'key' });
    fig.append(heatmap.render(data, opts, { document }));
    fig.append(make('figcaption', {}, `${a.key}: trace ${formatShape(a.shape)}; shown: batch item 0, last layer, mean over heads, the first ${a.rows} queries × ${a.cols} keys.`));
    target.append(fig);
  });
}

export { recordToCsv, recordToJson } from '../../notebooks/playground/export';
