import { diagnosticsOf, isValid } from '../../../src-shared/graph/infer.js';
import type { ShapeAnalysis } from '../../../src-shared/graph/infer.js';
import { nodeTitle } from '../../../src-shared/graph/diagnostics.js';
import type { NodeId } from '../../../src-shared/graph/document.js';

/** A run that cannot start, with one line saying why and what to do; `kind` says whose fault. */
export class TrainingRefused extends Error {
  /** 'engine' and 'store' are the machine's failures; the others are the caller's to fix. */
  readonly kind: 'graph' | 'dataset' | 'memory' | 'engine' | 'run' | 'store';
  constructor(kind: TrainingRefused['kind'], message: string) {
    super(message);
    this.name = 'TrainingRefused';
    this.kind = kind;
  }
}

/** What training needs to know about a graph. */
export interface GraphFacts {
  readonly inputShape: readonly [number, number, number];
  readonly task: 'classification' | 'segmentation';
  /** The heads, in model output order. */
  readonly heads: readonly NodeId[];
  /** Classes of the head (1 for a sigmoid mask). */
  readonly headClasses: number;
  /** Classes the dataset must have: headClasses, or 2 (background, foreground) for a sigmoid mask. */
  readonly datasetClasses: number;
  readonly binary: boolean;
}

const DILATED = new Set(['Conv2D', 'DepthwiseConv2D']);

/**
 * Checks that a graph can be trained and says how: valid shapes, one image input, output heads of
 * one task (classification or segmentation), no dilated convolution (tfjs has no gradient for
 * them: "dilation rates greater than 1 are not yet supported in gradients"). Throws
 * TrainingRefused('graph', …) naming the node at fault.
 */
export function graphFacts(analysis: ShapeAnalysis): GraphFacts {
  if (!isValid(analysis)) {
    const errors = diagnosticsOf(analysis).filter((d) => d.severity === 'error');
    const first = errors[0];
    throw new TrainingRefused(
      'graph',
      `the graph has ${errors.length} error${errors.length === 1 ? '' : 's'} and cannot train: ${first?.message ?? 'it does not validate'}${errors.length > 1 ? ' …' : ''}`,
    );
  }
  const inputs: NodeId[] = [];
  const heads: { id: NodeId; task: string; classes: number }[] = [];
  for (const id of analysis.order) {
    const info = analysis.nodes.get(id);
    if (info === undefined) continue;
    const node = info.node;
    if (node.kind === 'Input') inputs.push(id);
    const dilation = info.params?.['dilation'];
    if (DILATED.has(node.kind) && typeof dilation === 'number' && dilation > 1) {
      throw new TrainingRefused(
        'graph',
        `${nodeTitle(node)} has dilation ${dilation}: tfjs has no gradient for dilated convolutions, so this graph cannot train — set its dilation to 1 (a larger kernel or a stride also widens the view)`,
      );
    }
    const head = info.def?.head;
    if (head !== undefined && info.shape !== null) {
      if (head.task === 'regression') {
        throw new TrainingRefused('graph', `${nodeTitle(node)} is a regression head: no dataset here has regression targets — use a ClassificationHead or SegmentationHead`);
      }
      heads.push({ id, task: head.task, classes: info.shape[info.shape.length - 1] ?? 0 });
    }
  }
  const input = inputs[0];
  const inputShape = input === undefined ? null : analysis.nodes.get(input)?.shape;
  if (input === undefined || inputShape === null || inputShape === undefined || inputShape.length !== 3) {
    throw new TrainingRefused('graph', 'the graph needs one Input node of an image [H,W,C] to train');
  }
  const first = heads[0];
  if (first === undefined) {
    throw new TrainingRefused('graph', 'the graph has no output head, so there is nothing to train for: end it with a ClassificationHead (or a SegmentationHead)');
  }
  for (const h of heads) {
    if (h.task !== first.task || h.classes !== first.classes) {
      const a = analysis.nodes.get(first.id)?.node;
      const b = analysis.nodes.get(h.id)?.node;
      throw new TrainingRefused(
        'graph',
        `the output heads disagree: ${a ? nodeTitle(a) : first.id} is ${first.task} with ${first.classes} classes, ${b ? nodeTitle(b) : h.id} is ${h.task} with ${h.classes}; every head is trained on the same labels`,
      );
    }
  }
  const task = first.task === 'segmentation' ? 'segmentation' : 'classification';
  const binary = task === 'segmentation' && first.classes === 1;
  return {
    inputShape: [inputShape[0] ?? 0, inputShape[1] ?? 0, inputShape[2] ?? 0],
    task,
    heads: heads.map((h) => h.id),
    headClasses: first.classes,
    datasetClasses: binary ? 2 : first.classes,
    binary,
  };
}

/** A dataset's shape/classes against the graph's; throws TrainingRefused('dataset') with both. */
export function checkCompatible(
  facts: GraphFacts,
  data: { readonly name: string; readonly task: string; readonly shape: readonly number[]; readonly classes: number },
): void {
  const fmt = (s: readonly number[]) => s.join('×');
  if (data.task !== facts.task) {
    throw new TrainingRefused('dataset', `${data.name} is a ${data.task} dataset but the graph's head is for ${facts.task}`);
  }
  if (data.shape.length !== 3 || data.shape.some((d, i) => d !== facts.inputShape[i])) {
    throw new TrainingRefused(
      'dataset',
      `the graph takes ${fmt(facts.inputShape)} images but ${data.name} has ${fmt(data.shape)}: set the Input to ${fmt(data.shape)} (a template: --input ${fmt(data.shape)})`,
    );
  }
  if (data.classes !== facts.datasetClasses) {
    throw new TrainingRefused(
      'dataset',
      facts.binary
        ? `the graph's head predicts a one-class mask (sigmoid), which needs a 2-class dataset; ${data.name} has ${data.classes} classes`
        : `the graph's head has ${facts.headClasses} classes but ${data.name} has ${data.classes}: set the head's classes to ${data.classes}`,
    );
  }
}
