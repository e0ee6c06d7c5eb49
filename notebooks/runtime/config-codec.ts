/**
 * One text encoding of config values, shared by the CLI (`--set key=value`), the URL
 * (`?set.key=value`) and the Lab form, so the three can never disagree about what a value means.
 * Field descriptors are read from the notebook's zod schema: `.describe()` gives the label,
 * number checks give min/max/step, enums give the options.
 */
import { z } from 'zod';
import { zodIssuesToFields, type AnyNotebook, type BaseConfig } from '../types';

export type FieldKind = 'number' | 'integer' | 'boolean' | 'enum' | 'enum-list' | 'string';

export interface FieldDescriptor {
  key: string;
  label: string;
  kind: FieldKind;
  min?: number;
  max?: number;
  options?: string[];
}

export interface FieldIssue {
  field: string;
  message: string;
}

/** Strips wrappers (default, optional, effects) to reach the type that decides the input. */
function unwrap(type: z.ZodTypeAny): z.ZodTypeAny {
  let t = type;
  for (;;) {
    if (t instanceof z.ZodDefault || t instanceof z.ZodOptional || t instanceof z.ZodNullable) t = t._def.innerType;
    else if (t instanceof z.ZodEffects) t = t._def.schema;
    else return t;
  }
}

function describeField(key: string, type: z.ZodTypeAny): FieldDescriptor {
  const label = type.description ?? unwrap(type).description ?? key;
  const inner = unwrap(type);
  if (inner instanceof z.ZodNumber) {
    const d: FieldDescriptor = { key, label, kind: inner.isInt ? 'integer' : 'number' };
    if (inner.minValue !== null && Number.isFinite(inner.minValue)) d.min = inner.minValue;
    if (inner.maxValue !== null && Number.isFinite(inner.maxValue)) d.max = inner.maxValue;
    return d;
  }
  if (inner instanceof z.ZodBoolean) return { key, label, kind: 'boolean' };
  if (inner instanceof z.ZodEnum) return { key, label, kind: 'enum', options: [...(inner.options as string[])] };
  if (inner instanceof z.ZodArray) {
    const el = unwrap(inner.element as z.ZodTypeAny);
    if (el instanceof z.ZodEnum) return { key, label, kind: 'enum-list', options: [...(el.options as string[])] };
  }
  if (inner instanceof z.ZodString) return { key, label, kind: 'string' };
  throw new Error(`config field "${key}" has a type the form and CLI cannot encode`);
}

/** The form fields of a notebook, in schema order. */
export function describeFields(nb: Pick<AnyNotebook, 'schema'>): FieldDescriptor[] {
  return Object.entries(nb.schema.shape).map(([key, type]) => describeField(key, type as z.ZodTypeAny));
}

/** Value → text, the inverse of parseFieldText. */
export function formatFieldValue(field: FieldDescriptor, value: unknown): string {
  if (field.kind === 'enum-list') return Array.isArray(value) ? value.join(',') : '';
  return String(value);
}

/** Text → value for one field; validates against that field's own schema. Never throws. */
export function parseFieldText(
  nb: Pick<AnyNotebook, 'schema'>,
  field: FieldDescriptor,
  text: string,
): { ok: true; value: unknown } | { ok: false; message: string } {
  const trimmed = text.trim();
  let raw: unknown;
  switch (field.kind) {
    case 'number':
    case 'integer': {
      // Number('') is 0 and Number(' ') is 0: refuse empty text explicitly.
      const n = trimmed === '' ? Number.NaN : Number(trimmed);
      if (!Number.isFinite(n)) return { ok: false, message: `${field.key} must be a number (got "${text}")` };
      raw = n;
      break;
    }
    case 'boolean':
      if (trimmed !== 'true' && trimmed !== 'false') return { ok: false, message: `${field.key} must be true or false (got "${text}")` };
      raw = trimmed === 'true';
      break;
    case 'enum-list':
      raw = trimmed === '' ? [] : trimmed.split(',').map((s) => s.trim());
      break;
    default:
      raw = trimmed;
  }
  const type = nb.schema.shape[field.key] as z.ZodTypeAny | undefined;
  if (!type) return { ok: false, message: `unknown config key "${field.key}"` };
  const parsed = type.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first && first.path.length > 0 ? ` (item ${first.path.join('.')})` : '';
    return { ok: false, message: `${field.key}${where}: ${first?.message ?? 'invalid value'} (got "${text}")` };
  }
  return { ok: true, value: parsed.data };
}

/**
 * Applies `key=value` overrides to a base config. Each bad pair is reported by name and skipped, so
 * one bad value never discards the others. The merged config is validated as a whole at the end
 * (cross-field rules).
 */
export function applyOverrides(
  nb: Pick<AnyNotebook, 'schema'>,
  base: BaseConfig,
  overrides: readonly (readonly [string, string])[],
): { config: BaseConfig; issues: FieldIssue[] } {
  const fields = new Map(describeFields(nb).map((f) => [f.key, f]));
  const next: Record<string, unknown> = { ...base };
  const issues: FieldIssue[] = [];
  for (const [key, text] of overrides) {
    const field = fields.get(key);
    if (!field) {
      issues.push({ field: key, message: `unknown config key "${key}"; known keys: ${[...fields.keys()].join(', ')}` });
      continue;
    }
    const parsed = parseFieldText(nb, field, text);
    if (parsed.ok) next[key] = parsed.value;
    else issues.push({ field: key, message: parsed.message });
  }
  const whole = nb.schema.safeParse(next);
  if (!whole.success) {
    issues.push(...zodIssuesToFields(whole.error));
    return { config: base, issues };
  }
  return { config: whole.data, issues };
}

/** The overrides (as text pairs) that turn `defaults` into `config`, in schema order, seed excluded. */
export function diffFromDefaults(nb: Pick<AnyNotebook, 'schema' | 'defaults'>, config: BaseConfig): [string, string][] {
  const pairs: [string, string][] = [];
  const defaults = nb.defaults as unknown as Record<string, unknown>;
  const values = config as unknown as Record<string, unknown>;
  for (const field of describeFields(nb)) {
    if (field.key === 'seed') continue;
    const a = formatFieldValue(field, values[field.key]);
    if (a !== formatFieldValue(field, defaults[field.key])) pairs.push([field.key, a]);
  }
  return pairs;
}

/** Quotes a shell word only when it needs it. */
const shellWord = (word: string): string => (/^[\w.,=:/@+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/** The exact command that reproduces `config`: `npm run notebook -- <id> --seed N --set k=v ...`. */
export function cliCommand(nb: Pick<AnyNotebook, 'id' | 'schema' | 'defaults'>, config: BaseConfig): string {
  const parts = ['npm', 'run', 'notebook', '--', nb.id, '--seed', String(config.seed)];
  for (const [k, v] of diffFromDefaults(nb, config)) parts.push('--set', shellWord(`${k}=${v}`));
  return parts.join(' ');
}

/** URL query for `config`: seed plus every non-default field as `set.key=value`. */
export function configToQuery(nb: Pick<AnyNotebook, 'schema' | 'defaults'>, config: BaseConfig): URLSearchParams {
  const q = new URLSearchParams();
  q.set('seed', String(config.seed));
  for (const [k, v] of diffFromDefaults(nb, config)) q.set(`set.${k}`, v);
  return q;
}

/**
 * URL query → config. Unknown or bad parameters are reported by name and ignored; every other value
 * is kept (a bad `set.steps` does not reset `seed`).
 */
export function configFromQuery(
  nb: Pick<AnyNotebook, 'schema' | 'defaults'>,
  query: URLSearchParams,
  base: BaseConfig = nb.defaults,
): { config: BaseConfig; issues: FieldIssue[] } {
  const pairs: [string, string][] = [];
  const issues: FieldIssue[] = [];
  for (const [name, value] of query) {
    if (name === 'seed') pairs.push(['seed', value]);
    else if (name.startsWith('set.')) pairs.push([name.slice(4), value]);
    else if (!IGNORED_QUERY.has(name)) issues.push({ field: name, message: `unknown URL parameter "${name}" (use seed or set.<key>)` });
  }
  const applied = applyOverrides(nb, base, pairs);
  return { config: applied.config, issues: [...issues, ...applied.issues.map((i) => ({ ...i, field: i.field === 'seed' ? 'seed' : `set.${i.field}` }))] };
}

/** Query parameters that belong to other parts of the page, not to the config. */
const IGNORED_QUERY = new Set(['backend']);
