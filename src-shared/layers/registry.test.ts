import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { layerDefs, getLayer, layerKinds } from './registry.js';
import { numel } from './lib/shape.js';
import type { InferContext, Shape } from './types.js';

/**
 * The contract every registry entry keeps (ARCHITECTURE.md principle 1): defaults parse, arity is
 * sane, every param has a label, the kind's own hand-counted example infers its shape and cost,
 * and `build` with the real tfjs gives a layer whose output shape equals inferShape, whose
 * trainable weights number cost.params and whose all weights number params + nonTrainable; a
 * forward pass on a batch of 2 runs and has that shape.
 */

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const defaultCtx: InferContext = { input: { height: 8, width: 8, channels: 3 } };

describe.each(layerDefs.map((d) => [d.kind, d] as const))('layer %s', (_kind, def) => {
  const ctx: InferContext = def.example.input ? { input: def.example.input } : defaultCtx;
  const params = def.params.parse(def.example.params ?? {});

  it('parses its defaults and declares sane metadata', () => {
    const defaults = def.params.parse({});
    expect(typeof defaults).toBe('object');
    expect(def.kind).toMatch(/^[A-Z][A-Za-z0-9]*$/);
    expect(def.label.length).toBeGreaterThan(0);
    expect(def.description.length).toBeGreaterThan(0);
    expect(getLayer(def.kind)).toBe(def);
    expect(def.arity.min).toBeGreaterThanOrEqual(0);
    if (def.arity.max !== null) expect(def.arity.max).toBeGreaterThanOrEqual(def.arity.min);
    if (def.ports) expect(def.ports.length).toBeGreaterThanOrEqual(def.arity.min);
    // every param has a ui label, and every ui entry is a param
    expect(Object.keys(def.ui).sort()).toEqual(Object.keys(defaults).sort());
    for (const ui of Object.values(def.ui)) expect(ui.label.length).toBeGreaterThan(0);
    expect(typeof def.summary(defaults)).toBe('string');
    expect(def.code).toBeTypeOf('object');
  });

  it('infers the example shape and its hand-counted cost', () => {
    const { inputs, output, cost } = def.example;
    expect(inputs.length).toBeGreaterThanOrEqual(def.arity.min);
    if (def.arity.max !== null) expect(inputs.length).toBeLessThanOrEqual(def.arity.max);
    const r = def.inferShape(inputs, params, ctx);
    if (!r.ok) throw new Error(`${def.kind}: ${r.issue.message}`);
    expect(r.shape).toEqual(output);
    const c = def.cost(inputs, r.shape, params);
    expect(c.params).toBeGreaterThanOrEqual(0);
    expect(c.flops).toBeGreaterThanOrEqual(0);
    expect(c.nonTrainable ?? 0).toBeGreaterThanOrEqual(0);
    expect({ params: c.params, flops: c.flops, nonTrainable: c.nonTrainable ?? 0 }).toEqual({ ...cost, nonTrainable: cost.nonTrainable ?? 0 });
    // the defaults infer too, on the example inputs
    expect(def.inferShape(inputs, def.params.parse({}), ctx).ok).toBe(true);
  });

  it('builds with real tfjs: same output shape, same weight counts, runs forward', () => {
    expect(def.build).toBeTypeOf('function');
    const { inputs } = def.example;
    const expected = def.inferShape(inputs, params, ctx);
    if (!expected.ok) throw new Error(expected.issue.message);
    const c = def.cost(inputs, expected.shape, params);
    const symIn = inputs.map((s: Shape, i) => tf.input({ shape: [...s], name: `in${i}` }));
    const out = def.build?.(tf, params, 'node_under_test', symIn, ctx);
    if (!out) throw new Error('no output');
    expect(out.shape.slice(1)).toEqual([...expected.shape]);
    const model = tf.model({ inputs: symIn.length > 0 ? symIn : [out], outputs: out });
    const trainable = model.trainableWeights.reduce((n, w) => n + numel(w.shape as number[]), 0);
    expect(trainable).toBe(c.params);
    expect(model.countParams()).toBe(c.params + (c.nonTrainable ?? 0));
    const batch = 2;
    const xs = (symIn.length > 0 ? inputs : [expected.shape]).map((s) => tf.randomNormal([batch, ...s]));
    const y = model.predict(xs.length === 1 ? xs[0]! : xs);
    const ys = Array.isArray(y) ? y : [y];
    expect(ys[0]!.shape).toEqual([batch, ...expected.shape]);
    expect(Array.from(ys[0]!.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([...xs, ...ys]);
    model.dispose();
  });

  it('saves and loads back through tfjs serialization (custom layers are registered)', async () => {
    const { inputs } = def.example;
    const symIn = inputs.map((s: Shape, i) => tf.input({ shape: [...s], name: `in${i}` }));
    const out = def.build?.(tf, params, 'node_under_test', symIn, ctx);
    if (!out) throw new Error('no output');
    const model = tf.model({ inputs: symIn.length > 0 ? symIn : [out], outputs: out });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    if (!artifacts) throw new Error('not saved');
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    const shapes = symIn.length > 0 ? inputs : [out.shape.slice(1) as number[]];
    const xs = shapes.map((s) => tf.randomNormal([1, ...s]));
    const a = model.predict(xs.length === 1 ? xs[0]! : xs) as tf.Tensor;
    const b = loaded.predict(xs.length === 1 ? xs[0]! : xs) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose([...xs, a, b]);
    model.dispose();
    loaded.dispose();
  });
});

describe('registry', () => {
  it('has unique kinds', () => {
    expect(new Set(layerKinds).size).toBe(layerKinds.length);
  });
});
