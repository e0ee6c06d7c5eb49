/**
 * The ProjectorSpec contract, for every kind of the registry (at least two configs each, from
 * ./cases): shape table, errors naming the bad argument (config schema and input shapes) in the one
 * error style, config JSON round trip, closed-form paramCount = summed weightSpecs = summed
 * initialised weights with unique names and matching shapes, determinism by seed, no leaked
 * tensors, bit-identical repeated apply, and gradients reaching every weight through
 * tf.variableGrads on the wasm backend (exactly zero for weights that cannot reach the output).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fnv1aFloat32 } from '../../../src/primitives/rng';
import { clipLoss } from '../../../src/projectors/dual-projection';
import { specsSize, weightsSize } from '../../../src/projectors/ops/common';
import { getProjector, listKinds, parseConfig } from '../../../src/projectors/registry';
import type { Weights } from '../../../src/projectors/types';
import { cases, disposeInput, makeInput } from './cases';
import { disposeWeights, setupBackend } from './setup';

beforeAll(setupBackend);

const hashWeights = (w: Weights): string => {
  const names = Object.keys(w).sort();
  const all = new Float32Array(names.reduce((a, n) => a + (w[n]?.size ?? 0), 0));
  let off = 0;
  for (const n of names) {
    const d = w[n]?.dataSync() as Float32Array;
    all.set(d, off);
    off += d.length;
  }
  return fnv1aFloat32(all);
};

describe('registry coverage', () => {
  it('every registered kind has at least two contract cases, and every case names a registered kind', () => {
    for (const kind of listKinds()) expect(cases.filter((c) => c.kind === kind).length, kind).toBeGreaterThanOrEqual(2);
    for (const c of cases) expect(listKinds(), c.name).toContain(c.kind);
  });

  it('every kind is one file named after it that exports schema, defaults and spec (and the type Config), and imports no other kind', async () => {
    for (const kind of listKinds()) {
      const mod = (await import(`../../../src/projectors/${kind}.ts`)) as Record<string, unknown>;
      expect(mod.spec, kind).toBe(getProjector(kind));
      expect(mod.schema, kind).toBe(getProjector(kind).schema);
      expect(mod.defaults, kind).toBe(getProjector(kind).defaults);
      const source = readFileSync(join(process.cwd(), 'src/projectors', `${kind}.ts`), 'utf8');
      expect(source, kind).toContain('export type Config = z.infer<typeof schema>;');
      const imports = [...source.matchAll(/^import [^;]*? from '([^']+)';/gms)].map((m) => m[1] as string);
      const foreign = imports.filter((i) => !/^(@tensorflow\/tfjs|zod|\.\/ops\/[a-z0-9-]+|\.\/types|\.\.\/primitives\/[a-z0-9-]+)$/.test(i));
      expect(foreign, `${kind} may import only ops/, types and primitives`).toEqual([]);
    }
  });

  it('every kind validates its own defaults', () => {
    for (const kind of listKinds()) {
      const spec = getProjector(kind);
      expect(parseConfig(kind, spec.defaults)).toEqual(spec.defaults);
    }
  });
});

describe.each(cases)('$name', (c) => {
  const spec = getProjector(c.kind);
  const cfg = parseConfig(c.kind, c.cfg);

  it('config survives a JSON round trip through the schema', () => {
    expect(parseConfig(c.kind, JSON.parse(JSON.stringify(cfg)))).toEqual(cfg);
  });

  it('rejects a bad config field and an unknown field, naming them', () => {
    expect(() => parseConfig(c.kind, { ...c.cfg, [c.badField]: -1 })).toThrow(`config.${c.badField}`);
    const bad = spec.schema.safeParse({ ...c.cfg, [c.badField]: -1 });
    expect(bad.success).toBe(false);
    if (!bad.success) expect(bad.error.issues[0]?.path).toEqual([c.badField]);
    expect(() => parseConfig(c.kind, { ...c.cfg, bogusField: 1 })).toThrow("Unrecognized key(s) in object: 'bogusField'");
  });

  it('outputShape and apply agree with the shape table', () => {
    expect(spec.outputShape(cfg, c.input)).toEqual(c.out);
    const w = spec.init(cfg, 1);
    const x = makeInput(c.input, 3);
    const { tokens, trace } = spec.apply(cfg, w, x);
    expect(tokens.shape).toEqual(c.out);
    expect(Array.from(tokens.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([tokens, ...Object.values(trace)]);
    disposeWeights(w);
    disposeInput(x);
  });

  it('rejects a bad input shape with the one error style (outputShape and apply, before any tensor work)', () => {
    expect(() => spec.outputShape(cfg, c.badInput)).toThrow(c.badInputMessage);
    expect(() => spec.flops(cfg, c.badInput)).toThrow(c.badInputMessage);
    const shapes = [c.badInput.vision, c.badInput.text ?? [1], c.badInput.mask ?? [1]];
    if (c.badInput.vision.length === 3 && shapes.every((s) => s.every((d) => d > 0))) {
      const w = spec.init(cfg, 1);
      const x = makeInput(c.badInput, 3);
      const before = tf.memory().numTensors;
      expect(() => spec.apply(cfg, w, x)).toThrow(c.badInputMessage);
      expect(tf.memory().numTensors).toBe(before);
      disposeWeights(w);
      disposeInput(x);
    }
  });

  it('closed-form paramCount = summed weightSpecs = summed initialised weights, unique names, same shapes', () => {
    const w = spec.init(cfg, 5);
    const specs = spec.weightSpecs(cfg);
    expect(spec.paramCount(cfg)).toBe(specsSize(specs));
    expect(weightsSize(w)).toBe(spec.paramCount(cfg));
    expect(new Set(specs.map((s) => s.name)).size).toBe(specs.length);
    expect(Object.keys(w).sort()).toEqual(specs.map((s) => s.name).sort());
    for (const s of specs) expect(w[s.name]?.shape).toEqual([...s.shape]);
    disposeWeights(w);
  });

  it('is deterministic by seed (init and forward) and bit-identical when repeated', () => {
    const a = spec.init(cfg, 11);
    const b = spec.init(cfg, 11);
    const d = spec.init(cfg, 12);
    expect(hashWeights(a)).toBe(hashWeights(b));
    expect(hashWeights(a)).not.toBe(hashWeights(d));
    const x = makeInput(c.input, 4);
    const ya = spec.apply(cfg, a, x);
    const yb = spec.apply(cfg, b, x);
    const again = spec.apply(cfg, a, x);
    const hash = fnv1aFloat32(ya.tokens.dataSync() as Float32Array);
    expect(fnv1aFloat32(yb.tokens.dataSync() as Float32Array)).toBe(hash);
    expect(fnv1aFloat32(again.tokens.dataSync() as Float32Array)).toBe(hash);
    tf.dispose([ya.tokens, yb.tokens, again.tokens, ...Object.values(ya.trace), ...Object.values(yb.trace), ...Object.values(again.trace)]);
    [a, b, d].forEach(disposeWeights);
    disposeInput(x);
  });

  it('leaks no tensors: only the returned tokens and trace remain', () => {
    const w = spec.init(cfg, 2);
    const x = makeInput(c.input, 5);
    const before = tf.memory().numTensors;
    const { tokens, trace } = spec.apply(cfg, w, x);
    const returned = new Set([tokens, ...Object.values(trace)].map((t) => t.id)).size;
    expect(tf.memory().numTensors).toBe(before + returned);
    tf.dispose([tokens, ...Object.values(trace)]);
    expect(tf.memory().numTensors).toBe(before);
    disposeWeights(w);
    disposeInput(x);
  });

  it('is differentiable: tf.variableGrads gives a finite gradient for every weight, non-zero unless it cannot reach the output', () => {
    const init = spec.init(cfg, 9);
    c.adjust?.(init);
    const names = Object.keys(init);
    const vars: Record<string, tf.Variable> = Object.fromEntries(names.map((n, i) => [n, tf.variable(init[n] as tf.Tensor, true, `${c.name}/${n}/${i}`)]));
    const x = makeInput(c.input, 6);
    const { value, grads } = tf.variableGrads(() => {
      const { tokens, trace } = spec.apply(cfg, vars, x);
      let loss = tokens.square().sum() as tf.Scalar;
      if (c.kind === 'codebook') loss = loss.add(trace.loss as tf.Scalar);
      if (c.kind === 'dual-projection') loss = loss.add(clipLoss(trace.logitsPerImage as tf.Tensor2D));
      return loss;
    }, Object.values(vars));
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    for (const [n, v] of Object.entries(vars)) {
      const g = grads[v.name];
      expect(g, `gradient of '${n}'`).toBeDefined();
      const vals = Array.from(g?.dataSync() ?? []);
      const isDead = c.dead?.test(n) ?? false;
      expect(vals.every(Number.isFinite), `finite gradient of '${n}'`).toBe(true);
      expect(vals.some((v2) => v2 !== 0), `gradient of '${n}' should be ${isDead ? 'zero' : 'non-zero'}`).toBe(!isDead);
    }
    tf.dispose([value, ...Object.values(grads), ...Object.values(vars), ...Object.values(init)]);
    disposeInput(x);
  });
});
