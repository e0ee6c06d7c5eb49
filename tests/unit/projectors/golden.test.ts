/**
 * Golden parity: each fixture in tests/fixtures/golden/ (written by scripts/golden/basic_kinds.py
 * with PyTorch) is loaded through weights-io, run through the tfjs module, and compared:
 * rel. error max|a − b| / max(1, max|b|) ≤ 1e-4 for `tokens` and every float trace tensor saved,
 * exact equality for integer traces (indices).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipLoss } from '../../../src/projectors/dual-projection';
import { getProjector, parseConfig } from '../../../src/projectors/registry';
import { loadWeights, tensorsFromSafetensors } from '../../../src/projectors/weights-io';
import { relError, setupBackend } from './setup';

const ROOT = join(process.cwd(), 'tests/fixtures/golden');
const BASIC = ['linear', 'mlp', 'low-rank', 'pixel-shuffle-mlp', 'ldp', 'c-abstractor', 'token-selection', 'dual-projection', 'codebook'];
const fixtures = existsSync(ROOT)
  ? readdirSync(ROOT).filter((d) => existsSync(join(ROOT, d, 'meta.json')) && BASIC.includes(JSON.parse(readFileSync(join(ROOT, d, 'meta.json'), 'utf8')).kind))
  : [];


beforeAll(setupBackend);

describe('golden parity with PyTorch', () => {
  it('has a fixture for every basic kind', () => {
    const kinds = new Set(fixtures.map((d) => JSON.parse(readFileSync(join(ROOT, d, 'meta.json'), 'utf8')).kind));
    expect([...kinds].sort()).toEqual([...BASIC].sort());
  });

  for (const dir of fixtures) {
    it(`${dir} matches PyTorch within 1e-4`, () => {
      const meta = JSON.parse(readFileSync(join(ROOT, dir, 'meta.json'), 'utf8')) as { kind: string };
      const spec = getProjector(meta.kind);
      const cfg = parseConfig(meta.kind, JSON.parse(readFileSync(join(ROOT, dir, 'config.json'), 'utf8')));
      const weights = loadWeights(spec, cfg, readFileSync(join(ROOT, dir, 'weights.safetensors')));
      const inputs = tensorsFromSafetensors(readFileSync(join(ROOT, dir, 'input.safetensors')), ['vision']);
      const expected = tensorsFromSafetensors(readFileSync(join(ROOT, dir, 'output.safetensors')), ['tokens']);
      const { tokens, trace } = spec.apply(cfg, weights, {
        vision: inputs.vision as tf.Tensor3D,
        text: inputs.text as tf.Tensor3D | undefined,
        mask: inputs.mask as tf.Tensor2D | undefined,
      });
      const got: Record<string, tf.Tensor> = { tokens, ...trace };
      if (meta.kind === 'dual-projection') got.clipLoss = clipLoss(trace.logitsPerImage as tf.Tensor2D);
      let worst = 0;
      for (const [name, ref] of Object.entries(expected)) {
        const mine = got[name];
        expect(mine, `output '${name}'`).toBeDefined();
        expect(mine?.shape, `shape of '${name}'`).toEqual(ref.shape);
        if (ref.dtype === 'int32') {
          expect(Array.from(mine?.dataSync() ?? []), `values of '${name}'`).toEqual(Array.from(ref.dataSync()));
        } else {
          const err = relError(mine?.dataSync() ?? [], ref.dataSync());
          worst = Math.max(worst, err);
          expect(err, `rel. error of '${name}'`).toBeLessThanOrEqual(1e-4);
        }
      }
      console.log(`golden ${dir}: max rel error ${worst.toExponential(2)}`);
      tf.dispose([...Object.values(weights), ...Object.values(inputs), ...Object.values(expected), ...Object.values(got)]);
    });
  }
});
