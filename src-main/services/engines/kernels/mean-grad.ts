import * as tf from '@tensorflow/tfjs';
import { Mean, util } from '@tensorflow/tfjs';
import type { GradConfig, Tensor } from '@tensorflow/tfjs';
import { replaceGradient } from './gradient-io.js';

/**
 * The Mean gradient on wasm: dy/count broadcast back to x's shape by one Tile (the project's,
 * a few memmoves) instead of tfjs's ones(x.shape) · dy / count, which fills a tensor of ones and
 * makes two full-size passes — in training, BatchNorm's batch mean and variance are two Means of
 * every activation. Other backends keep tfjs's gradient.
 */
function fastGradient(original: GradConfig): GradConfig {
  return {
    kernelName: Mean,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const g = Array.isArray(dy) ? dy[0] : dy;
      if (x === undefined || g === undefined || tf.getBackend() !== 'wasm' || g.dtype !== 'float32') return original.gradFunc(dy, saved, attrs);
      const axes = util.parseAxisParam((attrs as unknown as { axis: number | number[] }).axis, x.shape);
      const count = axes.reduce((p, a) => p * (x.shape[a] as number), 1);
      const expanded = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
      return {
        x: (): Tensor => tf.broadcastTo(tf.mul(tf.reshape(g, expanded), 1 / count), x.shape),
      };
    },
  };
}

export function registerMeanGradient(): void {
  replaceGradient(Mean, fastGradient);
}
