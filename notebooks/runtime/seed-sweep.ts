/**
 * Runs a notebook's seed sweep (see notebooks/toolkit/seed-sweep.ts): every run of every seed in
 * turn, one progress bar over all of them, then the card's summary. Used by the CLI (and the tests
 * that check the committed file), never by a live run in the browser.
 */
import type { SeedSweepResult } from '../toolkit/seed-sweep';
import type { AnyNotebook, RunContext } from '../types';

export async function runSeedSweep(nb: AnyNotebook, config: unknown, ctx: RunContext): Promise<SeedSweepResult | undefined> {
  const sweep = nb.seedSweep;
  if (!sweep) return undefined;
  const plan = sweep.seeds.map((seed) => sweep.variants(config, seed));
  const total = plan.reduce((n, runs) => n + Object.keys(runs).length, 0);
  const perSeed: Record<string, unknown>[] = [];
  let done = 0;
  for (const [i, runs] of plan.entries()) {
    const results: Record<string, unknown> = {};
    for (const [name, variant] of Object.entries(runs)) {
      const label = `seed sweep: seed ${sweep.seeds[i]} (${name})`;
      results[name] = await nb.run(variant, { signal: ctx.signal, onProgress: (f, message) => ctx.onProgress((done + f) / total, `${label}: ${message}`) });
      done += 1;
    }
    perSeed.push(results);
  }
  return sweep.summarise(perSeed);
}
