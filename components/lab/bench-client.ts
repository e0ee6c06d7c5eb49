/**
 * The Lab benchmark page's island. Small on purpose: the tables (./bench-view), the report schema
 * (zod), the chart (d3) and the Worker with tfjs load only when the reader presses Run or a download.
 *
 * URL: run=1 starts at once; only=<preset,…> restricts the presets; sizes=<n,…> the peak's square
 * sizes; variants=1 adds the LLaVA-1.5-7B variants. A malformed parameter is named in the alert box
 * and nothing starts.
 */
import type { BenchRow, PeakRow } from '../../src/bench/report';

type Source = 'live' | 'committed';

interface Ui {
  root: HTMLElement;
  run: HTMLButtonElement;
  cancel: HTMLButtonElement;
  progress: HTMLProgressElement;
  status: HTMLElement;
  issues: HTMLElement;
  liveSection: HTMLElement;
  live: HTMLElement;
  liveDownloads: HTMLElement;
  liveJson: HTMLElement;
}

interface RunRequest {
  only?: string[];
  sizes?: number[];
  variants: boolean;
}

function q<T extends HTMLElement>(root: HTMLElement, sel: string): T {
  const node = root.querySelector<T>(sel);
  if (!node) throw new Error(`bench page: missing ${sel}`);
  return node;
}

/** Reads the URL parameters; returns the problems instead of a request when any is malformed. */
export function readRequest(params: URLSearchParams): { request: RunRequest; problems: string[] } {
  const problems: string[] = [];
  const list = (name: string): string[] | undefined => {
    const v = params.get(name);
    if (v === null) return undefined;
    const items = v.split(',').map((s) => s.trim()).filter(Boolean);
    if (items.length === 0) problems.push(`"${name}" is empty: give a comma-separated list or leave it out`);
    return items;
  };
  const only = list('only');
  const sizesRaw = list('sizes');
  const sizes = sizesRaw?.map((s) => {
    if (!/^\d+$/.test(s)) problems.push(`"sizes" entry "${s}" is not a whole number`);
    return Number(s);
  });
  const variants = params.get('variants');
  if (variants !== null && variants !== '0' && variants !== '1') problems.push(`"variants" must be 0 or 1, not "${variants}"`);
  return { request: { only, sizes, variants: variants === '1' }, problems };
}

let worker: Worker | null = null;
let liveReport: unknown = null;

function setState(ui: Ui, state: 'idle' | 'running' | 'done' | 'cancelled' | 'error', text: string): void {
  ui.root.dataset.state = state;
  ui.status.textContent = text;
  const running = state === 'running';
  ui.run.disabled = running;
  ui.cancel.disabled = !running;
  ui.progress.hidden = !running;
}

function showIssues(ui: Ui, problems: readonly string[]): void {
  ui.issues.hidden = problems.length === 0;
  ui.issues.replaceChildren();
  if (problems.length === 0) return;
  const p = document.createElement('p');
  p.textContent = 'The page address asks for something the benchmark cannot do:';
  const ul = document.createElement('ul');
  for (const text of problems) {
    const li = document.createElement('li');
    li.textContent = text;
    ul.append(li);
  }
  ui.issues.append(p, ul);
}

async function start(ui: Ui, request: RunRequest): Promise<void> {
  if (worker) return;
  setState(ui, 'running', 'Loading the benchmark…');
  ui.progress.value = 0;
  liveReport = null;
  ui.liveDownloads.hidden = true;
  ui.liveJson.textContent = '';
  const view = await import('./bench-view');
  const tables = view.emptyTables(document);
  ui.live.replaceChildren(tables.peak.wrap, tables.presets.wrap);
  ui.liveSection.hidden = false;
  const w = new Worker(new URL('../../src/bench/bench-worker.ts', import.meta.url), { type: 'module', name: 'bench-worker' });
  worker = w;
  let measured = 0;
  let total = 0;
  w.onmessage = (event: MessageEvent) => {
    if (worker !== w) return; // a cancelled run's last message
    const msg = event.data as { type: string; done?: number; total?: number; label?: string; row?: unknown; report?: unknown; message?: string };
    if (msg.type === 'progress') {
      measured = msg.done ?? 0;
      total = msg.total ?? 0;
      ui.progress.value = total ? measured / total : 0;
      if (measured < total) ui.status.textContent = `Measuring ${msg.label ?? ''} (${measured + 1} of ${total})…`;
    } else if (msg.type === 'peak' && msg.row) {
      tables.peak.body.append(view.peakRowElement(document, msg.row as PeakRow, false));
    } else if (msg.type === 'row' && msg.row) {
      tables.presets.body.append(view.presetRowElement(document, msg.row as BenchRow));
    } else if (msg.type === 'done') {
      void finish(ui, msg.report);
    } else {
      stop();
      setState(ui, 'error', `The benchmark failed: ${msg.message ?? 'unknown error'}. The rows above were measured before it stopped.`);
    }
  };
  w.onerror = (event: ErrorEvent) => {
    stop();
    setState(ui, 'error', `The benchmark could not run: ${event.message || 'the Worker did not start'}.`);
  };
  ui.cancel.onclick = () => {
    stop();
    setState(ui, 'cancelled', `Cancelled after ${measured} of ${total} measurements; the rows above are complete measurements.`);
  };
  w.postMessage(request);
}

function stop(): void {
  worker?.terminate();
  worker = null;
}

async function finish(ui: Ui, raw: unknown): Promise<void> {
  stop();
  try {
    const [{ parseBenchReport }, view, chart] = await Promise.all([import('../../src/bench/report'), import('./bench-view'), import('./bench-chart')]);
    const report = parseBenchReport(raw);
    liveReport = report;
    const hasRows = report.rows.some((r) => r.ratio !== undefined);
    ui.live.replaceChildren(view.renderBenchReport(document, report), ...(hasRows ? [chart.renderRatioChart(document, report, 'bench-live-chart')] : []));
    ui.liveJson.textContent = JSON.stringify(report);
    ui.liveDownloads.hidden = false;
    setState(ui, 'done', `Done: ${report.peak.sizes.length} square products and ${report.rows.length} presets measured.`);
  } catch (err) {
    setState(ui, 'error', `The benchmark finished but its report is not valid: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function save(name: string, type: string, text: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

async function download(ui: Ui, source: Source, kind: 'json' | 'csv'): Promise<void> {
  const { parseBenchReport, reportToCsv } = await import('../../src/bench/report');
  try {
    const report = parseBenchReport(source === 'live' ? liveReport : JSON.parse(ui.root.dataset.committed ?? 'null'));
    const stem = `projector-bench-${source}-${report.date.slice(0, 10)}`;
    if (kind === 'json') save(`${stem}.json`, 'application/json', `${JSON.stringify(report, null, 2)}\n`);
    else save(`${stem}.csv`, 'text/csv', reportToCsv(report));
  } catch (err) {
    ui.status.textContent = `Could not prepare the download: ${err instanceof Error ? err.message : String(err)}`;
  }
}

function init(root: HTMLElement): void {
  const ui: Ui = {
    root,
    run: q(root, '[data-bench-run]'),
    cancel: q(root, '[data-bench-cancel]'),
    progress: q(root, '[data-bench-progress]'),
    status: q(root, '[data-bench-status]'),
    issues: q(root, '[data-bench-issues]'),
    liveSection: q(root, '[data-bench-live-section]'),
    live: q(root, '[data-bench-live]'),
    liveDownloads: q(root, '[data-bench-live-downloads]'),
    liveJson: q(root, '[data-bench-live-json]'),
  };
  const params = new URLSearchParams(location.search);
  const { request, problems } = readRequest(params);
  showIssues(ui, problems);
  ui.status.textContent = 'Not started.';
  ui.run.onclick = () => {
    if (problems.length) return;
    void start(ui, request).catch((err: unknown) => {
      stop();
      setState(ui, 'error', `The benchmark could not start: ${err instanceof Error ? err.message : String(err)}`);
    });
  };
  if (problems.length) ui.run.disabled = true;
  root.querySelectorAll<HTMLButtonElement>('[data-bench-download]').forEach((b) => {
    b.onclick = () => void download(ui, b.dataset.source === 'live' ? 'live' : 'committed', b.dataset.benchDownload === 'csv' ? 'csv' : 'json');
  });
  if (params.get('run') === '1' && problems.length === 0) ui.run.click();
}

document.querySelectorAll<HTMLElement>('[data-bench-root]').forEach(init);
