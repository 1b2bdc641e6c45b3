import type { AnyLayerDef } from '../layers/registry.js';
import type { Tf, TfSymbolic } from '../layers/types.js';
import type { GraphDocument, NodeId } from './document.js';
import { diagnosticsOf, inferShapes, isValid } from './infer.js';
import type { ShapeAnalysis } from './infer.js';
import type { Diagnostic } from './diagnostics.js';
import { expandRepeats } from './repeat.js';

type LayersModel = ReturnType<Tf['model']>;

/** A graph that cannot be compiled: it still has errors (each located, as the editor shows them). */
export class CompileError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super(
      errors.length === 0
        ? 'the graph cannot be compiled'
        : `the graph has ${errors.length} error${errors.length === 1 ? '' : 's'}: ${errors[0]?.message ?? ''}${errors.length > 1 ? ' …' : ''}`,
    );
    this.name = 'CompileError';
    this.diagnostics = diagnostics;
  }
}

export interface CompiledHead {
  readonly nodeId: NodeId;
  readonly task: 'classification' | 'segmentation' | 'regression';
  readonly loss: 'categoricalCrossentropy' | 'binaryCrossentropy' | 'meanSquaredError' | 'meanAbsoluteError';
}

export interface CompiledGraph {
  readonly model: LayersModel;
  /** Node id -> the tfjs layer name it was built under (sanitized, unique). */
  readonly layerNames: ReadonlyMap<NodeId, string>;
  /** Node id -> its output symbolic tensor (for probing activations: `tf.model({inputs, outputs: [...]})`). */
  readonly tensors: ReadonlyMap<NodeId, TfSymbolic>;
  readonly inputs: readonly NodeId[];
  /** The model's outputs in order: every output head, or every sink when the graph has no head. */
  readonly outputs: readonly NodeId[];
  readonly heads: readonly CompiledHead[];
  readonly analysis: ShapeAnalysis;
}

/** tfjs layer names: letters, digits, underscores; unique; not starting with a digit. */
export function layerNameFor(nodeId: NodeId, taken: Set<string>): string {
  let base = nodeId.replace(/[^A-Za-z0-9_]/g, '_');
  if (!/^[A-Za-z]/.test(base)) base = `n_${base}`;
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

/**
 * Compiles a document into a tf.LayersModel through the layer registry: every node is built by
 * its own kind's `build`, in topological order; `tf` is passed in, so this runs in the trainer's
 * worker, in tests, and in generated-code checks alike. A graph with errors is refused with its
 * diagnostics; shapes are the shared model's (the compiler adds no shape logic).
 */
export function compileGraph(tf: Tf, source: GraphDocument, sourceAnalysis: ShapeAnalysis = inferShapes(source)): CompiledGraph {
  if (!isValid(sourceAnalysis)) throw new CompileError(diagnosticsOf(sourceAnalysis));
  // Repeated blocks are unrolled (copies are named <id>__r<k>); the rest is the document as it is.
  const doc = Object.values(source.groups).some((g) => g.repeat > 1) ? expandRepeats(source) : source;
  const analysis = doc === source ? sourceAnalysis : inferShapes(doc);
  if (!isValid(analysis)) throw new CompileError(diagnosticsOf(analysis));
  const taken = new Set<string>();
  const layerNames = new Map<NodeId, string>();
  const tensors = new Map<NodeId, TfSymbolic>();
  const inputs: NodeId[] = [];
  const heads: CompiledHead[] = [];
  const consumers = new Map<NodeId, number>();
  for (const id of analysis.order) consumers.set(id, 0);
  for (const id of analysis.order) for (const i of analysis.nodes.get(id)?.inputs ?? []) consumers.set(i.sourceId, (consumers.get(i.sourceId) ?? 0) + 1);

  for (const id of analysis.order) {
    const info = analysis.nodes.get(id);
    const def: AnyLayerDef | undefined = info?.def;
    if (info === undefined || def === undefined || info.params === undefined) throw new CompileError(diagnosticsOf(analysis));
    if (def.build === undefined) throw new Error(`layer kind ${def.kind} cannot be built into tfjs`);
    const name = layerNameFor(id, taken);
    layerNames.set(id, name);
    const ins = info.inputs.map((i) => {
      const t = tensors.get(i.sourceId);
      if (t === undefined) throw new Error(`input ${i.sourceId} of ${id} was not built`);
      return t;
    });
    const out = def.build(tf, info.params, name, ins, { input: doc.input });
    tensors.set(id, out);
    if (def.kind === 'Input') inputs.push(id);
    if (def.head !== undefined) heads.push({ nodeId: id, task: def.head.task, loss: def.head.loss(info.params) });
  }
  const outputs = heads.length > 0 ? heads.map((h) => h.nodeId) : analysis.order.filter((id) => consumers.get(id) === 0 && !inputs.includes(id));
  const model = tf.model({
    inputs: inputs.map((id) => tensors.get(id) as TfSymbolic),
    outputs: outputs.map((id) => tensors.get(id) as TfSymbolic),
    name: 'skipwire',
  });
  return { model, layerNames, tensors, inputs, outputs, heads, analysis };
}
