import type { GraphDocument, NodeId } from '../../graph/document.js';
import { chw } from '../../layers/lib/code.js';
import type { OnnxAttr, OnnxPrintContext } from '../../layers/printers.js';
import { planCode, resolveRef } from '../plan.js';
import type { CodePlan, PlanItem, PlanLoop } from '../plan.js';
import { layerWeights, type WeightSet } from '../weights.js';
import { onnxTypes } from './schema.js';

/**
 * Graph → an ONNX model (opset 13, IR version 7): one node per operation, named after the graph's
 * layers, weights as initializers converted to NCHW layouts, every tensor's shape in value_info
 * (Netron shows them), repeated blocks unrolled. Inside, tensors are NCHW; the model's input and
 * spatial outputs are NHWC like the tfjs model's (a Transpose at each end), or NCHW with
 * `layout: 'nchw'`. The batch axis is the symbolic dimension `N`.
 */

export const ONNX_OPSET = 13;
export const ONNX_IR_VERSION = 7;

export interface OnnxExportOptions {
  /** The layout of the model's input and spatial outputs: 'nhwc' (as tfjs; default) or 'nchw' (as PyTorch). */
  readonly layout?: 'nhwc' | 'nchw';
  /** Written to producer_version. */
  readonly producerVersion?: string;
  /** What the heads output: 'probabilities' (softmax / sigmoid, as the tfjs model; default) or 'logits' (the scores before). */
  readonly outputs?: 'probabilities' | 'logits';
  /** More metadata_props (the input contract as JSON, …), written after layout, outputs and source. */
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface OnnxExport {
  readonly bytes: Uint8Array;
  /** Graph input and output names, in the model's order. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly plan: CodePlan;
}

interface NodeRec {
  input: string[];
  output: string[];
  name: string;
  opType: string;
  attribute: Record<string, unknown>[];
  docString?: string;
}

interface Tensor {
  name: string;
  dims: number[];
  dataType: number;
  rawData: Uint8Array;
}

const FLOAT = 1;
const INT64 = 7;
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

function attribute(name: string, v: OnnxAttr): Record<string, unknown> {
  if ('i' in v) return { name, type: ATTR.INT, i: v.i };
  if ('f' in v) return { name, type: ATTR.FLOAT, f: v.f };
  if ('s' in v) return { name, type: ATTR.STRING, s: utf8Bytes(v.s) };
  if ('ints' in v) return { name, type: ATTR.INTS, ints: [...v.ints] };
  return { name, type: ATTR.FLOATS, floats: [...v.floats] };
}

function utf8Bytes(s: string): Uint8Array {
  return Uint8Array.from([...s].map((c) => {
    const code = c.charCodeAt(0);
    if (code > 0x7f) throw new Error(`non-ASCII attribute ${s}`);
    return code;
  }));
}

function floatBytes(data: Float32Array | readonly number[]): Uint8Array {
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i] ?? 0, true);
  return out;
}

function int64Bytes(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return out;
}

function valueInfo(name: string, dims: readonly (number | 'N')[]): Record<string, unknown> {
  return {
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => (d === 'N' ? { dimParam: 'N' } : { dimValue: d })) } } },
  };
}

export function exportOnnx(doc: GraphDocument, weights: WeightSet, options: OnnxExportOptions = {}): OnnxExport {
  const plan = planCode(doc);
  const layout = options.layout ?? 'nhwc';
  const nodes: NodeRec[] = [];
  const initializers: Tensor[] = [];
  const shapes = new Map<string, readonly number[]>();
  const usedNames = new Set<string>();
  const unique = (base: string): string => {
    let n = base;
    for (let i = 2; usedNames.has(n); i++) n = `${base}_${i}`;
    usedNames.add(n);
    return n;
  };

  const graphInputs: Record<string, unknown>[] = [];
  const graphOutputs: Record<string, unknown>[] = [];
  const inputNames: string[] = [];
  const outputNames: string[] = [];

  // the latest copy's output tensor of every node, and each loop's carried tensor
  const tensorOf = new Map<NodeId, string>();
  const carry = new Map<PlanLoop, string>();
  const varOf = (id: NodeId): string => tensorOf.get(id) ?? '';
  const carryOf = (l: PlanLoop): string => carry.get(l) ?? '';

  const emitLayer = (nodeId: NodeId, layerName: string, loops: readonly PlanLoop[]): void => {
    const node = plan.nodes.get(nodeId);
    if (node === undefined) throw new Error(`no node ${nodeId}`);
    usedNames.add(layerName);
    let inputs = node.inputIds.map((id) => resolveRef(plan, id, loops, varOf, carryOf));
    if (node.def.kind === 'Input') {
      const s = [doc.input.channels, doc.input.height, doc.input.width];
      inputNames.push(layerName);
      if (layout === 'nchw') {
        graphInputs.push(valueInfo(layerName, ['N', ...s]));
        inputs = [layerName];
      } else {
        graphInputs.push(valueInfo(layerName, ['N', doc.input.height, doc.input.width, doc.input.channels]));
        const t = unique(`${layerName}_nchw`);
        nodes.push({ input: [layerName], output: [t], name: t, opType: 'Transpose', attribute: [attribute('perm', { ints: [0, 3, 1, 2] })] });
        shapes.set(t, s);
        inputs = [t];
      }
    }
    const first = nodes.length;
    let count = 0;
    const ctx: OnnxPrintContext = {
      name: layerName,
      inputs,
      inputShapes: node.inputShapes,
      outputShape: node.shape,
      weights: layerWeights(weights, layerName, 0),
      node(op, ins, shape, attrs = {}) {
        const out = unique(`${layerName}/${op}${++count > 1 ? `_${count}` : ''}`);
        nodes.push({ input: [...ins], output: [out], name: out, opType: op, attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) });
        shapes.set(out, shape);
        return out;
      },
      floats(suffix, shape, data) {
        const name = unique(`${layerName}/${suffix}`);
        initializers.push({ name, dims: [...shape], dataType: FLOAT, rawData: floatBytes(data) });
        return name;
      },
      int64s(suffix, values) {
        const name = unique(`${layerName}/${suffix}`);
        initializers.push({ name, dims: [values.length], dataType: INT64, rawData: int64Bytes(values) });
        return name;
      },
    };
    let out = node.def.code.onnx(node.params, ctx);
    if (options.outputs === 'logits' && node.def.head !== undefined) {
      // the head's last node is its activation (Softmax / Sigmoid): without it the output is the logits
      const last = nodes[nodes.length - 1];
      if (last !== undefined && nodes.length > first && last.output[0] === out && (last.opType === 'Softmax' || last.opType === 'Sigmoid')) {
        nodes.pop();
        shapes.delete(out);
        out = last.input[0] ?? out;
      }
    }
    // the layer's last node takes the layer's name (node and output tensor), as Netron shows it
    const own = nodes.slice(first);
    const producer = own.find((n) => n.output.includes(out));
    if (producer !== undefined && !(node.def.kind === 'Input' && layout === 'nhwc')) {
      for (const n of own) n.input = n.input.map((i) => (i === out ? layerName : i));
      producer.output = producer.output.map((o) => (o === out ? layerName : o));
      producer.name = layerName;
      // what the graph calls it, as Netron shows under the node's properties
      producer.docString = `${node.label} (${node.def.kind})`;
      shapes.set(layerName, shapes.get(out) ?? chw(node.shape));
      shapes.delete(out);
      out = layerName;
    }
    tensorOf.set(nodeId, out);
  };

  const copyNames = new Map<string, string>(plan.copies.map((c) => [`${c.node.id}|${c.indices.join(',')}`, c.layerName]));
  const walk = (items: readonly PlanItem[], loops: readonly PlanLoop[], indices: readonly number[]): void => {
    for (const it of items) {
      if (it.type === 'node') {
        emitLayer(it.node.id, copyNames.get(`${it.node.id}|${indices.join(',')}`) ?? it.node.layerName, loops);
        continue;
      }
      if (it.loop === null) {
        walk(it.items, loops, indices);
        continue;
      }
      const l = it.loop;
      carry.set(l, resolveRef(plan, l.entry, loops, varOf, carryOf));
      for (let k = 1; k <= l.repeat; k++) {
        walk(it.items, [...loops, l], [...indices, k]);
        carry.set(l, resolveRef(plan, l.exit, [...loops, l], varOf, carryOf));
      }
    }
  };
  walk(plan.items, [], []);

  for (const o of plan.outputs) {
    const node = plan.nodes.get(o.id);
    const t = resolveRef(plan, o.id, [], varOf, carryOf);
    const s = chw(node?.shape ?? []);
    if (layout === 'nhwc' && s.length === 3) {
      const name = unique(`${t}_nhwc`);
      nodes.push({ input: [t], output: [name], name, opType: 'Transpose', attribute: [attribute('perm', { ints: [0, 2, 3, 1] })] });
      graphOutputs.push(valueInfo(name, ['N', ...(node?.shape ?? [])]));
      outputNames.push(name);
    } else {
      graphOutputs.push(valueInfo(t, ['N', ...s]));
      outputNames.push(t);
      shapes.delete(t);
    }
  }
  for (const n of inputNames) shapes.delete(n);

  const model = {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'Skipwire',
    producerVersion: options.producerVersion ?? '',
    docString: `${doc.meta.name} — exported by Skipwire (input and spatial outputs ${layout.toUpperCase()}; heads output ${options.outputs ?? 'probabilities'}).`,
    graph: {
      name: doc.meta.name || 'skipwire',
      node: nodes,
      initializer: initializers,
      input: graphInputs,
      output: graphOutputs,
      valueInfo: [...shapes].map(([name, s]) => valueInfo(name, ['N', ...s])),
    },
    metadataProps: [
      { key: 'layout', value: layout },
      { key: 'outputs', value: options.outputs ?? 'probabilities' },
      { key: 'source', value: 'skipwire' },
      ...Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    ],
  };
  const { model: ModelProto } = onnxTypes();
  const err = ModelProto.verify(model);
  if (err !== null) throw new Error(`onnx: ${err}`);
  const bytes = ModelProto.encode(ModelProto.fromObject(model)).finish();
  return { bytes, inputs: inputNames, outputs: outputNames, plan };
}
