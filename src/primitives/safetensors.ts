/**
 * Parse and serialise the safetensors format in pure TypeScript (browser and Node).
 *
 * Format (huggingface/safetensors README): bytes 0..8 = u64 little-endian header length N; bytes
 * 8..8+N = UTF-8 JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {str: str}};
 * then the raw little-endian tensor bytes, offsets relative to the end of the header.
 * Shapes in: Uint8Array file bytes. Out: Map name → {dtype, shape, data}.
 * Departures from the reference implementation:
 * - float types (F32, F16, BF16, F64) are decoded to Float32Array (F64 loses precision);
 *   I32/I16/I8 to Int32Array, I64 to Int32Array after checking every value fits in int32,
 *   U8/BOOL to Uint8Array. tfjs has no f16/bf16/i64 tensors, so this is what a model can use.
 * - serialisation writes only F32 and I32 (all tfjs produces here).
 * - overlapping or non-contiguous data ranges are accepted (the reference rejects gaps); each
 *   tensor's range is still checked against the buffer and its byte count against shape × dtype.
 */

export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

export interface ParsedTensor {
  dtype: string;
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array;
}

export interface SerializableTensor {
  dtype: 'F32' | 'I32';
  shape: number[];
  data: Float32Array | Int32Array;
}

const BYTES: Record<SafetensorsDtype, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/** A header larger than this is refused before decoding (the reference uses 100 MB). */
const MAX_HEADER = 100_000_000;

const isDtype = (d: unknown): d is SafetensorsDtype => typeof d === 'string' && Object.hasOwn(BYTES, d);

/** IEEE half → float32 (subnormals, inf and NaN included). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function decode(dtype: SafetensorsDtype, bytes: Uint8Array, count: number, name: string): ParsedTensor['data'] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i += 1) out[i] = view.getFloat32(4 * i, true);
      return out;
    }
    case 'F64': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i += 1) out[i] = view.getFloat64(8 * i, true);
      return out;
    }
    case 'F16': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i += 1) out[i] = halfToFloat(view.getUint16(2 * i, true));
      return out;
    }
    case 'BF16': {
      // bfloat16 is the top half of a float32: shift the 16 bits into place.
      const out = new Float32Array(count);
      const u32 = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i += 1) u32[i] = view.getUint16(2 * i, true) << 16;
      return out;
    }
    case 'I64': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i += 1) {
        const v = view.getBigInt64(8 * i, true);
        if (v > 2147483647n || v < -2147483648n) {
          throw new Error(`safetensors: tensor '${name}' I64 value ${v} at index ${i} does not fit in int32`);
        }
        out[i] = Number(v);
      }
      return out;
    }
    case 'I32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i += 1) out[i] = view.getInt32(4 * i, true);
      return out;
    }
    case 'I16': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i += 1) out[i] = view.getInt16(2 * i, true);
      return out;
    }
    case 'I8': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i += 1) out[i] = view.getInt8(i);
      return out;
    }
    case 'U8':
    case 'BOOL':
      return bytes.slice(0, count);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNonNegInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Parse a whole safetensors file. Throws an Error naming the problem on any malformed input. */
export function parseSafetensors(bytes: Uint8Array): Map<string, ParsedTensor> {
  if (bytes.byteLength < 8) {
    throw new Error(`safetensors: bad header length: file has ${bytes.byteLength} bytes, fewer than the 8-byte length prefix`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen64 = view.getBigUint64(0, true);
  if (headerLen64 > BigInt(Math.min(MAX_HEADER, bytes.byteLength - 8))) {
    throw new Error(`safetensors: bad header length ${headerLen64}: only ${bytes.byteLength - 8} bytes follow the prefix`);
  }
  const headerLen = Number(headerLen64);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen)));
  } catch (err) {
    throw new Error(`safetensors: header JSON invalid: ${(err as Error).message}`);
  }
  if (!isRecord(header)) throw new Error('safetensors: header JSON invalid: not an object');
  const body = bytes.subarray(8 + headerLen);
  const out = new Map<string, ParsedTensor>();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (!isRecord(info)) throw new Error(`safetensors: tensor '${name}': entry is not an object`);
    const { dtype, shape, data_offsets: offsets } = info;
    if (!isDtype(dtype)) throw new Error(`safetensors: tensor '${name}': dtype unknown (${JSON.stringify(dtype)})`);
    if (!Array.isArray(shape) || !shape.every(isNonNegInt)) {
      throw new Error(`safetensors: tensor '${name}': shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegInt)) {
      throw new Error(`safetensors: tensor '${name}': data_offsets must be [begin, end], got ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end || end > body.byteLength) {
      throw new Error(`safetensors: tensor '${name}': offsets [${begin}, ${end}] out of range (data section has ${body.byteLength} bytes)`);
    }
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    const expected = count * BYTES[dtype];
    if (end - begin !== expected) {
      throw new Error(
        `safetensors: tensor '${name}': byte count ${end - begin} ≠ shape [${(shape as number[]).join(', ')}] × ${dtype} (${BYTES[dtype]} B) = ${expected}`,
      );
    }
    out.set(name, { dtype, shape: [...(shape as number[])], data: decode(dtype, body.subarray(begin, end), count, name) });
  }
  return out;
}

/** The optional `__metadata__` string map of a file (empty when absent). */
export function parseSafetensorsMetadata(bytes: Uint8Array): Record<string, string> {
  if (bytes.byteLength < 8) return {};
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (n > bytes.byteLength - 8) return {};
  const header: unknown = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const meta = isRecord(header) ? header.__metadata__ : undefined;
  return isRecord(meta) ? (Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, String(v)])) as Record<string, string>) : {};
}

/** Serialise F32/I32 tensors; names sorted so the same tensors always give the same bytes. */
export function serializeSafetensors(tensors: Record<string, SerializableTensor>, metadata?: Record<string, string>): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const name of names) {
    const t = tensors[name] as SerializableTensor;
    if (t.dtype !== 'F32' && t.dtype !== 'I32') throw new Error(`safetensors: tensor '${name}': cannot serialise dtype ${String(t.dtype)}`);
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) {
      throw new Error(`safetensors: tensor '${name}': data has ${t.data.length} values but shape [${t.shape.join(', ')}] needs ${count}`);
    }
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let json = JSON.stringify(header);
  // Pad with spaces to a multiple of 8 so the data section is 8-byte aligned, as the reference writer does.
  const encoder = new TextEncoder();
  let headerBytes = encoder.encode(json);
  if (headerBytes.length % 8 !== 0) {
    json += ' '.repeat(8 - (headerBytes.length % 8));
    headerBytes = encoder.encode(json);
  }
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const name of names) {
    const t = tensors[name] as SerializableTensor;
    for (let i = 0; i < t.data.length; i += 1) {
      if (t.dtype === 'F32') view.setFloat32(pos, t.data[i] as number, true);
      else view.setInt32(pos, t.data[i] as number, true);
      pos += 4;
    }
  }
  return out;
}

/** One tensor entry of a safetensors header; `begin`/`end` are byte offsets into the data section. */
export interface HeaderEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

/** A file read by byte range (a browser File/Blob via slice, a Buffer in Node). */
export interface RangeSource {
  size: number;
  read(begin: number, end: number): Promise<Uint8Array>;
}

export function blobSource(blob: { size: number; slice(begin: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> } }): RangeSource {
  return { size: blob.size, read: async (b, e) => new Uint8Array(await blob.slice(b, e).arrayBuffer()) };
}

/**
 * Read and check only the header of a safetensors file (8-byte length, then JSON): the tensors'
 * names, dtypes, shapes and byte ranges, without touching the data. Every way a file can be wrong
 * has its own message: too short, not safetensors (a length that cannot be), a header that is not
 * JSON, a truncated data section, an entry whose byte count does not fit its shape.
 */
export async function readSafetensorsHeader(src: RangeSource): Promise<{ entries: HeaderEntry[]; dataStart: number; metadata: Record<string, string> }> {
  if (src.size < 8) throw new Error(`not a safetensors file: it has ${src.size} bytes, fewer than the 8-byte header length`);
  const prefix = await src.read(0, 8);
  const headerLen64 = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (headerLen64 < 2n || headerLen64 > BigInt(MAX_HEADER)) {
    throw new Error(`not a safetensors file: its first 8 bytes give a header of ${headerLen64} bytes, which no safetensors file has`);
  }
  const headerLen = Number(headerLen64);
  if (8 + headerLen > src.size) throw new Error(`truncated safetensors file: the header needs ${8 + headerLen} bytes but the file has ${src.size}`);
  const headBytes = await src.read(8, 8 + headerLen);
  if (headBytes[0] !== 0x7b) throw new Error('not a safetensors file: the header does not start with "{"');
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headBytes));
  } catch (err) {
    throw new Error(`not a safetensors file: header JSON invalid (${(err as Error).message})`);
  }
  if (!isRecord(header)) throw new Error('not a safetensors file: the header is not a JSON object');
  const dataStart = 8 + headerLen;
  const dataLen = src.size - dataStart;
  const entries: HeaderEntry[] = [];
  const metadata: Record<string, string> = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (isRecord(info)) for (const [k, v] of Object.entries(info)) if (typeof v === 'string') metadata[k] = v;
      continue;
    }
    if (!isRecord(info)) throw new Error(`safetensors: tensor '${name}': entry is not an object`);
    const { dtype, shape, data_offsets: offsets } = info;
    if (!isDtype(dtype)) throw new Error(`safetensors: tensor '${name}': dtype unknown (${JSON.stringify(dtype)})`);
    if (!Array.isArray(shape) || !shape.every(isNonNegInt)) throw new Error(`safetensors: tensor '${name}': shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegInt)) throw new Error(`safetensors: tensor '${name}': data_offsets must be [begin, end], got ${JSON.stringify(offsets)}`);
    const [begin, end] = offsets as [number, number];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== count * BYTES[dtype]) throw new Error(`safetensors: tensor '${name}': byte count ${end - begin} ≠ shape [${(shape as number[]).join(', ')}] × ${dtype} (${BYTES[dtype]} B) = ${count * BYTES[dtype]}`);
    if (begin > end || end > dataLen) throw new Error(`truncated safetensors file: tensor '${name}' ends at data byte ${end} but the data section has ${dataLen} bytes`);
    entries.push({ name, dtype, shape: [...(shape as number[])], begin, end });
  }
  return { entries, dataStart, metadata };
}

/** Read and decode one tensor's byte range (only that range is read). */
export async function readSafetensorsTensor(src: RangeSource, dataStart: number, e: HeaderEntry): Promise<ParsedTensor> {
  const bytes = await src.read(dataStart + e.begin, dataStart + e.end);
  const count = e.shape.reduce((a, b) => a * b, 1);
  return { dtype: e.dtype, shape: [...e.shape], data: decode(e.dtype, bytes, count, e.name) };
}
