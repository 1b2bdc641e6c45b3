/**
 * Child process for webgpu-kernels.test.ts (bundled there; the Vulkan loader's LD_LIBRARY_PATH is
 * read only when a process starts): on the WebGPU backend (Dawn), the project's
 * Conv2DBackpropFilter against the kernel tfjs ships for WebGPU and against the cpu backend, over
 * strides and paddings, and both WebGPU kernels' time on one larger shape. Prints one JSON line.
 */
import * as tf from '@tensorflow/tfjs';
import { Conv2DBackpropFilter } from '@tensorflow/tfjs';
import type { NamedAttrMap } from '@tensorflow/tfjs';
import { originalKernel, registerProjectKernels } from './kernels/index.js';
import { relErr, values } from './kernels/testing.js';
import { installDawn } from './webgpu.js';

interface Case {
  x: [number, number, number, number];
  k: [number, number, number];
  stride: number | [number, number];
  pad: 'same' | 'valid' | number;
}

const CASES: Case[] = [
  { x: [2, 8, 8, 3], k: [3, 3, 4], stride: 1, pad: 'same' },
  { x: [2, 8, 9, 4], k: [3, 3, 8], stride: 2, pad: 'same' },
  { x: [1, 7, 9, 2], k: [3, 1, 3], stride: [1, 2], pad: 'valid' },
  { x: [2, 6, 6, 3], k: [3, 3, 5], stride: 1, pad: 2 },
  { x: [3, 5, 5, 4], k: [1, 1, 6], stride: 2, pad: 'valid' },
  { x: [1, 9, 9, 2], k: [4, 4, 2], stride: 2, pad: 'same' },
];

const SHIPPED = 'SkipwireShippedConv2DBackpropFilter';

async function filterGrad(backend: string, kernel: string, c: Case): Promise<Float32Array> {
  await tf.setBackend(backend);
  const x = tf.tensor(values(c.x, 1), c.x) as tf.Tensor4D;
  const y = tf.conv2d(x, tf.zeros([c.k[0], c.k[1], c.x[3], c.k[2]]) as tf.Tensor4D, c.stride, c.pad);
  const dy = tf.tensor(values(y.shape, 2), y.shape);
  const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [c.k[0], c.k[1], c.x[3], c.k[2]] };
  const dw = tf.engine().runKernel(kernel, { x, dy }, attrs as unknown as NamedAttrMap) as tf.Tensor;
  const out = (await dw.data()) as Float32Array;
  tf.dispose([x, y, dy, dw]);
  return out;
}

async function timed(kernel: string, c: Case): Promise<number> {
  await filterGrad('webgpu', kernel, c); // compiles the shaders
  const t0 = performance.now();
  await filterGrad('webgpu', kernel, c);
  return performance.now() - t0;
}

await installDawn();
await import('@tensorflow/tfjs-backend-webgpu');
if (!(await tf.setBackend('webgpu'))) {
  process.stdout.write(`${JSON.stringify({ error: 'the webgpu backend did not start' })}\n`);
  process.exit(0);
}
const registered = registerProjectKernels('webgpu').map((k) => k.kernel);
const shipped = originalKernel(Conv2DBackpropFilter, 'webgpu');
if (shipped === undefined) throw new Error('tfjs ships no Conv2DBackpropFilter for webgpu');
tf.registerKernel({ ...shipped, kernelName: SHIPPED });
const cases = [];
for (const c of CASES) {
  const mine = await filterGrad('webgpu', Conv2DBackpropFilter, c);
  const theirs = await filterGrad('webgpu', SHIPPED, c);
  const cpu = await filterGrad('cpu', Conv2DBackpropFilter, c);
  cases.push({ case: c, vsCpu: relErr(mine, cpu), shippedVsCpu: relErr(theirs, cpu) });
}
const big: Case = { x: [16, 16, 16, 16], k: [3, 3, 16], stride: 1, pad: 'same' };
const ms = { mine: await timed(Conv2DBackpropFilter, big), shipped: await timed(SHIPPED, big) };
process.stdout.write(`${JSON.stringify({ registered, cases, ms })}\n`);
process.exit(0);
