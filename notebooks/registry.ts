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
import { notebook as futureLowRank } from './experiments/future-low-rank';
import { notebook as futureDistill } from './experiments/future-distill';
import { notebook as futureDynamicTokens } from './experiments/future-dynamic-tokens';
import { notebook as interactionGates } from './experiments/interaction-gates';
import { notebook as interactionQueries } from './experiments/interaction-queries';
import { notebook as interactionConcat } from './experiments/interaction-concat';
import { notebook as interactionCompress } from './experiments/interaction-compress';
import { notebook as outputCodebook } from './experiments/output-codebook';
import { notebook as outputEmbedding } from './experiments/output-embedding';
import { notebook as outputTextRoute } from './experiments/output-text-route';
import { notebook as perfTokenCompression } from './experiments/perf-token-compression';
import type { AnyNotebook } from './types';

const notebooks: readonly AnyNotebook[] = [projectorBudget, fitLinearVsMlp, alignFeatureMap, alignContrastive, alignTokenSelection, alignAdversarial, alignMultispace, interactionGates, interactionQueries, interactionConcat, interactionCompress, outputCodebook, outputEmbedding, outputTextRoute, perfTokenCompression, futureDynamicTokens, futureLowRank, futureDistill];

export const listNotebooks = (): readonly AnyNotebook[] => notebooks;

export function getNotebook(id: string): AnyNotebook {
  const nb = notebooks.find((n) => n.id === id);
  if (!nb) throw new Error(`unknown notebook "${id}" (known: ${notebooks.map((n) => n.id).join(', ')})`);
  return nb;
}
