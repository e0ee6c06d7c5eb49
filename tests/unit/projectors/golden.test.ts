/**
 * Golden parity, for every kind of the registry: each fixture in tests/fixtures/golden/ (written
 * with PyTorch by scripts/golden/basic_kinds.py and scripts/golden/attention_kinds.py; meta.json
 * names its kind) is loaded through weights-io (which rejects a state dict whose names, shapes or
 * dtypes differ from weightSpecs), run through the tfjs module on the wasm backend, and compared:
 * rel. error max|a − b| / max(1, max|b|) ≤ 1e-4 for `tokens` and every float trace tensor saved
 * (tighter where a tensor is pure arithmetic, e.g. the Qwen-VL position tables), exact equality for
 * integer traces (indices). Every output the fixture holds must be produced.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { positionTable, type Config as ResamplerConfig } from '../../../src/projectors/cross-attention-resampler';
import { clipLoss } from '../../../src/projectors/dual-projection';
import { getProjector, listKinds, parseConfig } from '../../../src/projectors/registry';
import type { ApplyOutput, Weights } from '../../../src/projectors/types';
import { loadWeights, tensorsFromSafetensors } from '../../../src/projectors/weights-io';
import { relError, setupBackend } from './setup';

const ROOT = join(process.cwd(), 'tests/fixtures/golden');
const kindOf = (dir: string): string => (JSON.parse(readFileSync(join(ROOT, dir, 'meta.json'), 'utf8')) as { kind: string }).kind;
const fixtures = readdirSync(ROOT).sort();

/** Outputs a fixture holds beyond tokens and trace, computed from the module's own exports. */
const EXTRAS: Record<string, (cfg: unknown, out: ApplyOutput, inputs: Record<string, tf.Tensor>) => Record<string, tf.Tensor>> = {
  'dual-projection': (_cfg, out) => ({ clipLoss: clipLoss(out.trace.logitsPerImage as tf.Tensor2D) }),
  'cross-attention-resampler': (cfg, _out, inputs) => {
    const c = cfg as ResamplerConfig;
    return { pos_query: positionTable(c, c.numQueries), pos_key: positionTable(c, inputs.vision?.shape[1] as number) };
  },
};
/** Pure-arithmetic outputs held to a tighter tolerance than the 1e-4 of a forward pass. */
const TOLERANCE: Record<string, number> = { pos_query: 1e-6, pos_key: 1e-5 };

beforeAll(setupBackend);

describe('golden parity with PyTorch', () => {
  it('every fixture has meta.json naming a registered kind, and every kind has a fixture', () => {
    const kinds = fixtures.map(kindOf);
    for (const k of kinds) expect(listKinds()).toContain(k);
    expect([...new Set(kinds)].sort()).toEqual([...listKinds()].sort());
  });

  it.each(fixtures)('%s matches PyTorch', (dir) => {
    const kind = kindOf(dir);
    const spec = getProjector(kind);
    const cfg = parseConfig(kind, JSON.parse(readFileSync(join(ROOT, dir, 'config.json'), 'utf8')));
    const weights: Weights = loadWeights(spec, cfg, readFileSync(join(ROOT, dir, 'weights.safetensors')));
    expect(Object.keys(weights).sort()).toEqual(spec.weightSpecs(cfg).map((s) => s.name).sort());
    const inputs = tensorsFromSafetensors(readFileSync(join(ROOT, dir, 'input.safetensors')), ['vision']);
    const expected = tensorsFromSafetensors(readFileSync(join(ROOT, dir, 'output.safetensors')), ['tokens']);
    const out = spec.apply(cfg, weights, {
      vision: inputs.vision as tf.Tensor3D,
      ...(inputs.text ? { text: inputs.text as tf.Tensor3D } : {}),
      ...(inputs.mask ? { mask: inputs.mask as tf.Tensor2D } : {}),
    });
    const got: Record<string, tf.Tensor> = { tokens: out.tokens, ...out.trace, ...(EXTRAS[kind]?.(cfg, out, inputs) ?? {}) };
    let worst = 0;
    for (const [name, ref] of Object.entries(expected)) {
      const mine = got[name];
      expect(mine, `output '${name}'`).toBeDefined();
      expect(mine?.shape, `shape of '${name}'`).toEqual(ref.shape);
      if (ref.dtype === 'int32') {
        expect(Array.from(mine?.dataSync() ?? []), `values of '${name}'`).toEqual(Array.from(ref.dataSync()));
      } else {
        const err = relError(mine?.dataSync() ?? [], ref.dataSync());
        if (name === 'tokens' || !(name in TOLERANCE)) worst = Math.max(worst, err);
        expect(err, `rel. error of '${name}'`).toBeLessThanOrEqual(TOLERANCE[name] ?? 1e-4);
      }
    }
    console.log(`golden ${dir}: max rel error ${worst.toExponential(2)}`);
    tf.dispose([...Object.values(weights), ...Object.values(inputs), ...Object.values(expected), ...Object.values(got)]);
  });
});
