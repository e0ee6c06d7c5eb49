/**
 * Seeded randomness for experiments and initialisation. No Math.random anywhere in computed numbers:
 * every random draw comes from a generator built from an explicit seed.
 */

/** FNV-1a 32-bit hash of a string, used to derive independent seeds from names. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  }
  return h >>> 0;
}

/**
 * A seed for one named weight or stream, derived from the run's seed and the name, so that adding a
 * weight does not shift the values of the others.
 */
export function deriveSeed(seed: number, name: string): number {
  return hashString(`${seed >>> 0}:${name}`);
}

/** mulberry32: a small, fast, well-mixed 32-bit generator. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded generator with the few helpers experiments need. */
export interface Rng {
  next(): number; // uniform in [0, 1)
  int(maxExclusive: number): number;
  normal(): number; // standard normal (Box–Muller)
  shuffle<T>(items: readonly T[]): T[];
}

export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  return {
    next,
    int: (maxExclusive) => Math.floor(next() * maxExclusive),
    normal: () => {
      const u = Math.max(next(), 1e-12);
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    shuffle: (items) => {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i -= 1) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j] as (typeof out)[number], out[i] as (typeof out)[number]];
      }
      return out;
    },
  };
}

/** FNV-1a over raw float32 bytes: exact pins of tensor values within one backend. */
export function fnv1aFloat32(values: Float32Array): string {
  let h = 0x811c9dc5;
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  for (let i = 0; i < bytes.length; i += 1) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}
