import { registerAvgPoolGrad } from './avg-pool-grad.js';
import { registerBatchNorm } from './batch-norm.js';
import { registerBatchNormGradient, registerBatchNormGradSums } from './batch-norm-grad.js';
import { registerBatchNormTraining } from './batch-norm-train.js';
import { registerConcatSplit } from './concat-split.js';
import { registerConv2dBackpropFilter } from './conv2d-backprop-filter.js';
import { registerConv2dBackpropFilterByTaps } from './conv2d-backprop-filter-taps.js';
import { registerConv2dBackpropInput } from './conv2d-backprop-input.js';
import { registerDepthwiseBackpropFilter } from './depthwise-backprop-filter.js';
import { registerDepthwiseBackpropInput } from './depthwise-backprop-input.js';
import { registerElementwise } from './elementwise.js';
import { registerSharingIdentity } from './identity.js';
import { registerMaxPoolGrad } from './max-pool-grad.js';
import { registerMeanGradient } from './mean-grad.js';
import { registerOptimizerStep } from './optimizer-step.js';
import { registerReductions } from './reduce.js';
import { registerResizeBilinearGrad } from './resize-bilinear-grad.js';
import { registerResizeNearestGrad } from './resize-nearest-grad.js';
import { registerSamePaddingConvs } from './same-padding-convs.js';
import { registerTile } from './tile.js';
import { registerTranspose } from './transpose.js';

/** A kernel the project registers on a backend, and why. */
export interface ProjectKernel {
  readonly kernel: string;
  readonly backend: 'cpu' | 'wasm' | 'webgpu';
  readonly why: 'missing' | 'wrong' | 'slow';
  readonly note: string;
  readonly register: () => void;
}

/**
 * Every kernel the project adds to or replaces in tfjs 4.22, found by running forward+backward
 * of every training op on each backend and checking the gradients against the cpu backend and
 * against the adjoint identity <f(x), dy> = <x, f'(x)ᵀdy> (each kernel's test does both).
 */
export const PROJECT_KERNELS: readonly ProjectKernel[] = [
  {
    kernel: 'Conv2D, FusedConv2D, DepthwiseConv2dNative, FusedDepthwiseConv2D',
    backend: 'wasm',
    why: 'slow',
    note: "Conv2D and FusedConv2D (no bias or per-channel bias, linear or ReLU) with a multiple of 4 output channels run a direct SIMD loop over the threads (~2.5x XNNPACK's per-thread speed here); otherwise the shipped kernels, which give zeros or wrong values for some 'same' paddings, get the equivalent explicit padding",
    register: () => registerSamePaddingConvs('wasm'),
  },
  {
    kernel: 'Conv2DBackpropFilter',
    backend: 'wasm',
    why: 'missing',
    note: 'conv filter gradient straight from NHWC x and dy with a SIMD loop over the threads (as fast as the forward pass) when output channels are a multiple of 4; otherwise as a convolution of transposed tensors (dilation = stride)',
    register: () => registerConv2dBackpropFilter('wasm'),
  },
  {
    kernel: 'Conv2DBackpropFilter',
    backend: 'cpu',
    why: 'slow',
    note: 'the same method on the cpu backend’s own convolution (~80x faster than the shipped loop)',
    register: () => registerConv2dBackpropFilter('cpu'),
  },
  {
    kernel: 'Conv2DBackpropFilter',
    backend: 'webgpu',
    why: 'slow',
    note: "one matrix product per filter tap (x at the tap's offsets as [N·OH·OW, Cin], transposed, times dy as [N·OH·OW, Cout]), which tfjs's BatchMatMul splits over workgroups along the long reduction; the shipped kernel loops over the batch in one thread per output (96% of a ResNet-20 step on an H100)",
    register: () => registerConv2dBackpropFilterByTaps('webgpu'),
  },
  {
    kernel: 'Conv2DBackpropInput',
    backend: 'wasm',
    why: 'slow',
    note: 'conv input gradient as a convolution with the flipped filter (~10x faster than the shipped loop)',
    register: () => registerConv2dBackpropInput('wasm'),
  },
  {
    kernel: 'DepthwiseConv2dNativeBackpropInput',
    backend: 'wasm',
    why: 'missing',
    note: 'depthwise input gradient (any stride, dilation, multiplier)',
    register: () => registerDepthwiseBackpropInput('wasm'),
  },
  {
    kernel: 'DepthwiseConv2dNativeBackpropFilter',
    backend: 'wasm',
    why: 'missing',
    note: 'depthwise filter gradient (any stride, dilation, multiplier)',
    register: () => registerDepthwiseBackpropFilter('wasm'),
  },
  {
    kernel: 'Transpose',
    backend: 'wasm',
    why: 'slow',
    note: 'unit axes dropped, adjacent axes merged, rows copied or 16x16 tiles moved (the shipped kernel indexes every element: 65 ms for a [32768,144] matrix)',
    register: () => registerTranspose('wasm'),
  },
  {
    kernel: 'Tile',
    backend: 'wasm',
    why: 'slow',
    note: 'x placed once, then blocks replicated with copyWithin (the shipped kernel took 32% of a ResNet-20 training step, in the BatchNorm gradient)',
    register: () => registerTile('wasm'),
  },
  {
    kernel: 'Sum, Mean',
    backend: 'wasm',
    why: 'slow',
    note: 'per-channel / per-row / total reductions in one pass with float64 accumulators (the shipped kernels transpose first); other forms use the shipped kernels',
    register: () => registerReductions('wasm'),
  },
  {
    kernel: 'Add, Sub, Multiply, Relu, Square',
    backend: 'wasm',
    why: 'slow',
    note: 'float32 of equal shapes, against a scalar or a per-channel row: SIMD loops split over the threads (the shipped kernels are scalar, single-threaded, and take a general broadcasting path for [C] against [N,H,W,C])',
    register: () => registerElementwise('wasm'),
  },
  {
    kernel: 'Concat, SplitV',
    backend: 'wasm',
    why: 'slow',
    note: 'one strided row copy per tensor (SIMD, rows split over the threads); the shipped SplitV slices element by element (DenseNet concatenations and their gradients)',
    register: () => registerConcatSplit('wasm'),
  },
  {
    kernel: 'Identity, Cast (to the same dtype)',
    backend: 'wasm',
    why: 'slow',
    note: 'the output shares the input’s reference-counted data instead of copying it (~600 calls per ResNet-20 training step)',
    register: () => registerSharingIdentity('wasm'),
  },
  {
    kernel: 'FusedBatchNorm',
    backend: 'wasm',
    why: 'slow',
    note: 'per-channel scale computed once, one pass over x (the shipped kernel recomputes the channel index and square root per element)',
    register: () => registerBatchNorm('wasm'),
  },
  {
    kernel: 'FusedBatchNorm gradient',
    backend: 'wasm',
    why: 'slow',
    note: 'no Tile; the four per-channel gradients from two sums computed in one pass (kernel SkipwireBatchNormGradSums)',
    register: () => {
      registerBatchNormGradSums('wasm');
      registerBatchNormGradient();
    },
  },
  {
    kernel: 'FusedBatchNorm gradient',
    backend: 'cpu',
    why: 'slow',
    note: 'the same gradient with the sums kernel on the cpu backend',
    register: () => {
      registerBatchNormGradSums('cpu');
      registerBatchNormGradient();
    },
  },
  {
    kernel: 'Mean gradient',
    backend: 'wasm',
    why: 'slow',
    note: 'dy/count broadcast by one Tile instead of a tensor of ones and two full-size passes (BatchNorm batch statistics)',
    register: () => registerMeanGradient(),
  },
  {
    kernel: 'MaxPoolGrad',
    backend: 'wasm',
    why: 'wrong',
    note: 'the shipped kernel misroutes gradients (e.g. 2x2/2 valid pooling with several channels)',
    register: () => registerMaxPoolGrad('wasm'),
  },
  {
    kernel: 'AvgPoolGrad',
    backend: 'wasm',
    why: 'wrong',
    note: "the shipped kernel divides by the full window under 'same' padding; the forward pass does not",
    register: () => registerAvgPoolGrad('wasm'),
  },
  {
    kernel: 'AvgPoolGrad',
    backend: 'cpu',
    why: 'wrong',
    note: "the shipped kernel divides by the full window under 'same' padding; the forward pass does not",
    register: () => registerAvgPoolGrad('cpu'),
  },
  {
    kernel: 'ResizeBilinearGrad',
    backend: 'wasm',
    why: 'wrong',
    note: 'the shipped kernel ignores half_pixel_centers',
    register: () => registerResizeBilinearGrad('wasm'),
  },
  {
    kernel: 'SkipwireBatchNormTrain, SkipwireBatchNormTrainGrad',
    backend: 'wasm',
    why: 'slow',
    note: "BatchNorm in training mode (tfjs-layers' BatchNormalization, patched where these exist) in 3 passes forward and 2 backward instead of tf.moments + batchNorm and their gradients: ~13 passes and ~30 kernel calls per layer and step",
    register: () => {
      registerBatchNormGradSums('wasm');
      registerBatchNormTraining('wasm');
    },
  },
  {
    kernel: 'SkipwireBatchNormTrain, SkipwireBatchNormTrainGrad',
    backend: 'cpu',
    why: 'slow',
    note: 'the same training-mode BatchNorm on the cpu backend',
    register: () => {
      registerBatchNormGradSums('cpu');
      registerBatchNormTraining('cpu');
    },
  },
  {
    kernel: 'SkipwireOptimizerStep',
    backend: 'wasm',
    why: 'slow',
    note: "one kernel per variable and step for the trainer's SGD / momentum / Adam / AdamW update (weight decay included) instead of 5-10 element-wise ops: ~400 fewer kernel calls per ResNet-20 step",
    register: () => registerOptimizerStep('wasm'),
  },
  {
    kernel: 'SkipwireOptimizerStep',
    backend: 'cpu',
    why: 'slow',
    note: 'the same fused optimizer update on the cpu backend',
    register: () => registerOptimizerStep('cpu'),
  },
  {
    kernel: 'ResizeBilinearGrad',
    backend: 'cpu',
    why: 'wrong',
    note: 'the shipped kernel swaps height and width and ignores half_pixel_centers',
    register: () => registerResizeBilinearGrad('cpu'),
  },
  {
    kernel: 'ResizeNearestNeighborGrad',
    backend: 'wasm',
    why: 'wrong',
    note: 'the shipped kernel ignores half_pixel_centers',
    register: () => registerResizeNearestGrad('wasm'),
  },
  {
    kernel: 'ResizeNearestNeighborGrad',
    backend: 'cpu',
    why: 'wrong',
    note: 'the shipped kernel reads dy at the wrong offset for every batch element after the first',
    register: () => registerResizeNearestGrad('cpu'),
  },
];

/**
 * Registers the project's kernels for one backend (idempotent; call before or after the backend
 * is initialized, in the thread that trains). Returns what was registered.
 */
export function registerProjectKernels(backend: string): ProjectKernel[] {
  const mine = PROJECT_KERNELS.filter((k) => k.backend === backend);
  for (const k of mine) k.register();
  return mine;
}

export { originalKernel, restoreKernel } from './kernel-io.js';
export { restoreGradient } from './gradient-io.js';
