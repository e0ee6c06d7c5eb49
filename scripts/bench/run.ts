/**
 * `npm run bench`: projector forward speed on the wasm backend, in Node and in headless Chromium,
 * against a same-FLOPs plain matmul measured in the same run (src/bench/bench-core.ts).
 *
 *   npm run bench [-- --only llava-1.5-7b,gill-input] [--node-only | --browser-only] [--dist dist] [--json out.json]
 *
 * The Chromium part serves an existing build (`--dist`, default dist/; it builds first when the
 * bench page is missing) with its own `astro preview` on port 4430, opens /lab/bench/?run=… with
 * Debian's Chromium through playwright-core, and reads the report the page publishes.
 * Target (issue): LLaVA-1.5-7B's projector at 576 tokens (≈ 24.2 GFLOP) reaches ≥ 75 % of the roofline.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { useBestBackend } from '../../src/runtime/backend';
import { formatFixed, formatGflop, formatPercent } from '../../src/primitives/format';
import { CHROMIUM_ARGS, findChromium } from '../find-chromium.mjs';
import { runBench, type BenchReport, type BenchRow } from '../../src/bench/bench-core';

const PORT = 4430;
const TARGET = { preset: 'llava-1.5-7b', ratio: 0.75 };

interface Args {
  node: boolean;
  browser: boolean;
  only?: string[];
  dist: string;
  json?: string;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { node: true, browser: true, dist: 'dist' };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--node-only') args.browser = false;
    else if (a === '--browser-only') args.node = false;
    else if (a === '--only') args.only = next().split(',').filter(Boolean);
    else if (a === '--dist') args.dist = next();
    else if (a === '--json') args.json = next();
    else throw new Error(`unknown option ${a}`);
  }
  return args;
}

const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

async function nodeBench(only?: string[]): Promise<BenchReport> {
  const used = await useBestBackend('wasm');
  if (used.backend !== 'wasm') throw new Error(`Node: wasm did not load (${used.fallbackReason ?? '?'})`);
  return runBench('node', () => performance.now(), pause, (r) => process.stderr.write(`  node  ${r.preset}: ${r.skipped ?? `${formatFixed(r.ms ?? 0, 1)} ms`}\n`), only);
}

async function waitForServer(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 120; i += 1) {
    if (child.exitCode !== null) throw new Error(`astro preview exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`astro preview did not answer at ${url}`);
}

async function browserBench(dist: string, only?: string[]): Promise<BenchReport> {
  const distDir = resolve(dist);
  if (!existsSync(resolve(distDir, 'lab/bench/index.html'))) {
    process.stderr.write(`building the site into ${distDir} (no bench page there yet)\n`);
    const built = spawnSync('node_modules/.bin/astro', ['build', '--outDir', distDir], { stdio: 'inherit', env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' } });
    if (built.status !== 0) throw new Error('astro build failed');
  }
  // Not through npx: npx forks and the orphaned astro would keep the port (stack.md pitfall 3).
  const server = spawn('node_modules/.bin/astro', ['preview', '--port', String(PORT), '--host', '127.0.0.1', '--outDir', distDir], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
  });
  // The same browser the e2e tests use: CHROMIUM_PATH, Debian's chromium, or Playwright's own.
  const found = await findChromium();
  if ('error' in found) throw new Error(found.error);
  const browser = await chromium.launch({ executablePath: found.path, args: CHROMIUM_ARGS });
  try {
    const base = `http://127.0.0.1:${PORT}`;
    await waitForServer(`${base}/lab/bench/`, server);
    const page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') process.stderr.write(`  chromium console: ${m.text()}\n`);
    });
    const query = new URLSearchParams({ run: '1', ...(only ? { only: only.join(',') } : {}) });
    // 'commit': the page computes for minutes and the load event is not what we wait for (pitfall 5).
    await page.goto(`${base}/lab/bench/?${query.toString()}`, { waitUntil: 'commit' });
    let seen = 0;
    for (;;) {
      const state = await page.locator('#bench-state').getAttribute('data-state', { timeout: 120_000 });
      const lines = await page.locator('#bench-log li').allTextContents();
      for (; seen < lines.length; seen += 1) process.stderr.write(`  chrome ${lines[seen]}\n`);
      if (state === 'done') break;
      if (state === 'error') throw new Error(`bench page failed: ${await page.locator('#bench-state').textContent()}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    return JSON.parse((await page.locator('#bench-json').textContent()) ?? 'null') as BenchReport;
  } finally {
    await browser.close();
    server.kill('SIGTERM');
  }
}

function table(node: BenchReport | null, chrome: BenchReport | null): string {
  const ids = (node ?? chrome)?.rows.map((r) => r.preset) ?? [];
  const find = (rep: BenchReport | null, id: string): BenchRow | undefined => rep?.rows.find((r) => r.preset === id);
  const cells = (r: BenchRow | undefined): string[] =>
    !r ? ['—', '—', '—'] : r.skipped ? ['skipped', '—', '—'] : [formatFixed(r.ms ?? 0, 1), formatFixed(r.gflops ?? 0, 1), formatPercent(r.ratio ?? 0, 0)];
  const header = ['preset', 'GFLOP', 'Node ms', 'Node GFLOP/s', 'Node ratio', 'Chromium ms', 'Chromium GFLOP/s', 'Chromium ratio'];
  const rows = ids.map((id) => {
    const any = (find(node, id) ?? find(chrome, id)) as BenchRow;
    return [id, formatGflop(any.flops, 3).replace(' GFLOP', ''), ...cells(find(node, id)), ...cells(find(chrome, id))];
  });
  const lines = [header, ...rows].map((r) => `| ${r.join(' | ')} |`);
  lines.splice(1, 0, `|${header.map(() => '---').join('|')}|`);
  return lines.join('\n');
}

function roofTable(rep: BenchReport | null): string {
  if (!rep) return '';
  const lines = rep.rows.filter((r) => r.rooflineShape).map((r) => `  ${r.preset}: [${r.rooflineShape!.join(' × ')}] ${formatFixed(r.rooflineMs ?? 0, 1)} ms = ${formatFixed(r.rooflineGflops ?? 0, 1)} GFLOP/s`);
  return `${rep.env} roofline matmuls ([M × K × N]):\n${lines.join('\n')}`;
}

function variantTable(rep: BenchReport | null): string {
  if (!rep || rep.variants.length === 0) return '';
  const lines = rep.variants.map((v) => `  ${v.variant}: ${formatFixed(v.ms, 1)} ms, ${formatFixed(v.gflops, 1)} GFLOP/s, ${formatPercent(v.ratio, 0)} of roofline`);
  return `${rep.env} LLaVA-1.5-7B mlp2x_gelu variants:\n${lines.join('\n')}`;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const node = args.node ? await nodeBench(args.only) : null;
  if (node && args.json) writeFileSync(args.json, `${JSON.stringify({ node, chrome: null }, null, 2)}\n`); // keep Node's numbers if Chromium fails
  let chrome: BenchReport | null = null;
  if (args.browser) {
    try {
      chrome = await browserBench(args.dist, args.only);
    } catch (err) {
      process.stderr.write(`Chromium part failed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  const envLine = [node, chrome].filter((r): r is BenchReport => r !== null).map((r) => `${r.env}: ${r.backend} (SIMD ${String(r.simd)}), tfjs ${r.tfjsVersion}`).join('; ');
  process.stdout.write(`\n${envLine}\nratio = projector GFLOP/s ÷ same-FLOPs plain tf.matMul GFLOP/s, measured in the same run\n\n${table(node, chrome)}\n\n`);
  for (const part of [roofTable(node), roofTable(chrome), variantTable(node), variantTable(chrome)]) if (part) process.stdout.write(`${part}\n\n`);
  if (args.json) writeFileSync(args.json, `${JSON.stringify({ node, chrome }, null, 2)}\n`);
  let ok = true;
  for (const rep of [node, chrome]) {
    const r = rep?.rows.find((x) => x.preset === TARGET.preset);
    if (r && r.ratio !== undefined) {
      const pass = r.ratio >= TARGET.ratio;
      ok &&= pass;
      process.stdout.write(`target ${TARGET.preset} on ${rep!.env}: ${formatPercent(r.ratio, 1)} of roofline (≥ ${formatPercent(TARGET.ratio, 0)}): ${pass ? 'met' : 'MISSED'}\n`);
    }
  }
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
