/**
 * The preview and test server for the built site (`npm run preview`, `npm start`, the end-to-end
 * tests' webServer). It serves dist/ the way a production static host should:
 *   - gzip for text, JSON, SVG and wasm when the browser accepts it (compressed once, then cached);
 *   - the strict Content-Security-Policy and cross-origin isolation headers of scripts/security/policy.mjs
 *     on every response (COOP/COEP let tfjs-wasm run its threaded build);
 *   - `/dir` → 301 `/dir/`, `/dir/` → `/dir/index.html`, dist/404.html (status 404) for the rest;
 *   - long-lived caching for the hashed files in /_astro/, revalidation for everything else.
 *
 * Usage: node scripts/serve.mjs [--port 4321] [--host 127.0.0.1] [--dir dist]
 */
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { headersFor } from './security/policy.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.bib': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.bin': 'application/octet-stream',
  '.safetensors': 'application/octet-stream',
};
/** Worth compressing; images, fonts and Pagefind's (already gzipped) index files are not. */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.wasm', '.txt', '.xml', '.bib', '.csv']);

/** Parses `--name value` pairs. */
function option(args, name, fallback) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
}

/**
 * Creates the server (not yet listening) for the site in `root`.
 * @param {string} root
 */
export function createSiteServer(root) {
  const base = resolve(root);
  /** @type {Map<string, { mtime: number, body: Buffer, gz: Buffer | null }>} */
  const cache = new Map();

  async function load(file, ext) {
    const info = await stat(file);
    const hit = cache.get(file);
    if (hit && hit.mtime === info.mtimeMs) return hit;
    const body = await readFile(file);
    const gz = COMPRESSIBLE.has(ext) && body.length > 512 ? gzipSync(body, { level: 9 }) : null;
    const entry = { mtime: info.mtimeMs, body, gz };
    cache.set(file, entry);
    return entry;
  }

  /** Resolves a URL path to a file inside root, or a redirect, or null. */
  async function locate(pathname) {
    let decoded;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return null;
    }
    const file = normalize(join(base, decoded));
    if (file !== base && !file.startsWith(base + sep)) return null; // no escaping dist/
    try {
      const info = await stat(file);
      if (info.isDirectory()) {
        if (!pathname.endsWith('/')) return { redirect: `${pathname}/` };
        const index = join(file, 'index.html');
        await stat(index);
        return { file: index };
      }
      return { file };
    } catch {
      return null;
    }
  }

  return createServer(async (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        return;
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      const found = await locate(url.pathname);
      if (found && 'redirect' in found) {
        res.writeHead(301, { Location: found.redirect + url.search, ...headersFor('file') }).end();
        return;
      }
      let status = 200;
      let file = found?.file;
      if (!file) {
        status = 404;
        file = join(base, '404.html');
        try {
          await stat(file);
        } catch {
          res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...headersFor('file') }).end('Not found\n');
          return;
        }
      }
      const ext = extname(file).toLowerCase();
      const entry = await load(file, ext);
      const kind = ext === '.html' ? 'page' : ext === '.js' || ext === '.mjs' ? 'script' : 'file';
      const headers = {
        'Content-Type': TYPES[ext] ?? 'application/octet-stream',
        'Cache-Control': url.pathname.startsWith('/_astro/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        ...headersFor(kind, kind === 'page' ? entry.body.toString('utf8') : '', url.pathname),
      };
      let body = entry.body;
      if (entry.gz) {
        headers.Vary = 'Accept-Encoding';
        if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
          headers['Content-Encoding'] = 'gzip';
          body = entry.gz;
        }
      }
      headers['Content-Length'] = String(body.length);
      res.writeHead(status, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`Server error: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  });
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const args = process.argv.slice(2);
  const port = Number(option(args, 'port', process.env.PORT ?? '4321'));
  const host = option(args, 'host', '127.0.0.1');
  const dir = option(args, 'dir', 'dist');
  try {
    await stat(join(dir, 'index.html'));
  } catch {
    console.error(`serve: ${dir}/index.html not found; run \`npm run build\` first.`);
    process.exit(1);
  }
  createSiteServer(dir).listen(port, host, () => {
    console.log(`Projector Atlas: http://${host}:${port}/ (gzip, CSP, cross-origin isolated), serving ${dir}/`);
  });
}
