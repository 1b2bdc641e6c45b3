import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../src-shared/graph/compile.js';
import { exportOnnx, ONNX_OPSET, weightsOf } from '../../../src-shared/codegen/index.js';
import { onnxTypes } from '../../../src-shared/codegen/onnx/schema.js';
import { exportTestGraphs, oddSizesGraph } from '../../../src-shared/codegen/test-graphs.js';
import type { GraphDocument } from '../../../src-shared/graph/document.js';

/**
 * The ONNX export against the tfjs model, in ONNX Runtime (onnxruntime-web's WebAssembly build,
 * single-threaded, in Node): every graph loads and gives the same outputs (≤ 1e-4) on the same
 * input; the file is a well-formed model Netron can show (named nodes, shapes in value_info).
 */

const graphs = exportTestGraphs();

beforeAll(async () => {
  await tf.setBackend('cpu');
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
});

async function compare(doc: GraphDocument, layout: 'nhwc' | 'nchw'): Promise<number[]> {
  const compiled = compileGraph(tf, doc);
  try {
    const out = exportOnnx(doc, weightsOf(compiled.model), { layout });
    const session = await ort.InferenceSession.create(out.bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    try {
      const { height, width, channels } = doc.input;
      const x = tf.randomNormal([2, height, width, channels], 0, 1, 'float32', 5);
      const feedT = layout === 'nhwc' ? x : tf.transpose(x, [0, 3, 1, 2]);
      const feeds: Record<string, ort.Tensor> = {};
      for (const name of out.inputs) feeds[name] = new ort.Tensor('float32', Float32Array.from(feedT.dataSync()), feedT.shape);
      const results = await session.run(feeds);
      const want = [compiled.model.predict(x)].flat() as tf.Tensor[];
      expect(out.outputs.length).toBe(want.length);
      const diffs = want.map((w, i) => {
        const got = results[out.outputs[i] ?? ''];
        if (got === undefined) throw new Error(`no output ${out.outputs[i]}`);
        let g = tf.tensor(got.data as Float32Array, got.dims as number[]);
        if (layout === 'nchw' && g.rank === 4) g = tf.transpose(g, [0, 2, 3, 1]);
        expect(g.shape).toEqual(w.shape);
        const d = tf.max(tf.abs(tf.sub(g, w))).dataSync()[0] ?? Infinity;
        g.dispose();
        return d;
      });
      tf.dispose([x, feedT, ...want]);
      return diffs;
    } finally {
      await session.release();
    }
  } finally {
    compiled.model.dispose();
  }
}

describe('ONNX export (onnxruntime-web in Node)', () => {
  it.each(graphs.map((g) => [g.name, g] as const))('%s: same outputs as tfjs (≤ 1e-4)', async (_name, g) => {
    for (const d of await compare(g.doc, 'nhwc')) expect(d).toBeLessThanOrEqual(1e-4);
  });

  it('NCHW layout (as PyTorch) gives the same outputs', async () => {
    for (const name of ['all kinds', 'unet-2-same-bn']) {
      const g = graphs.find((x) => x.name === name);
      if (g === undefined) throw new Error(name);
      for (const d of await compare(g.doc, 'nchw')) expect(d).toBeLessThanOrEqual(1e-4);
    }
  });

  it('is a standard model Netron shows: opset 13, named nodes, every intermediate tensor shaped in value_info', () => {
    const g = graphs.find((x) => x.name === 'all kinds');
    if (g === undefined) throw new Error('missing');
    const compiled = compileGraph(tf, g.doc);
    const out = exportOnnx(g.doc, weightsOf(compiled.model));
    compiled.model.dispose();
    const { model } = onnxTypes();
    const m = model.toObject(model.decode(out.bytes), { longs: Number, defaults: true }) as {
      irVersion: number;
      opsetImport: { domain: string; version: number }[];
      graph: { node: { name: string; opType: string; output: string[]; docString: string }[]; valueInfo: { name: string; type: { tensorType: { shape: { dim: { dimValue?: number; dimParam?: string }[] } } } }[]; output: { name: string }[]; input: { name: string }[]; initializer: { name: string }[] };
    };
    expect(m.irVersion).toBe(7);
    expect(m.opsetImport).toEqual([{ domain: '', version: ONNX_OPSET }]);
    const names = m.graph.node.map((n) => n.name);
    expect(names.every((n) => n.length > 0)).toBe(true);
    expect(new Set(names).size).toBe(names.length);
    // the layers keep the compiler's layer names, and say what the graph calls them
    const compiledNames = compiled.layerNames;
    for (const label of ['c1', 'bn1', 'grouped', 'gate', 'upconv', 'crop', 'cls']) {
      const id = Object.values(g.doc.nodes).find((n) => n.label === label)?.id ?? '';
      const node = m.graph.node.find((n) => n.name === compiledNames.get(id));
      expect(node?.docString, label).toMatch(new RegExp(`^${label} \\(`));
    }
    const shaped = new Set(m.graph.valueInfo.map((v) => v.name));
    const outputs = new Set(m.graph.output.map((o) => o.name));
    for (const n of m.graph.node) for (const o of n.output) expect(shaped.has(o) || outputs.has(o), `${n.name} → ${o} has a shape`).toBe(true);
    for (const v of m.graph.valueInfo) expect(v.type.tensorType.shape.dim[0]?.dimParam).toBe('N');
    const c1Id = Object.values(g.doc.nodes).find((n) => n.label === 'c1')?.id ?? '';
    const c1 = m.graph.valueInfo.find((v) => v.name === compiledNames.get(c1Id));
    expect(c1?.type.tensorType.shape.dim.map((d) => d.dimValue ?? d.dimParam)).toEqual(['N', 8, 8, 8]);
  });

  it('outputs: logits leaves out the heads’ softmax / sigmoid (softmax of its outputs is the default export’s); metadata_props hold the input contract', async () => {
    const g = graphs.find((x) => x.name === 'all kinds');
    if (g === undefined) throw new Error('missing');
    const compiled = compileGraph(tf, g.doc);
    const weights = weightsOf(compiled.model);
    compiled.model.dispose();
    const contract = JSON.stringify({ layout: 'nhwc', normalization: { mean: [0.5], std: [0.25] } });
    const probs = exportOnnx(g.doc, weights, { metadata: { input_contract: contract } });
    const logits = exportOnnx(g.doc, weights, { outputs: 'logits' });
    const { model } = onnxTypes();
    const meta = (bytes: Uint8Array) => (model.toObject(model.decode(bytes)) as { metadataProps: { key: string; value: string }[] }).metadataProps;
    expect(meta(probs.bytes)).toEqual([
      { key: 'layout', value: 'nhwc' },
      { key: 'outputs', value: 'probabilities' },
      { key: 'source', value: 'skipwire' },
      { key: 'input_contract', value: contract },
    ]);
    expect(meta(logits.bytes).find((p) => p.key === 'outputs')?.value).toBe('logits');
    // every head: the logits export's output, through softmax (over classes, last in NHWC) or sigmoid, is the default's; a regression head is the same
    const kinds: string[] = [];
    for (const doc of [g.doc, oddSizesGraph()]) {
      const c = compileGraph(tf, doc);
      const w = weightsOf(c.model);
      c.model.dispose();
      const a = exportOnnx(doc, w);
      const b = exportOnnx(doc, w, { outputs: 'logits' });
      const x = tf.randomNormal([2, doc.input.height, doc.input.width, doc.input.channels], 0, 1, 'float32', 9);
      const run = async (bytes: Uint8Array, names: readonly string[]): Promise<tf.Tensor[]> => {
        const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
        try {
          const r = await session.run({ [session.inputNames[0] ?? '']: new ort.Tensor('float32', Float32Array.from(x.dataSync()), x.shape) });
          return names.map((n) => {
            const t = r[n];
            if (t === undefined) throw new Error(n);
            return tf.tensor(t.data as Float32Array, t.dims as number[]);
          });
        } finally {
          await session.release();
        }
      };
      const ps = await run(a.bytes, a.outputs);
      const ls = await run(b.bytes, b.outputs);
      ps.forEach((p, i) => {
        const l = ls[i] as tf.Tensor;
        const d = (t: tf.Tensor): number => tf.max(tf.abs(tf.sub(t, p))).dataSync()[0] ?? Infinity;
        const same = d(l);
        const soft = d(tf.softmax(l));
        const sig = d(tf.sigmoid(l));
        kinds.push(same < 1e-6 ? 'same' : soft < 1e-5 ? 'softmax' : sig < 1e-5 ? 'sigmoid' : `none (${same}, ${soft}, ${sig})`);
      });
      tf.dispose([x, ...ps, ...ls]);
    }
    expect(kinds.sort()).toEqual(['same', 'same', 'sigmoid', 'softmax', 'softmax']);
  });
});
