import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveHyperparameters } from '../../../src-shared/api/services/training.js';
import type { HyperparametersInput } from '../../../src-shared/api/services/training.js';
import { OPTIMIZER_STEP, registerOptimizerStep } from '../engines/kernels/optimizer-step.js';
import { setupBackends, values } from '../engines/kernels/testing.js';
import { Optimizer } from './optimizer.js';
import { useCpuBackend } from './testing.js';

beforeAll(async () => {
  // wasm and cpu with the project's kernels, the fused optimizer step among them.
  await setupBackends();
  await useCpuBackend(tf);
});

/** One kernel w (decays) and one bias b (does not), both starting at 1; returns their values after each step. */
function run(h: HyperparametersInput, grads: number[]): { w: number[]; b: number[] } {
  const w = tf.variable(tf.ones([2, 1]));
  const b = tf.variable(tf.ones([1]));
  const opt = new Optimizer(resolveHyperparameters(h, 0), [
    { key: 'w', variable: w, decay: true },
    { key: 'b', variable: b, decay: false },
  ]);
  const out = { w: [] as number[], b: [] as number[] };
  for (const g of grads) {
    const gw = tf.fill([2, 1], g);
    const gb = tf.fill([1], g);
    opt.apply(new Map([['w', gw], ['b', gb]]), h.learningRate ?? 0.1);
    tf.dispose([gw, gb]);
    out.w.push(w.dataSync()[0] as number);
    out.b.push(b.dataSync()[0] as number);
  }
  opt.dispose();
  tf.dispose([w, b]);
  return out;
}

describe('optimizers, against updates worked by hand', () => {
  it('SGD with L2 weight decay on kernels only', () => {
    const r = run({ optimizer: 'sgd', learningRate: 0.1, weightDecay: 0.5 }, [2]);
    expect(r.w[0]).toBeCloseTo(1 - 0.1 * (2 + 0.5), 6);
    expect(r.b[0]).toBeCloseTo(1 - 0.1 * 2, 6);
  });

  it('momentum and Nesterov momentum (PyTorch form)', () => {
    const plain = run({ optimizer: 'momentum', learningRate: 0.1, momentum: 0.9, weightDecay: 0 }, [1, 1]);
    expect(plain.w[0]).toBeCloseTo(0.9, 6); // v = 1
    expect(plain.w[1]).toBeCloseTo(0.71, 6); // v = 1.9
    const nesterov = run({ optimizer: 'momentum', learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0 }, [1, 1]);
    expect(nesterov.w[0]).toBeCloseTo(1 - 0.1 * 1.9, 6);
    expect(nesterov.w[1]).toBeCloseTo(0.81 - 0.1 * 2.71, 6);
  });

  it('Adam: the first step moves each weight by lr (bias-corrected m/√v = 1); coupled decay folds into it', () => {
    const r = run({ optimizer: 'adam', learningRate: 0.1, weightDecay: 0 }, [2, 2]);
    expect(r.w[0]).toBeCloseTo(0.9, 6);
    expect(r.w[1]).toBeCloseTo(0.8, 5);
    const coupled = run({ optimizer: 'adam', learningRate: 0.1, weightDecay: 0.5 }, [2]);
    expect(coupled.w[0]).toBeCloseTo(0.9, 6);
  });

  it('AdamW decays the weights apart from the gradient (w·(1 − lr·wd) first), and not the biases', () => {
    const r = run({ optimizer: 'adamw', learningRate: 0.1, weightDecay: 0.5 }, [2]);
    expect(r.w[0]).toBeCloseTo(1 * (1 - 0.05) - 0.1, 6);
    expect(r.b[0]).toBeCloseTo(0.9, 6);
  });

  it('a variable without a gradient is left alone', () => {
    const w = tf.variable(tf.ones([1]));
    const opt = new Optimizer(resolveHyperparameters({ optimizer: 'sgd' }, 0), [{ key: 'w', variable: w, decay: true }]);
    opt.apply(new Map(), 0.1);
    expect(w.dataSync()[0]).toBe(1);
    opt.dispose();
    w.dispose();
  });

  it('its state saves and restores: a restored optimizer continues exactly', async () => {
    const h = resolveHyperparameters({ optimizer: 'adam', learningRate: 0.05 }, 0);
    const make = () => {
      const v = tf.variable(tf.tensor([1, -2, 3]));
      return { v, opt: new Optimizer(h, [{ key: 'v', variable: v, decay: true }]) };
    };
    const a = make();
    const g = tf.tensor([0.5, -1, 2]);
    a.opt.apply(new Map([['v', g]]), 0.05);
    const b = make();
    b.v.assign(a.v);
    b.opt.restore(a.opt.step, await a.opt.state());
    a.opt.apply(new Map([['v', g]]), 0.05);
    b.opt.apply(new Map([['v', g]]), 0.05);
    expect(Array.from(b.v.dataSync())).toEqual(Array.from(a.v.dataSync()));
    expect(() => b.opt.restore(1, [])).toThrow(/no optimizer state for v/);
    tf.dispose([a.v, b.v, g]);
  });
});

describe('the fused optimizer step (one kernel per variable on wasm and cpu)', () => {
  const RULES: HyperparametersInput[] = [
    { optimizer: 'sgd', learningRate: 0.1, weightDecay: 1e-2 },
    { optimizer: 'momentum', learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4 },
    { optimizer: 'momentum', learningRate: 0.05, momentum: 0.8, nesterov: true, weightDecay: 5e-4 },
    { optimizer: 'adam', learningRate: 1e-3, weightDecay: 1e-3 },
    { optimizer: 'adamw', learningRate: 1e-2, weightDecay: 0.1 },
  ];

  /** Weights (kernel and bias) and slots after 4 steps of fixed pseudo-random gradients. */
  async function trained(backend: 'cpu' | 'wasm', h: HyperparametersInput): Promise<Float32Array[]> {
    await tf.setBackend(backend);
    const w = tf.variable(tf.tensor(values([37, 5], 1), [37, 5]));
    const b = tf.variable(tf.tensor(values([5], 2), [5]));
    const opt = new Optimizer(resolveHyperparameters(h, 0), [
      { key: 'w', variable: w, decay: true },
      { key: 'b', variable: b, decay: false },
    ]);
    const before = tf.memory().numTensors;
    for (let step = 0; step < 4; step++) {
      const gw = tf.tensor(values([37, 5], 10 + step), [37, 5]);
      const gb = tf.tensor(values([5], 20 + step), [5]);
      opt.apply(new Map([['w', gw], ['b', gb]]), h.learningRate ?? 0.1);
      tf.dispose([gw, gb]);
    }
    expect(tf.memory().numTensors).toBe(before);
    const out = [(await w.data()) as Float32Array, (await b.data()) as Float32Array, ...(await opt.state()).map((s) => s.values)];
    opt.dispose();
    tf.dispose([w, b]);
    return out;
  }

  it.each(RULES.map((h) => [JSON.stringify(h), h] as const))('matches the op-by-op update within 1e-6: %s', async (_n, h) => {
    for (const backend of ['cpu', 'wasm'] as const) {
      expect(tf.getKernel(OPTIMIZER_STEP, backend)).toBeDefined();
      const fused = await trained(backend, h);
      tf.unregisterKernel(OPTIMIZER_STEP, backend);
      try {
        const ops = await trained(backend, h);
        expect(fused.length).toBe(ops.length);
        fused.forEach((f, i) => {
          const o = ops[i] as Float32Array;
          expect(f.length).toBe(o.length);
          for (let j = 0; j < f.length; j++) expect(Math.abs((f[j] as number) - (o[j] as number))).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(o[j] as number)));
        });
        // The weights moved (the comparison is not between two untouched copies).
        expect(Math.abs((fused[0]?.[0] as number) - (values([37, 5], 1)[0] as number))).toBeGreaterThan(1e-6);
      } finally {
        registerOptimizerStep(backend);
      }
    }
    await tf.setBackend('cpu');
  });

  it('refuses mismatched shapes and unknown rules with the kernel named', async () => {
    await tf.setBackend('wasm');
    const w = tf.zeros([3]);
    const g = tf.zeros([4]);
    const attrs = { rule: 'momentum', lr: 0.1, weightDecay: 0, momentum: 0.9, nesterov: false, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, t: 1 };
    expect(() => tf.engine().runKernel(OPTIMIZER_STEP, { w, g, s0: w }, attrs as unknown as tf.NamedAttrMap)).toThrow(/SkipwireOptimizerStep: \[4\] does not match the variable's \[3\]/);
    expect(() => tf.engine().runKernel(OPTIMIZER_STEP, { w, g: w }, { ...attrs, rule: 'lion' } as unknown as tf.NamedAttrMap)).toThrow(/unknown rule lion/);
    tf.dispose([w, g]);
    await tf.setBackend('cpu');
  });
});
