/**
 * The live-experiment controller, shared by the Lab page and the experiment cards in articles:
 * validates the config form against the notebook's zod schema, keeps the CLI command (and, on the
 * Lab page, the URL `?seed=…&set.key=value`) in step with it, and runs the notebook in a Web Worker
 * with progress and cancel. tfjs, the Worker and the figure renderers are loaded only when the
 * reader presses Run.
 *
 * Everything it touches lives inside one root element `[data-lab-root]`, so several experiments
 * can share a page. Root attributes: `data-notebook`, `data-committed-config` (JSON), and for an
 * article card `data-lab-url="off"` (an article holds several experiments, so none of them owns
 * the URL) and `data-lab-blocks` (JSON indices of the present() blocks the card shows).
 */
import { z } from 'zod';
import { loadCard } from '../../notebooks/card-loader';
import {
  cliCommand,
  configFromQuery,
  configToQuery,
  describeFields,
  formatFieldValue,
  parseFieldText,
  type FieldDescriptor,
  type FieldIssue,
} from '../../notebooks/runtime/config-codec';
import { runRecordSchema } from '../../notebooks/runtime/run-meta';
import type { AnyNotebookCard, BaseConfig } from '../../notebooks/types';
import { formatPercent, formatSeconds } from '../../src/primitives/format';

const q = <T extends Element>(root: ParentNode, sel: string): T => {
  const found = root.querySelector<T>(sel);
  if (!found) throw new Error(`lab: missing element ${sel}`);
  return found;
};

interface Elements {
  root: HTMLElement;
  form: HTMLFormElement;
  run: HTMLButtonElement;
  cancel: HTMLButtonElement;
  reset: HTMLButtonElement;
  progress: HTMLProgressElement;
  status: HTMLElement;
  /** Absent in article cards, which never read the URL. */
  urlIssues: HTMLElement | null;
  cli: HTMLElement;
  provenance: HTMLElement;
  blocks: HTMLElement;
  stale: HTMLElement;
}

function readField(form: HTMLFormElement, field: FieldDescriptor): string {
  if (field.kind === 'enum-list') {
    return [...form.querySelectorAll<HTMLInputElement>(`input[name="${field.key}"]`)].filter((i) => i.checked).map((i) => i.value).join(',');
  }
  const input = q<HTMLInputElement | HTMLSelectElement>(form, `[name="${field.key}"]`);
  if (field.kind === 'boolean') return String((input as HTMLInputElement).checked);
  return input.value;
}

function writeField(form: HTMLFormElement, field: FieldDescriptor, value: unknown): void {
  if (field.kind === 'enum-list') {
    const chosen = new Set(Array.isArray(value) ? value.map(String) : []);
    form.querySelectorAll<HTMLInputElement>(`input[name="${field.key}"]`).forEach((i) => {
      i.checked = chosen.has(i.value);
    });
    return;
  }
  const input = q<HTMLInputElement | HTMLSelectElement>(form, `[name="${field.key}"]`);
  if (field.kind === 'boolean') (input as HTMLInputElement).checked = value === true;
  else input.value = formatFieldValue(field, value);
}

function setFieldError(form: HTMLFormElement, key: string, message: string | null): void {
  const box = form.querySelector<HTMLElement>(`[data-field="${key}"]`);
  if (!box) return;
  const err = q<HTMLElement>(box, '.lab-error');
  err.textContent = message ?? '';
  err.hidden = message === null;
  box.querySelectorAll('input, select').forEach((i) => (message === null ? i.removeAttribute('aria-invalid') : i.setAttribute('aria-invalid', 'true')));
}

/** Reads and validates the whole form; returns the config or null, painting inline messages. */
function readConfig(card: AnyNotebookCard, fields: FieldDescriptor[], form: HTMLFormElement): BaseConfig | null {
  const values: Record<string, unknown> = {};
  let ok = true;
  for (const f of fields) {
    const parsed = parseFieldText(card, f, readField(form, f));
    if (parsed.ok) {
      values[f.key] = parsed.value;
      setFieldError(form, f.key, null);
    } else {
      ok = false;
      setFieldError(form, f.key, parsed.message);
    }
  }
  if (!ok) return null;
  const whole = card.schema.safeParse(values);
  if (!whole.success) {
    for (const issue of whole.error.issues) setFieldError(form, String(issue.path[0] ?? fields[0]?.key), `${issue.path.join('.')}: ${issue.message}`);
    return null;
  }
  return whole.data;
}

function showUrlIssues(els: Elements, issues: FieldIssue[]): void {
  const box = els.urlIssues;
  if (!box) return;
  if (issues.length === 0) {
    box.hidden = true;
    box.textContent = '';
    return;
  }
  box.hidden = false;
  box.textContent = '';
  const head = document.createElement('strong');
  head.textContent = 'Some URL parameters were ignored: ';
  box.append(head);
  const list = document.createElement('ul');
  for (const i of issues) {
    const li = document.createElement('li');
    li.textContent = `${i.field}: ${i.message}`;
    list.append(li);
  }
  box.append(list);
  const tail = document.createElement('p');
  tail.textContent = 'The form uses the default for each of them and keeps every other value.';
  box.append(tail);
}

const sameConfig = (a: BaseConfig, b: BaseConfig): boolean => JSON.stringify(a) === JSON.stringify(b);

export function initLab(root: HTMLElement, card: AnyNotebookCard): void {
  const fields = describeFields(card);
  const els: Elements = {
    root,
    form: q(root, '[data-lab-form]'),
    run: q(root, '[data-lab-run]'),
    cancel: q(root, '[data-lab-cancel]'),
    reset: q(root, '[data-lab-reset]'),
    progress: q(root, '[data-lab-progress]'),
    status: q(root, '[data-lab-status]'),
    urlIssues: root.querySelector<HTMLElement>('[data-lab-url-issues]'),
    cli: q(root, '[data-lab-cli]'),
    provenance: q(root, '[data-lab-provenance]'),
    blocks: q(root, '[data-lab-result]'),
    stale: q(root, '[data-lab-stale]'),
  };
  const ownsUrl = root.dataset.labUrl !== 'off';
  const cardBlocks = root.dataset.labBlocks === undefined ? null : z.array(z.number().int().nonnegative()).parse(JSON.parse(root.dataset.labBlocks));
  const committedConfig = card.schema.parse(JSON.parse(root.dataset.committedConfig ?? '{}'));
  let shownConfig: BaseConfig = committedConfig; // the config of the result currently on screen
  let current: { cancel(): void } | null = null;

  const params = new URLSearchParams(ownsUrl ? location.search : '');
  const backendParam = params.get('backend');
  const urlIssues: FieldIssue[] = [];
  let backend: 'wasm' | 'cpu' = 'wasm';
  if (backendParam !== null) {
    if (backendParam === 'wasm' || backendParam === 'cpu') backend = backendParam;
    else urlIssues.push({ field: 'backend', message: `must be wasm or cpu (got "${backendParam}")` });
  }
  const fromUrl = configFromQuery(card, params, committedConfig);
  urlIssues.push(...fromUrl.issues);
  showUrlIssues(els, urlIssues);
  for (const f of fields) writeField(els.form, f, (fromUrl.config as unknown as Record<string, unknown>)[f.key]);

  const sync = (updateUrl: boolean): BaseConfig | null => {
    const cfg = readConfig(card, fields, els.form);
    els.run.disabled = cfg === null || current !== null;
    els.reset.disabled = current !== null;
    if (cfg) {
      els.cli.textContent = cliCommand(card, cfg);
      els.stale.hidden = sameConfig(cfg, shownConfig);
      if (updateUrl && ownsUrl) {
        const query = configToQuery(card, cfg);
        if (backend !== 'wasm') query.set('backend', backend);
        history.replaceState(history.state, '', `${location.pathname}?${query.toString()}${location.hash}`);
      }
    }
    return cfg;
  };

  const setBusy = (busy: boolean): void => {
    els.cancel.disabled = !busy;
    els.progress.hidden = !busy;
    els.form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select').forEach((i) => (i.disabled = busy));
    els.root.setAttribute('aria-busy', String(busy));
    sync(false);
  };

  els.form.addEventListener('input', () => sync(true));
  els.form.addEventListener('change', () => sync(true));
  els.reset.addEventListener('click', () => {
    for (const f of fields) writeField(els.form, f, (committedConfig as unknown as Record<string, unknown>)[f.key]);
    sync(true);
  });
  els.cancel.addEventListener('click', () => {
    els.status.textContent = 'Cancelling…';
    current?.cancel();
  });
  els.form.addEventListener('submit', (event) => {
    event.preventDefault();
    const cfg = sync(false);
    if (!cfg || current) return;
    void start(cfg);
  });

  async function start(cfg: BaseConfig): Promise<void> {
    els.status.textContent = 'Starting…';
    els.progress.value = 0;
    current = { cancel: () => undefined };
    setBusy(true);
    try {
      const [{ runInWorker }, view] = await Promise.all([import('../../notebooks/runtime/client'), import('./result-view')]);
      const run = runInWorker(
        card.id,
        cfg,
        (fraction, message) => {
          els.progress.value = fraction;
          els.status.textContent = `${formatPercent(fraction, 0)} · ${message}`;
        },
        backend,
      );
      current = run;
      const out = await run.promise;
      const record = runRecordSchema.parse(out.record);
      const all = card.present(record.result, record.meta.config);
      const painted = view.renderResultView(document, cardBlocks ? view.pickCardBlocks(card.id, all, cardBlocks) : all);
      if (cardBlocks) view.makeScrollablesFocusable(painted);
      els.blocks.replaceChildren(painted);
      els.blocks.dataset.source = 'live';
      els.blocks.dataset.record = JSON.stringify(record);
      shownConfig = card.schema.parse(record.meta.config);
      paintProvenance(els.provenance, 'Live result', record.meta, out.fallbackReason);
      els.status.textContent = `Done in ${formatSeconds(out.elapsedMs / 1000)} on ${record.meta.backend}.`;
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      els.status.textContent =
        e.name === 'AbortError' ? 'Cancelled. The result shown is unchanged.' : `The run failed: ${e.message}. The result shown is unchanged.`;
    } finally {
      current = null;
      setBusy(false);
    }
  }

  sync(false);
  root.dataset.ready = 'true';
}

function paintProvenance(
  target: HTMLElement,
  label: string,
  meta: { seed: number; backend: string; tfjsVersion: string; siteVersion: string },
  fallbackReason?: string,
): void {
  target.replaceChildren();
  const strong = document.createElement('strong');
  strong.textContent = label;
  target.append(strong);
  const parts: [string, string, string][] = [
    ['seed', 'seed', String(meta.seed)],
    ['backend', 'backend', meta.backend],
    ['tfjs', 'tfjs', meta.tfjsVersion],
    ['site', 'site', meta.siteVersion],
  ];
  for (const [key, name, value] of parts) {
    const span = document.createElement('span');
    span.dataset.meta = key;
    span.textContent = ` · ${name} ${value}`;
    target.append(span);
  }
  if (fallbackReason) {
    const note = document.createElement('span');
    note.textContent = ` (${fallbackReason})`;
    target.append(note);
  }
}

/** Starts the controller on `root`; a failure to start is shown in the root's status line. */
/** Loads the notebook's card (its own small chunk), then wires the controls. Never throws. */
export async function startLab(root: HTMLElement): Promise<void> {
  try {
    initLab(root, await loadCard(root.dataset.notebook ?? ''));
  } catch (err) {
    const status = root.querySelector<HTMLElement>('[data-lab-status]');
    if (status) status.textContent = `The experiment controls could not start: ${err instanceof Error ? err.message : String(err)}`;
  }
}
