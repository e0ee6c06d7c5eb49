/**
 * The preview/production-like server (scripts/serve.mjs) and the one header policy it sends
 * (scripts/security/policy.mjs), on a throwaway site in a temp folder.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createSiteServer } from '../../../scripts/serve.mjs';
import { contentSecurityPolicy, headersFor, pageNeedsWasm } from '../../../scripts/security/policy.mjs';

const root = mkdtempSync(join(tmpdir(), 'atlas-serve-'));
const big = `<!doctype html><html><head><meta charset="utf-8"></head><body>${'<p>projector</p>'.repeat(200)}</body></html>`;
mkdirSync(join(root, 'lab'));
mkdirSync(join(root, 'search'));
mkdirSync(join(root, '_astro'));
writeFileSync(join(root, 'index.html'), big);
writeFileSync(join(root, 'lab', 'index.html'), big);
writeFileSync(join(root, 'search', 'index.html'), big.replace('<body>', '<body><form data-csp="wasm"></form>'));
writeFileSync(join(root, '_astro', 'worker-abc.js'), 'self.onmessage = () => {};'.repeat(50));
writeFileSync(join(root, '404.html'), '<!doctype html><title>Not found</title>');
writeFileSync(join(root, 'x.wasm'), Buffer.alloc(2048));

let server: Server;
let base = '';
beforeAll(async () => {
  server = createSiteServer(root);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

const get = (path: string, gzip = true) => fetch(base + path, { redirect: 'manual', headers: gzip ? { 'Accept-Encoding': 'gzip' } : { 'Accept-Encoding': 'identity' } });

describe('header policy', () => {
  it('allows no inline script and no eval; wasm compilation only when asked', () => {
    const strict = contentSecurityPolicy({ wasm: false });
    expect(strict).toContain("script-src 'self';");
    expect(strict).not.toMatch(/'unsafe-inline'[^;]*;.*script|script-src[^;]*unsafe/);
    expect(strict).toContain("connect-src 'self'");
    expect(contentSecurityPolicy({ wasm: true })).toContain("script-src 'self' 'wasm-unsafe-eval';");
    expect(pageNeedsWasm('<form data-csp="wasm">')).toBe(true);
    expect(pageNeedsWasm('<p>data-csp="wasm" in text</p>')).toBe(false);
    expect(headersFor('file')['Content-Security-Policy']).toBeUndefined();
    expect(headersFor('script')['Content-Security-Policy']).toContain("'wasm-unsafe-eval'");
  });
});

describe('scripts/serve.mjs', () => {
  it('gzips a page and sends its policy and the isolation headers', async () => {
    const res = await get('/lab/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy({ wasm: false }));
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toBe(big); // fetch decodes the gzip body
    const raw = await new Promise<{ encoding?: string; body: Buffer }>((done, fail) => {
      import('node:http').then(({ get: httpGet }) => {
        httpGet(`${base}/lab/`, { headers: { 'Accept-Encoding': 'gzip' } }, (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => done({ encoding: r.headers['content-encoding'], body: Buffer.concat(chunks) }));
        }).on('error', fail);
      }, fail);
    });
    expect(raw.encoding).toBe('gzip');
    expect(raw.body.length).toBeLessThan(big.length / 5);
    expect(gunzipSync(raw.body).toString('utf8')).toBe(big);
  });

  it('sends the wasm policy only to a page that declares it, and to scripts (Worker policy)', async () => {
    expect((await get('/search/')).headers.get('content-security-policy')).toBe(contentSecurityPolicy({ wasm: true }));
    const js = await get('/_astro/worker-abc.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('content-security-policy')).toBe(contentSecurityPolicy({ wasm: true }));
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await get('/x.wasm')).headers.get('content-type')).toBe('application/wasm');
  });

  it('redirects a folder without its slash, answers 404 with the site page, and never leaves the site', async () => {
    const redirect = await get('/lab?seed=3');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/lab/?seed=3');
    const missing = await get('/no-such-page/');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Not found');
    expect(missing.headers.get('content-security-policy')).toBe(contentSecurityPolicy({ wasm: false }));
    expect((await get('/..%2f..%2fetc%2fpasswd')).status).toBe(404);
    expect((await get('/%E0%A4%A')).status).toBe(404);
  });

  it('sends identity bodies to a client that does not accept gzip', async () => {
    const res = await get('/', false);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(await res.text()).toBe(big);
  });
});
