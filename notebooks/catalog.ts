/**
 * Every notebook's card (question, schema, defaults, presentation), without tfjs. Lab pages and the
 * page script use this list; the runnable modules are in ./registry (CLI, Worker, tests), and a
 * test checks both lists name the same notebooks in the same order.
 */
import { card as alignContrastive } from './experiments/align-contrastive.card';
import { card as alignFeatureMap } from './experiments/align-feature-map.card';
import { card as alignMultispace } from './experiments/align-multispace.card';
import { card as alignAdversarial } from './experiments/align-adversarial.card';
import { card as alignTokenSelection } from './experiments/align-token-selection.card';
import { card as fitLinearVsMlp } from './experiments/fit-linear-vs-mlp.card';
import { card as projectorBudget } from './experiments/projector-budget.card';
import { card as futureLowRank } from './experiments/future-low-rank.card';
import { card as futureDistill } from './experiments/future-distill.card';
import { card as futureDynamicTokens } from './experiments/future-dynamic-tokens.card';
import { card as interactionGates } from './experiments/interaction-gates.card';
import { card as interactionQueries } from './experiments/interaction-queries.card';
import { card as interactionConcat } from './experiments/interaction-concat.card';
import { card as interactionCompress } from './experiments/interaction-compress.card';
import { card as outputCodebook } from './experiments/output-codebook.card';
import { card as outputEmbedding } from './experiments/output-embedding.card';
import { card as outputTextRoute } from './experiments/output-text-route.card';
import { card as perfTokenCompression } from './experiments/perf-token-compression.card';
import { defineCard, type AnyNotebookCard } from './types';

const cards: readonly AnyNotebookCard[] = [defineCard(projectorBudget), defineCard(fitLinearVsMlp), defineCard(alignFeatureMap), defineCard(alignContrastive), defineCard(alignTokenSelection), defineCard(alignAdversarial), defineCard(alignMultispace), defineCard(interactionGates), defineCard(interactionQueries), defineCard(interactionConcat), defineCard(interactionCompress), defineCard(outputCodebook), defineCard(outputEmbedding), defineCard(outputTextRoute), defineCard(perfTokenCompression), defineCard(futureDynamicTokens), defineCard(futureLowRank), defineCard(futureDistill)];

export const listCards = (): readonly AnyNotebookCard[] => cards;

export function getCard(id: string): AnyNotebookCard {
  const card = cards.find((c) => c.id === id);
  if (!card) throw new Error(`unknown notebook "${id}" (known: ${cards.map((c) => c.id).join(', ')})`);
  return card;
}
