/**
 * Reads every import in the project's source tree and checks it against the layer rules in
 * layers.json. Imports are read with TypeScript's own pre-processor (static imports, re-exports,
 * `import type`, dynamic `import()`), plus `new URL('…', import.meta.url)` (how Workers are started)
 * and Vite's `import.meta.glob('…')` (counted as an import of the folder it names);
 * `.astro` files are read whole (frontmatter and <script> blocks), `.mdx` files by their import lines.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { z } from 'zod';

const layerSchema = z
  .object({
    name: z.string().min(1),
    what: z.string().min(1),
    paths: z.array(z.string().min(1)).min(1),
    mayImport: z.array(z.string().min(1)),
    forbidPackages: z.array(z.string().min(1)).optional(),
    forbidGlobals: z.array(z.string().min(1)).optional(),
  })
  .strict();
export const layersFileSchema = z.object({ $comment: z.string(), layers: z.array(layerSchema).min(1) }).strict();
export type Layer = z.infer<typeof layerSchema>;

export interface ImportEdge {
  /** The importing file, relative to the root. */
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** The imported file relative to the root, or null for a package. */
  target: string | null;
}

export interface Violation {
  file: string;
  specifier: string;
  rule: string;
}

const SOURCE_EXTENSIONS = ['.ts', '.mjs', '.js', '.astro', '.mdx'];
const RESOLVE_SUFFIXES = ['', '.ts', '.js', '.mjs', '.astro', '.json', '/index.ts'];

/** The layer owning a root-relative path: the longest matching path prefix wins. */
export function layerOf(layers: readonly Layer[], path: string): Layer | undefined {
  let best: { layer: Layer; length: number } | undefined;
  for (const layer of layers) {
    for (const p of layer.paths) {
      const hit = p.endsWith('/') ? path.startsWith(p) : path === p;
      if (hit && (!best || p.length > best.length)) best = { layer, length: p.length };
    }
  }
  return best?.layer;
}

/** The import specifiers of one file's text. */
export function specifiersOf(path: string, text: string): string[] {
  const ext = extname(path);
  let code = text;
  if (ext === '.mdx') {
    code = text
      .split('\n')
      .filter((line) => /^\s*(import|export)\s/.test(line))
      .join('\n');
  }
  const found = ts.preProcessFile(code, true, true).importedFiles.map((f) => f.fileName);
  for (const m of code.matchAll(/new\s+URL\(\s*(['"])([^'"]+)\1\s*,\s*import\.meta\.url\s*\)/g)) found.push(m[2] as string);
  // Vite's import.meta.glob('../dir/*.json'): counted as an import of the folder the pattern names.
  for (const m of code.matchAll(/import\.meta\.glob(?:<[^>]*>)?\(\s*(['"])([^'"]+)\1/g)) found.push(m[2] as string);
  return found;
}

/** Resolves a relative specifier to a root-relative file, or null when nothing is there. */
function resolveRelative(root: string, from: string, specifier: string): string | null {
  if (specifier.includes('*')) {
    // A glob: the folder before the first wildcard, with a trailing slash so it matches a layer's folder.
    const folder = resolve(root, dirname(from), specifier.slice(0, specifier.indexOf('*')).replace(/[^/]*$/, ''));
    return existsSync(folder) ? `${relative(root, folder)}/` : null;
  }
  const base = resolve(root, dirname(from), specifier.split('?')[0] as string);
  for (const suffix of RESOLVE_SUFFIXES) {
    const candidate = base + suffix;
    if (existsSync(candidate) && statSync(candidate).isFile()) return relative(root, candidate);
  }
  return null;
}

/** Package name of a bare specifier: "@tensorflow/tfjs-core/dist/x" → "@tensorflow/tfjs-core". */
const packageOf = (specifier: string): string => {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
};

/** Every import edge of the given root-relative source files. */
export function importEdges(root: string, files: readonly string[]): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const from of files) {
    if (!SOURCE_EXTENSIONS.includes(extname(from))) continue;
    const text = readFileSync(join(root, from), 'utf8');
    for (const specifier of specifiersOf(from, text)) {
      const target = specifier.startsWith('.') ? resolveRelative(root, from, specifier) : null;
      if (specifier.startsWith('.') && target === null) {
        edges.push({ from, specifier, target: `(unresolved) ${specifier}` });
        continue;
      }
      edges.push({ from, specifier, target });
    }
  }
  return edges;
}

/**
 * Violations of the layer rules among the given edges and files:
 * - a published source file that belongs to no layer;
 * - a relative import that does not resolve;
 * - an import of a layer the importer may not import (same-layer imports are always allowed);
 * - a forbidden package;
 * - a forbidden browser global, read from the file's text (`document.` / `window.`).
 */
export function checkLayers(layers: readonly Layer[], edges: readonly ImportEdge[], texts: ReadonlyMap<string, string>): Violation[] {
  const violations: Violation[] = [];
  for (const file of texts.keys()) {
    const layer = layerOf(layers, file);
    if (!layer) {
      violations.push({ file, specifier: '(none)', rule: 'the file belongs to no layer in layers.json' });
      continue;
    }
    const code = stripComments(texts.get(file) ?? '');
    for (const global of layer.forbidGlobals ?? []) {
      if (new RegExp(`(^|[^.\\w$])${global}\\s*\\.`).test(code)) {
        violations.push({ file, specifier: global, rule: `layer "${layer.name}" must not use the browser global "${global}"` });
      }
    }
  }
  for (const edge of edges) {
    const from = layerOf(layers, edge.from);
    if (!from) continue; // reported above
    if (edge.target?.startsWith('(unresolved)')) {
      violations.push({ file: edge.from, specifier: edge.specifier, rule: 'the relative import resolves to no file' });
      continue;
    }
    if (edge.target === null) {
      const pkg = packageOf(edge.specifier);
      const banned = (from.forbidPackages ?? []).find((p) => (p.endsWith('/') ? edge.specifier.startsWith(p) : pkg === p));
      if (banned) violations.push({ file: edge.from, specifier: edge.specifier, rule: `layer "${from.name}" must not import the package "${banned}"` });
      continue;
    }
    const to = layerOf(layers, edge.target);
    if (!to) {
      violations.push({ file: edge.from, specifier: edge.specifier, rule: `"${edge.target}" belongs to no layer in layers.json` });
      continue;
    }
    if (to.name === from.name || from.mayImport.includes('*') || from.mayImport.includes(to.name)) continue;
    const allowed = from.mayImport.length > 0 ? from.mayImport.join(', ') : 'nothing of the project';
    violations.push({
      file: edge.from,
      specifier: edge.specifier,
      rule: `layer "${from.name}" may not import layer "${to.name}" (${edge.target}); it may import: ${allowed}`,
    });
  }
  return violations;
}

/** Drops // and /* *\/ comments so a doc comment that mentions `window.` is not a use of it. */
function stripComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

export const formatViolation = (v: Violation): string => `${v.file}: import "${v.specifier}": ${v.rule}`;
