/**
 * Chooses the tfjs backend for experiments and benchmarks: wasm (SIMD) by default, cpu as the
 * fallback. The same call works in Node (CLI, vitest, bench) and in the browser (Worker, pages).
 *
 * Why wasm: on the CPU-only machines this project targets it is ~30× the JS cpu backend and ~15×
 * SwiftShader WebGL (stack.md §4.5), and Node and Chromium agree bit for bit on it (§5), which is
 * what lets a Node test pin a browser result.
 */
import * as tf from '@tensorflow/tfjs';
import { installWasmMatMulTranspose } from './wasm-matmul-transpose';

export type BackendName = 'wasm' | 'cpu';

export interface BackendInfo {
  /** The backend actually in use (may differ from the one asked for: see `fallbackReason`). */
  backend: BackendName;
  /** tfjs-core version, reported with every result. */
  tfjsVersion: string;
  /** Whether the wasm build in use has SIMD (undefined on cpu). */
  simd?: boolean;
  /** Why the preferred backend was not used, when it was not. */
  fallbackReason?: string;
}

const isNode = (): boolean =>
  typeof process !== 'undefined' && typeof process.versions === 'object' && typeof process.versions.node === 'string';

let wasmRegistered: Promise<void> | null = null;

/** Loads the wasm glue once. In Node the package finds its .wasm in node_modules by itself. */
function registerWasm(): Promise<void> {
  if (!wasmRegistered) {
    wasmRegistered = isNode()
      ? import('@tensorflow/tfjs-backend-wasm').then(() => undefined)
      : import('./wasm-paths').then((m) => m.registerSiteWasm());
  }
  return wasmRegistered;
}

async function wasmSimd(): Promise<boolean | undefined> {
  try {
    const flag = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    return typeof flag === 'boolean' ? flag : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Switches tfjs to `preferred` (default wasm) and reports what is in use. Never throws for a
 * backend that fails to load: it falls back to cpu and records the reason.
 */
export async function useBestBackend(preferred: BackendName = 'wasm'): Promise<BackendInfo> {
  const tfjsVersion = tf.version_core;
  if (preferred === 'wasm') {
    let reason: string;
    try {
      await registerWasm();
      // The site is served cross-origin isolated (scripts/serve.mjs), so tfjs-wasm would pick its
      // threaded build, whose pthread Workers import blob: scripts the Worker CSP does not allow and
      // whose results are not yet shown to equal the single-thread ones. Until both are, the
      // single-thread SIMD build stays in use everywhere (in Node this flag is already false).
      if (!isNode()) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      if (tf.getBackend() === 'wasm' || (await tf.setBackend('wasm'))) {
        await tf.ready();
        installWasmMatMulTranspose();
        return { backend: 'wasm', tfjsVersion, simd: await wasmSimd() };
      }
      reason = 'tf.setBackend("wasm") returned false';
    } catch (err) {
      reason = err instanceof Error ? err.message : String(err);
    }
    await tf.setBackend('cpu');
    await tf.ready();
    return { backend: 'cpu', tfjsVersion, fallbackReason: `wasm unavailable: ${reason}` };
  }
  if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
  await tf.ready();
  return { backend: 'cpu', tfjsVersion };
}
