/** URL state of the Reference tables: valid parameters are kept, bad ones become clear messages. */
import { describe, expect, it } from 'vitest';
import { parseTableState, rowMatches, serializeTableState, sortOrder, tableSpecSchema, type RowData } from '../../../components/reference/table-state';

const spec = tableSpecSchema.parse({
  filters: { verdict: ['verified', 'corrected', 'unverified', 'not-checked'], input: ['linear', 'mlp'] },
  sorts: ['id', 'params'],
  search: true,
  noun: 'claims',
});

describe('parseTableState', () => {
  it('keeps valid filters, sort and search', () => {
    const { state, issues } = parseTableState('?verdict=corrected&sort=params&dir=desc&q=LLaVA', spec);
    expect(issues).toEqual([]);
    expect(state).toEqual({ filters: { verdict: 'corrected' }, sort: 'params', dir: 'desc', q: 'LLaVA' });
  });

  it('names the parameter, the bad value and the allowed values', () => {
    const { state, issues } = parseTableState('?verdict=maybe&input=mlp&sort=colour&dir=up&foo=1', spec);
    expect(state.filters).toEqual({ input: 'mlp' }); // the valid filter survives
    expect(state.sort).toBeNull();
    expect(state.dir).toBe('asc');
    expect(issues).toEqual([
      { param: 'verdict', message: '“maybe” is not a value of the verdict filter; allowed: verified, corrected, unverified, not-checked.' },
      { param: 'sort', message: 'cannot sort by “colour”; sortable columns: id, params.' },
      { param: 'dir', message: '“up” is not a sort direction; use asc or desc.' },
      { param: 'foo', message: 'unknown parameter “foo”; this table understands verdict, input, sort, dir, q.' },
    ]);
  });

  it('shortens an over-long search with a message', () => {
    const { state, issues } = parseTableState(`?q=${'x'.repeat(100)}`, spec);
    expect(state.q).toHaveLength(80);
    expect(issues[0]?.param).toBe('q');
  });

  it('round-trips through the URL form', () => {
    const url = serializeTableState({ filters: { verdict: 'not-checked' }, sort: 'id', dir: 'desc', q: 'PaLI' });
    expect(url).toBe('?verdict=not-checked&q=PaLI&sort=id&dir=desc');
    expect(parseTableState(url, spec).state).toEqual({ filters: { verdict: 'not-checked' }, sort: 'id', dir: 'desc', q: 'PaLI' });
    expect(serializeTableState({ filters: {}, sort: null, dir: 'asc', q: '' })).toBe('');
  });
});

describe('filtering and sorting', () => {
  const rows: RowData[] = [
    { filters: { input: 'mlp' }, sorts: { params: 20_979_712, id: 'b' }, text: 'LLaVA-1.5-7B' },
    { filters: { input: 'linear' }, sorts: { params: null, id: 'a' }, text: 'Visual ChatGPT' },
    { filters: { input: 'linear mlp' }, sorts: { params: 4_198_400, id: 'c' }, text: 'LLaVA 7B' },
  ];

  it('matches filters (several values per row) and case-insensitive search', () => {
    expect(rows.map((r) => rowMatches(r, { filters: { input: 'mlp' }, sort: null, dir: 'asc', q: '' }))).toEqual([true, false, true]);
    expect(rows.map((r) => rowMatches(r, { filters: {}, sort: null, dir: 'asc', q: 'llava' }))).toEqual([true, false, true]);
  });

  it('sorts numbers both ways and keeps missing values last', () => {
    expect(sortOrder(rows, 'params', 'asc')).toEqual([2, 0, 1]);
    expect(sortOrder(rows, 'params', 'desc')).toEqual([0, 2, 1]);
    expect(sortOrder(rows, 'id', 'asc')).toEqual([1, 0, 2]);
    expect(sortOrder(rows, null, 'asc')).toEqual([0, 1, 2]);
  });

  it('rejects a malformed table spec', () => {
    expect(tableSpecSchema.safeParse({ filters: { Bad: ['x'] }, sorts: ['id'], search: false, noun: 'x' }).success).toBe(false);
  });
});
