/**
 * Browser-only: points tfjs-backend-wasm at the three .wasm binaries that Vite copies into the
 * site's own `_astro/` folder (stack.md §4.1), so the site never fetches them from a CDN.
 * Only `backend.ts` imports this, and only through a dynamic import, so pages do not download the
 * wasm glue until the reader asks for a computation.
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** Registers the wasm backend with site-served binaries. setWasmPaths needs all three keys (pitfall 6). */
export function registerSiteWasm(): void {
  setWasmPaths({
    'tfjs-backend-wasm.wasm': plainUrl,
    'tfjs-backend-wasm-simd.wasm': simdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': threadedUrl,
  });
}
