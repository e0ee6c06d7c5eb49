/**
 * Runs notebooks in Node on the wasm backend and writes content/data/<id>.json.
 *
 *   npm run notebook -- <id> [--seed N] [--set key=value]... [--backend wasm|cpu] [--out file]
 *   npm run notebooks                 (= --all: regenerate every committed result from its defaults)
 *   npm run notebook -- --check       (exit 1 and list the ids whose committed result is stale)
 *   npm run notebook -- --list        (ids and config keys)
 *
 * A notebook whose card declares a seed sweep is also rerun over the sweep's seeds, and the spread
 * of its headline numbers is written into the result as `seedSweep` (a live browser run is one seed).
 *
 * Exit codes: 0 ok, 1 stale results (--check), 2 bad usage or bad config (the message names it).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useBestBackend, type BackendName } from '../../src/runtime/backend';
import { applyOverrides, describeFields } from './config-codec';
import { getNotebook, listNotebooks } from '../registry';
import { runWithMeta, serializeRecord, type RunRecord } from './run-meta';
import { ConfigError, type AnyNotebook } from '../types';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const resultPath = (id: string): string => resolve(ROOT, 'content', 'data', `${id}.json`);

class UsageError extends Error {}

interface Args {
  mode: 'one' | 'all' | 'check' | 'list' | 'help';
  id?: string;
  seed?: string;
  sets: [string, string][];
  backend: BackendName;
  out?: string;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { mode: 'one', sets: [], backend: 'wasm' };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i] as string;
    if (a === '--all') args.mode = 'all';
    else if (a === '--check') args.mode = 'check';
    else if (a === '--list') args.mode = 'list';
    else if (a === '--help' || a === '-h') args.mode = 'help';
    else if (a === '--seed') args.seed = value(i++, a);
    else if (a === '--out') args.out = value(i++, a);
    else if (a === '--backend') {
      const b = value(i++, a);
      if (b !== 'wasm' && b !== 'cpu') throw new UsageError(`--backend must be wasm or cpu (got "${b}")`);
      args.backend = b;
    } else if (a === '--set') {
      const pair = value(i++, a);
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new UsageError(`--set expects key=value (got "${pair}")`);
      args.sets.push([pair.slice(0, eq), pair.slice(eq + 1)]);
    } else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else if (args.id === undefined) args.id = a;
    else throw new UsageError(`unexpected argument "${a}" (one notebook id at a time)`);
  }
  if (args.mode === 'one' && args.id === undefined) throw new UsageError('missing notebook id');
  if (args.mode !== 'one' && (args.id !== undefined || args.seed !== undefined || args.sets.length > 0)) {
    throw new UsageError('--all, --check and --list take no id, --seed or --set');
  }
  return args;
}

const usage = (): string =>
  [
    'usage: npm run notebook -- <id> [--seed N] [--set key=value]... [--backend wasm|cpu] [--out file]',
    '       npm run notebooks            regenerate every committed result',
    '       npm run notebook -- --check  list stale committed results (exit 1)',
    '       npm run notebook -- --list   notebooks and their config keys',
    `notebooks: ${listNotebooks().map((n) => n.id).join(', ')}`,
  ].join('\n');

/** A progress line on stderr, so stdout stays clean for piping. */
function progressPrinter(id: string): (fraction: number, message: string) => void {
  let last = -1;
  return (fraction, message) => {
    const pct = Math.floor(fraction * 10) * 10;
    if (pct !== last) {
      last = pct;
      process.stderr.write(`  ${id}: ${pct}% ${message}\n`);
    }
  };
}

async function runOne(nb: AnyNotebook, config: unknown, backend: BackendName): Promise<RunRecord> {
  const used = await useBestBackend(backend);
  if (used.fallbackReason) process.stderr.write(`warning: ${used.fallbackReason}; running on ${used.backend}\n`);
  return runWithMeta(nb, config, { onProgress: progressPrinter(nb.id), signal: new AbortController().signal }, used, { seedSweep: true });
}

function write(path: string, record: RunRecord): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, serializeRecord(record));
  process.stdout.write(`wrote ${path}\n`);
}

/** Runs the committed config again and reports whether the file would change. */
async function isStale(nb: AnyNotebook, backend: BackendName): Promise<string | null> {
  let committed: string;
  try {
    committed = readFileSync(resultPath(nb.id), 'utf8');
  } catch {
    return 'no committed result';
  }
  const fresh = serializeRecord(await runOne(nb, nb.defaults, backend));
  return fresh === committed ? null : 'differs from a fresh run of the defaults';
}

export async function main(argv: readonly string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n${usage()}\n`);
      return 2;
    }
    throw err;
  }
  if (args.mode === 'help') {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  if (args.mode === 'list') {
    for (const nb of listNotebooks()) {
      process.stdout.write(`${nb.id}: ${nb.title}\n`);
      for (const f of describeFields(nb)) process.stdout.write(`  ${f.key} (${f.kind}${f.options ? `: ${f.options.join('|')}` : ''}) ${f.label}\n`);
    }
    return 0;
  }
  if (args.mode === 'all') {
    for (const nb of listNotebooks()) write(resultPath(nb.id), await runOne(nb, nb.defaults, args.backend));
    return 0;
  }
  if (args.mode === 'check') {
    const stale: string[] = [];
    for (const nb of listNotebooks()) {
      const why = await isStale(nb, args.backend);
      if (why) stale.push(`${nb.id} (${why}): run \`npm run notebook -- ${nb.id}\``);
    }
    if (stale.length > 0) {
      process.stderr.write(`stale results:\n${stale.map((s) => `  ${s}`).join('\n')}\n`);
      return 1;
    }
    process.stdout.write('all committed results are fresh\n');
    return 0;
  }
  let nb: AnyNotebook;
  try {
    nb = getNotebook(args.id as string);
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 2;
  }
  const pairs: [string, string][] = args.seed !== undefined ? [['seed', args.seed], ...args.sets] : args.sets;
  const { config, issues } = applyOverrides(nb, nb.defaults, pairs);
  if (issues.length > 0) {
    process.stderr.write(`error: bad config for ${nb.id}:\n${issues.map((i) => `  ${i.message.startsWith(i.field) ? i.message : `${i.field}: ${i.message}`}`).join('\n')}\n`);
    process.stderr.write(`keys: ${describeFields(nb).map((f) => f.key).join(', ')}\n`);
    return 2;
  }
  try {
    write(args.out ? resolve(args.out) : resultPath(nb.id), await runOne(nb, config, args.backend));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`error: bad config for ${nb.id}: ${err.message}\n`);
      return 2;
    }
    // A run that fails on valid input is a bug or an unsupported combination: say which, no stack.
    process.stderr.write(`error: ${nb.id} failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  return 0;
}

// Run only as a script, so tests can import main().
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(3);
    },
  );
}
