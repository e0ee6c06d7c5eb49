/**
 * The projector CLI: as a user runs it (child processes through tsx: describe prints the verified
 * parameter count, forward on a golden fixture reproduces PyTorch's output, a bad argument exits 2)
 * and in-process through `main` (init, --trace, and every bad-argument message: exit code 2 and one
 * message naming the argument, no stack). In-process runs keep the CPU cost low on shared cores.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/projector';
import { spec as mlp } from '../../../src/projectors/mlp';
import { loadWeights, tensorsFromSafetensors } from '../../../src/projectors/weights-io';
import { relError, setupBackend } from './setup';

beforeAll(setupBackend);

const spawn = (cmd: string[], ...args: string[]): { code: number | null; stdout: string; stderr: string } => {
  const [bin, ...pre] = cmd as [string, ...string[]];
  const r = spawnSync(bin, [...pre, 'src/cli/projector.ts', ...args], { cwd: process.cwd(), encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const TSX = [join(process.cwd(), 'node_modules/.bin/tsx')];
async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
  return { code, stdout, stderr };
}
const tmp = mkdtempSync(join(tmpdir(), 'projector-cli-'));
const G = 'tests/fixtures/golden';

describe('projector CLI', () => {
  it('describe --preset llava-1.5-7b prints shapes, params, FLOPs and memory through format.ts', () => {
    const r = spawn(['npx', 'tsx'], 'describe', '--preset', 'llava-1.5-7b');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('params      20,979,712 (21.0M)');
    expect(r.stdout).toContain('verified    20,979,712 (equals the count above)');
    expect(r.stdout).toContain('shapes      vision 1 × 576 × 1,024 → tokens 1 × 576 × 4,096');
    expect(r.stdout).toContain('FLOPs       24.159 GFLOP'); // 2·576·(1024·4096 + 4096²)
    expect(r.stdout).toContain('weights     fp32 80.0 MiB, fp16 40.0 MiB');
  });

  it('forward on the ldp golden fixture reproduces the PyTorch output', () => {
    const out = join(tmp, 'ldp-out.safetensors');
    const r = spawn(TSX, 'forward', '--kind', 'ldp', '--config', `${G}/ldp/config.json`, '--weights', `${G}/ldp/weights.safetensors`, '--input', `${G}/ldp/input.safetensors`, '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const got = tensorsFromSafetensors(readFileSync(out), ['tokens']);
    const ref = tensorsFromSafetensors(readFileSync(`${G}/ldp/output.safetensors`), ['tokens']);
    expect(got.tokens?.shape).toEqual([2, 9, 32]);
    expect(relError(got.tokens?.dataSync() ?? [], ref.tokens?.dataSync() ?? [])).toBeLessThanOrEqual(1e-4);
    tf.dispose([...Object.values(got), ...Object.values(ref)]);
  });

  it('a bad argument in a real process exits 2 with one line on stderr', () => {
    const r = spawn(TSX, 'describe', '--preset', 'llava-9');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^projector: --preset: unknown preset 'llava-9' \(known: [^\n]*\)\n$/);
    expect(r.stdout).toBe('');
  });

  it('forward --trace also writes trace tensors (token-selection indices)', async () => {
    const out = join(tmp, 'ts-out.safetensors');
    const d = `${G}/token-selection`;
    const r = await run('forward', '--kind', 'token-selection', '--config', `${d}/config.json`, '--weights', `${d}/weights.safetensors`, '--input', `${d}/input.safetensors`, '--out', out, '--trace');
    expect(r.code).toBe(0);
    const got = tensorsFromSafetensors(readFileSync(out), ['tokens', 'trace.keptIndices']);
    const ref = tensorsFromSafetensors(readFileSync(`${d}/output.safetensors`), ['keptIndices']);
    expect(got['trace.keptIndices']?.arraySync()).toEqual(ref.keptIndices?.arraySync());
  });

  it('init writes weights that load against the spec', async () => {
    const cfgPath = join(tmp, 'mlp.json');
    writeFileSync(cfgPath, JSON.stringify({ visionDim: 4, llmDim: 6 }));
    const out = join(tmp, 'w.safetensors');
    const r = await run('init', '--kind', 'mlp', '--config', cfgPath, '--seed', '3', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('wrote 72 parameters');
    const w = loadWeights(mlp, { visionDim: 4, llmDim: 6, depth: 2 }, readFileSync(out));
    expect(Object.keys(w).sort()).toEqual(['0.bias', '0.weight', '2.bias', '2.weight']);
    tf.dispose(Object.values(w));
  });

  it.each([
    [['describe', '--preset', 'llava-9'], "--preset: unknown preset 'llava-9'"],
    [['forward', '--kind', 'mlp', '--config', `${G}/mlp/config.json`], 'missing required argument --weights'],
    [['forward', '--kind', 'mlpx', '--config', 'x', '--weights', 'x', '--input', 'x', '--out', 'x'], "--kind: unknown projector kind 'mlpx'"],
    [['init', '--kind', 'mlp', '--config', 'nope.json', '--seed', '1', '--out', 'x'], "--config: cannot read 'nope.json' (ENOENT)"],
    [['init', '--kind', 'mlp', '--config', `${G}/ldp/config.json`, '--seed', '1', '--out', 'x'], "--config: invalid mlp config: config.(root): Unrecognized key(s) in object: 'version'"],
    [['init', '--kind', 'mlp', '--config', `${G}/mlp/config.json`, '--seed', '-4', '--out', 'x'], '--seed must be a non-negative integer'],
    [['forward', '--kind', 'mlp', '--config', `${G}/mlp/config.json`, '--weights', `${G}/linear/weights.safetensors`, '--input', `${G}/mlp/input.safetensors`, '--out', 'x'], "--weights: weights do not fit mlp (6 problems): missing tensor '0.weight'"],
    [['forward', '--kind', 'mlp', '--config', `${G}/mlp/config.json`, '--weights', `${G}/mlp/weights.safetensors`, '--input', `${G}/ldp/input.safetensors`, '--out', 'x'], '--input: vision: expected [B, Nv, Dv] with Dv = visionDim = 24, got [2, 25, 16]'],
    [['describe', '--bogus', '1'], "unknown option --bogus for 'describe'"],
    [['fly'], "unknown command 'fly'"],
  ])('bad arguments %j exit 2 with one message naming the argument', async (args, message) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stdout).toBe('');
  });
});
