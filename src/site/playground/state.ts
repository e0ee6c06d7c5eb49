/**
 * The Playground's whole state and its URL form, with the guards a shared link needs: every
 * parameter is checked against the build-time catalogue (kinds, presets, field descriptors read from
 * each kind's zod schema), and anything malformed, out of range, unknown or hostile is ignored with a
 * notice naming it while every other value is kept. Nothing here evaluates or inserts text as HTML;
 * notices quote the offending value shortened and are shown with textContent.
 *
 * URL: ?kind=K | ?preset=ID, seed=N, input=random|sample, sample=I, b=B, nv=Nv, nt=Nt, set.<field>=value.
 * Pure (no DOM, no zod, no tfjs) so the page's first script stays small; the lazily loaded library
 * re-validates the config with the kind's own schema (cross-field rules) before any number is shown.
 */
import type { PlaygroundCatalogue, PlaygroundField, PlaygroundKind, PlaygroundPreset } from '../../reference/playground/fields';

export type InputSource = 'random' | 'sample';

export interface Tokens {
  batch: number;
  visionTokens: number;
  textTokens: number;
}

export interface PlaygroundState {
  kind: string;
  /** The preset the config started from, or null for the kind's own defaults. */
  preset: string | null;
  config: Record<string, unknown>;
  seed: number;
  input: InputSource;
  /** Index of the data-set sample when input is 'sample'. */
  sample: number;
  tokens: Tokens;
}

export interface Notice {
  param: string;
  message: string;
}

export const DEFAULT_KIND = 'mlp';
export const DEFAULT_SEED = 1;
export const KIND_TOKENS: Tokens = { batch: 1, visionTokens: 16, textTokens: 8 };
/** Token bounds: batch ≤ 64, Nv ≤ 16,384 (a 128×128 grid), Nt ≤ 4,096. */
export const TOKEN_BOUNDS: Record<'b' | 'nv' | 'nt', [number, number]> = { b: [1, 64], nv: [1, 16384], nt: [1, 4096] };
export const SAMPLE_MAX = 999;
const MAX_VALUE_CHARS = 40;
const MAX_QUERY_CHARS = 4000;
const MAX_PARAMS = 64;

/** A value quoted in a notice: at most 40 characters, control characters shown as '?'. */
export function quote(value: string): string {
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return clean.length > MAX_VALUE_CHARS ? `"${clean.slice(0, MAX_VALUE_CHARS)}…" (${value.length} characters)` : `"${clean}"`;
}

export function findKind(cat: PlaygroundCatalogue, kind: string): PlaygroundKind | undefined {
  return cat.kinds.find((k) => k.kind === kind);
}

export function findPreset(cat: PlaygroundCatalogue, id: string): PlaygroundPreset | undefined {
  return cat.presets.find((p) => p.id === id);
}

/** Strict integer text: optional minus and digits only (no 1e3, 0x10, spaces or decimals). */
const INT_TEXT = /^-?\d{1,16}$/;
/** Strict decimal text: plain or scientific notation, nothing else. */
const NUM_TEXT = /^-?(\d{1,16}(\.\d{0,16})?|\.\d{1,16})(e[-+]?\d{1,3})?$/i;

/** Text → value for one field; never throws. The message names the field and the bound. */
export function parseFieldText(field: PlaygroundField, text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  const t = text.trim();
  if (t.length > MAX_VALUE_CHARS) return { ok: false, message: `${field.key}: value too long (${t.length} characters)` };
  switch (field.kind) {
    case 'integer':
    case 'number': {
      const pattern = field.kind === 'integer' ? INT_TEXT : NUM_TEXT;
      const what = field.kind === 'integer' ? 'a whole number' : 'a number';
      if (!pattern.test(t)) return { ok: false, message: `${field.key} must be ${what} (got ${quote(text)})` };
      const n = Number(t);
      if (!Number.isFinite(n)) return { ok: false, message: `${field.key} must be ${what} (got ${quote(text)})` };
      if (field.min !== undefined && n < field.min) return { ok: false, message: `${field.key} must be at least ${field.min} (got ${quote(text)})` };
      if (field.max !== undefined && n > field.max) return { ok: false, message: `${field.key} must be at most ${field.max} (got ${quote(text)})` };
      return { ok: true, value: n };
    }
    case 'boolean':
      if (t === 'true' || t === 'false') return { ok: true, value: t === 'true' };
      return { ok: false, message: `${field.key} must be true or false (got ${quote(text)})` };
    case 'enum': {
      const options = field.options ?? [];
      if (!options.includes(t)) return { ok: false, message: `${field.key} must be one of ${options.join(', ')} (got ${quote(text)})` };
      return { ok: true, value: field.numericOptions ? Number(t) : t };
    }
  }
}

/** Value → text, the inverse of parseFieldText. */
export const fieldText = (value: unknown): string => String(value);

/** The fields that apply to a config (output-transformer: those of its mode). */
export function activeFields(kind: PlaygroundKind, config: Record<string, unknown>): PlaygroundField[] {
  const mode = config.mode === undefined ? undefined : String(config.mode);
  return kind.fields.filter((f) => !f.modes || (mode !== undefined && f.modes.includes(mode)));
}

/**
 * A config holding exactly the active fields: missing ones from `fallback` (then the kind's
 * defaults), fields of another mode dropped.
 */
export function normalizeConfig(kind: PlaygroundKind, config: Record<string, unknown>, fallback: Record<string, unknown> = kind.defaults): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of activeFields(kind, config)) out[f.key] = config[f.key] ?? fallback[f.key] ?? kind.defaults[f.key];
  return out;
}

/** The state a preset (or a bare kind) starts from. */
export function baseState(cat: PlaygroundCatalogue, kind: string, preset: string | null): PlaygroundState {
  const p = preset ? findPreset(cat, preset) : undefined;
  const k = findKind(cat, p ? p.kind : kind) ?? (findKind(cat, DEFAULT_KIND) as PlaygroundKind);
  const tokens: Tokens = p?.input
    ? { batch: p.input.vision[0] as number, visionTokens: p.input.vision[1] as number, textTokens: (p.input.text?.[1] as number | undefined) ?? KIND_TOKENS.textTokens }
    : { ...KIND_TOKENS };
  return { kind: k.kind, preset: p ? p.id : null, config: { ...(p ? p.config : k.defaults) }, seed: DEFAULT_SEED, input: 'random', sample: 0, tokens };
}

export const defaultState = (cat: PlaygroundCatalogue): PlaygroundState => baseState(cat, DEFAULT_KIND, null);

function parseBoundedInt(param: string, text: string, [lo, hi]: [number, number], notices: Notice[]): number | null {
  if (!INT_TEXT.test(text.trim())) {
    notices.push({ param, message: `must be a whole number from ${lo} to ${hi} (got ${quote(text)})` });
    return null;
  }
  const n = Number(text.trim());
  if (n < lo || n > hi) {
    notices.push({ param, message: `must be from ${lo} to ${hi} (got ${quote(text)})` });
    return null;
  }
  return n;
}

/** URL query → state. Never throws; each ignored parameter gets one notice. */
export function stateFromQuery(cat: PlaygroundCatalogue, search: string): { state: PlaygroundState; notices: Notice[] } {
  const notices: Notice[] = [];
  if (search.length > MAX_QUERY_CHARS) {
    return { state: defaultState(cat), notices: [{ param: '(query)', message: `the address is too long (${search.length} characters); every parameter was ignored` }] };
  }
  let query: URLSearchParams;
  try {
    query = new URLSearchParams(search);
  } catch {
    return { state: defaultState(cat), notices: [{ param: '(query)', message: 'the address could not be read; every parameter was ignored' }] };
  }
  const seen = new Map<string, string>();
  let count = 0;
  for (const [name, value] of query) {
    count += 1;
    if (count > MAX_PARAMS) {
      notices.push({ param: '(query)', message: `more than ${MAX_PARAMS} parameters; the rest were ignored` });
      break;
    }
    if (seen.has(name)) notices.push({ param: quote(name), message: 'given more than once; the first value was kept' });
    else seen.set(name, value);
  }

  // Kind or preset first: they decide which config fields exist.
  let kind = DEFAULT_KIND;
  let preset: string | null = null;
  const kindText = seen.get('kind');
  const presetText = seen.get('preset');
  if (presetText !== undefined) {
    const p = findPreset(cat, presetText);
    if (p) preset = p.id;
    else notices.push({ param: 'preset', message: `unknown preset ${quote(presetText)}; the default projector is shown` });
  }
  if (kindText !== undefined) {
    const k = findKind(cat, kindText);
    if (!k) notices.push({ param: 'kind', message: `unknown projector kind ${quote(kindText)} (known: ${cat.kinds.map((x) => x.kind).join(', ')})` });
    else if (preset !== null && findPreset(cat, preset)?.kind !== k.kind) notices.push({ param: 'kind', message: `${quote(kindText)} is not the kind of preset ${preset}; the preset's kind is used` });
    else kind = k.kind;
  }
  const state = baseState(cat, kind, preset);
  const k = findKind(cat, state.kind) as PlaygroundKind;

  for (const [name, value] of seen) {
    if (name === 'kind' || name === 'preset') continue;
    if (name === 'seed') {
      const n = parseBoundedInt('seed', value, [0, 2 ** 31 - 1], notices);
      if (n !== null) state.seed = n;
    } else if (name === 'input') {
      if (value === 'random' || value === 'sample') state.input = value;
      else notices.push({ param: 'input', message: `must be random or sample (got ${quote(value)})` });
    } else if (name === 'sample') {
      const n = parseBoundedInt('sample', value, [0, SAMPLE_MAX], notices);
      if (n !== null) state.sample = n;
    } else if (name === 'b' || name === 'nv' || name === 'nt') {
      const n = parseBoundedInt(name, value, TOKEN_BOUNDS[name], notices);
      if (n !== null) state.tokens = { ...state.tokens, [name === 'b' ? 'batch' : name === 'nv' ? 'visionTokens' : 'textTokens']: n };
    } else if (name.startsWith('set.')) {
      const key = name.slice(4);
      const field = k.fields.find((f) => f.key === key);
      if (!field) {
        notices.push({ param: quote(name), message: `${k.kind} has no field ${quote(key)} (fields: ${k.fields.map((f) => f.key).join(', ')})` });
        continue;
      }
      const parsed = parseFieldText(field, value);
      if (parsed.ok) state.config[key] = parsed.value;
      else notices.push({ param: quote(name), message: parsed.message });
    } else {
      notices.push({ param: quote(name), message: 'unknown parameter (known: kind, preset, seed, input, sample, b, nv, nt, set.<field>)' });
    }
  }
  const base = baseState(cat, state.kind, state.preset);
  state.config = normalizeConfig(k, state.config, base.config);
  return { state, notices };
}

/** State → URL query: kind or preset, seed and input always; fields and tokens that differ from the base. */
export function stateToQuery(cat: PlaygroundCatalogue, state: PlaygroundState): URLSearchParams {
  const q = new URLSearchParams();
  if (state.preset) q.set('preset', state.preset);
  else q.set('kind', state.kind);
  const base = baseState(cat, state.kind, state.preset);
  const k = findKind(cat, state.kind);
  for (const f of k ? activeFields(k, state.config) : []) {
    const v = state.config[f.key];
    if (v !== undefined && fieldText(v) !== fieldText(base.config[f.key])) q.set(`set.${f.key}`, fieldText(v));
  }
  q.set('seed', String(state.seed));
  q.set('input', state.input);
  if (state.input === 'sample') q.set('sample', String(state.sample));
  if (state.tokens.batch !== base.tokens.batch) q.set('b', String(state.tokens.batch));
  if (state.tokens.visionTokens !== base.tokens.visionTokens) q.set('nv', String(state.tokens.visionTokens));
  if (state.tokens.textTokens !== base.tokens.textTokens) q.set('nt', String(state.tokens.textTokens));
  return q;
}
