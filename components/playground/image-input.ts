/**
 * The reader's own image for a Playground run, loaded when a file is picked: checked by its first
 * bytes and size (src/runtime/encoder/upload.ts), decoded by the browser, drawn on white at most
 * 448 px, and handed over as straight RGBA; the Worker encodes it with MobileNetV2. Each refusal
 * is its own message.
 */
import { checkDimensions, checkUpload, fitWithin } from '../../src/runtime/encoder/upload';

export interface DecodedImage {
  name: string;
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export async function decodeImage(file: File): Promise<{ ok: true; image: DecodedImage } | { ok: false; message: string }> {
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  const check = checkUpload({ name: file.name, size: file.size, type: file.type }, head);
  if (!check.ok) return check;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return { ok: false, message: `“${file.name}” starts like a ${check.kind.toUpperCase()} file but could not be decoded.` };
  }
  try {
    const dims = checkDimensions(bitmap.width, bitmap.height);
    if (!dims.ok) return dims as { ok: false; message: string };
    const size = fitWithin(bitmap.width, bitmap.height);
    const canvas = document.createElement('canvas');
    canvas.width = size.width;
    canvas.height = size.height;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return { ok: false, message: 'This browser cannot draw images to a canvas.' };
    ctx.fillStyle = '#ffffff'; // transparent pixels sit on white, as the data set's emoji did
    ctx.fillRect(0, 0, size.width, size.height);
    ctx.drawImage(bitmap, 0, 0, size.width, size.height);
    const pixels = ctx.getImageData(0, 0, size.width, size.height);
    return { ok: true, image: { name: file.name.slice(0, 200), width: size.width, height: size.height, data: pixels.data } };
  } finally {
    bitmap.close();
  }
}
