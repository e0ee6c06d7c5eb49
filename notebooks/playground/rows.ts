/**
 * The Playground's numbers as text, through the one formatter and in the same words as
 * `npm run projector -- describe` (src/cli/projector.ts), so a reader can hold one against the other.
 */
import { formatBytes, formatCount, formatGflop, formatInt, formatShape } from '../../src/primitives/format';
import type { Description } from './describe';

export interface Row {
  /** Stable key for tests and data attributes. */
  key: 'params' | 'weights' | 'shapes' | 'flops' | 'tokens' | 'memory';
  label: string;
  text: string;
  /** The raw number behind the text, where there is one. */
  value?: number;
}

export function shapeFlowText(d: Pick<Description, 'input' | 'output'>): string {
  const text = d.input.text ? `, text ${formatShape(d.input.text)}` : '';
  return `vision ${formatShape(d.input.vision)}${text} → tokens ${formatShape(d.output)}`;
}

export function describeRows(d: Description): Row[] {
  return [
    { key: 'shapes', label: 'Shapes', text: shapeFlowText(d) },
    { key: 'tokens', label: 'Tokens to the LLM', text: `${formatInt(d.tokensOut)} per item`, value: d.tokensOut },
    { key: 'params', label: 'Parameters', text: `${formatInt(d.params)} (${formatCount(d.params)})`, value: d.params },
    { key: 'weights', label: 'Weight memory', text: `fp32 ${formatBytes(d.bytesFp32)}, fp16 ${formatBytes(d.bytesFp16)}`, value: d.bytesFp32 },
    { key: 'flops', label: 'FLOPs', text: `${formatGflop(d.flops, 3)} (${formatInt(d.flops)}) for this input`, value: d.flops },
    { key: 'memory', label: 'Memory estimate', text: `${formatBytes(d.memory.totalBytes)} (weights ${formatBytes(d.memory.weightBytes)}, activations ${formatBytes(d.memory.activationBytes)})`, value: d.memory.totalBytes },
  ];
}
