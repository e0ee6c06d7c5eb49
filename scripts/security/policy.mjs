/**
 * The site's security headers, written once and used by the preview server (scripts/serve.mjs),
 * the static-host header files (scripts/security/write-headers.mjs) and the end-to-end tests.
 *
 * Content-Security-Policy: scripts only from the site's own files (no inline script, no eval);
 * `'wasm-unsafe-eval'` (compiling WebAssembly, nothing else) only where a wasm module runs: in the
 * Workers (the notebook and benchmark Workers run tfjs-wasm; a Worker's policy comes from its own
 * script's response) and on pages that run wasm on the main thread, which say so with a
 * `data-csp="wasm"` attribute (the search page runs Pagefind's wasm; the Data page's "try your own
 * image" runs the encoder). Styles allow inline style attributes: KaTeX and the D3 figures set
 * `style="…"` on elements, which cannot run code.
 *
 * Cross-origin isolation (COOP + COEP) lets tfjs-wasm use SharedArrayBuffer and its threaded SIMD
 * build. Every response carries Cross-Origin-Resource-Policy: same-origin, so the site's own
 * files (Worker scripts included) load under COEP: require-corp.
 */

/** Directives shared by every policy. Order is kept stable so header files diff cleanly. */
const BASE = [
  ["default-src", "'self'"],
  ["script-src", "'self'"],
  ["style-src", "'self' 'unsafe-inline'"],
  ["img-src", "'self' data: blob:"],
  ["font-src", "'self'"],
  ["connect-src", "'self'"],
  ["worker-src", "'self' blob:"],
  ["object-src", "'none'"],
  ["base-uri", "'self'"],
  ["form-action", "'self'"],
  ["frame-ancestors", "'none'"],
];

/** @param {{ wasm: boolean }} opts */
export function contentSecurityPolicy({ wasm }) {
  return BASE.map(([name, value]) => (name === 'script-src' && wasm ? [name, `${value} 'wasm-unsafe-eval'`] : [name, value]))
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');
}

/** Whether a built page runs WebAssembly on its main thread (it carries `data-csp="wasm"`). */
export function pageNeedsWasm(html) {
  return /\sdata-csp="wasm"/.test(html);
}

/** Headers every response gets: cross-origin isolation and no MIME sniffing. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
};

/**
 * Headers for one response. `kind` is 'page' (an HTML page, with its HTML to decide on wasm),
 * 'script' (a JavaScript file: when it starts a Worker, this is the Worker's policy, which runs tfjs-wasm)
 * or 'file' (anything else).
 * @param {'page' | 'script' | 'file'} kind
 * @param {string} [html]
 * @param {string} [path] the URL path of a script (the code cell Worker gets its own policy)
 * @returns {Record<string, string>}
 */
/**
 * The Playground's code cell Worker (notebooks/playground/code-worker.ts) is the one script that
 * compiles text: the reader's own forward pass, with `new Function`. Its response alone adds
 * 'unsafe-eval'; it has no DOM and no page state, and every page keeps its policy without eval.
 */
export const CODE_CELL_WORKER = /^\/_astro\/code-worker-[\w-]+\.js$/;

export function headersFor(kind, html = '', path = '') {
  /** @type {Record<string, string>} */
  const headers = { ...ISOLATION_HEADERS };
  if (kind === 'page') headers['Content-Security-Policy'] = contentSecurityPolicy({ wasm: pageNeedsWasm(html) });
  if (kind === 'script') {
    const policy = contentSecurityPolicy({ wasm: true });
    headers['Content-Security-Policy'] = CODE_CELL_WORKER.test(path) ? policy.replace("'wasm-unsafe-eval'", "'wasm-unsafe-eval' 'unsafe-eval'") : policy;
  }
  return headers;
}
