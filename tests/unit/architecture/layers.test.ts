/**
 * The one-way flow, enforced: every import of every tracked source file obeys layers.json.
 * A failure lists each offending file, the import as written and the rule it breaks.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkLayers,
  formatViolation,
  importEdges,
  layerOf,
  layersFileSchema,
  specifiersOf,
  type ImportEdge,
  type Layer,
} from './import-graph';

const ROOT = resolve(__dirname, '../../..');
const SOURCE = /\.(ts|mjs|js|astro|mdx)$/;

let layers: Layer[];
let files: string[];
let texts: Map<string, string>;
let edges: ImportEdge[];

beforeAll(() => {
  layers = layersFileSchema.parse(JSON.parse(readFileSync(join(ROOT, 'layers.json'), 'utf8'))).layers;
  // Tracked and new (untracked, not ignored) files: what a clean checkout of this change would hold.
  files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => SOURCE.test(f))
    .filter((f) => !f.startsWith('scripts/data/node_modules/'));
  const published = files.filter((f) => layerOf(layers, f)?.name !== 'tools');
  texts = new Map(published.map((f) => [f, readFileSync(join(ROOT, f), 'utf8')]));
  edges = importEdges(ROOT, files);
});

describe('layers.json', () => {
  it('names each layer once, and every mayImport entry is a layer', () => {
    const names = layers.map((l) => l.name);
    expect(new Set(names).size).toBe(names.length);
    for (const l of layers) for (const m of l.mayImport) expect(m === '*' || names.includes(m), `${l.name} → ${m}`).toBe(true);
  });

  it('has no cycle among layers (the flow is one way)', () => {
    const graph = new Map(layers.map((l) => [l.name, l.mayImport.filter((m) => m !== '*')]));
    const state = new Map<string, 'open' | 'done'>();
    const cycle: string[] = [];
    const visit = (n: string, trail: string[]): void => {
      if (state.get(n) === 'done') return;
      if (state.get(n) === 'open') {
        cycle.push([...trail, n].join(' → '));
        return;
      }
      state.set(n, 'open');
      for (const m of graph.get(n) ?? []) visit(m, [...trail, n]);
      state.set(n, 'done');
    };
    for (const n of graph.keys()) visit(n, []);
    expect(cycle).toEqual([]);
  });

  it('no layer may import the developers\' tools', () => {
    for (const l of layers) if (l.name !== 'tools') expect(l.mayImport, l.name).not.toContain('tools');
  });
});

describe('the source tree obeys layers.json', () => {
  it('reads a plausible number of files and imports', () => {
    expect(texts.size).toBeGreaterThan(150);
    expect(edges.length).toBeGreaterThan(600);
  });

  it('every import of every published file is allowed', () => {
    const published = edges.filter((e) => texts.has(e.from));
    const violations = checkLayers(layers, published, texts);
    expect(violations.map(formatViolation), 'layer violations').toEqual([]);
  });

  it('the tools import only what exists', () => {
    // This file's own planted examples are strings, not imports.
    const broken = edges.filter((e) => !texts.has(e.from) && !e.from.startsWith('tests/unit/architecture/') && e.target?.startsWith('(unresolved)'));
    expect(broken.map((e) => `${e.from}: ${e.specifier}`)).toEqual([]);
  });
});

describe('the checker catches what it must (planted violations)', () => {
  const check = (file: string, code: string, target: string | null, specifier: string) =>
    checkLayers(layers, [{ from: file, specifier, target }], new Map([[file, code]])).map(formatViolation);

  it('a figure importing a projector fails, naming the file, the import and the rule', () => {
    const file = 'src/figures/planted.ts';
    const code = "import { spec } from '../projectors/linear';";
    expect(specifiersOf(file, code)).toEqual(['../projectors/linear']);
    expect(check(file, code, 'src/projectors/linear.ts', '../projectors/linear')).toEqual([
      'src/figures/planted.ts: import "../projectors/linear": layer "figures" may not import layer "projectors" (src/projectors/linear.ts); it may import: primitives',
    ]);
  });

  it('a figure importing tfjs fails', () => {
    expect(check('src/figures/planted.ts', '', null, '@tensorflow/tfjs')).toEqual([
      'src/figures/planted.ts: import "@tensorflow/tfjs": layer "figures" must not import the package "@tensorflow/"',
    ]);
  });

  it('a primitive importing anything of the project fails', () => {
    expect(check('src/primitives/planted.ts', '', 'src/data/emoji.ts', '../data/emoji')[0]).toMatch(/may import: nothing of the project/);
  });

  it('a published page importing scripts/ fails', () => {
    expect(check('src/pages/planted.astro', '', 'scripts/bench/run.ts', '../../scripts/bench/run')[0]).toMatch(/layer "pages" may not import layer "tools"/);
  });

  it('a projector touching the DOM fails', () => {
    expect(check('src/projectors/planted.ts', 'const el = document.createElement("div");', null, 'zod')).toEqual([
      'src/projectors/planted.ts: import "document": layer "projectors" must not use the browser global "document"',
    ]);
  });

  it('a component reading committed results directly (not through the reference layer) fails', () => {
    expect(check('components/Planted.astro', '', 'content/data/', '../content/data/*.json')[0]).toMatch(/layer "components" may not import layer "content-data"/);
  });

  it('a file outside every layer fails', () => {
    expect(check('src/stray/planted.ts', '', null, 'zod')[0]).toMatch(/belongs to no layer/);
  });

  it('reads dynamic imports, Worker URLs, .astro scripts and MDX imports', () => {
    expect(specifiersOf('a.ts', "const m = await import('./x');")).toEqual(['./x']);
    expect(specifiersOf('a.ts', "new Worker(new URL('./w.ts', import.meta.url))")).toEqual(['./w.ts']);
    expect(specifiersOf('a.astro', "---\nimport A from './A.astro';\n---\n<script>import { b } from './b';</script>")).toEqual(['./A.astro', './b']);
    expect(specifiersOf('a.mdx', "import C from '../C.astro';\n\nSome prose with import in it.")).toEqual(['../C.astro']);
    expect(specifiersOf('a.ts', "const f = import.meta.glob<{ default: unknown }>('../data/*.json', { eager: true });")).toEqual(['../data/*.json']);
  });
});

describe('the README shows the same rules', () => {
  it("the Layout table lists every layer with exactly its layers.json arrows", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const l of layers) {
      const folders = l.paths.map((p) => `\`${p}\``).join(', ');
      const arrows = l.mayImport.length > 0 ? l.mayImport.join(', ') : '—';
      expect(readme, `README row of layer "${l.name}"`).toContain(`| ${l.name} | ${folders} | ${arrows} |`);
    }
  });
});
