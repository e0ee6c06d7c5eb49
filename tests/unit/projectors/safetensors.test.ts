/**
 * safetensors parse/serialise: round trips, every supported dtype decoded from hand-built bytes,
 * a file written by scripts/golden/safetensors_io.py, and one test per malformed-file error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSafetensors, parseSafetensorsMetadata, serializeSafetensors } from '../../../src/primitives/safetensors';

/** Build a file from a header object and a raw data section (header given as JSON text or object). */
function build(header: unknown, data: Uint8Array = new Uint8Array(0), headerLenOverride?: bigint): Uint8Array {
  const json = typeof header === 'string' ? header : JSON.stringify(header);
  const hb = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + hb.length + data.length);
  new DataView(out.buffer).setBigUint64(0, headerLenOverride ?? BigInt(hb.length), true);
  out.set(hb, 8);
  out.set(data, 8 + hb.length);
  return out;
}

const bytesOf = (fill: (v: DataView) => void, n: number): Uint8Array => {
  const b = new Uint8Array(n);
  fill(new DataView(b.buffer));
  return b;
};

describe('serializeSafetensors / parseSafetensors round trip', () => {
  it('round-trips F32 and I32 tensors, scalars and metadata', () => {
    const bytes = serializeSafetensors(
      {
        'b.weight': { dtype: 'F32', shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 0, 1e-7, -0]) },
        a: { dtype: 'I32', shape: [4], data: Int32Array.from([-1, 0, 7, 2147483647]) },
        scale: { dtype: 'F32', shape: [], data: Float32Array.from([2.6592600345611572]) },
      },
      { kind: 'linear' },
    );
    const parsed = parseSafetensors(bytes);
    expect([...parsed.keys()]).toEqual(['a', 'b.weight', 'scale']);
    expect(parsed.get('b.weight')).toEqual({ dtype: 'F32', shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 0, 1e-7, -0]) });
    expect(parsed.get('a')).toEqual({ dtype: 'I32', shape: [4], data: Int32Array.from([-1, 0, 7, 2147483647]) });
    expect(parsed.get('scale')?.shape).toEqual([]);
    expect(Array.from(parsed.get('scale')?.data ?? [])).toEqual([Math.fround(2.6592600345611572)]);
    expect(parseSafetensorsMetadata(bytes)).toEqual({ kind: 'linear' });
  });

  it('pads the header to 8 bytes, sorts names, and is byte-for-byte deterministic', () => {
    const t = { z: { dtype: 'F32' as const, shape: [1], data: Float32Array.from([1]) }, y: { dtype: 'F32' as const, shape: [1], data: Float32Array.from([2]) } };
    const a = serializeSafetensors(t);
    const b = serializeSafetensors({ y: t.y, z: t.z });
    expect(a).toEqual(b);
    const headerLen = Number(new DataView(a.buffer).getBigUint64(0, true));
    expect(headerLen % 8).toBe(0);
    expect(a.length).toBe(8 + headerLen + 8);
    const header = JSON.parse(new TextDecoder().decode(a.subarray(8, 8 + headerLen))) as Record<string, { data_offsets: number[] }>;
    expect(Object.keys(header)).toEqual(['y', 'z']);
    expect(header.y?.data_offsets).toEqual([0, 4]);
  });

  it('refuses to serialise data whose length does not match the shape', () => {
    expect(() => serializeSafetensors({ w: { dtype: 'F32', shape: [2, 2], data: new Float32Array(3) } })).toThrow("tensor 'w': data has 3 values but shape [2, 2] needs 4");
  });

  it('reads a file written by the Python writer (golden fixture)', () => {
    const parsed = parseSafetensors(readFileSync(join(process.cwd(), 'tests/fixtures/golden/linear/weights.safetensors')));
    expect(parsed.get('weight')?.shape).toEqual([32, 24]);
    expect(parsed.get('bias')?.dtype).toBe('F32');
  });
});

describe('parseSafetensors decodes every dtype', () => {
  it('F16 (normal, subnormal, infinity), BF16, F64', () => {
    const f16 = bytesOf((v) => [0x3c00, 0xc000, 0x0001, 0x7c00, 0x3555].forEach((h, i) => v.setUint16(2 * i, h, true)), 10);
    const bf16 = bytesOf((v) => [0x3f80, 0xc040, 0x4049].forEach((h, i) => v.setUint16(2 * i, h, true)), 6);
    const f64 = bytesOf((v) => v.setFloat64(0, 0.1, true), 8);
    const data = new Uint8Array([...f16, ...bf16, ...f64]);
    const parsed = parseSafetensors(
      build({ h: { dtype: 'F16', shape: [5], data_offsets: [0, 10] }, b: { dtype: 'BF16', shape: [3], data_offsets: [10, 16] }, d: { dtype: 'F64', shape: [1], data_offsets: [16, 24] } }, data),
    );
    expect(Array.from(parsed.get('h')?.data ?? [])).toEqual([1, -2, 2 ** -24, Number.POSITIVE_INFINITY, Math.fround(0.333251953125)]);
    expect(Array.from(parsed.get('b')?.data ?? [])).toEqual([1, -3, 3.140625]);
    expect(parsed.get('d')?.data).toEqual(Float32Array.from([0.1]));
  });

  it('I64 (within int32), I16, I8, U8, BOOL', () => {
    const i64 = bytesOf((v) => [-5n, 40000n].forEach((x, i) => v.setBigInt64(8 * i, x, true)), 16);
    const i16 = bytesOf((v) => v.setInt16(0, -300, true), 2);
    const data = new Uint8Array([...i64, ...i16, 0xff, 7, 200, 1]);
    const parsed = parseSafetensors(
      build(
        {
          __metadata__: { format: 'pt' },
          l: { dtype: 'I64', shape: [2], data_offsets: [0, 16] },
          s: { dtype: 'I16', shape: [1], data_offsets: [16, 18] },
          c: { dtype: 'I8', shape: [1], data_offsets: [18, 19] },
          u: { dtype: 'U8', shape: [2], data_offsets: [19, 21] },
          t: { dtype: 'BOOL', shape: [1], data_offsets: [21, 22] },
        },
        data,
      ),
    );
    expect(parsed.get('l')?.data).toEqual(Int32Array.from([-5, 40000]));
    expect(parsed.get('s')?.data).toEqual(Int32Array.from([-300]));
    expect(parsed.get('c')?.data).toEqual(Int32Array.from([-1]));
    expect(parsed.get('u')?.data).toEqual(Uint8Array.from([7, 200]));
    expect(parsed.get('t')?.data).toEqual(Uint8Array.from([1]));
    expect(parsed.has('__metadata__')).toBe(false);
  });
});

describe('parseSafetensors rejects malformed files with an error naming the problem', () => {
  const ok = { w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  it('file shorter than the 8-byte length prefix', () => {
    expect(() => parseSafetensors(new Uint8Array(5))).toThrow('bad header length: file has 5 bytes');
  });
  it('header length larger than the file (truncated file)', () => {
    expect(() => parseSafetensors(build(ok, new Uint8Array(8), 10_000n))).toThrow(/bad header length 10000: only \d+ bytes follow/);
  });
  it('header JSON invalid', () => {
    expect(() => parseSafetensors(build('{"w": {'))).toThrow('header JSON invalid');
  });
  it('header not an object', () => {
    expect(() => parseSafetensors(build('[1, 2]'))).toThrow('header JSON invalid: not an object');
  });
  it('dtype unknown', () => {
    expect(() => parseSafetensors(build({ w: { dtype: 'F8', shape: [2], data_offsets: [0, 2] } }, new Uint8Array(2)))).toThrow("tensor 'w': dtype unknown (\"F8\")");
  });
  it('tensor offsets out of range (data section truncated)', () => {
    expect(() => parseSafetensors(build(ok, new Uint8Array(6)))).toThrow("tensor 'w': offsets [0, 8] out of range (data section has 6 bytes)");
  });
  it('begin after end', () => {
    expect(() => parseSafetensors(build({ w: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, new Uint8Array(8)))).toThrow("tensor 'w': offsets [4, 0] out of range");
  });
  it('byte count ≠ shape × dtype', () => {
    expect(() => parseSafetensors(build({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)))).toThrow("tensor 'w': byte count 8 ≠ shape [3] × F32 (4 B) = 12");
  });
  it('bad shape and bad offsets fields', () => {
    expect(() => parseSafetensors(build({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)))).toThrow("tensor 'w': shape must be an array of non-negative integers");
    expect(() => parseSafetensors(build({ w: { dtype: 'F32', shape: [1], data_offsets: [0] } }, new Uint8Array(4)))).toThrow("tensor 'w': data_offsets must be [begin, end]");
  });
  it('I64 values outside int32', () => {
    const data = bytesOf((v) => v.setBigInt64(0, 2n ** 40n, true), 8);
    expect(() => parseSafetensors(build({ i: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, data))).toThrow("tensor 'i' I64 value 1099511627776 at index 0 does not fit in int32");
  });
});
