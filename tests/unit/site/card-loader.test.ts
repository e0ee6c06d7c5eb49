/** The per-card loader (used by the Lab controller) finds every catalogued card under its own id. */
import { describe, expect, it } from 'vitest';
import { listCards } from '../../../notebooks/catalog';
import { cardIds, loadCard } from '../../../notebooks/card-loader';

describe('card loader', () => {
  it('loads every catalogued card, and only those, by id', async () => {
    const catalogued = listCards().map((c) => c.id);
    expect([...cardIds()].sort()).toEqual([...catalogued].sort());
    for (const id of catalogued) {
      const card = await loadCard(id);
      expect(card.id).toBe(id);
      expect(card.question).toBe(listCards().find((c) => c.id === id)?.question);
    }
  });

  it('names the known cards when asked for an unknown one', async () => {
    await expect(loadCard('no-such-notebook')).rejects.toThrow(/unknown notebook "no-such-notebook" \(known: .*fit-linear-vs-mlp/);
  });
});
