import { describe, expect, it } from 'vitest';
import { decodeFloat16, encodeFloat16, float32ToHalfBits, halfBitsToFloat32 } from '../../../src/primitives/fp16';

describe('float16 codec', () => {
  it('encodes known values to their IEEE 754 binary16 bit patterns', () => {
    expect(float32ToHalfBits(0)).toBe(0x0000);
    expect(float32ToHalfBits(-0)).toBe(0x8000);
    expect(float32ToHalfBits(1)).toBe(0x3c00);
    expect(float32ToHalfBits(-2)).toBe(0xc000);
    expect(float32ToHalfBits(0.5)).toBe(0x3800);
    expect(float32ToHalfBits(65504)).toBe(0x7bff); // largest finite half
    expect(float32ToHalfBits(65520)).toBe(0x7c00); // rounds up to Inf
    expect(float32ToHalfBits(Infinity)).toBe(0x7c00);
    expect(float32ToHalfBits(-Infinity)).toBe(0xfc00);
    expect(float32ToHalfBits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(float32ToHalfBits(2 ** -14)).toBe(0x0400); // smallest normal
    expect(float32ToHalfBits(2 ** -26)).toBe(0x0000); // underflows to zero
  });

  it('rounds to nearest, ties to even', () => {
    expect(float32ToHalfBits(1 + 2 ** -11)).toBe(0x3c00); // tie between 1 and 1+2^-10: even is 1
    expect(float32ToHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie between 0x3c01 and 0x3c02: even
    expect(float32ToHalfBits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // just above the tie
  });

  it('decodes bit patterns exactly', () => {
    expect(halfBitsToFloat32(0x3c00)).toBe(1);
    expect(halfBitsToFloat32(0x7bff)).toBe(65504);
    expect(halfBitsToFloat32(0x0001)).toBe(2 ** -24);
    expect(halfBitsToFloat32(0xfc00)).toBe(-Infinity);
    expect(Number.isNaN(halfBitsToFloat32(0x7e00))).toBe(true);
    expect(Number.isNaN(halfBitsToFloat32(float32ToHalfBits(NaN)))).toBe(true);
  });

  it('round-trips arrays little-endian within half precision', () => {
    const values = Float32Array.from([0, 1, -1, 3.14159, 1e-3, -123.456, 2048.5, 0.1]);
    const bytes = encodeFloat16(values);
    expect(bytes.byteLength).toBe(16);
    expect([bytes[2], bytes[3]]).toEqual([0x00, 0x3c]); // 1.0 stored little-endian
    const back = decodeFloat16(bytes);
    values.forEach((v, i) => expect(Math.abs((back[i] as number) - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 1e-7));
    expect(back[3]).toBe(3.140625);
    expect(() => decodeFloat16(new Uint8Array(3))).toThrow(/odd byte length/);
  });

  it('every finite half survives decode → encode unchanged', () => {
    for (let h = 0; h < 0x10000; h += 1) {
      const exp = (h >>> 10) & 0x1f;
      if (exp === 0x1f) continue; // Inf/NaN
      expect(float32ToHalfBits(halfBitsToFloat32(h))).toBe(h);
    }
  });
});
