/**
 * The Playground page script (kept small: no zod, no tfjs): reads the URL into a state with
 * notices for every ignored parameter, builds the config form of the chosen kind from the
 * build-time descriptors, keeps the URL in step, and paints the numbers from the lazily loaded
 * library half (playground-live.ts). Every text it writes goes through textContent.
 */
import { formatBytes, formatSig } from '../../src/primitives/format';
import type { PlaygroundCatalogue, PlaygroundField } from '../../src/reference/playground/fields';
import {
  activeFields,
  baseState,
  findKind,
  normalizeConfig,
  parseFieldText,
  SAMPLE_MAX,
  stateFromQuery,
  stateToQuery,
  TOKEN_BOUNDS,
  type Notice,
  type PlaygroundState,
} from '../../src/site/playground/state';

type Live = typeof import('./playground-live');

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<Record<string, string>> = {}, text?: string): HTMLElementTagNameMap[K] => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) if (v !== undefined) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
};

/** The input fields beside the config: seed, input source, sample, B, Nv, Nt. */
const INPUT_FIELDS: PlaygroundField[] = [
  { key: 'seed', label: 'seed (weights and random input)', kind: 'integer', min: 0, max: 2 ** 31 - 1 },
  { key: 'input', label: 'input', kind: 'enum', options: ['random', 'sample'] },
  { key: 'sample', label: 'data-set sample index', kind: 'integer', min: 0, max: SAMPLE_MAX },
  { key: 'batch', label: 'B: batch', kind: 'integer', min: TOKEN_BOUNDS.b[0], max: TOKEN_BOUNDS.b[1] },
  { key: 'visionTokens', label: 'Nv: vision tokens', kind: 'integer', min: TOKEN_BOUNDS.nv[0], max: TOKEN_BOUNDS.nv[1] },
  { key: 'textTokens', label: 'Nt: text tokens', kind: 'integer', min: TOKEN_BOUNDS.nt[0], max: TOKEN_BOUNDS.nt[1] },
];

function start(root: HTMLElement): void {
  const cat = JSON.parse(root.dataset.catalogue ?? '{}') as PlaygroundCatalogue;
  const q = <T extends Element>(sel: string): T => {
    const found = root.querySelector<T>(sel);
    if (!found) throw new Error(`playground: missing ${sel}`);
    return found;
  };
  const choice = q<HTMLSelectElement>('[data-pg-choice]');
  const form = q<HTMLFormElement>('[data-pg-form]');
  const fieldsBox = q<HTMLElement>('[data-pg-fields]');
  const inputBox = q<HTMLElement>('[data-pg-input-fields]');
  const noticesBox = q<HTMLElement>('[data-pg-notices]');
  const title = q<HTMLElement>('[data-pg-title]');
  const rowsBox = q<HTMLElement>('[data-pg-rows]');
  const weightsBody = q<HTMLElement>('[data-pg-weights]');
  const guard = q<HTMLElement>('[data-pg-guard]');
  const status = q<HTMLElement>('[data-pg-status]');
  const permalink = q<HTMLAnchorElement>('[data-pg-permalink]');
  const runButton = q<HTMLButtonElement>('[data-pg-run]');
  const cancelButton = q<HTMLButtonElement>('[data-pg-cancel]');
  const progress = q<HTMLProgressElement>('[data-pg-progress]');
  const runStatus = q<HTMLElement>('[data-pg-run-status]');
  const resultBox = q<HTMLElement>('[data-pg-result]');
  const imagePicker = q<HTMLInputElement>('[data-pg-image]');
  const imageNote = q<HTMLElement>('[data-pg-image-note]');
  const imageClear = q<HTMLButtonElement>('[data-pg-image-clear]');
  let image: import('./image-input').DecodedImage | null = null;
  const weightsPicker = q<HTMLInputElement>('[data-pg-weights-file]');
  const weightsNote = q<HTMLElement>('[data-pg-weights-note]');
  const weightsClear = q<HTMLButtonElement>('[data-pg-weights-clear]');
  const weightsReport = q<HTMLElement>('[data-pg-weights-report]');
  const saveButton = q<HTMLButtonElement>('[data-pg-save]');
  const saveNote = q<HTMLElement>('[data-pg-save-note]');
  let weightsFile: File | null = null;
  const codeBox = q<HTMLTextAreaElement>('[data-pg-code]');
  const codeRun = q<HTMLButtonElement>('[data-pg-code-run]');
  const codeCancel = q<HTMLButtonElement>('[data-pg-code-cancel]');
  const codeReset = q<HTMLButtonElement>('[data-pg-code-reset]');
  const codeOut = q<HTMLElement>('[data-pg-code-out]');
  let codeEdited = false;
  let codeJob: { cancel(): void } | null = null;
  codeBox.addEventListener('input', () => {
    codeEdited = true;
  });
  let lastOutcome: { record: import('../../notebooks/playground/run').PlaygroundRecord; forwardMs: number; permalink: string } | null = null;
  const downloads = [...root.querySelectorAll<HTMLButtonElement>('[data-pg-download]')];
  for (const b of downloads) {
    b.addEventListener('click', () => {
      if (!lastOutcome) return;
      const o = lastOutcome;
      const csv = b.dataset.pgDownload === 'csv';
      void import('./playground-runner').then((r) => {
        const text = csv ? r.recordToCsv(o.record, o.permalink, o.forwardMs) : r.recordToJson(o.record, o.permalink, o.forwardMs);
        const url = URL.createObjectURL(new Blob([text], { type: csv ? 'text/csv' : 'application/json' }));
        const a = el('a', { href: url, download: `playground-${o.record.meta.kind}-seed${o.record.meta.seed}.${csv ? 'csv' : 'json'}` });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      });
    });
  }
  let running: { cancel(): void } | null = null;
  let runnable = true;
  const syncRun = (): void => {
    runButton.disabled = running !== null || !runnable || invalid.size > 0;
    cancelButton.disabled = running === null;
  };

  const fromUrl = stateFromQuery(cat, location.search);
  let state: PlaygroundState = fromUrl.state;
  const notices: Notice[] = [...fromUrl.notices];
  let firstCheck = location.search.length > 1;
  let live: Live | null = null;
  let ticket = 0;
  const invalid = new Set<string>();

  const showNotices = (): void => {
    noticesBox.replaceChildren();
    noticesBox.hidden = notices.length === 0;
    if (notices.length === 0) return;
    noticesBox.append(el('strong', {}, 'Some parts of the address were ignored:'));
    const list = el('ul');
    for (const n of notices) list.append(el('li', {}, `${n.param}: ${n.message}`));
    noticesBox.append(list, el('p', {}, 'Safe defaults are used for each of them; every other value is kept.'));
  };

  const fieldId = (key: string): string => `pg-f-${key}`;

  function fieldControl(f: PlaygroundField, value: unknown, group: 'config' | 'input'): HTMLElement {
    const box = el('div', { class: 'lab-field', 'data-field': f.key, 'data-group': group });
    const id = fieldId(f.key);
    box.append(el('label', { for: id }, f.label));
    let control: HTMLInputElement | HTMLSelectElement;
    if (f.kind === 'enum') {
      control = el('select', { id, name: f.key });
      for (const o of f.options ?? []) {
        const opt = el('option', { value: o }, o);
        if (o === String(value)) opt.selected = true;
        control.append(opt);
      }
    } else if (f.kind === 'boolean') {
      control = el('input', { id, name: f.key, type: 'checkbox' });
      (control as HTMLInputElement).checked = value === true;
    } else {
      control = el('input', { id, name: f.key, type: 'text', inputmode: f.kind === 'integer' ? 'numeric' : 'decimal', autocomplete: 'off', spellcheck: 'false' });
      control.value = String(value);
    }
    control.setAttribute('aria-describedby', `${id}-err`);
    box.append(control);
    if (f.min !== undefined && f.max !== undefined) box.append(el('span', { class: 'lab-range' }, `${f.min} to ${f.max}`));
    const err = el('p', { class: 'lab-error', id: `${id}-err`, 'aria-live': 'polite' });
    err.hidden = true;
    box.append(err);
    return box;
  }

  const inputValue = (key: string): unknown =>
    key === 'seed' ? state.seed : key === 'input' ? state.input : key === 'sample' ? state.sample : state.tokens[key as 'batch' | 'visionTokens' | 'textTokens'];

  function renderForm(): void {
    const k = findKind(cat, state.kind);
    if (!k) return;
    invalid.clear();
    fieldsBox.replaceChildren(...activeFields(k, state.config).map((f) => fieldControl(f, state.config[f.key], 'config')));
    inputBox.replaceChildren(...INPUT_FIELDS.map((f) => fieldControl(f, inputValue(f.key), 'input')));
    choice.value = state.preset ? `preset:${state.preset}` : `kind:${state.kind}`;
    title.textContent = k.title;
    const sample = inputBox.querySelector<HTMLElement>('[data-field="sample"]');
    if (sample) sample.hidden = state.input !== 'sample';
  }

  function setError(key: string, message: string | null): void {
    const box = root.querySelector<HTMLElement>(`[data-field="${key}"]`);
    if (!box) return;
    const err = box.querySelector<HTMLElement>('.lab-error');
    if (err) {
      err.textContent = message ?? '';
      err.hidden = message === null;
    }
    box.querySelectorAll('input, select').forEach((i) => (message === null ? i.removeAttribute('aria-invalid') : i.setAttribute('aria-invalid', 'true')));
    if (message === null) invalid.delete(key);
    else invalid.add(key);
  }

  function paintRows(rows: { key: string; label: string; text: string; value?: number }[]): void {
    rowsBox.replaceChildren(
      ...rows.map((r) => {
        const row = el('div', { class: 'pg-row', 'data-row': r.key });
        row.append(el('dt', {}, r.label), el('dd', r.value !== undefined ? { 'data-value': String(r.value) } : {}, r.text));
        return row;
      }),
    );
  }

  async function refresh(): Promise<void> {
    const query = stateToQuery(cat, state);
    const url = `${location.pathname}?${query.toString()}`;
    history.replaceState(history.state, '', url);
    permalink.href = url;
    if (invalid.size > 0) {
      syncRun();
      rowsBox.dataset.stale = 'true';
      status.textContent = `Fix ${[...invalid].join(', ')} to see the numbers.`;
      return;
    }
    const mine = ++ticket;
    rowsBox.dataset.stale = 'true';
    status.textContent = live ? '' : 'Loading the projector library…';
    try {
      live ??= await import('./playground-live');
    } catch (err) {
      status.textContent = `The projector library could not be loaded: ${err instanceof Error ? err.message : String(err)}`;
      return;
    }
    if (mine !== ticket) return;
    let result = live.describeState(state);
    if (!result.ok && firstCheck) {
      // A permalink whose fields pass one by one but not together (numHeads must divide a width, a
      // grid that is not square): name it and fall back to the safe defaults.
      notices.push({ param: '(configuration)', message: `${result.message}; the defaults of ${state.preset ?? state.kind} are used` });
      showNotices();
      const base = baseState(cat, state.kind, state.preset);
      state = { ...state, config: base.config, tokens: base.tokens };
      renderForm();
      history.replaceState(history.state, '', `${location.pathname}?${stateToQuery(cat, state).toString()}`);
      result = live.describeState(state);
    }
    firstCheck = false;
    runnable = result.ok && !result.value.overBudget;
    syncRun();
    if (!result.ok) {
      status.textContent = `Not a valid projector: ${result.message}`;
      rowsBox.dataset.stale = 'true';
      guard.hidden = true;
      return;
    }
    const v = result.value;
    paintRows(v.rows);
    weightsBody.replaceChildren(
      ...v.weights.map((w) => {
        const tr = el('tr');
        const name = el('td');
        name.append(el('code', {}, w.name));
        tr.append(name, el('td', {}, w.shape));
        return tr;
      }),
    );
    rowsBox.dataset.stale = 'false';
    rowsBox.dataset.source = 'live';
    guard.hidden = !v.overBudget;
    guard.textContent = v.overBudget
      ? `Too large to run here: one forward pass would need about ${formatBytes(v.d.memory.totalBytes)} (weights ${formatBytes(v.d.memory.weightBytes)}, activations ${formatBytes(v.d.memory.activationBytes)}), over the Playground's budget of ${formatBytes(v.budgetBytes)}. Nothing was allocated; the numbers above are analytic.`
      : '';
    root.dataset.overBudget = String(v.overBudget);
    status.textContent = '';
    if (weightsFile) void inspectFile();
    if (!codeEdited) {
      try {
        codeBox.value = live.codeTemplate(state.kind, state.config);
      } catch {
        // a stub needs only the weight list; a config the kind rejects was caught above
      }
    }
    const cites = live.experimentCitations(state, new URL(url, location.origin).href, root.dataset.citeDate ?? '');
    root.querySelector('[data-pg-cite="bibtex"] code')!.textContent = cites.bibtex;
    root.querySelector('[data-pg-cite="apa"] code')!.textContent = cites.apa;
  }

  function onField(target: HTMLInputElement | HTMLSelectElement): void {
    const box = target.closest<HTMLElement>('[data-field]');
    if (!box) return;
    const key = box.dataset.field ?? '';
    const group = box.dataset.group;
    const k = findKind(cat, state.kind);
    const f = group === 'input' ? INPUT_FIELDS.find((x) => x.key === key) : k?.fields.find((x) => x.key === key);
    if (!f || !k) return;
    const text = f.kind === 'boolean' ? String((target as HTMLInputElement).checked) : target.value;
    const parsed = parseFieldText(f, text);
    if (!parsed.ok) {
      setError(key, parsed.message);
      void refresh();
      return;
    }
    setError(key, null);
    if (group === 'config') {
      state = { ...state, config: { ...state.config, [key]: parsed.value } };
      if (key === 'mode') {
        state.config = normalizeConfig(k, state.config);
        renderForm();
      }
    } else if (key === 'seed') state = { ...state, seed: parsed.value as number };
    else if (key === 'input') {
      state = { ...state, input: parsed.value as 'random' | 'sample' };
      if (image) forgetImage();
      if (state.input === 'sample') fitToEncoderGrid('A data-set sample');
      const sample = inputBox.querySelector<HTMLElement>('[data-field="sample"]');
      if (sample) sample.hidden = state.input !== 'sample';
    } else if (key === 'sample') state = { ...state, sample: parsed.value as number };
    else state = { ...state, tokens: { ...state.tokens, [key]: parsed.value as number } };
    void refresh();
  }

  /** Encoder inputs are MobileNetV2's 7×7 grid, vision [1, 49, 1280]: fit Dv, Nv and B to it. */
  function fitToEncoderGrid(what: string): void {
    const config = { ...state.config };
    if ('visionDim' in config) config.visionDim = 1280;
    if ('numInputTokens' in config) config.numInputTokens = 49;
    state = { ...state, config, tokens: { ...state.tokens, batch: 1, visionTokens: 49 } };
    renderForm();
    status.textContent = `${what} is 49 tokens of width 1,280 (MobileNetV2 grid): Dv, Nv and B were set to fit.`;
  }

  const forgetImage = (): void => {
    image = null;
    imagePicker.value = '';
    imageNote.textContent = '';
    imageClear.hidden = true;
    delete root.dataset.image;
  };
  imageClear.addEventListener('click', forgetImage);

  imagePicker.addEventListener('change', () => {
    const file = imagePicker.files?.[0];
    if (!file) return;
    imageNote.textContent = `Reading “${file.name.slice(0, 80)}”…`;
    void import('./image-input').then(async (m) => {
      const decoded = await m.decodeImage(file);
      if (!decoded.ok) {
        image = null;
        imageNote.textContent = decoded.message;
        root.dataset.image = 'refused';
        return;
      }
      image = decoded.image;
      fitToEncoderGrid('An encoded image');
      imageNote.textContent = `Runs now use your image “${image.name}” (${image.width} × ${image.height} px as drawn), encoded by MobileNetV2 in the Worker. Forget it to go back to the input above.`;
      imageClear.hidden = false;
      root.dataset.image = 'ready';
      void refresh();
    });
  });

  const forgetWeights = (): void => {
    weightsFile = null;
    weightsPicker.value = '';
    weightsNote.textContent = 'Runs use the seeded weights.';
    weightsReport.replaceChildren();
    weightsClear.hidden = true;
    delete root.dataset.weights;
  };
  weightsClear.addEventListener('click', forgetWeights);

  /** Lists the file and matches it against the current kind and config (in the Worker). */
  async function inspectFile(): Promise<void> {
    const file = weightsFile;
    if (!file) return;
    weightsNote.textContent = `Reading the header of “${file.name.slice(0, 80)}”…`;
    root.dataset.weights = 'reading';
    try {
      const runner = await import('./playground-runner');
      const v = await runner.inspectWeights(file, state.kind, state.config);
      if (weightsFile !== file) return;
      runner.paintInspection(weightsReport, file.name.slice(0, 80), v);
      const fits = v.match.problems.length === 0;
      weightsNote.textContent = fits ? `Runs now use the weights in “${file.name.slice(0, 80)}”.` : 'These weights do not fit the projector above; Run keeps the seeded weights until they do.';
      root.dataset.weights = fits ? 'fit' : 'mismatch';
    } catch (err) {
      weightsReport.replaceChildren();
      weightsNote.textContent = err instanceof Error ? err.message : String(err);
      root.dataset.weights = 'refused';
    }
  }
  weightsPicker.addEventListener('change', () => {
    weightsFile = weightsPicker.files?.[0] ?? null;
    weightsClear.hidden = weightsFile === null;
    void inspectFile();
  });

  saveButton.addEventListener('click', () => {
    if (invalid.size > 0) return;
    saveNote.textContent = 'Initialising the weights…';
    void (async () => {
      try {
        const runner = await import('./playground-runner');
        const bytes = await runner.saveCurrentWeights(state.kind, state.config, state.seed);
        const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
        const a = el('a', { href: url, download: `${state.preset ?? state.kind}-seed${state.seed}.safetensors` });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
        saveNote.textContent = `Saved ${formatBytes(bytes.length)} (PyTorch names; the metadata records the kind, config and seed).`;
      } catch (err) {
        saveNote.textContent = `Could not save: ${err instanceof Error ? err.message : String(err)}`;
      }
    })();
  });

  codeReset.addEventListener('click', () => {
    codeEdited = false;
    void refresh();
  });
  codeCancel.addEventListener('click', () => codeJob?.cancel());
  codeRun.addEventListener('click', () => {
    if (codeJob || invalid.size > 0) return;
    codeOut.textContent = 'Running your code in its own Worker…';
    delete codeOut.dataset.ok;
    codeRun.disabled = true;
    codeCancel.disabled = false;
    void (async () => {
      try {
        const { runCode } = await import('./code-runner');
        const job = runCode(codeBox.value, { kind: state.kind, config: state.config, seed: state.seed, tokens: state.tokens });
        codeJob = job;
        const r = await job.promise;
        codeOut.dataset.ok = String(r.ok);
        codeOut.textContent = r.ok
          ? `Output ${r.outputShape.join(' × ')}; largest difference from the library: ${formatSig(r.maxAbsDiff, 3)} (the library's largest |value| is ${formatSig(r.libraryMaxAbs, 3)}).`
          : `${r.stage === 'compile' ? 'Does not compile' : r.stage === 'result' ? 'Wrong result' : r.stage === 'request' ? 'Cannot run' : 'Failed'}${r.line ? ` at line ${r.line}` : ''}: ${r.message}`;
        if (r.ok) codeOut.dataset.diff = String(r.maxAbsDiff);
      } finally {
        codeJob = null;
        codeRun.disabled = false;
        codeCancel.disabled = true;
      }
    })();
  });

  form.addEventListener('input', (e) => onField(e.target as HTMLInputElement));
  form.addEventListener('change', (e) => onField(e.target as HTMLInputElement));
  form.addEventListener('submit', (e) => e.preventDefault());
  choice.addEventListener('change', () => {
    const [type, id] = choice.value.split(':') as [string, string];
    const next = type === 'preset' ? baseState(cat, '', id) : baseState(cat, id, null);
    state = { ...next, seed: state.seed, input: state.input, sample: state.sample };
    renderForm();
    void refresh();
  });

  runButton.addEventListener('click', () => void run());
  cancelButton.addEventListener('click', () => {
    running?.cancel();
  });

  async function run(): Promise<void> {
    if (running || invalid.size > 0) return;
    const useFile = weightsFile !== null && root.dataset.weights === 'fit' ? { weightsFile } : {};
    const request = image
      ? { kind: state.kind, config: state.config, seed: state.seed, tokens: state.tokens, input: 'image' as const, image, ...useFile }
      : { kind: state.kind, config: state.config, seed: state.seed, tokens: state.tokens, input: state.input, sample: state.sample, ...useFile };
    running = { cancel: () => undefined };
    syncRun();
    progress.hidden = false;
    progress.value = 0;
    runStatus.textContent = 'Loading tfjs and the projector library…';
    root.setAttribute('aria-busy', 'true');
    try {
      const runner = await import('./playground-runner');
      const job = runner.startRun(request, (fraction, message) => {
        progress.value = fraction;
        runStatus.textContent = message;
      });
      running = job;
      syncRun();
      const outcome = await job.promise;
      runner.paintResult(resultBox, outcome);
      resultBox.dataset.record = JSON.stringify(outcome.record);
      lastOutcome = { record: outcome.record, forwardMs: outcome.forwardMs, permalink: permalink.href };
      for (const b of downloads) b.disabled = false;
      runStatus.textContent = 'Done.';
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      runStatus.textContent = e.name === 'AbortError' ? 'Cancelled; the Worker was stopped and nothing changed.' : `The run failed: ${e.message}`;
      const inspection = (err as { inspection?: import('./playground-runner').InspectionView }).inspection;
      if (inspection && weightsFile) void import('./playground-runner').then((r) => r.paintInspection(weightsReport, weightsFile?.name.slice(0, 80) ?? '', inspection));
    } finally {
      running = null;
      progress.hidden = true;
      root.setAttribute('aria-busy', 'false');
      syncRun();
    }
  }

  showNotices();
  renderForm();
  if (location.search.length > 1) void refresh();
  else permalink.href = `${location.pathname}?${stateToQuery(cat, state).toString()}`;
  root.dataset.ready = 'true';
}

const root = document.querySelector<HTMLElement>('[data-pg-root]');
if (root) {
  try {
    start(root);
  } catch (err) {
    const status = root.querySelector<HTMLElement>('[data-pg-status]');
    if (status) status.textContent = `The Playground could not start: ${err instanceof Error ? err.message : String(err)}`;
  }
}
