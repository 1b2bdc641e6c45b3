import * as tf from '@tensorflow/tfjs';
import type { ResolvedHyperparameters } from '../../../src-shared/api/services/training.js';
import { OPTIMIZER_STEP, slotCount } from '../engines/kernels/optimizer-step.js';
import type { OptimizerStepAttrs } from '../engines/kernels/optimizer-step.js';
import type { NamedTensor } from './checkpoint.js';

export type OptimizerSettings = Pick<ResolvedHyperparameters, 'optimizer' | 'momentum' | 'nesterov' | 'weightDecay' | 'beta1' | 'beta2' | 'epsilon'>;

/** A trainable variable, its stable key (`<layer>#<index>`) and whether weight decay applies. */
export interface TrainableVar {
  readonly key: string;
  readonly variable: tf.Variable;
  /** Kernels (rank ≥ 2) decay; biases and BatchNorm γ/β do not. */
  readonly decay: boolean;
}

/**
 * SGD, SGD with (Nesterov) momentum, Adam and AdamW over tf variables, written out rather than
 * tf.train's so the learning rate can change every step (schedules, warm-up), weight decay can be
 * coupled (L2 in the gradient: SGD, momentum, Adam) or decoupled (AdamW: w ← w − lr·wd·w, as
 * PyTorch), and the state can be saved in a checkpoint and restored. The update rules are
 * PyTorch's:
 *   momentum: v ← μv + g;  w ← w − lr·(Nesterov ? g + μv : v)
 *   Adam:     m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  w ← w − lr·m̂ / (√v̂ + ε)
 * with m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ).
 */
export class Optimizer {
  private readonly o: OptimizerSettings;
  private readonly vars: readonly TrainableVar[];
  private readonly slots = new Map<string, tf.Variable[]>();
  /** Updates applied so far (Adam's t). */
  step = 0;

  constructor(settings: OptimizerSettings, vars: readonly TrainableVar[]) {
    this.o = settings;
    this.vars = vars;
    const count = slotCount(settings.optimizer);
    for (const v of vars) {
      const s: tf.Variable[] = [];
      for (let i = 0; i < count; i++) s.push(tf.variable(tf.zerosLike(v.variable), false));
      this.slots.set(v.key, s);
    }
  }

  /** One update with these gradients (keyed by TrainableVar.key; a variable without one is left alone). */
  apply(grads: ReadonlyMap<string, tf.Tensor>, lr: number): void {
    this.step++;
    const o = this.o;
    const t = this.step;
    // One fused kernel per variable where the backend has it (wasm, cpu: engines/kernels/optimizer-step.ts).
    const fused = tf.getKernel(OPTIMIZER_STEP, tf.getBackend()) !== undefined;
    tf.tidy(() => {
      for (const v of this.vars) {
        const g0 = grads.get(v.key);
        if (g0 === undefined) continue;
        const w = v.variable;
        const wd = v.decay ? o.weightDecay : 0;
        const slots = this.slots.get(v.key) ?? [];
        if (fused && w.dtype === 'float32' && g0.dtype === 'float32') {
          const attrs: OptimizerStepAttrs = { rule: o.optimizer, lr, weightDecay: wd, momentum: o.momentum, nesterov: o.nesterov, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon, t };
          const inputs: Record<string, tf.Tensor> = { w, g: g0 };
          slots.forEach((s, i) => (inputs[`s${i}`] = s));
          const outs = tf.engine().runKernel(OPTIMIZER_STEP, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
          w.assign(outs[0] as tf.Tensor);
          slots.forEach((s, i) => s.assign(outs[i + 1] as tf.Tensor));
          continue;
        }
        const g = wd > 0 && o.optimizer !== 'adamw' ? tf.add(g0, tf.mul(w, wd)) : g0;
        switch (o.optimizer) {
          case 'sgd':
            w.assign(tf.sub(w, tf.mul(g, lr)));
            break;
          case 'momentum': {
            const vel = slots[0] as tf.Variable;
            const nv = tf.add(tf.mul(vel, o.momentum), g);
            vel.assign(nv);
            const upd = o.nesterov ? tf.add(g, tf.mul(nv, o.momentum)) : nv;
            w.assign(tf.sub(w, tf.mul(upd, lr)));
            break;
          }
          case 'adam':
          case 'adamw': {
            const m = slots[0] as tf.Variable;
            const s = slots[1] as tf.Variable;
            const nm = tf.add(tf.mul(m, o.beta1), tf.mul(g, 1 - o.beta1));
            const ns = tf.add(tf.mul(s, o.beta2), tf.mul(tf.square(g), 1 - o.beta2));
            m.assign(nm);
            s.assign(ns);
            const mHat = tf.div(nm, 1 - o.beta1 ** t);
            const sHat = tf.div(ns, 1 - o.beta2 ** t);
            const base = o.optimizer === 'adamw' && wd > 0 ? tf.mul(w, 1 - lr * wd) : w;
            w.assign(tf.sub(base, tf.mul(tf.div(mHat, tf.add(tf.sqrt(sHat), o.epsilon)), lr)));
            break;
          }
        }
      }
    });
  }

  /** The slots, for a checkpoint (`<key>@<index>`); read asynchronously (WebGPU cannot read synchronously in Node). */
  async state(): Promise<NamedTensor[]> {
    const out: NamedTensor[] = [];
    for (const [key, slots] of this.slots) {
      for (let i = 0; i < slots.length; i++) {
        const s = slots[i] as tf.Variable;
        out.push({ key: `${key}@${i}`, shape: s.shape, values: (await s.data()) as Float32Array });
      }
    }
    return out;
  }

  /** Restores slots saved by state(); a missing or misshapen slot is an error naming it. */
  restore(step: number, saved: readonly NamedTensor[]): void {
    const byKey = new Map(saved.map((t) => [t.key, t]));
    tf.tidy(() => {
      for (const [key, slots] of this.slots) {
        slots.forEach((s, i) => {
          const t = byKey.get(`${key}@${i}`);
          if (t === undefined) throw new Error(`the checkpoint has no optimizer state for ${key} (was it saved with another optimizer?)`);
          if (t.shape.length !== s.shape.length || t.shape.some((d, j) => d !== s.shape[j])) {
            throw new Error(`the checkpoint's optimizer state for ${key} is [${t.shape.join(', ')}], the model's is [${s.shape.join(', ')}]`);
          }
          s.assign(tf.tensor(t.values, [...t.shape]));
        });
      }
    });
    this.step = step;
  }

  dispose(): void {
    for (const slots of this.slots.values()) for (const s of slots) s.dispose();
    this.slots.clear();
  }
}
