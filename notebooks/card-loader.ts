/**
 * Loads one notebook's card by id, each card in its own chunk: a Lab page or an article's
 * experiment card downloads only the card it shows, not the catalogue of every notebook
 * (./catalog.ts, which pages use at build time). Keeps the Lab pages under the 30 KB budget of
 * JavaScript before interaction (tests/e2e/hardening.spec.ts). A card lives in
 * `experiments/<id>.card.ts`; a unit test checks that every catalogued card loads under its id.
 */
import { defineCard, type AnyNotebookCard, type NotebookCard, type BaseConfig } from './types';

const modules = import.meta.glob<{ card: NotebookCard<BaseConfig, unknown> }>('./experiments/*.card.ts');

export const cardIds = (): string[] => Object.keys(modules).map((path) => path.replace(/^\.\/experiments\/(.*)\.card\.ts$/, '$1'));

export async function loadCard(id: string): Promise<AnyNotebookCard> {
  const load = modules[`./experiments/${id}.card.ts`];
  if (!load) throw new Error(`unknown notebook "${id}" (known: ${cardIds().join(', ')})`);
  const { card } = await load();
  if (card.id !== id) throw new Error(`experiments/${id}.card.ts holds the card of "${card.id}"`);
  return defineCard(card);
}
