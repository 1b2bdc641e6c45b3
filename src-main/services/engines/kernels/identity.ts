import { Cast, Identity } from '@tensorflow/tfjs';
import type { CastAttrs, DataId, KernelFunc } from '@tensorflow/tfjs';
import { callOriginal, input, isWasm, replaceKernel } from './kernel-io.js';

/**
 * Identity, and Cast to the dtype a tensor already has, for the wasm backend without copying.
 * tfjs 4.22's wasm kernels copy the whole tensor; a ResNet-20 training step calls Identity about
 * 600 times (the tape's gradient bookkeeping) and Cast-to-float32 of float32 activations 70 times
 * (tf.moments, the Square gradient). The wasm backend reference-counts its data (its own Reshape
 * shares the input's buffer this way), so the output can share the input's data, as the cpu
 * backend's Identity does.
 */
function share(kernelName: string, backendName: string): KernelFunc {
  return (args) => {
    const x = input(args.inputs, 'x', kernelName);
    const to = kernelName === Cast ? (args.attrs as unknown as CastAttrs).dtype : x.dtype;
    const b = args.backend as { incRef?: (dataId: DataId) => void };
    if (to !== x.dtype || x.dtype === 'string' || x.dtype === 'complex64' || !isWasm(args.backend) || typeof b.incRef !== 'function') {
      return callOriginal(kernelName, backendName, args);
    }
    b.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}

export function registerSharingIdentity(backendName: 'wasm'): void {
  for (const kernelName of [Identity, Cast]) replaceKernel({ kernelName, backendName, kernelFunc: share(kernelName, backendName) });
}
