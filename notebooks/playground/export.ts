/**
 * A Playground result as files a reader keeps: JSON (the whole record under a provenance block) and
 * CSV (one quantity per row, the provenance first). The forward time is a measurement of one browser
 * run and is labelled so; every other number is the seeded, reproducible record.
 */
import type { PlaygroundRecord } from './run';

export interface Provenance {
  permalink: string;
  kind: string;
  seed: number;
  input: string;
  weights: string;
  backend: string;
  tfjsVersion: string;
  siteVersion: string;
}

export function provenanceOf(record: PlaygroundRecord, permalink: string): Provenance {
  const m = record.meta;
  return {
    permalink,
    kind: m.kind,
    seed: m.seed,
    input: m.input === 'sample' && m.sample ? `data-set sample ${m.sample.index} (${m.sample.label})` : m.input === 'image' ? `reader's image ${m.image ?? ''}`.trim() : 'random normal',
    weights: m.weights === 'seed' ? `seeded (seed ${m.seed})` : `file ${m.weights.file} (${m.weights.convention} names)`,
    backend: m.backend,
    tfjsVersion: m.tfjsVersion,
    siteVersion: m.siteVersion,
  };
}

export function recordToJson(record: PlaygroundRecord, permalink: string, forwardMs: number): string {
  return `${JSON.stringify({ provenance: provenanceOf(record, permalink), measured: { forwardMs, note: 'wall time of one forward pass in the browser that made this file' }, record }, null, 2)}\n`;
}

const cell = (v: string | number): string => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function recordToCsv(record: PlaygroundRecord, permalink: string, forwardMs: number): string {
  const p = provenanceOf(record, permalink);
  const rows: [string, string | number][] = [
    ...Object.entries(p).map(([k, v]) => [`provenance.${k}`, v] as [string, string | number]),
    ['config', JSON.stringify(record.meta.config)],
    ['tokens', JSON.stringify(record.meta.tokens)],
    ['outputShape', record.outputShape.join('x')],
    ['params', record.params],
    ['flops', record.flops],
    ['stats.mean', record.stats.mean],
    ['stats.std', record.stats.std],
    ['stats.min', record.stats.min],
    ['stats.max', record.stats.max],
    ['stats.meanTokenNorm', record.stats.meanTokenNorm],
    ...record.stats.first.map((v, i) => [`stats.first.${i}`, v] as [string, number]),
    ['measured.forwardMs', forwardMs],
  ];
  return `quantity,value\n${rows.map(([k, v]) => `${cell(k)},${cell(v)}`).join('\n')}\n`;
}
