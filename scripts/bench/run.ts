/**
 * `npm run bench`: projector forward speed on the wasm backend, in Node and in headless Chromium,
 * as a share of the PEAK of the same run: the best of several square tf.matMul products 512–2048
 * (src/bench/bench-core.ts, the same core the Lab benchmark page runs in its Worker).
 *
 *   npm run bench [-- --only llava-1.5-7b,gill-input] [--sizes 512,1024] [--node-only | --browser-only]
 *                 [--variants] [--dist dist] [--json out.json] [--commit]
 *
 * The Chromium part serves an existing build (`--dist`, default dist/; it builds first when the
 * bench page is missing) with its own `astro preview` on port 4430, opens /lab/bench/?run=… with
 * Debian's Chromium through playwright-core, and reads the report the page publishes.
 * `--variants` adds LLaVA-1.5-7B's projector written four other ways. `--commit` writes the Chromium report, with the load averages seen while it ran, to
 * content/data/bench-measurement.json: the measurement the Lab page shows before a reader runs one.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { useBestBackend } from '../../src/runtime/backend';
import { formatFixed, formatGflop, formatPercent } from '../../src/primitives/format';
import { CHROMIUM_ARGS, findChromium } from '../find-chromium.mjs';
import { parseOnly, parsePeakSizes, runBench } from '../../src/bench/bench-core';
import { parseBenchReport, type BenchReport, type BenchRow } from '../../src/bench/report';

const PORT = 4430;
const COMMIT_FILE = 'content/data/bench-measurement.json';

interface Args {
  node: boolean;
  browser: boolean;
  only?: string[];
  sizes?: number[];
  dist: string;
  json?: string;
  commit: boolean;
  variants: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { node: true, browser: true, dist: 'dist', commit: false, variants: false };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--node-only') args.browser = false;
    else if (a === '--browser-only') args.node = false;
    else if (a === '--only') args.only = parseOnly(next().split(',').filter(Boolean));
    else if (a === '--sizes') args.sizes = parsePeakSizes(next().split(',').filter(Boolean).map(Number));
    else if (a === '--commit') args.commit = true;
    else if (a === '--variants') args.variants = true;
    else if (a === '--dist') args.dist = next();
    else if (a === '--json') args.json = next();
    else throw new Error(`unknown option ${a}`);
  }
  return args;
}

const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

const loadText = (): string => loadavg().map((x) => formatFixed(x, 2)).join(' / ') + ' (1 / 5 / 15 min)';

async function nodeBench(args: Args): Promise<BenchReport> {
  const used = await useBestBackend('wasm');
  if (used.backend !== 'wasm') throw new Error(`Node: wasm did not load (${used.fallbackReason ?? '?'})`);
  const cpu = cpus();
  const env = {
    env: 'node' as const,
    runtime: `Node ${process.version} (${process.platform} ${process.arch})`,
    machine: `${cpu.length} logical cores, ${cpu[0]?.model.trim() ?? 'CPU model unknown'}`,
    date: new Date().toISOString(),
    load: `${loadText()} at the start`,
  };
  return runBench(env, { now: () => performance.now(), pause }, {
    only: args.only,
    peakSizes: args.sizes,
    variants: args.variants,
    onPeak: (r) => process.stderr.write(`  node  matMul ${r.n}: ${formatFixed(r.gflops, 1)} GFLOP/s\n`),
    onRow: (r) => process.stderr.write(`  node  ${r.preset}: ${r.skipped ?? `${formatFixed(r.ms ?? 0, 1)} ms`}\n`),
  });
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

async function browserBench(dist: string, args: Args): Promise<BenchReport> {
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
    const query = new URLSearchParams({ run: '1', ...(args.variants ? { variants: '1' } : {}), ...(args.only ? { only: args.only.join(',') } : {}), ...(args.sizes ? { sizes: args.sizes.join(',') } : {}) });
    const loadBefore = loadavg();
    // 'commit': the page computes for minutes and the load event is not what we wait for (pitfall 5).
    await page.goto(`${base}/lab/bench/?${query.toString()}`, { waitUntil: 'commit' });
    let last = '';
    for (;;) {
      const state = await page.locator('[data-bench-root]').getAttribute('data-state', { timeout: 120_000 });
      const status = (await page.locator('[data-bench-status]').textContent()) ?? '';
      if (status !== last) process.stderr.write(`  chrome ${status}\n`);
      last = status;
      if (state === 'done') break;
      if (state === 'error') throw new Error(`bench page failed: ${status}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const report = parseBenchReport(JSON.parse((await page.locator('[data-bench-live-json]').textContent()) ?? 'null'));
    const loadAfter = loadavg();
    return { ...report, load: `${formatFixed(loadBefore[0] ?? 0, 2)} → ${formatFixed(loadAfter[0] ?? 0, 2)} (1-min average before → after, ${cpus().length} cores)` };
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

function peakTable(rep: BenchReport | null): string {
  if (!rep) return '';
  const lines = rep.peak.sizes.map((r) => `  ${r.n} × ${r.n} · ${r.n} × ${r.n}: ${formatFixed(r.ms, 1)} ms = ${formatFixed(r.gflops, 1)} GFLOP/s${r.n === rep.peak.best.n ? '  ← peak' : ''}`);
  return `${rep.env} square matMuls (threads ${String(rep.threads)}):\n${lines.join('\n')}`;
}

function variantTable(rep: BenchReport | null): string {
  if (!rep || rep.variants.length === 0) return '';
  const lines = rep.variants.map((v) => `  ${v.variant}: ${formatFixed(v.ms, 1)} ms, ${formatFixed(v.gflops, 1)} GFLOP/s, ${formatPercent(v.ratio, 0)} of peak`);
  return `${rep.env} LLaVA-1.5-7B mlp2x_gelu variants:\n${lines.join('\n')}`;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const node = args.node ? await nodeBench(args) : null;
  if (node && args.json) writeFileSync(args.json, `${JSON.stringify({ node, chrome: null }, null, 2)}\n`); // keep Node's numbers if Chromium fails
  let chrome: BenchReport | null = null;
  if (args.browser) {
    try {
      chrome = await browserBench(args.dist, args);
    } catch (err) {
      process.stderr.write(`Chromium part failed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  const envLine = [node, chrome].filter((r): r is BenchReport => r !== null).map((r) => `${r.env}: ${r.backend} (SIMD ${String(r.simd)}), tfjs ${r.tfjsVersion}`).join('; ');
  process.stdout.write(`\n${envLine}\nratio = projector GFLOP/s ÷ the peak (best square tf.matMul) GFLOP/s of the same run\n\n${table(node, chrome)}\n\n`);
  for (const part of [peakTable(node), peakTable(chrome), variantTable(node), variantTable(chrome)]) if (part) process.stdout.write(`${part}\n\n`);
  if (args.json) writeFileSync(args.json, `${JSON.stringify({ node, chrome }, null, 2)}\n`);
  if (args.commit) {
    if (!chrome) throw new Error(`--commit needs the Chromium run, which did not finish; ${COMMIT_FILE} is unchanged`);
    writeFileSync(COMMIT_FILE, `${JSON.stringify(parseBenchReport(chrome), null, 2)}\n`);
    process.stdout.write(`wrote ${COMMIT_FILE}\n`);
  }
  // A ratio above 1 means a projector beat the square products: possible within noise for one as
  // plain as a matmul, but a sign that the peak is not a ceiling when it is large.
  const over = [node, chrome].flatMap((rep) => (rep?.rows ?? []).filter((r) => (r.ratio ?? 0) > 1.1).map((r) => `${rep!.env} ${r.preset} ${formatPercent(r.ratio ?? 0, 0)}`));
  if (over.length) process.stdout.write(`above 110% of the peak (noise or a peak that is not one): ${over.join(', ')}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
