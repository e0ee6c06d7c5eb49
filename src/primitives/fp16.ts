/**
 * IEEE 754 half precision (binary16) encode/decode for the committed artefacts. Float16 halves the
 * download of every feature matrix against float32; its ~3 significant digits are far finer than the
 * noise of the features themselves. Node 20 and older browsers have no Float16Array, so this is done
 * with bit arithmetic through one shared float32 view.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** One float32 to its binary16 bit pattern, rounding to nearest, ties to even. */
export function float32ToHalfBits(value: number): number {
  f32[0] = value;
  const x = u32[0] as number;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0); // Inf or NaN (quiet)
  const e = exp - 127 + 15; // re-bias the exponent
  if (e >= 0x1f) return sign | 0x7c00; // too large: Inf
  if (e <= 0) {
    // Subnormal half (or zero): shift the implicit-1 mantissa right, round to nearest even.
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    const half = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    const rounded = rem > mid || (rem === mid && (half & 1) === 1) ? half + 1 : half;
    return sign | rounded;
  }
  const half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // Rounding may carry into the exponent, which is still the right binary16 value (up to Inf).
  const rounded = rem > 0x1000 || (rem === 0x1000 && (half & 1) === 1) ? half + 1 : half;
  return sign | rounded;
}

/** One binary16 bit pattern to its (exact) float value. */
export function halfBitsToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** float32 array → little-endian binary16 bytes. */
export function encodeFloat16(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i += 1) view.setUint16(i * 2, float32ToHalfBits(values[i] as number), true);
  return out;
}

/** Little-endian binary16 bytes → Float32Array. A lookup table makes this fast enough for MBs. */
let table: Float32Array | undefined;
export function decodeFloat16(bytes: ArrayBuffer | Uint8Array): Float32Array {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (u8.byteLength % 2 !== 0) throw new RangeError(`decodeFloat16: odd byte length ${u8.byteLength}`);
  if (!table) {
    table = new Float32Array(65536);
    for (let h = 0; h < 65536; h += 1) table[h] = halfBitsToFloat32(h);
  }
  const n = u8.byteLength / 2;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 1) out[i] = table[(u8[2 * i] as number) | ((u8[2 * i + 1] as number) << 8)] as number;
  return out;
}
