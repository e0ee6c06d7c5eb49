/**
 * The performance article's calculators: recompute the cost model and the dynamic-resolution
 * token count on every change, with the functions that painted the build-time defaults
 * (src/reference/llm-cost.ts), through the shared formatter. A field out of range or a shape that
 * does not divide is named next to the field; the last good numbers stay on screen.
 */
import { COST_OUTPUTS, costModelOutputs, dynamicResolutionTokens, llmShapeSchema, type ProjectorCost } from '../../src/reference/llm-cost';
import { formatInt, formatValue } from '../../src/primitives/format';

interface PresetData extends ProjectorCost {
  id: string;
  shape: Record<string, unknown>;
}

const FIELD_NAMES: Record<string, string> = {
  layers: 'LLM layers',
  heads: 'attention heads',
  kvHeads: 'key/value heads',
  ffnWidth: 'feed-forward width',
  textTokens: 'text tokens',
  context: 'context window',
  height: 'image height',
  width: 'image width',
  minPixels: 'min pixels',
  maxPixels: 'max pixels',
};

function readInt(input: HTMLInputElement): number | string {
  const raw = input.value.trim();
  if (!/^\d+$/.test(raw)) return `${FIELD_NAMES[input.dataset.costField ?? input.dataset.dynField ?? ''] ?? 'value'}: "${raw}" is not a whole number`;
  const v = Number(raw);
  const min = Number(input.min);
  const max = input.max === '' ? Infinity : Number(input.max);
  if (v < min || v > max) return `${FIELD_NAMES[input.dataset.costField ?? input.dataset.dynField ?? ''] ?? 'value'}: ${formatInt(v)} is outside ${formatInt(min)}–${Number.isFinite(max) ? formatInt(max) : '∞'}`;
  return v;
}

function paint(cell: Element | null, value: number, text: string): void {
  if (!cell) return;
  cell.setAttribute('data-value', String(value));
  cell.textContent = text;
}

function initCostModel(root: HTMLElement): void {
  const presets = JSON.parse(root.dataset.presets ?? '[]') as PresetData[];
  const field = <T extends HTMLElement>(k: string): T => root.querySelector<T>(`[data-cost-field="${k}"]`) as T;
  const problem = root.querySelector<HTMLElement>('[data-cost-problem]') as HTMLElement;
  const select = field<HTMLSelectElement>('preset');

  const update = (): void => {
    const preset = presets.find((p) => p.id === select.value);
    if (!preset) return;
    const ints: Record<string, number> = {};
    const problems: string[] = [];
    for (const k of ['layers', 'heads', 'kvHeads', 'ffnWidth', 'textTokens', 'context']) {
      const input = field<HTMLInputElement>(k);
      const v = readInt(input);
      input.setAttribute('aria-invalid', String(typeof v === 'string'));
      if (typeof v === 'string') problems.push(v);
      else ints[k] = v;
    }
    const shape = problems.length
      ? null
      : llmShapeSchema.safeParse({
          width: preset.width,
          layers: ints.layers,
          heads: ints.heads,
          kvHeads: ints.kvHeads,
          ffnWidth: ints.ffnWidth,
          gatedFfn: field<HTMLInputElement>('gatedFfn').checked,
          bytesPerValue: Number(field<HTMLSelectElement>('bytesPerValue').value),
        });
    if (shape && !shape.success) problems.push(...shape.error.issues.map((i) => `${FIELD_NAMES[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`));
    problem.hidden = problems.length === 0;
    problem.textContent = problems.length ? `Not recomputed: ${problems.join('; ')}.` : '';
    root.dataset.state = problems.length ? 'invalid' : 'ok';
    if (!shape || !shape.success) return;
    paint(root.querySelector('[data-cost-width]'), preset.width, formatInt(preset.width));
    const out = costModelOutputs(preset, shape.data, ints.textTokens as number, ints.context as number);
    for (const o of COST_OUTPUTS) paint(root.querySelector(`td[data-key="cost.${o.key}"]`), out[o.key], formatValue(o.format, out[o.key]));
  };

  // A new preset brings its own LLM width, so its default depth, heads and feed-forward width too.
  select.addEventListener('change', () => {
    const preset = presets.find((p) => p.id === select.value);
    if (preset) {
      for (const k of ['layers', 'heads', 'kvHeads', 'ffnWidth']) field<HTMLInputElement>(k).value = String(preset.shape[k]);
      field<HTMLInputElement>('gatedFfn').checked = preset.shape.gatedFfn === true;
    }
    update();
  });
  root.querySelector('[data-cost-form]')?.addEventListener('input', (e) => {
    if (e.target !== select) update();
  });
  root.querySelector('[data-cost-form]')?.addEventListener('change', (e) => {
    if (e.target !== select) update();
  });
  root.dataset.ready = 'true';
}

function initDynTokens(root: HTMLElement): void {
  const field = <T extends HTMLElement>(k: string): T => root.querySelector<T>(`[data-dyn-field="${k}"]`) as T;
  const problem = root.querySelector<HTMLElement>('[data-dyn-problem]') as HTMLElement;
  const update = (): void => {
    const vals: Record<string, number> = {};
    const problems: string[] = [];
    for (const k of ['height', 'width', 'minPixels', 'maxPixels']) {
      const input = field<HTMLInputElement>(k);
      const v = readInt(input);
      input.setAttribute('aria-invalid', String(typeof v === 'string'));
      if (typeof v === 'string') problems.push(v);
      else vals[k] = v;
    }
    let out: ReturnType<typeof dynamicResolutionTokens> | null = null;
    if (!problems.length) {
      try {
        out = dynamicResolutionTokens({
          height: vals.height as number,
          width: vals.width as number,
          patch: Number(field<HTMLSelectElement>('patch').value),
          merge: 2,
          minPixels: vals.minPixels as number,
          maxPixels: vals.maxPixels as number,
        });
      } catch (err) {
        const issues = (err as { issues?: { path: (string | number)[]; message: string }[] }).issues;
        problems.push(issues ? issues.map((i) => `${FIELD_NAMES[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`).join('; ') : err instanceof Error ? err.message : String(err));
      }
    }
    problem.hidden = problems.length === 0;
    problem.textContent = problems.length ? `Not recomputed: ${problems.join('; ')}.` : '';
    root.dataset.state = problems.length ? 'invalid' : 'ok';
    if (!out) return;
    for (const k of ['resizedHeight', 'resizedWidth', 'patches', 'tokens', 'tokensWithMarkers'] as const) paint(root.querySelector(`td[data-key="dyn.${k}"]`), out[k], formatInt(out[k]));
  };
  root.querySelector('[data-dyn-form]')?.addEventListener('input', update);
  root.querySelector('[data-dyn-form]')?.addEventListener('change', update);
  root.dataset.ready = 'true';
}

document.querySelectorAll<HTMLElement>('[data-cost-model]:not([data-ready])').forEach(initCostModel);
document.querySelectorAll<HTMLElement>('[data-dyn-tokens]:not([data-ready])').forEach(initDynTokens);
