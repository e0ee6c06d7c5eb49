/**
 * Search page client: loads the Pagefind bundle (generated into /pagefind/ by the build) on demand
 * and renders results as plain links. The query lives in the URL (?q=) so results can be shared.
 */
interface PagefindResult {
  data(): Promise<{ url: string; excerpt: string; meta: { title?: string } }>;
}
interface Pagefind {
  search(query: string): Promise<{ results: PagefindResult[] }>;
}

import { formatInt } from '../../primitives/format';

const BUNDLE = '/pagefind/pagefind.js';

export function wireSearch(): void {
  const form = document.querySelector<HTMLFormElement>('.search-form');
  const input = document.getElementById('search-input') as HTMLInputElement | null;
  const status = document.getElementById('search-status');
  const list = document.getElementById('search-results');
  if (!form || !input || !status || !list) return;
  let pagefind: Pagefind | undefined;

  async function run(query: string): Promise<void> {
    list!.replaceChildren();
    if (!query.trim()) {
      status!.textContent = '';
      return;
    }
    status!.textContent = 'Searching…';
    try {
      pagefind ??= (await import(/* @vite-ignore */ BUNDLE)) as Pagefind;
      const { results } = await pagefind.search(query);
      const top = await Promise.all(results.slice(0, 20).map((r) => r.data()));
      for (const r of top) {
        const li = document.createElement('li');
        const a = document.createElement('a');
        a.href = r.url;
        a.textContent = r.meta.title ?? r.url;
        const p = document.createElement('p');
        p.innerHTML = r.excerpt; // Pagefind's excerpt: escaped page text with <mark> highlights
        li.append(a, p);
        list!.append(li);
      }
      status!.textContent = results.length === 0 ? `No results for “${query}”.` : `${formatInt(results.length)} result${results.length === 1 ? '' : 's'} for “${query}”.`;
    } catch {
      status!.textContent = 'Search is unavailable: the search index was not found. It is built by `npm run build`.';
    }
  }

  const initial = new URLSearchParams(location.search).get('q') ?? '';
  input.value = initial;
  void run(initial);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = input.value;
    history.replaceState(null, '', q ? `?q=${encodeURIComponent(q)}` : location.pathname);
    void run(q);
  });
}
