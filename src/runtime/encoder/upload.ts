/**
 * Checks on a reader's own image before any decoding: a file picker or a drop can hand us anything.
 * The type is decided from the file's first bytes (its magic number), not from its name or the
 * browser's guess, and every rejection says why in words a reader can act on.
 */
import { z } from 'zod';
import { formatBytes, formatInt } from '../../primitives/format';

/** Larger files are refused before reading: a phone photo is 2–12 MB. */
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;
/** Decoded images above this many pixels would need hundreds of MB of canvas memory. */
export const MAX_PIXELS = 40_000_000;
/** The longest side an image is drawn at before the shared 224 px preprocessing (see README). */
export const DRAW_MAX_SIDE = 448;

export const UploadFileSchema = z.object({
  name: z.string(),
  size: z.number().int().nonnegative(),
  type: z.string(),
});
export type UploadFile = z.infer<typeof UploadFileSchema>;

export type UploadKind = 'png' | 'jpeg';
export type UploadCheck = { ok: true; kind: UploadKind } | { ok: false; message: string };

/** PNG: 89 50 4E 47 0D 0A 1A 0A. JPEG: FF D8 FF. */
export function sniffImageType(head: Uint8Array): UploadKind | null {
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (head.length >= 8 && png.every((b, i) => head[i] === b)) return 'png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  return null;
}

export function checkUpload(file: unknown, head: Uint8Array): UploadCheck {
  const parsed = UploadFileSchema.safeParse(file);
  if (!parsed.success) return { ok: false, message: 'That is not a file.' };
  const { name, size } = parsed.data;
  if (size === 0) return { ok: false, message: `“${name}” is empty (0 bytes).` };
  if (size > MAX_UPLOAD_BYTES) return { ok: false, message: `“${name}” is ${formatBytes(size)}; the limit is ${formatBytes(MAX_UPLOAD_BYTES)}.` };
  const kind = sniffImageType(head);
  if (!kind) return { ok: false, message: `“${name}” is not a PNG or JPEG image.` };
  return { ok: true, kind };
}

export function checkDimensions(width: number, height: number): UploadCheck | { ok: true } {
  if (!(width > 0 && height > 0)) return { ok: false, message: 'The image has no pixels.' };
  if (width * height > MAX_PIXELS) {
    return { ok: false, message: `The image is ${formatInt(width)} × ${formatInt(height)} pixels; the limit is ${formatInt(MAX_PIXELS)} pixels.` };
  }
  return { ok: true };
}

/** Size to draw at: longest side at most `maxSide`, aspect kept, never upscaled, at least 1 px. */
export function fitWithin(width: number, height: number, maxSide = DRAW_MAX_SIDE): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
