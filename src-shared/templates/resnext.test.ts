import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GraphDocument } from '../graph/document.js';
import { inferShapes } from '../graph/infer.js';
import type { TfSymbolic } from '../layers/types.js';
import { generateTemplate } from './registry.js';
import { generated, kinds, relErr } from './test-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Test-only compiler: every node, in topological order, through its layer kind's `build`. */
function compile(doc: GraphDocument, output: string): tf.LayersModel {
  const a = inferShapes(doc);
  const out = new Map<string, TfSymbolic>();
  for (const id of a.order) {
    const info = a.nodes.get(id);
    if (info?.def?.build === undefined || info.params === undefined) throw new Error(`cannot build ${id}`);
    const inputs = info.inputs.map((i) => out.get(i.sourceId) as TfSymbolic);
    out.set(id, info.def.build(tf, info.params, id, inputs, { input: doc.input }));
  }
  return tf.model({ inputs: out.get('input') as TfSymbolic, outputs: out.get(output) as TfSymbolic });
}

function doc(form: string): GraphDocument {
  const r = generateTemplate('resnext', { depth: 11, cardinality: 3, width: 2, base: 4, form, inputHeight: 8, inputWidth: 8, classes: 2 });
  if (!r.ok) throw new Error(r.error.message);
  return r.doc;
}

/** Random weights for form (c): kernels ~U(−0.5, 0.5), BN gamma and variance ~U(0.5, 1.5). */
function randomize(model: tf.LayersModel): void {
  for (const layer of model.layers) {
    const ws = layer.getWeights();
    if (ws.length === 0) continue;
    const bn = layer.getClassName() === 'BatchNormalization';
    layer.setWeights(ws.map((w, i) => (bn && (i === 0 || i === 3) ? tf.randomUniform(w.shape, 0.5, 1.5) : tf.randomUniform(w.shape, -0.5, 0.5))));
  }
}

/**
 * Ties a form (a) or (b) model to form (c): a layer of the same name copies; a path layer
 * `<unit>_p<k>_<layer>` takes the k-th slice of `<unit>_<layer>` along the one axis where their
 * shapes differ (output channels of conv1/conv2/BN, input channels of form (a)'s conv3).
 */
function tie(target: tf.LayersModel, source: tf.LayersModel): void {
  for (const layer of target.layers) {
    const ws = layer.getWeights();
    if (ws.length === 0) continue;
    const m = /^(.*)_p(\d+)_(.*)$/.exec(layer.name);
    const from = source.getLayer(m ? `${m[1]}_${m[3]}` : layer.name).getWeights();
    const k = m ? Number(m[2]) - 1 : 0;
    layer.setWeights(
      ws.map((w, i) => {
        const s = from[i] as tf.Tensor;
        const axis = w.shape.findIndex((d, j) => d !== s.shape[j]);
        if (axis < 0) return s.clone();
        const begin = w.shape.map((_, j) => (j === axis ? k * (w.shape[j] as number) : 0));
        return tf.slice(s, begin, w.shape);
      }),
    );
  }
}

describe('ResNeXt', () => {
  it('ResNeXt-29 8×64d and 16×64d have the paper\'s 34.4M and 68.1M parameters, in every form', () => {
    const c = generated('resnext', { cardinality: 8, width: 64 });
    expect(c.problems).toEqual([]);
    expect(relErr(c.params, 34.4e6)).toBeLessThan(0.02);
    expect(relErr(generated('resnext', { cardinality: 16, width: 64 }).params, 68.1e6)).toBeLessThan(0.02);
    expect(c.doc.nodes['s2b1_conv2']?.params).toMatchObject({ groups: 8, filters: 1024, stride: 2 });
    for (const form of ['a', 'b']) {
      const g = generated('resnext', { form });
      expect(g.problems).toEqual([]);
      expect(g.params).toBe(c.params);
    }
  });

  it('form (a) has C explicit paths summed then BN; (b) C paths concatenated then 1×1', () => {
    const a = generated('resnext', { depth: 11, cardinality: 4, form: 'a' });
    expect(kinds(a.doc, 'Conv2D').filter((id) => /^s1b1_p\d+_/.test(id))).toHaveLength(12);
    expect(Object.values(a.doc.edges).filter((e) => e.target === 's1b1_sum')).toHaveLength(4);
    const b = generated('resnext', { depth: 11, cardinality: 4, form: 'b' });
    expect(Object.values(b.doc.edges).filter((e) => e.target === 's1b1_cat')).toHaveLength(4);
    expect(b.doc.nodes['s1b1_conv3']).toBeDefined();
  });

  it('forms (a), (b) and (c) compute the same function with tied weights (real tfjs)', () => {
    tf.tidy(() => {
      const c = compile(doc('c'), 'gap');
      randomize(c);
      const x = tf.randomNormal([2, 8, 8, 3]);
      const yc = c.predict(x) as tf.Tensor;
      for (const form of ['a', 'b']) {
        const m = compile(doc(form), 'gap');
        tie(m, c);
        const y = m.predict(x) as tf.Tensor;
        expect(y.shape).toEqual([2, 64]);
        expect(tf.max(tf.abs(tf.sub(y, yc))).dataSync()[0]).toBeLessThanOrEqual(1e-5);
        // and the comparison can fail: nudge one path's weights
        const l = m.getLayer('s2b1_p2_conv2');
        l.setWeights(l.getWeights().map((w) => tf.add(w, 0.1)));
        expect(tf.max(tf.abs(tf.sub(m.predict(x) as tf.Tensor, yc))).dataSync()[0]).toBeGreaterThan(1e-3);
      }
      expect(tf.max(tf.abs(yc)).dataSync()[0]).toBeGreaterThan(0.01);
    });
  });
});
