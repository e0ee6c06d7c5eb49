/**
 * Every notebook, by id. Pages (getStaticPaths), the CLI, the Worker and the tests enumerate this
 * list, so adding a notebook here is all it takes to get its Lab page, CLI entry and staleness test.
 */
import { notebook as alignContrastive } from './experiments/align-contrastive';
import { notebook as alignFeatureMap } from './experiments/align-feature-map';
import { notebook as alignMultispace } from './experiments/align-multispace';
import { notebook as alignAdversarial } from './experiments/align-adversarial';
import { notebook as alignTokenSelection } from './experiments/align-token-selection';
import { notebook as fitLinearVsMlp } from './experiments/fit-linear-vs-mlp';
import { notebook as projectorBudget } from './experiments/projector-budget';
import { notebook as perfTokenCompression } from './experiments/perf-token-compression';
import type { AnyNotebook } from './types';

const notebooks: readonly AnyNotebook[] = [projectorBudget, fitLinearVsMlp, alignFeatureMap, alignContrastive, alignTokenSelection, alignAdversarial, alignMultispace, perfTokenCompression];

export const listNotebooks = (): readonly AnyNotebook[] => notebooks;

export function getNotebook(id: string): AnyNotebook {
  const nb = notebooks.find((n) => n.id === id);
  if (!nb) throw new Error(`unknown notebook "${id}" (known: ${notebooks.map((n) => n.id).join(', ')})`);
  return nb;
}
