/**
 * The Playground's run half, loaded when the reader presses Run: starts the projector Worker
 * (notebooks/playground/worker.ts), relays progress, cancels by terminating the Worker, and paints
 * the result: output statistics, forward time and GFLOP/s, and the attention maps of attention kinds
 * (src/figures heatmap). Every number goes through src/primitives/format.ts.
 */
import { z } from 'zod';
import { heatmap } from '../../src/figures/heatmap';
import { formatFixed, formatGflop, formatSeconds, formatShape, formatSig } from '../../src/primitives/format';
import { runRecordSchema, type PlaygroundRecord, type RunRequestInput } from '../../notebooks/playground/run';

const fromWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), runId: z.number(), fraction: z.number().min(0).max(1), message: z.string() }),
  z.object({ type: z.literal('result'), runId: z.number(), record: runRecordSchema, forwardMs: z.number().nonnegative(), fallbackReason: z.string().optional() }),
  z.object({ type: z.literal('error'), runId: z.number(), name: z.string(), message: z.string() }),
]);

export interface RunOutcome {
  record: PlaygroundRecord;
  forwardMs: number;
  fallbackReason?: string;
}

let worker: Worker | null = null;
let nextId = 1;

export function startRun(request: RunRequestInput, onProgress: (fraction: number, message: string) => void): { promise: Promise<RunOutcome>; cancel(): void } {
  const runId = nextId++;
  worker ??= new Worker(new URL('../../notebooks/playground/worker.ts', import.meta.url), { type: 'module', name: 'playground-worker' });
  const w = worker;
  let reject: (e: Error) => void = () => undefined;
  const promise = new Promise<RunOutcome>((resolve, rej) => {
    reject = rej;
    w.onmessage = (event: MessageEvent) => {
      const parsed = fromWorker.safeParse(event.data);
      if (!parsed.success || parsed.data.runId !== runId) return;
      const msg = parsed.data;
      if (msg.type === 'progress') onProgress(msg.fraction, msg.message);
      else if (msg.type === 'result') resolve({ record: msg.record, forwardMs: msg.forwardMs, ...(msg.fallbackReason ? { fallbackReason: msg.fallbackReason } : {}) });
      else {
        const e = new Error(msg.message);
        e.name = msg.name;
        rej(e);
      }
    };
    w.onerror = (event: ErrorEvent) => {
      worker = null;
      rej(new Error(`the playground worker failed: ${event.message || 'it could not be loaded'}`));
    };
  });
  w.postMessage({ type: 'run', runId, request });
  return {
    promise,
    cancel: () => {
      // A forward pass is one synchronous call: only ending the Worker stops it.
      w.terminate();
      if (worker === w) worker = null;
      const e = new Error('cancelled');
      e.name = 'AbortError';
      reject(e);
    },
  };
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
