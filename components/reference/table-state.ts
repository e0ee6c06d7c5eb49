/**
 * URL state of the Reference tables (catalogue and claim ledger): which filters are set, which column
 * sorts the rows and in which direction. Pure and browser-safe (zod only), so the island and the unit
 * tests share it. A bad parameter never breaks the page: it is dropped with a message naming the
 * parameter, the value and what is allowed, and every valid parameter is kept.
 *
 * URL form: ?<filter>=<value>&sort=<column>&dir=asc|desc&q=<text>
 */
import { z } from 'zod';

/** What a table accepts, rendered into the page as JSON (data-table-spec) by the server. */
export const tableSpecSchema = z
  .object({
    /** Filter name → allowed values (the option values of its <select>). */
    filters: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), z.array(z.string().min(1)).min(1)),
    /** Sortable column keys. */
    sorts: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/)).min(1),
    /** Whether the free-text search box exists. */
    search: z.boolean(),
    /** The noun for the status line ("models", "claims"). */
    noun: z.string().min(1),
  })
  .strict();
export type TableSpec = z.infer<typeof tableSpecSchema>;

export const DIRECTIONS = ['asc', 'desc'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export interface TableState {
  filters: Record<string, string>;
  sort: string | null;
  dir: Direction;
  q: string;
}

export interface StateIssue {
  param: string;
  message: string;
}

export const EMPTY_STATE: TableState = { filters: {}, sort: null, dir: 'asc', q: '' };

/** Longest search text accepted; longer input is cut with a message (keeps the URL bounded). */
export const MAX_QUERY = 80;

/** Parses the query string against the table's spec; invalid parameters become issues. */
export function parseTableState(search: string, spec: TableSpec): { state: TableState; issues: StateIssue[] } {
  const params = new URLSearchParams(search);
  const state: TableState = { filters: {}, sort: null, dir: 'asc', q: '' };
  const issues: StateIssue[] = [];
  for (const [name, value] of params) {
    const allowed = spec.filters[name];
    if (allowed) {
      const parsed = z.enum(allowed as [string, ...string[]]).safeParse(value);
      if (parsed.success) state.filters[name] = parsed.data;
      else issues.push({ param: name, message: `“${value}” is not a value of the ${name} filter; allowed: ${allowed.join(', ')}.` });
    } else if (name === 'sort') {
      const parsed = z.enum(spec.sorts as [string, ...string[]]).safeParse(value);
      if (parsed.success) state.sort = parsed.data;
      else issues.push({ param: 'sort', message: `cannot sort by “${value}”; sortable columns: ${spec.sorts.join(', ')}.` });
    } else if (name === 'dir') {
      const parsed = z.enum(DIRECTIONS).safeParse(value);
      if (parsed.success) state.dir = parsed.data;
      else issues.push({ param: 'dir', message: `“${value}” is not a sort direction; use asc or desc.` });
    } else if (name === 'q' && spec.search) {
      if (value.length > MAX_QUERY) issues.push({ param: 'q', message: `the search text is longer than ${MAX_QUERY} characters and was shortened.` });
      state.q = value.slice(0, MAX_QUERY);
    } else {
      const known = [...Object.keys(spec.filters), 'sort', 'dir', ...(spec.search ? ['q'] : [])];
      issues.push({ param: name, message: `unknown parameter “${name}”; this table understands ${known.join(', ')}.` });
    }
  }
  return { state, issues };
}

/** The query string for a state (empty values left out), so links can be shared. */
export function serializeTableState(state: TableState): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(state.filters)) if (v !== '') params.set(k, v);
  if (state.q !== '') params.set('q', state.q);
  if (state.sort !== null) {
    params.set('sort', state.sort);
    params.set('dir', state.dir);
  }
  const s = params.toString();
  return s === '' ? '' : `?${s}`;
}

/** One row as the island sees it: filter values, sort values (number or text), search text. */
export interface RowData {
  filters: Record<string, string>;
  sorts: Record<string, number | string | null>;
  text: string;
}

/** Whether a row passes every set filter and the search text (case-insensitive substring). */
export function rowMatches(row: RowData, state: TableState): boolean {
  for (const [k, v] of Object.entries(state.filters)) {
    // A row can carry several values for one filter, separated by spaces (e.g. two categories).
    const values = (row.filters[k] ?? '').split(' ');
    if (!values.includes(v)) return false;
  }
  const q = state.q.trim().toLowerCase();
  return q === '' || row.text.toLowerCase().includes(q);
}

/**
 * The order of rows (indices) for a sort: numbers before text, missing values last whatever the
 * direction (a reader sorting by size wants the known sizes first), ties in document order.
 */
export function sortOrder(rows: readonly RowData[], sort: string | null, dir: Direction): number[] {
  const idx = rows.map((_, i) => i);
  if (sort === null) return idx;
  const sign = dir === 'asc' ? 1 : -1;
  return idx.sort((a, b) => {
    const va = rows[a]?.sorts[sort] ?? null;
    const vb = rows[b]?.sorts[sort] ?? null;
    if (va === null && vb === null) return a - b;
    if (va === null) return 1;
    if (vb === null) return -1;
    if (typeof va === 'number' && typeof vb === 'number') return (va - vb) * sign || a - b;
    return String(va).localeCompare(String(vb), 'en', { numeric: true }) * sign || a - b;
  });
}
