import { registerKernel, unregisterKernel, getKernel } from '@tensorflow/tfjs';
import type { KernelFunc, NamedAttrMap } from '@tensorflow/tfjs';
import type { NumericArray } from './kernel-io.js';
import { input, runJsKernelOutputs } from './kernel-io.js';

/**
 * One optimizer update of one variable as a single kernel: the trainer's Optimizer (PyTorch's
 * rules, trainer/optimizer.ts) otherwise spends 5–10 element-wise tfjs ops per variable and step
 * (weight decay, the slots, the update), ~400 kernel calls per ResNet-20 step whose cost is
 * mostly tfjs's per-call bookkeeping. Inputs: w, g and the rule's slots (momentum: velocity;
 * Adam/AdamW: m, v); outputs: the new w, then the new slots — the caller assigns them. Float32
 * on the wasm and cpu backends (where JavaScript reads the data synchronously); the Optimizer
 * uses the op-by-op path elsewhere. Per element, in float64 and rounded once:
 *   g ← g + wd·w (not AdamW)
 *   momentum: v ← μv + g;  w ← w − lr·(Nesterov ? g + μv : v)
 *   Adam:     m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  w ← w − lr·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε)
 *   AdamW:    the same with w ← w·(1 − lr·wd) first
 *   sgd:      w ← w − lr·g
 */
export const OPTIMIZER_STEP = 'SkipwireOptimizerStep';

export type OptimizerRule = 'sgd' | 'momentum' | 'adam' | 'adamw';

export interface OptimizerStepAttrs {
  readonly rule: OptimizerRule;
  readonly lr: number;
  readonly weightDecay: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Updates so far including this one (Adam's bias correction). */
  readonly t: number;
}

/** Slots each rule keeps per variable. */
export function slotCount(rule: OptimizerRule): number {
  return rule === 'momentum' ? 1 : rule === 'adam' || rule === 'adamw' ? 2 : 0;
}

/** The update over flat arrays: w and slots in, new w and new slots out (may not alias the inputs). */
export function optimizerStepInto(a: OptimizerStepAttrs, w: ArrayLike<number>, g: ArrayLike<number>, slots: readonly ArrayLike<number>[], outW: NumericArray, outSlots: readonly NumericArray[]): void {
  const n = w.length;
  const wd = a.weightDecay;
  const lr = a.lr;
  switch (a.rule) {
    case 'sgd':
      for (let i = 0; i < n; i++) {
        const wi = w[i] as number;
        outW[i] = wi - lr * ((g[i] as number) + wd * wi);
      }
      return;
    case 'momentum': {
      const v = slots[0] as ArrayLike<number>;
      const nv = outSlots[0] as NumericArray;
      const mu = a.momentum;
      for (let i = 0; i < n; i++) {
        const wi = w[i] as number;
        const gi = (g[i] as number) + wd * wi;
        // The velocity is kept in float32, as the op-by-op path keeps it.
        const vi = Math.fround(mu * (v[i] as number) + gi);
        nv[i] = vi;
        outW[i] = wi - lr * (a.nesterov ? gi + mu * vi : vi);
      }
      return;
    }
    case 'adam':
    case 'adamw': {
      const m = slots[0] as ArrayLike<number>;
      const s = slots[1] as ArrayLike<number>;
      const nm = outSlots[0] as NumericArray;
      const ns = outSlots[1] as NumericArray;
      const { beta1: b1, beta2: b2, epsilon: eps } = a;
      const c1 = 1 - b1 ** a.t;
      const c2 = 1 - b2 ** a.t;
      const decoupled = a.rule === 'adamw';
      for (let i = 0; i < n; i++) {
        const wi = w[i] as number;
        const gi = decoupled ? (g[i] as number) : (g[i] as number) + wd * wi;
        const mi = Math.fround(b1 * (m[i] as number) + (1 - b1) * gi);
        const si = Math.fround(b2 * (s[i] as number) + (1 - b2) * gi * gi);
        nm[i] = mi;
        ns[i] = si;
        const base = decoupled && wd > 0 ? wi * (1 - lr * wd) : wi;
        outW[i] = base - (lr * (mi / c1)) / (Math.sqrt(si / c2) + eps);
      }
      return;
    }
  }
}

/** The attributes, checked (they cross from the trainer as a NamedAttrMap). */
function attrsOf(attrs: NamedAttrMap): OptimizerStepAttrs {
  const a = attrs as unknown as Partial<OptimizerStepAttrs>;
  const rule = a.rule;
  if (rule !== 'sgd' && rule !== 'momentum' && rule !== 'adam' && rule !== 'adamw') throw new Error(`${OPTIMIZER_STEP}: unknown rule ${String(rule)}`);
  const num = (k: keyof OptimizerStepAttrs) => {
    const v = a[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${OPTIMIZER_STEP}: attribute ${k} must be a finite number`);
    return v;
  };
  return {
    rule,
    lr: num('lr'),
    weightDecay: num('weightDecay'),
    momentum: num('momentum'),
    nesterov: a.nesterov === true,
    beta1: num('beta1'),
    beta2: num('beta2'),
    epsilon: num('epsilon'),
    t: num('t'),
  };
}

const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
  const a = attrsOf(attrs ?? {});
  const w = input(inputs, 'w', OPTIMIZER_STEP);
  const g = input(inputs, 'g', OPTIMIZER_STEP);
  const slots = Array.from({ length: slotCount(a.rule) }, (_, i) => input(inputs, `s${i}`, OPTIMIZER_STEP));
  const n = w.shape.reduce((p, d) => p * d, 1);
  for (const t of [w, g, ...slots]) {
    if (t.dtype !== 'float32') throw new Error(`${OPTIMIZER_STEP}: float32 tensors only, got ${t.dtype}`);
    if (t.shape.reduce((p, d) => p * d, 1) !== n) throw new Error(`${OPTIMIZER_STEP}: [${t.shape.join(', ')}] does not match the variable's [${w.shape.join(', ')}]`);
  }
  return runJsKernelOutputs(
    OPTIMIZER_STEP,
    backend,
    [w, ...slots].map((t) => [...t.shape]),
    ([outW, ...outSlots], read) => optimizerStepInto(a, read(w), read(g), slots.map(read), outW as Float32Array, outSlots),
  );
};

/** Registers the kernel for the wasm or cpu backend (idempotent). */
export function registerOptimizerStep(backendName: 'wasm' | 'cpu'): void {
  if (getKernel(OPTIMIZER_STEP, backendName) !== undefined) unregisterKernel(OPTIMIZER_STEP, backendName);
  registerKernel({ kernelName: OPTIMIZER_STEP, backendName, kernelFunc });
}
