/**
 * Sample inputs for the figure tests and for the standalone screenshots. The numbers are test data:
 * the two LLaVA projector counts are computed (Linear(i, o) = i·o + o), the rest are synthetic.
 */
export interface Sample {
  figure: string;
  data: unknown;
  opts: Record<string, unknown>;
}

// Deterministic pseudo-values without an RNG dependency: a smooth function of the index.
const wave = (i: number, j: number): number => Math.round((0.5 + 0.5 * Math.sin(i * 0.7 + j * 1.3) * Math.cos(j * 0.4 - i * 0.2)) * 1000) / 1000;

const patch = (i: number, j: number): number => wave(i / 2, j / 2);
// The pooled grid is the real 2×2 average of the 12×12 patch values (rounded like the inputs).
const pool2x2 = (i: number, j: number): number =>
  Math.round(((patch(2 * i, 2 * j) + patch(2 * i + 1, 2 * j) + patch(2 * i, 2 * j + 1) + patch(2 * i + 1, 2 * j + 1)) / 4) * 1000) / 1000;

export const samples: Record<string, Sample> = {
  bar: {
    figure: 'bar',
    opts: { id: 'fig-bar', title: 'Projector parameters', log: true, xLabel: 'parameters (log scale)' },
    data: {
      rows: [
        { key: 'linear', label: 'Linear (LLaVA)', value: 4198400, group: 'MLP family' },
        { key: 'mlp2x', label: 'MLP 2× GELU (LLaVA-1.5)', value: 20979712, group: 'MLP family', highlight: true },
        { key: 'resampler', label: 'Perceiver resampler (example)', value: 194000000, group: 'Query-based' },
        { key: 'qformer', label: 'Q-Former (example)', value: 107000000, group: 'Query-based' },
        { key: 'cabs', label: 'C-Abstractor (example)', value: 52000000, group: 'Convolutional' },
      ],
    },
  },
  'bar-linear': {
    figure: 'bar',
    opts: { id: 'fig-bar-lin', title: 'Visual tokens per image', format: { kind: 'int' }, sort: 'desc' },
    data: {
      rows: [
        { key: 'a', label: 'Patch tokens', value: 576 },
        { key: 'b', label: 'Pooled 2×2', value: 144 },
        { key: 'c', label: 'Queries', value: 32 },
        { key: 'd', label: 'Resampler latents', value: 64 },
      ],
    },
  },
  pipeline: {
    figure: 'pipeline',
    opts: { id: 'fig-pipeline', title: 'The MLLM pipeline' },
    data: {
      stages: [
        { key: 'enc', label: 'Modality encoder', role: 'encoder', note: 'CLIP ViT-L/14', shape: [576, 1024] },
        { key: 'proj', label: 'Input projector', role: 'input-projector', shape: [576, 4096], params: 20979712, highlight: true },
        { key: 'llm', label: 'LLM backbone', role: 'llm', shape: [640, 4096] },
        { key: 'oproj', label: 'Output projector', role: 'output-projector', absent: true },
        { key: 'gen', label: 'Modality generator', role: 'generator', absent: true },
      ],
      inputs: [
        { key: 'img', label: 'Image', to: 'enc', shape: [336, 336] },
        { key: 'txt', label: 'Text prompt', to: 'llm', shape: [64] },
      ],
    },
  },
  line: {
    figure: 'line',
    opts: { id: 'fig-line', title: 'Training loss', xLabel: 'step', yLabel: 'loss', yFormat: { kind: 'fixed', digits: 3 } },
    data: {
      series: [
        { key: 'mlp', label: 'MLP projector', points: Array.from({ length: 41 }, (_, i) => [i * 25, Math.round((0.4 + 2.2 * Math.exp(-i / 8)) * 1e4) / 1e4]) },
        { key: 'linear', label: 'Linear projector', points: Array.from({ length: 41 }, (_, i) => [i * 25, Math.round((0.55 + 2.1 * Math.exp(-i / 10)) * 1e4) / 1e4]) },
        { key: 'qformer', label: 'Q-Former', dashed: true, points: Array.from({ length: 41 }, (_, i) => [i * 25, Math.round((0.5 + 2.3 * Math.exp(-i / 12)) * 1e4) / 1e4]) },
      ],
    },
  },
  heatmap: {
    figure: 'heatmap',
    opts: { id: 'fig-heatmap', title: 'Cosine similarity', diverging: true, rowTitle: 'query', colTitle: 'patch' },
    data: {
      rows: ['q0', 'q1', 'q2', 'q3', 'q4', 'q5'],
      cols: ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7'],
      values: Array.from({ length: 6 }, (_, i) => Array.from({ length: 8 }, (_, j) => Math.round((wave(i, j) * 2 - 1) * 1000) / 1000)),
    },
  },
  scatter: {
    figure: 'scatter',
    opts: { id: 'fig-scatter', title: 'Projector size vs visual tokens', logX: true, logY: true, xLabel: 'projector parameters', yLabel: 'visual tokens per image', yFormat: { kind: 'int' } },
    data: {
      points: [
        { key: 'llava', label: 'Linear', x: 4198400, y: 256, group: 'MLP family' },
        { key: 'llava15', label: 'MLP 2×', x: 20979712, y: 576, group: 'MLP family', highlight: true },
        { key: 'blip2', label: 'Q-Former', x: 107000000, y: 32, group: 'Query-based' },
        { key: 'flamingo', label: 'Resampler', x: 194000000, y: 64, group: 'Query-based', labelPosition: 'left' },
        { key: 'honeybee', label: 'C-Abstractor', x: 52000000, y: 144, group: 'Convolutional' },
      ],
    },
  },
  'token-grid': {
    figure: 'token-grid',
    opts: { id: 'fig-tokens', title: 'Token pooling' },
    data: {
      grids: [
        { key: 'in', label: 'patches', h: 12, w: 12, values: Array.from({ length: 144 }, (_, k) => patch(Math.floor(k / 12), k % 12)) },
        { key: 'out', label: 'pooled', h: 6, w: 6, values: Array.from({ length: 36 }, (_, k) => pool2x2(Math.floor(k / 6), k % 6)) },
      ],
      steps: ['2×2 average pool'],
    },
  },
  'token-select': {
    figure: 'token-grid',
    opts: { id: 'fig-select', title: 'Token selection' },
    data: {
      grids: [
        {
          key: 'scores',
          label: 'attention scores',
          h: 6,
          w: 6,
          values: Array.from({ length: 36 }, (_, k) => wave(Math.floor(k / 6), k % 6)),
          kept: [1, 4, 8, 9, 14, 20, 22, 27, 31, 33],
        },
      ],
    },
  },
  'attention-overlay': {
    figure: 'attention-overlay',
    opts: { id: 'fig-overlay', title: 'Where each query looks' },
    data: {
      image: { href: '/data/emoji/gallery/1f30d.png', alt: 'globe showing Europe-Africa' },
      h: 3,
      w: 3,
      maps: [
        // Each query's weights over the 9 cells, plus what it gives the latents: 1 in all.
        { key: 'q0', label: 'Query 1', values: [0.5, 0.1, 0, 0, 0.1, 0, 0, 0, 0.1], extra: { label: 'to latents', value: 0.2 } },
        { key: 'q1', label: 'Query 2', values: [0, 0, 0.05, 0.05, 0.1, 0.2, 0.1, 0.1, 0.15], extra: { label: 'to latents', value: 0.25 } },
      ],
    },
  },
  'token-sequence': {
    figure: 'token-sequence',
    opts: { id: 'fig-seq', title: 'What LLaVA-1.5 reads' },
    data: {
      segments: [
        { key: 'system', label: 'System prompt', kind: 'text' },
        { key: 'image', label: 'Image tokens (in place of <image>)', kind: 'image', tokens: 576, width: 4096 },
        { key: 'question', label: 'Question', kind: 'text' },
      ],
    },
  },
  taxonomy: {
    figure: 'taxonomy',
    opts: { id: 'fig-tax', title: 'Projector taxonomy' },
    data: {
      nodes: [
        { key: 'root', label: 'Projectors', parent: null },
        { key: 'input', label: 'Input side', parent: 'root', branch: 0 },
        { key: 'linear', label: 'Linear', parent: 'input', note: 'LLaVA', count: 4, links: [{ label: 'models', href: '/reference/models/' }] },
        { key: 'resampler', label: 'Resampler', parent: 'input', note: 'Flamingo', count: 3 },
        { key: 'output', label: 'Output side', parent: 'root', branch: 1 },
        { key: 'codebook', label: 'Codebooks', parent: 'output', dashed: true, count: 1, links: [{ label: 'section', href: '#codebooks' }] },
      ],
    },
  },
};
