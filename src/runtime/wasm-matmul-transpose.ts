/**
 * Routes tfjs-wasm's transposed matrix products through the fast kernel.
 *
 * Why: tfjs-backend-wasm 4.22 sends `BatchMatMul` and `_FusedMatMul` with `transposeA` or
 * `transposeB` set to a naive loop, while the untransposed case goes to XNNPACK. On these
 * machines that is 10–20× slower for the shapes a projector trains with (measured on
 * [64, 256]·[256, 512]: 1.1 ms plain, 14.5 ms with transposeB, 21.4 ms with transposeA). Every
 * backward pass of a matrix product asks for exactly those flags (tfjs-core's BatchMatMul
 * gradient: dA = dY·Bᵀ, dB = Aᵀ·dY), so training paid the slow path on every step.
 *
 * What: the two kernels are re-registered on the wasm backend with a wrapper that, when a flag is
 * set, first materialises the transposed operand with the wasm `Transpose` kernel and then calls
 * the original kernel with the flag cleared. The arithmetic is the same product; only the
 * summation order inside XNNPACK may differ from the naive loop, so results agree to float32
 * rounding, and Node and the browser still agree bit for bit (both run this wrapper).
 *
 * Installed once by `useBestBackend` after the wasm backend is ready; idempotent.
 */
import * as tf from '@tensorflow/tfjs';

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The backend calls the wrapper needs: the wasm backend has `disposeData`. */
interface DisposingBackend {
  disposeData(dataId: object): boolean;
}

const WRAPPED_KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;
/** The wrapper registered for each kernel name, so a test can tell that the registry holds it. */
const installed = new Map<string, tf.KernelFunc>();

/** Swap the last two axes: [..., r, c] → [..., c, r]. */
const lastTwoSwapped = (rank: number): number[] => [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];

function wrap(original: tf.KernelFunc): tf.KernelFunc {
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!transpose) throw new Error('wasm-matmul-transpose: the wasm backend has no Transpose kernel');
  return (args: KernelArgs) => {
    const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    if (!attrs.transposeA && !attrs.transposeB) return original(args);
    const backend = args.backend as DisposingBackend;
    const temporaries: tf.TensorInfo[] = [];
    const materialise = (x: tf.TensorInfo): tf.TensorInfo => {
      const t = transpose.kernelFunc({ inputs: { x }, backend: args.backend, attrs: { perm: lastTwoSwapped(x.shape.length) } }) as tf.TensorInfo;
      temporaries.push(t);
      return t;
    };
    const a = args.inputs.a as tf.TensorInfo;
    const b = args.inputs.b as tf.TensorInfo;
    try {
      return original({
        ...args,
        inputs: { ...args.inputs, a: attrs.transposeA ? materialise(a) : a, b: attrs.transposeB ? materialise(b) : b },
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      });
    } finally {
      for (const t of temporaries) backend.disposeData(t.dataId);
    }
  };
}

/** Re-registers the wasm matMul kernels with the transpose-first wrapper (no-op if already done). */
export function installWasmMatMulTranspose(): void {
  for (const name of WRAPPED_KERNELS) {
    if (installed.has(name)) continue;
    const config = tf.getKernel(name, 'wasm');
    if (!config) throw new Error(`wasm-matmul-transpose: the wasm backend has no ${name} kernel`);
    const kernelFunc = wrap(config.kernelFunc);
    tf.unregisterKernel(name, 'wasm');
    // No setupFunc: the original's has already run when the backend initialised, and the
    // wrapper calls the original kernelFunc, which uses what that setup bound.
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc, disposeFunc: config.disposeFunc });
    installed.set(name, kernelFunc);
  }
}

/** Whether the wasm registry currently runs `name` through the transpose-first wrapper. */
export const isTransposeRouted = (name: (typeof WRAPPED_KERNELS)[number]): boolean =>
  installed.has(name) && tf.getKernel(name, 'wasm')?.kernelFunc === installed.get(name);
