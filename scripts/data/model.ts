/**
 * Step 1 (`build:model`): the MobileNetV2 inside nsfwjs, converted to a standard tfjs layers model
 * with the backbone only (public/models/mobilenet_v2/, manifest in public/data/encoder/).
 *
 * The package holds the Keras topology as a UMD module and the uint8-quantized weights as base64.
 * The classifier head (pooling → dense → 5 classes) is dropped from both topology and weights: the
 * site only ever needs feature maps, and without the head no class output can be computed or shown.
 */
import { join } from 'node:path';
import { GRID_DIM, GRID_ENDPOINT, MID_DIM, MID_ENDPOINT } from '../../src/runtime/encoder/mobilenet-v2';
import { ArtefactWriter, TFJS_VERSION, writeManifest } from './artefacts';
import { packageRoot, requireHere, sources } from './sources';

const HEAD_LAYERS = new Set(['average_pooling2d_1', 'flatten_1', 'dense_1', 'dropout_2', 'dense_2', 'dropout_3', 'dense_3']);

interface WeightEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; min?: number; scale?: number };
}

interface PackagedModel {
  modelTopology: { model_config: { config: { layers: Array<{ name: string }>; output_layers: unknown } } };
  weightsManifest: Array<{ weights: WeightEntry[] }>;
}

/** The model as nsfwjs ships it: topology and weights manifest, and the weight bytes. */
function readPackagedModel(): { json: PackagedModel; bin: Buffer } {
  const unwrap = <T>(m: { default?: T } | T): T => ((m as { default?: T }).default ?? m) as T;
  const src = join(packageRoot('nsfwjs'), 'dist/models/mobilenet_v2');
  const json = unwrap(requireHere(join(src, 'model.min.js'))) as PackagedModel;
  const bin = Buffer.from(unwrap(requireHere(join(src, 'group1-shard1of1.min.js'))) as string, 'base64');
  return { json, bin };
}

/** The weights outside the head, with their bytes (the manifest's order is the byte order). */
function backboneWeights(json: PackagedModel, bin: Buffer): { kept: WeightEntry[]; weights: Buffer } {
  const kept: WeightEntry[] = [];
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const w of json.weightsManifest.flatMap((g) => g.weights)) {
    const width = w.quantization ? ({ uint8: 1, uint16: 2, float16: 2 } as Record<string, number>)[w.quantization.dtype] : 4;
    if (width === undefined) throw new Error(`unknown quantization ${w.quantization?.dtype}`);
    const size = w.shape.reduce((a, b) => a * b, 1) * width;
    const layer = w.name.split('/')[0] ?? '';
    if (!HEAD_LAYERS.has(layer)) {
      kept.push(w);
      chunks.push(bin.subarray(offset, offset + size));
    }
    offset += size;
  }
  if (offset !== bin.byteLength) throw new Error(`weights: manifest covers ${offset} B of ${bin.byteLength}`);
  return { kept, weights: Buffer.concat(chunks) };
}

export function buildModel(): void {
  const { json, bin } = readPackagedModel();
  const topology = structuredClone(json.modelTopology);
  const config = topology.model_config.config;
  config.layers = config.layers.filter((l) => !HEAD_LAYERS.has(l.name));
  config.output_layers = [[GRID_ENDPOINT, 0, 0]];
  if (!config.layers.some((l) => l.name === MID_ENDPOINT)) throw new Error(`${MID_ENDPOINT} missing from the topology`);
  const { kept, weights } = backboneWeights(json, bin);
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'projector-atlas scripts/data/build.ts from nsfwjs MobileNetV2 (backbone only)',
    convertedBy: null,
    modelTopology: { ...topology, training_config: undefined },
    weightsManifest: [{ paths: ['weights.bin'], weights: kept }],
  };
  const out = new ArtefactWriter();
  const s = sources();
  out.write(
    { id: 'model-json', file: 'models/mobilenet_v2/model.json', dtype: 'json', shape: [], sources: [s.nsfwjs.id], description: 'tfjs layers-model topology of the MobileNetV2 backbone (input 224×224×3 → out_relu 7×7×1280).' },
    new TextEncoder().encode(JSON.stringify(modelJson)),
  );
  out.write(
    { id: 'model-weights', file: 'models/mobilenet_v2/weights.bin', dtype: 'uint8', shape: [weights.byteLength], sources: [s.nsfwjs.id], description: `Backbone weights, ${kept.length} tensors, uint8-quantized exactly as shipped in the package (dequantized by tfjs on load).` },
    weights,
  );
  writeManifest('encoder', {
    title: 'MobileNetV2 image encoder',
    description: 'The vision encoder served to the browser: MobileNetV2 (ImageNet), via nsfwjs, backbone only. A 224×224 image becomes a 7×7 grid of 1280-d tokens (out_relu); block_13_expand_relu gives a 14×14×576 grid.',
    generator: { script: 'cd scripts/data && npm run build:model', tfjs: TFJS_VERSION, backend: 'none (file conversion)' },
    sources: [s.nsfwjs],
    artefacts: out.entries,
    details: {
      inputSize: 224,
      endpoints: { grid: { name: GRID_ENDPOINT, shape: [7, 7, GRID_DIM] }, mid: { name: MID_ENDPOINT, shape: [14, 14, MID_DIM] } },
      removedLayers: [...HEAD_LAYERS],
      preprocessing: 'composite RGBA on white, round to 8 bits, divide by 255, bilinear resize to 224×224 with alignCorners=true',
    },
  });
  console.log(`model: ${kept.length} weight tensors, ${weights.byteLength} B (head removed: ${bin.byteLength - weights.byteLength} B)`);
}
