/**
 * The sort-and-filter island of the Reference tables (progressive enhancement). Without JavaScript
 * the server-rendered table shows every row in file order; this script adds the controls, sorting
 * buttons in the column headers, the status line and the URL state. It never removes a row: rows
 * that do not match are `hidden`, and following a link to a hidden row clears the filters, so every
 * row stays reachable (by link and by keyboard).
 *
 * Markup contract (rendered by RefTable.astro):
 *   [data-ref-table][data-table-spec=JSON]  root
 *     [data-table-issues]                    message area for bad URL parameters (role=alert)
 *     form[data-table-controls][hidden]      select[data-filter=name], input[data-search], button[type=reset]
 *     [data-table-status]                    "Showing n of N …" (role=status)
 *     th[data-sort-col=key]                  sortable headers
 *     tr[data-row]                           data-f-<filter>="v1 v2", data-s-<key>="…", data-s-<key>-type="number"
 */
import {
  EMPTY_STATE,
  parseTableState,
  rowMatches,
  serializeTableState,
  sortOrder,
  tableSpecSchema,
  type RowData,
  type StateIssue,
  type TableSpec,
  type TableState,
} from './table-state';

function readRow(tr: HTMLTableRowElement, spec: TableSpec): RowData {
  const filters: Record<string, string> = {};
  for (const k of Object.keys(spec.filters)) filters[k] = tr.getAttribute(`data-f-${k}`) ?? '';
  const sorts: Record<string, number | string | null> = {};
  for (const k of spec.sorts) {
    const raw = tr.getAttribute(`data-s-${k}`);
    if (raw === null || raw === '') sorts[k] = null;
    else sorts[k] = tr.getAttribute(`data-s-${k}-type`) === 'number' ? Number(raw) : raw;
  }
  return { filters, sorts, text: tr.textContent ?? '' };
}

function showIssues(box: HTMLElement | null, issues: StateIssue[]): void {
  if (!box) return;
  box.replaceChildren();
  if (issues.length === 0) {
    box.hidden = true;
    return;
  }
  const p = document.createElement('p');
  p.textContent = 'Some link parameters were ignored:';
  const ul = document.createElement('ul');
  for (const i of issues) {
    const li = document.createElement('li');
    li.textContent = `${i.param}: ${i.message}`;
    ul.append(li);
  }
  box.append(p, ul);
  box.hidden = false;
}

function initTable(root: HTMLElement): void {
  const parsedSpec = tableSpecSchema.safeParse(JSON.parse(root.dataset.tableSpec ?? 'null'));
  if (!parsedSpec.success) {
    // A server bug, not reader input: leave the plain table as it is.
    console.error('ref-table: invalid data-table-spec', parsedSpec.error.issues);
    return;
  }
  const spec = parsedSpec.data;
  const tbody = root.querySelector('tbody');
  const form = root.querySelector<HTMLFormElement>('[data-table-controls]');
  const status = root.querySelector<HTMLElement>('[data-table-status]');
  const issuesBox = root.querySelector<HTMLElement>('[data-table-issues]');
  if (!tbody || !form) return;
  const trs = [...tbody.querySelectorAll<HTMLTableRowElement>('tr[data-row]')];
  const rows = trs.map((tr) => readRow(tr, spec));

  const { state: initial, issues } = parseTableState(window.location.search, spec);
  let state: TableState = initial;
  showIssues(issuesBox, issues);

  const headers = [...root.querySelectorAll<HTMLTableCellElement>('th[data-sort-col]')];
  const buttons = new Map<string, HTMLButtonElement>();
  for (const th of headers) {
    const key = th.dataset.sortCol ?? '';
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'sort-button';
    button.dataset.sortButton = key;
    const label = document.createElement('span');
    label.textContent = th.textContent?.trim() ?? key;
    const arrow = document.createElement('span');
    arrow.className = 'sort-arrow';
    arrow.setAttribute('aria-hidden', 'true');
    button.append(label, arrow);
    th.replaceChildren(button);
    buttons.set(key, button);
    button.addEventListener('click', () => {
      const dir = state.sort === key && state.dir === 'asc' ? 'desc' : 'asc';
      apply({ ...state, sort: key, dir }, true);
    });
  }

  const selects = [...form.querySelectorAll<HTMLSelectElement>('select[data-filter]')];
  const search = form.querySelector<HTMLInputElement>('input[data-search]');
  for (const s of selects) s.addEventListener('change', () => apply(readForm(), true));
  search?.addEventListener('input', () => apply(readForm(), true));
  form.addEventListener('submit', (e) => e.preventDefault());
  form.addEventListener('reset', (e) => {
    e.preventDefault();
    showIssues(issuesBox, []);
    apply({ ...EMPTY_STATE, filters: {} }, true);
  });

  function readForm(): TableState {
    const filters: Record<string, string> = {};
    for (const s of selects) if (s.value !== '' && s.dataset.filter) filters[s.dataset.filter] = s.value;
    return { ...state, filters, q: search?.value ?? '' };
  }

  function apply(next: TableState, push: boolean): void {
    state = next;
    for (const s of selects) s.value = state.filters[s.dataset.filter ?? ''] ?? '';
    if (search && search.value !== state.q) search.value = state.q;
    const order = sortOrder(rows, state.sort, state.dir);
    let shown = 0;
    for (const i of order) {
      const tr = trs[i];
      const row = rows[i];
      if (!tr || !row) continue;
      const match = rowMatches(row, state);
      tr.hidden = !match;
      if (match) shown += 1;
      tbody?.append(tr); // re-append in sorted order
    }
    for (const th of headers) {
      const key = th.dataset.sortCol ?? '';
      const active = state.sort === key;
      th.setAttribute('aria-sort', active ? (state.dir === 'asc' ? 'ascending' : 'descending') : 'none');
      const arrow = buttons.get(key)?.querySelector('.sort-arrow');
      if (arrow) arrow.textContent = active ? (state.dir === 'asc' ? ' ▲' : ' ▼') : ' ↕';
    }
    if (status) {
      status.textContent =
        shown === trs.length ? `Showing all ${trs.length} ${spec.noun}.` : `Showing ${shown} of ${trs.length} ${spec.noun}. Use “Show all” to clear the filters.`;
      status.dataset.shown = String(shown);
      status.dataset.total = String(trs.length);
    }
    if (push) {
      const url = `${window.location.pathname}${serializeTableState(state)}${window.location.hash}`;
      window.history.replaceState(null, '', url);
    }
  }

  /** A link to a row the filters hide: clear the filters so the target is shown. */
  function revealHashTarget(): void {
    const id = decodeURIComponent(window.location.hash.slice(1));
    if (id === '') return;
    const target = document.getElementById(id);
    const row = target?.closest<HTMLTableRowElement>('tr[data-row]');
    if (row && row.hidden && root.contains(row)) {
      apply({ ...state, filters: {}, q: '' }, true);
      row.scrollIntoView();
    }
  }

  form.hidden = false;
  apply(state, false);
  revealHashTarget();
  window.addEventListener('hashchange', revealHashTarget);
}

for (const root of document.querySelectorAll<HTMLElement>('[data-ref-table]')) initTable(root);
