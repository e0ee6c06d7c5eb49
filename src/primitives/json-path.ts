/**
 * The one JSON-path reader. Reads a node (or one number) out of plain JSON by a dot path such as
 * "result.models.0.recallAt10". Articles bind their prose to experiment results through it
 * (components/ResultNum.astro), table cells name their source by such a path, and the e2e tests
 * re-read the same path from the same JSON, so a number on a page can never drift from the result
 * it describes.
 *
 * Pure and DOM-free: no file access here (the caller loads the JSON), so it runs in Node, in the
 * browser and in unit tests alike.
 */
import { z } from 'zod';

/**
 * A path is dot-separated segments: object keys (letters, digits, '_', '-') or array indices
 * (integers without leading zeros). A negative index counts from the end, as in Python: "-1" is the
 * last element. Prose usually reports the final epoch or step of a curve, and "-1" keeps that
 * binding right when a notebook's epoch count changes. Empty segments ("a..b", ".a") are rejected
 * so a typo cannot silently read the wrong node.
 */
const indexPattern = /^-?(?:0|[1-9][0-9]*)$/;
const segmentPattern = /^(?:-?(?:0|[1-9][0-9]*)|[A-Za-z_$][A-Za-z0-9_$-]*)$/;
export const resultPathSchema = z
  .string()
  .min(1, 'the path is empty')
  .refine((p) => p.split('.').every((s) => segmentPattern.test(s)), {
    message: 'must be dot-separated keys or array indices, e.g. "result.models.0.testMse"',
  });

const finiteNumber = z.number().finite();

/** Raised when a path does not lead to a finite number; the message names the path and the step that failed. */
export class ResultPathError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`path "${path}": ${message}`);
    this.name = 'ResultPathError';
    this.path = path;
  }
}

const describe = (node: unknown): string => {
  if (node === null) return 'null';
  if (Array.isArray(node)) return `an array of length ${node.length}`;
  if (typeof node === 'object') {
    const keys = Object.keys(node as object);
    const shown = keys.slice(0, 8).join(', ');
    return `an object with keys [${shown}${keys.length > 8 ? ', …' : ''}]`;
  }
  return `${typeof node} ${JSON.stringify(node)}`;
};

/**
 * The node at `path` in `json`. Array steps must be integer indices in range (negative ones count
 * from the end); object steps must be own keys. Throws ResultPathError naming the failing step.
 */
export function readJsonPath(json: unknown, path: string): unknown {
  const parsedPath = resultPathSchema.safeParse(path);
  if (!parsedPath.success) throw new ResultPathError(path, parsedPath.error.issues[0]?.message ?? 'invalid path');
  let node: unknown = json;
  const walked: string[] = [];
  for (const segment of path.split('.')) {
    const here = walked.length > 0 ? `"${walked.join('.')}"` : 'the root';
    if (Array.isArray(node)) {
      if (!indexPattern.test(segment) || segment === '-0') throw new ResultPathError(path, `${here} is an array, so "${segment}" must be an index`);
      const given = Number(segment);
      const index = given < 0 ? node.length + given : given;
      if (index < 0 || index >= node.length) throw new ResultPathError(path, `index ${given} is out of range at ${here} (length ${node.length})`);
      node = node[index];
    } else if (node !== null && typeof node === 'object') {
      if (/^-/.test(segment)) throw new ResultPathError(path, `${here} is not an array, so "${segment}" cannot index it`);
      // Own keys only: "constructor" or "toString" must not resolve through the prototype.
      if (!Object.prototype.hasOwnProperty.call(node, segment)) throw new ResultPathError(path, `no key "${segment}" at ${here}, which is ${describe(node)}`);
      node = (node as Record<string, unknown>)[segment];
    } else {
      throw new ResultPathError(path, `cannot step into "${segment}": ${here} is ${describe(node)}`);
    }
    walked.push(segment);
  }
  return node;
}

/** The value at `path` in `json`, which must be a finite number; ResultPathError otherwise. */
export function readResultNumber(json: unknown, path: string): number {
  const node = readJsonPath(json, path);
  const value = finiteNumber.safeParse(node);
  if (!value.success) throw new ResultPathError(path, `expected a finite number, found ${describe(node)}`);
  return value.data;
}
