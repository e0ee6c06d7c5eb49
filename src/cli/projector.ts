/**
 * Projector CLI: `list`, `describe`, `init` and `forward` over the projector registry, reading and
 * writing safetensors with PyTorch names (run as `npm run projector -- <cmd>`).
 *
 * Shapes: forward reads `vision` [B, Nv, Dv] (and `text` [B, Nt, Dm] / `mask` [B, Nt] where the
 * kind needs them) and writes `tokens` (plus `trace.<key>` tensors with --trace).
 * Papers: per projector module. Departures: none (a thin shell over src/projectors).
 * Exit codes: 0 ok, 2 bad arguments or files (one message naming the argument), 1 anything else.
 * Numbers are printed only through src/primitives/format.ts.
 */
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { formatBytes, formatCount, formatGflop, formatInt, formatShape } from '../primitives/format';
import { useBestBackend } from '../runtime/backend';
import { getPreset, presets } from '../projectors/presets';
import { getProjector, isKind, listKinds, parseConfig, type AnySpec } from '../projectors/registry';
import type { InputShapes } from '../projectors/types';
import { loadWeights, saveWeights, tensorsFromSafetensors, tensorsToSafetensors } from '../projectors/weights-io';

/** An error caused by the user's arguments or files: printed as one line, exit code 2. */
class UsageError extends Error {}

/** Where output goes: process streams by default, captured strings in tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const processIo: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
let io: Io = processIo;

const USAGE = `usage: projector <command> [options]
  list                                   kinds and presets
  describe --preset ID                   shapes, parameters, FLOPs and weight memory of a real model's projector
  describe --kind K [--config cfg.json]  the same for a kind (defaults when no config)
  init     --kind K --config cfg.json --seed N --out w.safetensors
  forward  --kind K --config cfg.json --weights w.safetensors --input x.safetensors --out y.safetensors [--trace]`;

const COMMANDS: Record<string, { required: string[]; optional: string[]; flags: string[] }> = {
  list: { required: [], optional: [], flags: [] },
  describe: { required: [], optional: ['preset', 'kind', 'config'], flags: [] },
  init: { required: ['kind', 'config', 'seed', 'out'], optional: [], flags: [] },
  forward: { required: ['kind', 'config', 'weights', 'input', 'out'], optional: [], flags: ['trace'] },
};

type Args = Record<string, string | true>;

function parseArgs(argv: string[]): { command: string; args: Args } {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') throw new UsageError(`missing command\n${USAGE}`);
  const shape = COMMANDS[command];
  if (!shape) throw new UsageError(`unknown command '${command}' (known: ${Object.keys(COMMANDS).join(', ')})\n${USAGE}`);
  const args: Args = {};
  for (let i = 0; i < rest.length; i += 1) {
    const token = rest[i] as string;
    if (!token.startsWith('--')) throw new UsageError(`unexpected argument '${token}' (options look like --name value)`);
    const name = token.slice(2);
    if (shape.flags.includes(name)) {
      args[name] = true;
      continue;
    }
    if (!shape.required.includes(name) && !shape.optional.includes(name)) {
      throw new UsageError(`unknown option --${name} for '${command}' (accepted: ${[...shape.required, ...shape.optional, ...shape.flags].map((n) => `--${n}`).join(', ') || 'none'})`);
    }
    const value = rest[i + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
    args[name] = value;
    i += 1;
  }
  for (const name of shape.required) if (!(name in args)) throw new UsageError(`missing required argument --${name}`);
  return { command, args };
}

const str = (args: Args, name: string): string => args[name] as string;

function readFile(args: Args, name: string): Uint8Array {
  try {
    return readFileSync(str(args, name));
  } catch (err) {
    throw new UsageError(`--${name}: cannot read '${str(args, name)}' (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** Wrap any Error raised while using argument `name` so the message names it. */
function blame<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--${name}: ${(err as Error).message}`);
  }
}

function kindArg(args: Args): AnySpec {
  const kind = str(args, 'kind');
  if (!isKind(kind)) throw new UsageError(`--kind: unknown projector kind '${kind}' (known: ${listKinds().join(', ')})`);
  return getProjector(kind);
}

function configArg(args: Args, spec: AnySpec): unknown {
  const bytes = readFile(args, 'config');
  return blame('config', () => {
    let raw: unknown;
    try {
      raw = JSON.parse(new TextDecoder().decode(bytes));
    } catch (err) {
      throw new Error(`invalid JSON (${(err as Error).message})`);
    }
    return parseConfig(spec.kind, raw);
  });
}

/** The site's own backend selection (wasm with the kernel patch; cpu only as a named fallback). */
async function useBackend(): Promise<void> {
  const used = await useBestBackend('wasm');
  if (used.backend !== 'wasm') io.err(`note: ${used.fallbackReason ?? 'the wasm backend did not initialise'}; using the (slower) cpu backend\n`);
}

function list(): void {
  const lines = ['kinds:'];
  for (const kind of listKinds()) {
    const spec = getProjector(kind);
    lines.push(`  ${kind.padEnd(26)} ${spec.side.padEnd(16)} ${spec.title}`);
  }
  lines.push('presets:');
  for (const p of Object.values(presets).sort((a, b) => a.id.localeCompare(b.id))) {
    const params = getProjector(p.kind).paramCount(parseConfig(p.kind, p.config));
    lines.push(`  ${p.id.padEnd(32)} ${p.kind.padEnd(26)} ${formatCount(params).padStart(7)}  ${p.model}`);
  }
  io.out(`${lines.join('\n')}\n`);
}

function describeLines(spec: AnySpec, cfg: unknown, input: InputShapes | undefined): string[] {
  const params = spec.paramCount(cfg);
  const lines = [
    `kind        ${spec.kind} (${spec.title}), ${spec.side} side`,
    `config      ${JSON.stringify(cfg)}`,
    `params      ${formatInt(params)} (${formatCount(params)})`,
    `weights     fp32 ${formatBytes(4 * params)}, fp16 ${formatBytes(2 * params)}`,
  ];
  if (input) {
    const out = spec.outputShape(cfg, input);
    const text = input.text ? `, text ${formatShape(input.text)}` : '';
    lines.push(`shapes      vision ${formatShape(input.vision)}${text} → tokens ${formatShape(out)}`);
    lines.push(`FLOPs       ${formatGflop(spec.flops(cfg, input), 3)} (${formatInt(spec.flops(cfg, input))}) for this input`);
  }
  lines.push(`kind cites  ${spec.cite.join(', ')}`);
  return lines;
}

function describe(args: Args): void {
  if (args.preset !== undefined) {
    if (args.kind !== undefined || args.config !== undefined) throw new UsageError('--preset cannot be combined with --kind or --config');
    const preset = blame('preset', () => getPreset(str(args, 'preset')));
    const spec = getProjector(preset.kind);
    const cfg = parseConfig(preset.kind, preset.config);
    const params = spec.paramCount(cfg);
    const lines = [`preset      ${preset.id}: ${preset.model}`, ...describeLines(spec, cfg, preset.input)];
    if (preset.verifiedParams !== undefined) {
      lines.push(`verified    ${formatInt(preset.verifiedParams)} ${params === preset.verifiedParams ? '(equals the count above)' : '(DIFFERS from the count above)'}`);
    }
    if (preset.outputTokens !== undefined) lines.push(`out tokens  ${formatInt(preset.outputTokens)} per image/tile`);
    lines.push(`source      ${preset.sourceLocator}`, `papers      ${preset.cite.join(', ')}`, `note        ${preset.note}`);
    io.out(`${lines.join('\n')}\n`);
    return;
  }
  if (args.kind === undefined) throw new UsageError('describe needs --preset ID or --kind K');
  const spec = kindArg(args);
  const cfg = args.config !== undefined ? configArg(args, spec) : spec.defaults;
  io.out(`${describeLines(spec, cfg, undefined).join('\n')}\n`);
}

async function init(args: Args): Promise<void> {
  const spec = kindArg(args);
  const cfg = configArg(args, spec);
  const seed = Number(str(args, 'seed'));
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer, got '${str(args, 'seed')}'`);
  await useBackend();
  const weights = spec.init(cfg, seed);
  const bytes = saveWeights(weights, { kind: spec.kind, seed: String(seed), config: JSON.stringify(cfg) });
  tf.dispose(Object.values(weights));
  writeOut(args, bytes);
  io.out(`wrote ${formatInt(spec.paramCount(cfg))} parameters (${formatBytes(bytes.length)}) to ${str(args, 'out')}\n`);
}

async function forward(args: Args): Promise<void> {
  const spec = kindArg(args);
  const cfg = configArg(args, spec);
  const weightBytes = readFile(args, 'weights');
  const inputBytes = readFile(args, 'input');
  await useBackend();
  const weights = blame('weights', () => loadWeights(spec, cfg, weightBytes));
  const inputs = blame('input', () => tensorsFromSafetensors(inputBytes, ['vision']));
  try {
    const input = {
      vision: inputs.vision as tf.Tensor3D,
      text: inputs.text as tf.Tensor3D | undefined,
      mask: inputs.mask as tf.Tensor2D | undefined,
    };
    blame('input', () => spec.outputShape(cfg, { vision: input.vision.shape, text: input.text?.shape, mask: input.mask?.shape }));
    const { tokens, trace } = blame('input', () => spec.apply(cfg, weights, input));
    const out: Record<string, tf.Tensor> = { tokens };
    if (args.trace) for (const [k, v] of Object.entries(trace)) out[`trace.${k}`] = v;
    writeOut(args, tensorsToSafetensors(out, { kind: spec.kind }));
    io.out(`tokens ${formatShape(tokens.shape)} written to ${str(args, 'out')}\n`);
    tf.dispose([tokens, ...Object.values(trace)]);
  } finally {
    tf.dispose([...Object.values(weights), ...Object.values(inputs)]);
  }
}

function writeOut(args: Args, bytes: Uint8Array): void {
  try {
    writeFileSync(str(args, 'out'), bytes);
  } catch (err) {
    throw new UsageError(`--out: cannot write '${str(args, 'out')}' (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** Run one command; returns the exit code (0 ok, 2 bad arguments or files, 1 other errors). */
export async function main(argv: string[], sink: Io = processIo): Promise<number> {
  io = sink;
  try {
    const { command, args } = parseArgs(argv);
    if (command === 'list') list();
    else if (command === 'describe') describe(args);
    else if (command === 'init') await init(args);
    else await forward(args);
    return 0;
  } catch (err) {
    io.err(`projector: ${(err as Error).message}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}

// Run only when executed as a script (tests import main instead).
const invoked = process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
if (invoked) process.exitCode = await main(process.argv.slice(2));
