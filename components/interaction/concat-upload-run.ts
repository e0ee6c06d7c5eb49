/**
 * The heavy half of the interaction article's "your own image" box, loaded by dynamic import only
 * when a reader picks a file: decodes and checks the file (the Data page's own checks), encodes it
 * with the in-browser MobileNetV2, reduces the 7 × 7 grid to the committed PCA width, runs the
 * concatenation projector (notebooks/toolkit/concat-upload.ts) and paints the sequence figure. The
 * previous result stays on the page until a new one is complete; a bad file only sets the message.
 */
import { useBestBackend } from '../../src/runtime/backend';
import { fetchReader } from '../../src/data/reader';
import { loadManifest } from '../../src/data/load';
import { EMOJI_DATASET, loadPca, type PcaBasis } from '../../src/data/emoji';
import { pcaProject } from '../../src/primitives/linalg';
import { formatInt, formatShape } from '../../src/primitives/format';
import { GRID_DIM, GRID_SIDE, loadEncoder, type Encoder } from '../../src/runtime/encoder/mobilenet-v2';
import { renderFigure } from '../../src/figures/registry';
import { defaults } from '../../notebooks/experiments/interaction-concat.card';
import { projectUpload } from '../../notebooks/toolkit/concat-upload';
import { decode, UploadError } from '../data/try-image-run';

let assets: Promise<{ encoder: Encoder; gridPca: PcaBasis }> | undefined;

function loadAssets(base: string): Promise<{ encoder: Encoder; gridPca: PcaBasis }> {
  assets ??= (async () => {
    await useBestBackend('wasm');
    const reader = fetchReader(base);
    const [encoder, manifest] = await Promise.all([loadEncoder(reader), loadManifest(reader, EMOJI_DATASET)]);
    return { encoder, gridPca: await loadPca(reader, manifest, 'grid-pca') };
  })();
  assets.catch(() => (assets = undefined));
  return assets;
}

export interface ConcatUploadElements {
  status: HTMLElement;
  result: HTMLElement;
  preview: HTMLCanvasElement;
  figure: HTMLElement;
  summary: HTMLElement;
}

export async function runConcatUpload(root: HTMLElement, file: File, els: ConcatUploadElements, base: string): Promise<void> {
  root.dataset.state = 'working';
  els.status.textContent = `Reading “${file.name}”…`;
  try {
    const decoded = await decode(file);
    els.status.textContent = 'Loading the encoder (once)…';
    const { encoder, gridPca } = await loadAssets(base);
    els.status.textContent = 'Encoding…';
    const encoding = await encoder.encode(decoded.image);
    const tokens = GRID_SIDE * GRID_SIDE;
    const reduced = pcaProject(encoding.grid, tokens, GRID_DIM, gridPca.mean, gridPca.basis, gridPca.components); // [49, 1280] → [49, k]
    const out = projectUpload(reduced, tokens, gridPca.components, defaults);
    const rendered = renderFigure(
      'token-sequence',
      {
        segments: [
          { key: 'upload.system', label: 'System prompt', kind: 'text', tokens: out.sequence.system },
          { key: 'upload.image', label: 'Your image’s tokens', kind: 'image', tokens: out.sequence.image, width: out.sequence.width },
          { key: 'upload.question', label: 'Question', kind: 'text', tokens: out.sequence.question },
        ],
      },
      { id: 'concat-upload-sequence', title: 'The sequence for your image' },
      { document },
    );
    // Only now, with everything computed, replace what the box showed.
    const pctx = els.preview.getContext('2d');
    if (pctx) {
      const bitmap = await createImageBitmap(new ImageData(Uint8ClampedArray.from(decoded.image.data), decoded.image.width, decoded.image.height));
      pctx.clearRect(0, 0, els.preview.width, els.preview.height);
      pctx.drawImage(bitmap, 0, 0, els.preview.width, els.preview.height);
      bitmap.close();
    }
    els.figure.replaceChildren(rendered.svg);
    els.figure.dataset.tokens = String(out.sequence.image);
    els.figure.dataset.outputShape = out.outputShape.join(',');
    els.figure.dataset.applied = out.applied.join(',');
    els.summary.textContent =
      `${formatInt(decoded.naturalWidth)} × ${formatInt(decoded.naturalHeight)} px → ${formatInt(tokens)} MobileNetV2 tokens → ` +
      `${defaults.projector === 'mlp' ? 'two-layer MLP' : 'Linear'} (${formatInt(out.params)} parameters, untrained) → ${formatShape(out.applied.slice(1))} image tokens ` +
      `(library outputShape ${formatShape(out.outputShape.slice(1))}), ${formatInt(out.sequence.total)} tokens with the text.`;
    els.result.hidden = false;
    els.status.textContent = `Encoded “${file.name}”.`;
    root.dataset.state = 'done';
  } catch (error) {
    root.dataset.state = 'error';
    els.status.textContent = error instanceof UploadError ? error.message : `Something went wrong: ${(error as Error).message}`;
  }
}
