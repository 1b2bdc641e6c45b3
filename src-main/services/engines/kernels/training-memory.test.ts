import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../../src-shared/graph/compile.js';
import type { Tf } from '../../../../src-shared/layers/types.js';
import { generateTemplate } from '../../../../src-shared/templates/registry.js';
import { setupBackends } from './testing.js';

beforeAll(setupBackends);

/**
 * Tensor memory stays flat over an epoch of training on the wasm engine with every project
 * kernel (SIMD convolutions, element-wise ops, Concat/SplitV, BatchNorm, their gradients): a
 * kernel that leaked an intermediate would add tensors or bytes with every step.
 */
describe('training on wasm with the project kernels', () => {
  for (const [template, options, batch] of [
    ['resnet', { depth: 8, inputHeight: 16, inputWidth: 16 }, 8],
    ['densenet-bc', { depth: 10, growth: 4, inputHeight: 16, inputWidth: 16 }, 4],
    ['unet', { depth: 2, width: 8, padding: 'same', batchNorm: true, inputHeight: 16, inputWidth: 16, inputChannels: 1, classes: 2 }, 2],
  ] as const) {
    it(`keeps tf.memory() flat over an epoch (${template}) and learns`, async () => {
      await tf.setBackend('wasm');
      const g = generateTemplate(template, options);
      if (!g.ok) throw new Error(g.error.message);
      const { model } = compileGraph(tf as unknown as Tf, g.doc);
      const inShape = (model.inputs[0]?.shape ?? []).slice(1) as number[];
      const outShape = (model.outputs[0]?.shape ?? []).slice(1) as number[];
      const x = tf.randomNormal([batch, ...inShape], 0, 1, 'float32', 1);
      const target = tf.randomUniform([batch, ...outShape], 0, 1, 'float32', 2);
      const opt = tf.train.momentum(0.05, 0.9);
      const step = (): number => {
        const loss = opt.minimize(() => tf.mean(tf.square(tf.sub(model.apply(x, { training: true }) as tf.Tensor, target))), true);
        const v = (loss?.dataSync()[0] as number | undefined) ?? NaN;
        loss?.dispose();
        return v;
      };
      const first = step(); // creates the optimizer's slots
      const before = tf.memory();
      // Data the backend holds, tensors or not (an intermediate a kernel forgot to free counts here).
      const dataBefore = tf.backend().numDataIds();
      let last = first;
      for (let i = 0; i < 8; i++) last = step();
      const after = tf.memory();
      expect(after.numTensors).toBe(before.numTensors);
      expect(after.numBytes).toBe(before.numBytes);
      expect(tf.backend().numDataIds()).toBe(dataBefore);
      expect(Number.isFinite(last)).toBe(true);
      expect(last).toBeLessThan(first);
      tf.dispose([x, target]);
      opt.dispose();
      model.dispose();
    });
  }
});
