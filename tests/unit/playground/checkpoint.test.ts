/**
 * Bring your own weights: the PyTorch golden fixture's safetensors loads by byte ranges and gives the
 * fixture's output; a shard with extra tensors under LLaVA, Hugging Face or LAVIS names finds the
 * projector while reading only the header and the projector's bytes; a truncated file, a wrong
 * shape, a wrong dtype and a file that is not safetensors each get their own message.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { blobSource, parseSafetensors, serializeSafetensors, type SerializableTensor } from '../../../src/primitives/safetensors';
import { getProjector, parseConfig } from '../../../src/projectors/registry';
import { tensorsFromSafetensors } from '../../../src/projectors/weights-io';
import { inspectCheckpoint, loadMatched } from '../../../notebooks/playground/checkpoint';
import { runPlayground, saveSeededWeights, WeightsError } from '../../../notebooks/playground/run';
import { useBestBackend, type BackendInfo } from '../../../src/runtime/backend';
import { relError } from '../projectors/setup';

let backend: BackendInfo;
beforeAll(async () => {
  backend = await useBestBackend('wasm');
});

const G = 'tests/fixtures/golden';
const fixture = (name: string) => ({
  cfg: parseConfig(JSON.parse(readFileSync(`${G}/${name}/meta.json`, 'utf8')).kind, JSON.parse(readFileSync(`${G}/${name}/config.json`, 'utf8'))),
  kind: JSON.parse(readFileSync(`${G}/${name}/meta.json`, 'utf8')).kind as string,
  weights: new Uint8Array(readFileSync(`${G}/${name}/weights.safetensors`)),
  input: new Uint8Array(readFileSync(`${G}/${name}/input.safetensors`)),
  output: new Uint8Array(readFileSync(`${G}/${name}/output.safetensors`)),
});
const src = (bytes: Uint8Array) => blobSource(new Blob([bytes as Uint8Array<ArrayBuffer>]));
const asSerializable = (bytes: Uint8Array, rename: (n: string) => string): Record<string, SerializableTensor> =>
  Object.fromEntries([...parseSafetensors(bytes)].map(([n, t]) => [rename(n), { dtype: 'F32', shape: t.shape, data: t.data as Float32Array }]));
const filler = (n: number): SerializableTensor => ({ dtype: 'F32', shape: [n], data: new Float32Array(n).fill(0.5) });

async function forwardWith(kind: string, cfg: unknown, bytes: Uint8Array, inputBytes: Uint8Array): Promise<{ y: tf.Tensor; bytesRead: number; convention: string; ignored: number }> {
  const spec = getProjector(kind);
  const s = src(bytes);
  const { inspection, dataStart, match } = await inspectCheckpoint(spec, cfg, s);
  expect(match.problems).toEqual([]);
  const { weights, bytesRead } = await loadMatched(spec, cfg, s, dataStart, match);
  const x = tensorsFromSafetensors(inputBytes, ['vision']);
  const out = spec.apply(cfg, weights, { vision: x.vision as tf.Tensor3D, text: x.text as tf.Tensor3D | undefined });
  tf.dispose([...Object.values(weights), ...Object.values(x), ...Object.values(out.trace)]);
  return { y: out.tokens, bytesRead: inspection.bytesRead + bytesRead, convention: match.convention, ignored: match.ignored };
}

describe('bring your own weights', () => {
  it('the PyTorch fixture of mlp loads by byte ranges and gives the fixture output', async () => {
    const f = fixture('mlp');
    const r = await forwardWith(f.kind, f.cfg, f.weights, f.input);
    const ref = tensorsFromSafetensors(f.output, ['tokens']).tokens!;
    expect(relError(r.y, ref)).toBeLessThan(1e-4);
    expect(r.convention).toBe('own');
    tf.dispose([r.y, ref]);
  });

  it.each([
    ['Hugging Face', (n: string) => `multi_modal_projector.linear_${Number(n[0]) / 2 + 1}.${n.split('.')[1]}`, 'hf-llava'],
    ['Hugging Face under model.', (n: string) => `model.multi_modal_projector.linear_${Number(n[0]) / 2 + 1}.${n.split('.')[1]}`, 'hf-llava'],
    ['original LLaVA', (n: string) => `model.mm_projector.${n}`, 'llava'],
  ])('a shard with extra tensors under %s names finds the projector and reads only its bytes', async (_label, rename, convention) => {
    const f = fixture('mlp');
    const shard = serializeSafetensors({ 'model.vision_tower.big': filler(200_000), ...asSerializable(f.weights, rename), 'lm_head.weight': filler(100_000) });
    const r = await forwardWith(f.kind, f.cfg, shard, f.input);
    const ref = tensorsFromSafetensors(f.output, ['tokens']).tokens!;
    expect(relError(r.y, ref)).toBeLessThan(1e-4);
    expect(r.convention).toBe(convention);
    expect(r.ignored).toBe(2);
    expect(r.bytesRead).toBeLessThan(f.weights.length + 1000); // header + the projector, not the 1.2 MB of other tensors
    tf.dispose([r.y, ref]);
  });

  it('a LAVIS BLIP-2 checkpoint (Qformer.*, query_tokens, *_proj beside the vision tower and LLM) loads and gives the fixture output', async () => {
    const f = fixture('qformer');
    const shard = serializeSafetensors({ 'visual_encoder.blocks.0.attn.qkv.weight': filler(5000), ...asSerializable(f.weights, (n) => n), 't5_model.shared.weight': filler(5000) });
    const r = await forwardWith(f.kind, f.cfg, shard, f.input);
    const ref = tensorsFromSafetensors(f.output, ['tokens']).tokens!;
    expect(relError(r.y, ref)).toBeLessThan(1e-4);
    expect(r.ignored).toBe(2);
    tf.dispose([r.y, ref]);
  });

  it('each bad file gets its own message', async () => {
    const f = fixture('mlp');
    const spec = getProjector('mlp');
    const inspect = (bytes: Uint8Array) => inspectCheckpoint(spec, f.cfg, src(bytes));
    await expect(inspect(f.weights.slice(0, f.weights.length - 10))).rejects.toThrow(/^truncated safetensors file: tensor '.+' ends at data byte \d+ but the data section has \d+ bytes$/);
    await expect(inspect(f.weights.slice(0, 30))).rejects.toThrow(/^truncated safetensors file: the header needs \d+ bytes but the file has 30$/);
    await expect(inspect(new Uint8Array(readFileSync('public/data/emoji/gallery/1f30d.png')))).rejects.toThrow(/^not a safetensors file: its first 8 bytes give a header of \d+ bytes, which no safetensors file has$/);
    await expect(inspect(new TextEncoder().encode('{"a": 1}'))).rejects.toThrow(/^not a safetensors file/);
    await expect(inspect(new Uint8Array(3))).rejects.toThrow('not a safetensors file: it has 3 bytes, fewer than the 8-byte header length');
    const t = asSerializable(f.weights, (n) => `multi_modal_projector.linear_${Number(n[0]) / 2 + 1}.${n.split('.')[1]}`);
    const w1 = t['multi_modal_projector.linear_1.weight']!;
    const wrongShape = serializeSafetensors({ ...t, 'multi_modal_projector.linear_1.weight': { ...w1, shape: [...w1.shape].reverse() } });
    const a = (await inspect(wrongShape)).match.problems;
    expect(a).toEqual([`tensor 'multi_modal_projector.linear_1.weight' (→ '0.weight'): expected shape [${w1.shape.join(', ')}], got [${[...w1.shape].reverse().join(', ')}]`]);
    const b1 = t['multi_modal_projector.linear_1.bias']!;
    const wrongDtype = serializeSafetensors({ ...t, 'multi_modal_projector.linear_1.bias': { dtype: 'I32', shape: b1.shape, data: new Int32Array(b1.data.length) } });
    expect((await inspect(wrongDtype)).match.problems).toEqual([`tensor 'multi_modal_projector.linear_1.bias' (→ '0.bias'): expected a float dtype (F32, F16, BF16 or F64), got I32`]);
    const { ['multi_modal_projector.linear_2.bias']: _gone, ...missing } = t;
    expect((await inspect(serializeSafetensors(missing))).match.problems).toEqual([expect.stringMatching(/^missing tensor '2\.bias' \(expected \[32\]/)]);
    const unrelated = serializeSafetensors({ 'foo.weight': filler(4) });
    expect((await inspect(unrelated)).match.problems[0]).toMatch(/^no tensor of mlp found under any known naming .* the file has 1 tensors, e\.g\. 'foo\.weight'$/);
  });

  it('a run with a weights file uses them; a file that does not fit throws the listing; saved weights load back', async () => {
    const f = fixture('mlp');
    const req = { kind: 'mlp', config: f.cfg as Record<string, unknown>, seed: 1, tokens: { batch: 1, visionTokens: 4, textTokens: 8 } };
    const file = new File([f.weights], 'fixture.safetensors');
    const r = await runPlayground({ ...req, weightsFile: file }, { onProgress: () => undefined, now: () => 0 }, backend);
    expect(r.record.meta.weights).toEqual({ file: 'fixture.safetensors', convention: 'own', bytesRead: f.weights.length, fileBytes: f.weights.length });
    const seeded = await runPlayground(req, { onProgress: () => undefined, now: () => 0 }, backend);
    expect(r.record.stats.mean).not.toBe(seeded.record.stats.mean);
    const wrong = runPlayground({ ...req, config: { ...req.config, llmDim: 33 }, weightsFile: file }, { onProgress: () => undefined, now: () => 0 }, backend);
    await expect(wrong).rejects.toBeInstanceOf(WeightsError);
    const saved = saveSeededWeights('mlp', req.config, 1);
    const again = await runPlayground({ ...req, weightsFile: new File([saved as Uint8Array<ArrayBuffer>], 'saved.safetensors') }, { onProgress: () => undefined, now: () => 0 }, backend);
    expect(again.record.stats).toEqual(seeded.record.stats);
  });
});
