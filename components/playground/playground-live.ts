/**
 * The Playground's library half, loaded only when the reader changes something or opens a
 * permalink (it brings the projector registry and with it tfjs): validates the config with the
 * kind's own zod schema and describes it with the projector module's own functions.
 */
import { formatShape } from '../../src/primitives/format';
import { describeProjector, isKind, MEMORY_BUDGET_BYTES, type Description } from '../../notebooks/playground/describe';
import { describeRows, type Row } from '../../notebooks/playground/rows';
import type { PlaygroundState } from '../../src/site/playground/state';

export interface LiveDescription {
  d: Description;
  rows: Row[];
  weights: { name: string; shape: string }[];
  overBudget: boolean;
  budgetBytes: number;
}

/** Describes a state; an invalid config or input comes back as the library's message. */
export function describeState(state: PlaygroundState): { ok: true; value: LiveDescription } | { ok: false; message: string } {
  if (!isKind(state.kind)) return { ok: false, message: `unknown projector kind "${state.kind}"` };
  try {
    const d = describeProjector(state.kind, state.config, state.tokens);
    return {
      ok: true,
      value: {
        d,
        rows: describeRows(d),
        weights: d.weights.map((w) => ({ name: w.name, shape: formatShape(w.shape) })),
        overBudget: d.memory.totalBytes > MEMORY_BUDGET_BYTES,
        budgetBytes: MEMORY_BUDGET_BYTES,
      },
    };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

export { experimentCitations } from '../../src/site/playground/cite';
export { codeTemplate } from '../../notebooks/playground/code-templates';
