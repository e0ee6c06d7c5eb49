/**
 * Runs the reader's own forward pass (the code cell) against the library's, on the same seeded
 * weights and input, and reports the largest absolute difference. The code is compiled with
 * `new Function`, so this module is only ever loaded in its own dedicated Worker
 * (./code-worker.ts), never on a page: the site's pages keep a policy without eval, and the code
 * has no DOM, no page state and no cookies to reach. Errors come back as messages with the line of
 * the cell they point at, never as exceptions.
 */
import * as tf from '@tensorflow/tfjs';
import { formatBytes } from '../../src/primitives/format';
import { getProjector, parseConfig } from '../../src/projectors/registry';
import { describeProjector, MEMORY_BUDGET_BYTES } from './describe';
import { runRequestSchema } from './run';

export type UserCodeResult =
  | { ok: true; outputShape: number[]; maxAbsDiff: number; libraryMaxAbs: number }
  | { ok: false; stage: 'request' | 'compile' | 'run' | 'result'; message: string; line?: number };

/** Lines before the cell's first line in the compiled source: `function anonymous(…`, `) {`, our "use strict". */
const HEADER_LINES = 3;

function lineOf(err: unknown): number | undefined {
  const stack = err instanceof Error ? (err.stack ?? '') : '';
  // V8 names the compiled body's frames `<anonymous>:line:column` inside an `eval at …` frame.
  const m = /<anonymous>:(\d+):\d+/.exec(stack.split('\n').find((l) => l.includes('eval at')) ?? '');
  if (!m) return undefined;
  const line = Number(m[1]) - HEADER_LINES;
  return line >= 1 ? line : undefined;
}

const describeValue = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object that is not a tensor' : typeof v);

export async function runUserCode(code: string, raw: unknown): Promise<UserCodeResult> {
  const parsed = runRequestSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, stage: 'request', message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  const req = parsed.data;
  let config: unknown;
  let d;
  try {
    config = parseConfig(req.kind, req.config);
    d = describeProjector(getProjector(req.kind).kind, config, req.tokens);
  } catch (err) {
    return { ok: false, stage: 'request', message: (err as Error).message };
  }
  if (d.memory.totalBytes > MEMORY_BUDGET_BYTES) return { ok: false, stage: 'request', message: `over the memory budget (${formatBytes(d.memory.totalBytes)} > ${formatBytes(MEMORY_BUDGET_BYTES)})` };
  if (code.length > 100_000) return { ok: false, stage: 'compile', message: `the code is ${code.length} characters; the cell takes at most 100,000` };

  let fn: (...args: unknown[]) => unknown;
  try {
    // eslint-disable-next-line no-new-func -- the one deliberate use: the reader's code, inside its own Worker
    fn = new Function('tf', 'weights', 'x', 'cfg', 'outputShape', `"use strict";\n${code}`) as (...args: unknown[]) => unknown;
  } catch (err) {
    return { ok: false, stage: 'compile', message: `${(err as Error).name}: ${(err as Error).message}` };
  }

  const spec = getProjector(req.kind);
  const weights = spec.init(config, req.seed);
  const vision = tf.randomNormal<tf.Rank.R3>([...d.input.vision] as [number, number, number], 0, 1, 'float32', req.seed);
  const text = d.input.text ? tf.randomNormal<tf.Rank.R3>([...d.input.text] as [number, number, number], 0, 1, 'float32', req.seed + 1) : undefined;
  try {
    const lib = spec.apply(config, weights, text ? { vision, text } : { vision });
    tf.dispose(Object.values(lib.trace));
    try {
      let out: unknown;
      tf.engine().startScope(); // every tensor the reader's code makes is released at endScope
      try {
        try {
          out = await fn(tf, Object.freeze({ ...weights }), Object.freeze(text ? { vision, text } : { vision }), Object.freeze({ ...(config as object) }), [...d.output]);
        } catch (err) {
          const line = lineOf(err);
          return { ok: false, stage: 'run', message: `${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`, ...(line ? { line } : {}) };
        }
        if (!(out instanceof tf.Tensor)) return { ok: false, stage: 'result', message: `the cell returned ${describeValue(out)}; it must return a tf.Tensor of shape [${d.output.join(', ')}]` };
        if (out.shape.join() !== lib.tokens.shape.join()) return { ok: false, stage: 'result', message: `the cell returned shape [${out.shape.join(', ')}]; the library's output is [${lib.tokens.shape.join(', ')}]` };
        const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(out as tf.Tensor, lib.tokens))).dataSync()[0] as number);
        const libMax = tf.tidy(() => tf.max(tf.abs(lib.tokens)).dataSync()[0] as number);
        if (!Number.isFinite(diff)) return { ok: false, stage: 'result', message: 'the cell returned values that are not finite (NaN or infinity)' };
        return { ok: true, outputShape: [...out.shape], maxAbsDiff: diff, libraryMaxAbs: libMax };
      } finally {
        tf.engine().endScope();
      }
    } finally {
      lib.tokens.dispose();
    }
  } finally {
    tf.dispose([...Object.values(weights), vision, ...(text ? [text] : [])]);
  }
}
