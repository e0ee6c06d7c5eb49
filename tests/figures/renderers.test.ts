import { describe, expect, it } from 'vitest';
import { formatCount, formatFixed, formatInt, formatShape, formatValue } from '../../src/primitives/format';
import { figureKinds, getRenderer, parseFigure } from '../../src/figures/registry';
import { renderToString } from '../../src/figures/server';
import { spreadLabels } from '../../src/figures/line-layout';
import { heatmapDomain } from '../../src/figures/heatmap-layout';
import { samples } from './samples';
import { all, attr, normaliseSvg, render, visibleTexts } from './helpers';

type Row = { key: string; label: string; value: number; group?: string };
type Series = { key: string; label: string; points: Array<[number, number]> };
type Point = { key: string; label?: string; x: number; y: number; group?: string };
type Grid = { key: string; h: number; w: number; values: number[]; kept?: number[] };

describe('registry', () => {
  it('names every renderer under its own id', () => {
    expect(figureKinds).toEqual(['bar', 'pipeline', 'line', 'heatmap', 'scatter', 'token-grid', 'taxonomy', 'attention-overlay', 'token-sequence']);
    for (const kind of figureKinds) expect(getRenderer(kind).id).toBe(kind);
  });

  it('rejects an unknown renderer, listing the known ones', () => {
    expect(() => getRenderer('pie')).toThrow(/Unknown figure renderer "pie"; known: bar, pipeline/);
  });

  it('has a sample for every renderer', () => {
    const covered = new Set(Object.values(samples).map((s) => s.figure));
    expect([...covered].sort()).toEqual([...figureKinds].sort());
  });
});

describe.each(Object.entries(samples))('sample %s', (name, sample) => {
  it('renders an accessible SVG with a viewBox and full width', () => {
    const { svg } = render(sample.figure, sample.data, sample.opts);
    const id = String(sample.opts.id);
    // A diagram whose nodes are links must stay a group: role="img" would hide the links from assistive tech.
    expect(svg.getAttribute('role')).toBe(sample.figure === 'taxonomy' ? 'group' : 'img');
    expect(svg.getAttribute('id')).toBe(`${id}-svg`);
    expect(svg.getAttribute('aria-labelledby')).toBe(`${id}-title`);
    expect(svg.getAttribute('aria-describedby')).toBe(`${id}-desc`);
    expect(svg.querySelector('title')?.textContent).toBe(sample.opts.title);
    expect((svg.querySelector('desc')?.textContent ?? '').length).toBeGreaterThan(20);
    expect(svg.getAttribute('width')).toBe('100%');
    const [x, y, w, h] = attr(svg, 'viewBox').split(' ').map(Number);
    expect([x, y]).toEqual([0, 0]);
    expect(w).toBe(sample.figure === 'taxonomy' ? 760 : 640); // the taxonomy tree defaults wider
    expect(h).toBeGreaterThan(100);
  });

  it('is deterministic: same input, identical markup', () => {
    expect(renderToString(sample.figure, sample.data, sample.opts)).toBe(renderToString(sample.figure, sample.data, sample.opts));
  });

  it('never paints NaN, undefined, null or Infinity, in either variant', () => {
    const out = render(sample.figure, sample.data, sample.opts);
    for (const svg of [out.svg, out.narrow]) {
      if (!svg) continue;
      expect(svg.outerHTML).not.toMatch(/NaN|undefined|null|Infinity/);
    }
  });

  it('puts a numeric data-value and a data-key on every mark that carries a value', () => {
    const { svg } = render(sample.figure, sample.data, sample.opts);
    const marks = all(svg, '[data-value]');
    expect(marks.length).toBeGreaterThan(0);
    for (const m of marks) {
      expect(Number.isFinite(Number(attr(m, 'data-value')))).toBe(true);
      expect(attr(m, 'data-key').length).toBeGreaterThan(0);
    }
  });

  it('uses only theme colours (CSS custom properties), never literal colours', () => {
    const { svg } = render(sample.figure, sample.data, sample.opts);
    for (const el of all(svg, '[fill], [stroke]')) {
      for (const a of ['fill', 'stroke']) {
        const v = el.getAttribute(a);
        if (v === null || v === 'none') continue;
        expect(v, `${el.tagName} ${a}`).toMatch(/^var\(--[a-z0-9-]+\)$/);
      }
    }
  });

  it('renders a narrow (phone) variant with its own ids at 360 units', () => {
    const out = render(sample.figure, sample.data, sample.opts);
    expect(out.narrow).toBeDefined();
    const narrow = out.narrow as SVGSVGElement;
    expect(narrow.getAttribute('id')).toBe(`${String(sample.opts.id)}-n-svg`);
    expect(attr(narrow, 'viewBox').split(' ')[2]).toBe('360');
  });

  it('matches the committed normalised SVG snapshot', async () => {
    await expect(normaliseSvg(renderToString(sample.figure, sample.data, sample.opts))).toMatchFileSnapshot(`__snapshots__/${name}.svg`);
  });
});

describe('bar', () => {
  const s = samples.bar!;
  const rows = (s.data as { rows: Row[] }).rows;

  it('draws one bar and one value label per row, with raw data-value and format.ts text', () => {
    const { svg } = render('bar', s.data, s.opts);
    const bars = all(svg, 'rect.fig-bar');
    expect(bars).toHaveLength(rows.length);
    rows.forEach((row, i) => {
      expect(attr(bars[i], 'data-key')).toBe(row.key);
      expect(Number(attr(bars[i], 'data-value'))).toBe(row.value);
      const label = svg.querySelector(`text.fig-bar-value[data-key="${row.key}"]`);
      expect(label?.textContent).toBe(formatCount(row.value, 1));
    });
    expect(svg.querySelector('text.fig-bar-value[data-key="mlp2x"]')?.textContent).toBe('21.0M');
    expect(Number(svg.querySelector('rect.fig-bar[data-key="mlp2x"]')?.getAttribute('data-value'))).toBe(20979712);
  });

  it('labels the log axis at powers of ten and colours groups from the series tokens', () => {
    const { svg } = render('bar', s.data, s.opts);
    const ticks = all(svg, 'text[data-key="x-tick"]').map((t) => t.textContent);
    expect(ticks).toEqual(['1M', '10M', '100M', '1B']);
    expect(svg.querySelector('rect.fig-bar[data-key="linear"]')?.getAttribute('fill')).toBe('var(--series-1)');
    expect(svg.querySelector('rect.fig-bar[data-key="qformer"]')?.getAttribute('fill')).toBe('var(--series-2)');
    expect(svg.querySelector('rect.fig-bar[data-key="cabs"]')?.getAttribute('fill')).toBe('var(--series-3)');
    expect(svg.querySelector('rect.fig-bar[data-key="mlp2x"]')?.getAttribute('fill')).toBe('var(--accent)');
    expect(all(svg, '.fig-legend-item').map((g) => g.textContent)).toEqual(['MLP family', 'Query-based', 'Convolutional']);
  });

  it('orders bars by value when sort is "desc", bar length proportional on a linear axis', () => {
    const lin = samples['bar-linear']!;
    const { svg } = render('bar', lin.data, lin.opts);
    const bars = all(svg, 'rect.fig-bar');
    expect(bars.map((b) => b.getAttribute('data-key'))).toEqual(['a', 'b', 'd', 'c']);
    expect(all(svg, 'text.fig-bar-value').map((t) => t.textContent)).toEqual([formatInt(576), formatInt(144), formatInt(64), formatInt(32)]);
    const widths = bars.map((b) => Number(attr(b, 'width')));
    expect((widths[0] ?? 0) / (widths[1] ?? 1)).toBeCloseTo(576 / 144, 1);
  });

  it('returns its rows raw', () => {
    expect(getRenderer('bar').toRows(parseFigure('bar', s.data, s.opts).data)[1]).toEqual({
      key: 'mlp2x',
      label: 'MLP 2× GELU (LLaVA-1.5)',
      value: 20979712,
      group: 'MLP family',
    });
  });

  it('names the failing field', () => {
    expect(() => render('bar', { rows: [{ key: 'a', label: 'A', value: 'big' }] }, { id: 'f' })).toThrow(
      /Figure "f" \(bar\): data\.rows\[0\]\.value: Expected number, received string/,
    );
    expect(() => render('bar', { rows: [{ key: 'a', label: 'A', value: 1 }, { key: 'a', label: 'B', value: 2 }] }, { id: 'f' })).toThrow(
      /data\.rows\[1\]\.key: duplicate key "a"/,
    );
    expect(() => render('bar', { rows: [{ key: 'a', label: 'A', value: 0 }] }, { id: 'f', log: true })).toThrow(/opts\.log needs data\.rows\[0\]\.value > 0/);
    expect(() => render('bar', { rows: [{ key: 'a', label: 'A', value: 1 }] }, { id: '9lives' })).toThrow(/opts\.id: must start with a letter/);
    expect(() => render('bar', { rows: [{ key: 'a', label: 'A', value: 1 }] }, { id: 'f', colour: 'red' })).toThrow(/opts: Unrecognized key\(s\) in object: 'colour'/);
    expect(() => render('bar', { rows: [] }, { id: 'f' })).toThrow(/data\.rows: needs at least one row/);
  });
});

describe('pipeline', () => {
  const s = samples.pipeline!;
  const stages = (s.data as { stages: Array<{ key: string; shape?: number[]; params?: number }> }).stages;

  it('draws one box per stage, arrows between them, and inputs', () => {
    const { svg } = render('pipeline', s.data, s.opts);
    expect(all(svg, 'g.fig-stage').map((g) => g.getAttribute('data-key'))).toEqual(stages.map((st) => st.key));
    expect(all(svg, '.fig-arrow')).toHaveLength(stages.length - 1 + 2);
    expect(all(svg, 'g.fig-input')).toHaveLength(2);
    expect(svg.querySelector('marker')?.getAttribute('id')).toBe('fig-pipeline-arrowhead');
  });

  it('writes shapes and parameter counts through format.ts with raw attributes', () => {
    const { svg } = render('pipeline', s.data, s.opts);
    const shape = svg.querySelector('[data-key="proj.shape"]');
    expect(shape?.textContent).toBe(formatShape([576, 4096]));
    expect(shape?.getAttribute('data-shape')).toBe('576,4096');
    const params = svg.querySelector('[data-key="proj.params"]');
    expect(params?.textContent).toBe(`${formatCount(20979712, 1)} params`);
    expect(Number(params?.getAttribute('data-value'))).toBe(20979712);
  });

  it('marks highlighted and absent stages', () => {
    const { svg } = render('pipeline', s.data, s.opts);
    expect(svg.querySelector('g.fig-stage[data-key="proj"]')?.getAttribute('class')).toContain('is-highlight');
    const absent = all(svg, 'g.fig-stage.is-absent');
    expect(absent.map((g) => g.getAttribute('data-key'))).toEqual(['oproj', 'gen']);
    expect(absent[0]?.querySelector('rect')?.getAttribute('stroke-dasharray')).toBe('5 4');
    expect(svg.querySelector('.fig-arrow[data-key="llm->oproj"]')?.getAttribute('stroke-dasharray')).toBe('4 3');
  });

  it('stacks vertically for phones', () => {
    const out = render('pipeline', s.data, s.opts);
    const narrow = out.narrow as SVGSVGElement;
    const ys = all(narrow, 'g.fig-stage > rect').map((r) => Number(r.getAttribute('y')));
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
    const xs = new Set(all(narrow, 'g.fig-stage > rect').map((r) => r.getAttribute('x')));
    expect(xs.size).toBe(1);
  });

  it('describes the chain in words and returns rows', () => {
    const r = getRenderer('pipeline');
    const d = parseFigure('pipeline', s.data, s.opts).data;
    expect(r.describe(d)).toContain('Modality encoder (576 × 1,024) → Input projector (576 × 4,096)');
    expect(r.describe(d)).toContain('Text prompt enters LLM backbone');
    expect(r.toRows(d)[1]).toEqual({ kind: 'stage', key: 'proj', label: 'Input projector', role: 'input-projector', shape: '576x4096', params: 20979712, highlight: 1, absent: 0 });
  });

  it('names a dangling input target', () => {
    expect(() => render('pipeline', { stages: [{ key: 'a', label: 'A' }], inputs: [{ key: 'i', label: 'I', to: 'zz' }] }, { id: 'p' })).toThrow(
      /data\.inputs\[0\]\.to: no stage with key "zz"/,
    );
  });
});

describe('line', () => {
  const s = samples.line!;
  const series = (s.data as { series: Series[] }).series;

  it('draws one path per series and an end label with the last value', () => {
    const { svg } = render('line', s.data, s.opts);
    expect(all(svg, 'path.fig-line').map((p) => p.getAttribute('data-key'))).toEqual(series.map((x) => x.key));
    for (const ser of series) {
      const last = ser.points[ser.points.length - 1] as [number, number];
      const label = svg.querySelector(`text.fig-end-label[data-key="${ser.key}.last"]`);
      expect(Number(label?.getAttribute('data-value'))).toBe(last[1]);
      expect(label?.textContent).toBe(formatFixed(last[1], 3));
    }
    expect(svg.querySelector('path.fig-line[data-key="qformer"]')?.getAttribute('stroke-dasharray')).toBe('6 4');
  });

  it('formats ticks with format.ts and keeps end labels apart', () => {
    const { svg } = render('line', s.data, s.opts);
    expect(all(svg, 'text[data-key="x-tick"]').map((t) => t.textContent)).toEqual(['0', '200', '400', '600', '800', '1,000']);
    const ys = all(svg, 'text.fig-end-label').map((t) => Number(t.getAttribute('y'))).sort((a, b) => a - b);
    for (let i = 1; i < ys.length; i += 1) expect((ys[i] ?? 0) - (ys[i - 1] ?? 0)).toBeGreaterThanOrEqual(13.99);
  });

  it('labels a short integer axis once per integer (four epochs: 1, 2, 3, 4, not 1, 2, 2, 3, …)', () => {
    const epochs = { series: [{ key: 'acc', label: 'accuracy', points: [[1, 0.9], [2, 0.5], [3, 0.4], [4, 0.55]] }] };
    const { svg } = render('line', epochs, { id: 'epochs', title: 'Epochs', xLabel: 'epoch', yFormat: { kind: 'percent', digits: 0 } });
    const labels = all(svg, 'text[data-key="x-tick"]').map((t) => t.textContent);
    expect(labels).toEqual(['1', '2', '3', '4']);
    const yLabels = all(svg, 'text[data-key="y-tick"]').map((t) => t.textContent);
    expect(new Set(yLabels).size).toBe(yLabels.length);
  });

  it('draws points with data-value when asked', () => {
    const { svg } = render('line', s.data, { ...s.opts, showPoints: true });
    expect(all(svg, 'circle.fig-point')).toHaveLength(series.reduce((a, x) => a + x.points.length, 0));
    expect(Number(svg.querySelector('circle[data-key="mlp[0]"]')?.getAttribute('data-value'))).toBe(series[0]?.points[0]?.[1]);
  });

  it('spreads labels without reordering them', () => {
    expect(spreadLabels([10, 11, 50], 5, 0, 100)).toEqual([10, 15, 50]);
    expect(spreadLabels([98, 99], 5, 0, 100)).toEqual([95, 100]);
  });

  it('returns one row per point and names bad points', () => {
    const d = parseFigure('line', s.data, s.opts).data;
    const rows = getRenderer('line').toRows(d);
    expect(rows).toHaveLength(123);
    expect(rows[0]).toEqual({ series: 'mlp', label: 'MLP projector', x: 0, y: 2.6 });
    expect(() => render('line', { series: [{ key: 'a', label: 'A', points: [[0, 1], [1, Infinity]] }] }, { id: 'l' })).toThrow(
      /data\.series\[0\]\.points\[1\]\[1\]/,
    );
    expect(() => render('line', { series: [{ key: 'a', label: 'A', points: [[0, 0]] }] }, { id: 'l', logY: true })).toThrow(/opts\.logY needs/);
  });
});

describe('heatmap', () => {
  const s = samples.heatmap!;
  const d = s.data as { rows: string[]; cols: string[]; values: number[][] };

  it('draws rows × cols cells with values and a symmetric diverging domain', () => {
    const { svg } = render('heatmap', s.data, s.opts);
    const cells = all(svg, 'rect.fig-cell');
    expect(cells).toHaveLength(6 * 8);
    expect(Number(svg.querySelector('rect.fig-cell[data-key="2,3"]')?.getAttribute('data-value'))).toBe(d.values[2]?.[3]);
    expect(svg.querySelector('text.fig-cell-value[data-key="2,3"]')?.textContent).toBe(formatFixed(d.values[2]?.[3] ?? 0, 2));
    const max = Math.max(...d.values.flat().map(Math.abs));
    expect(heatmapDomain(parseFigure('heatmap', s.data, s.opts).data as never, { diverging: true })).toEqual([-max, max]);
    const neg = cells.find((c) => Number(c.getAttribute('data-value')) < 0);
    expect(neg?.getAttribute('fill')).toBe('var(--series-2)');
  });

  it('hides cell values when cells are too small, keeping data-value on cells', () => {
    const out = render('heatmap', s.data, s.opts);
    const narrow = out.narrow as SVGSVGElement;
    expect(all(narrow, 'text.fig-cell-value')).toHaveLength(0);
    expect(all(narrow, 'rect.fig-cell[data-value]')).toHaveLength(48);
  });

  it('checks the matrix shape against the labels', () => {
    expect(() => render('heatmap', { rows: ['a', 'b'], cols: ['x'], values: [[1], [2, 3]] }, { id: 'h' })).toThrow(
      /data\.values\[1\]: has 2 values but cols has 1 labels/,
    );
    expect(getRenderer('heatmap').toRows({ rows: ['a'], cols: ['x', 'y'], values: [[1, 2]] })).toEqual([
      { row: 'a', col: 'x', i: 0, j: 0, value: 1 },
      { row: 'a', col: 'y', i: 0, j: 1, value: 2 },
    ]);
  });
});

describe('scatter', () => {
  const s = samples.scatter!;
  const points = (s.data as { points: Point[] }).points;

  it('draws one circle per point with x and y attributes', () => {
    const { svg } = render('scatter', s.data, s.opts);
    const circles = all(svg, 'circle.fig-point');
    expect(circles).toHaveLength(points.length);
    points.forEach((p, i) => {
      expect(Number(attr(circles[i], 'data-value'))).toBe(p.y);
      expect(Number(attr(circles[i], 'data-x'))).toBe(p.x);
    });
    expect(all(svg, 'text.fig-point-label').map((t) => t.textContent)).toEqual(points.map((p) => p.label));
  });

  it('places points by log scale: a decade is the same distance everywhere', () => {
    const { svg } = render('scatter', s.data, s.opts);
    const tick = (label: string): number => Number(all(svg, 'text[data-key="x-tick"]').find((t) => t.textContent === label)?.getAttribute('x'));
    expect(tick('10M') - tick('1M')).toBeCloseTo(tick('100M') - tick('10M'), 1);
    expect(all(svg, 'text[data-key="y-tick"]').map((t) => t.textContent)).toEqual(['10', '100', '1,000']);
  });

  it('rejects non-positive values on a log axis', () => {
    expect(() => render('scatter', { points: [{ key: 'a', x: 0, y: 1 }] }, { id: 's', logX: true })).toThrow(/opts\.logX needs data\.points\[0\]\.x > 0/);
  });
});

describe('token-grid', () => {
  it('draws h×w cells per grid with values, and a step arrow between grids', () => {
    const s = samples['token-grid']!;
    const grids = (s.data as { grids: Grid[] }).grids;
    const { svg } = render('token-grid', s.data, s.opts);
    expect(all(svg, 'rect.fig-cell')).toHaveLength(144 + 36);
    expect(all(svg, 'g.fig-grid-block[data-key="out"] rect.fig-cell')).toHaveLength(36);
    expect(Number(svg.querySelector('rect[data-key="out:3,5"]')?.getAttribute('data-value'))).toBe(grids[1]?.values[3 * 6 + 5]);
    expect(svg.querySelector('[data-key="in.shape"]')?.textContent).toBe(`patches (${formatShape([12, 12])})`);
    // Same box for both grids: the pooled grid's cells are twice as large.
    const size = (key: string): number => Number(svg.querySelector(`rect[data-key="${key}"]`)?.getAttribute('width'));
    expect(size('out:0,0')).toBeCloseTo(2 * size('in:0,0'), 1);
    expect(all(svg, '.fig-step .fig-arrow')).toHaveLength(1);
    expect(svg.querySelector('.fig-step text')?.textContent).toContain('average pool');
  });

  it('handles the 24×24 LLaVA-1.5 patch grid, without cell text at that size', () => {
    const values = Array.from({ length: 576 }, (_, k) => (k % 7) / 7);
    const { svg } = render('token-grid', { grids: [{ key: 'p', h: 24, w: 24, values }] }, { id: 't' });
    expect(all(svg, 'rect.fig-cell')).toHaveLength(576);
    expect(all(svg, 'text.fig-cell-value')).toHaveLength(0);
    expect(Number(svg.querySelector('rect[data-key="p:23,23"]')?.getAttribute('data-value'))).toBe(values[575]);
  });

  it('marks kept and dropped cells and counts them', () => {
    const s = samples['token-select']!;
    const grid = (s.data as { grids: Grid[] }).grids[0] as Grid;
    const { svg } = render('token-grid', s.data, s.opts);
    expect(all(svg, 'rect.fig-cell[data-state="kept"]')).toHaveLength(10);
    expect(all(svg, 'rect.fig-cell[data-state="dropped"]')).toHaveLength(26);
    expect(all(svg, 'rect.fig-kept-outline')).toHaveLength(10);
    expect(svg.querySelector('[data-key="kept-count"]')?.textContent).toBe('kept 10');
    expect(Number(svg.querySelector('[data-key="dropped-count"]')?.getAttribute('data-value'))).toBe(26);
    expect(svg.querySelector('text.fig-cell-value[data-key="scores:0,1"]')?.textContent).toBe(formatFixed(grid.values[1] ?? 0, 2));
    expect(getRenderer('token-grid').toRows(parseFigure('token-grid', s.data, s.opts).data)[1]).toEqual({ grid: 'scores', i: 0, j: 1, value: grid.values[1], state: 'kept' });
  });

  it('names a wrong value count and an out-of-grid index', () => {
    expect(() => render('token-grid', { grids: [{ key: 'g', h: 2, w: 2, values: [1, 2, 3] }] }, { id: 't' })).toThrow(
      /data\.grids\[0\]\.values: has 3 values, expected h·w = 4/,
    );
    expect(() => render('token-grid', { grids: [{ key: 'g', h: 2, w: 2, values: [1, 2, 3, 4], kept: [4] }] }, { id: 't' })).toThrow(
      /data\.grids\[0\]\.kept\[0\]: index 4 is outside/,
    );
  });
});

describe('formatValue', () => {
  it('dispatches to format.ts', () => {
    expect(formatValue({ kind: 'count', digits: 1 }, 20979712)).toBe('21.0M');
    expect(formatValue({ kind: 'int' }, 1234)).toBe('1,234');
    expect(formatValue({ kind: 'percent', digits: 0 }, 0.186)).toBe('19%');
    expect(formatValue({ kind: 'fixed', digits: 3, suffix: ' nats' }, 0.41234)).toBe('0.412 nats');
    expect(formatValue({ kind: 'gflop' }, 24.16e9)).toBe('24.2 GFLOP');
  });
});

describe('visible text', () => {
  it('contains only format.ts output for numbers (bar sample)', () => {
    const s = samples.bar!;
    const { svg } = render('bar', s.data, s.opts);
    const texts = visibleTexts(svg);
    expect(texts).toContain('4.2M');
    expect(texts).toContain('194.0M');
    expect(texts.filter((t) => /\d{5,}/.test(t))).toEqual([]);
  });
});

describe('attention-overlay', () => {
  it('draws the image under every panel and keeps each query’s weights as data-values that sum to 1 with the extra share', () => {
    const sample = samples['attention-overlay']!;
    const { svg } = render(sample.figure, sample.data, sample.opts);
    const panels = all(svg, '.fig-attention-panel');
    expect(panels).toHaveLength(2);
    for (const p of panels) {
      expect(attr(p.querySelector('image') as Element, 'href')).toBe('/data/emoji/gallery/1f30d.png');
      const cells = all(p, 'rect[data-value]').map((c) => Number(attr(c, 'data-value')));
      expect(cells).toHaveLength(9);
      const extra = Number(attr(p.querySelector('.fig-attention-extra') as Element, 'data-value'));
      expect(cells.reduce((a, b) => a + b, 0) + extra).toBeCloseTo(1, 12);
    }
  });

  it('rejects an image from another origin and a map of the wrong size, naming the field', () => {
    const sample = samples['attention-overlay']!;
    const data = sample.data as { image: { href: string; alt: string } };
    expect(() => parseFigure('attention-overlay', { ...data, image: { ...data.image, href: 'https://example.com/x.png' } }, sample.opts)).toThrow(/data\.image\.href/);
    expect(() => parseFigure('attention-overlay', { ...data, h: 2 }, sample.opts)).toThrow(/data\.maps\[0\]\.values: has 9 values, expected h·w = 6/);
  });
});

describe('token-sequence', () => {
  it('draws the segments in reading order, widths growing with the token count, counts as data-values', () => {
    const sample = samples['token-sequence']!;
    const { svg } = render(sample.figure, sample.data, sample.opts);
    const keys = all(svg, '.fig-seq-segment').map((g) => attr(g, 'data-key'));
    expect(keys).toEqual(['system', 'image', 'question']);
    const counts = all(svg, '.fig-seq-count').map((t) => [attr(t, 'data-key'), Number(attr(t, 'data-value'))]);
    expect(counts).toEqual([['image.tokens', 576]]);
    const widths = all(svg, '.fig-seq-segment > rect').map((rc) => Number(attr(rc, 'width')));
    expect(widths[1]).toBeGreaterThan(widths[0] as number);
  });
});
