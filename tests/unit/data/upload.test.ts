import { describe, expect, it } from 'vitest';
import { MAX_UPLOAD_BYTES, checkDimensions, checkUpload, fitWithin, sniffImageType } from '../../../src/runtime/encoder/upload';

const PNG_HEAD = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
const JPEG_HEAD = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]);

describe('upload checks', () => {
  it('decides the type from magic bytes, not the name', () => {
    expect(sniffImageType(PNG_HEAD)).toBe('png');
    expect(sniffImageType(JPEG_HEAD)).toBe('jpeg');
    expect(sniffImageType(new TextEncoder().encode('GIF89a'))).toBeNull();
    expect(sniffImageType(new Uint8Array(0))).toBeNull();
    expect(checkUpload({ name: 'photo.png', size: 100, type: 'image/png' }, JPEG_HEAD)).toEqual({ ok: true, kind: 'jpeg' });
  });

  it('rejects empty, huge and non-image files with a clear message', () => {
    expect(checkUpload({ name: 'a.png', size: 0, type: 'image/png' }, new Uint8Array(0))).toEqual({ ok: false, message: '“a.png” is empty (0 bytes).' });
    expect(checkUpload({ name: 'big.jpg', size: MAX_UPLOAD_BYTES + 1, type: 'image/jpeg' }, JPEG_HEAD)).toEqual({
      ok: false,
      message: '“big.jpg” is 25.0 MiB; the limit is 25.0 MiB.',
    });
    expect(checkUpload({ name: 'notes.txt', size: 12, type: 'text/plain' }, new TextEncoder().encode('hello world!'))).toEqual({
      ok: false,
      message: '“notes.txt” is not a PNG or JPEG image.',
    });
    expect(checkUpload('not a file', PNG_HEAD)).toEqual({ ok: false, message: 'That is not a file.' });
  });

  it('guards decoded size and fits the drawing size', () => {
    expect(checkDimensions(10000, 5000)).toEqual({ ok: false, message: 'The image is 10,000 × 5,000 pixels; the limit is 40,000,000 pixels.' });
    expect(checkDimensions(0, 10)).toMatchObject({ ok: false });
    expect(checkDimensions(4000, 3000)).toEqual({ ok: true });
    expect(fitWithin(4000, 3000)).toEqual({ width: 448, height: 336 });
    expect(fitWithin(64, 64)).toEqual({ width: 64, height: 64 });
    expect(fitWithin(10000, 1)).toEqual({ width: 448, height: 1 });
  });
});
