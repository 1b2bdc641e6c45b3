import { fmtShape } from '../layers/lib/shape.js';
import { getLayer } from '../layers/registry.js';
import type { Shape } from '../layers/types.js';
import { nodeName, type Diagnostic, type DiagnosticInput } from './diagnostics.js';
import type { EdgeId, GraphDocument, NodeId, Position } from './document.js';
import type { QuickFix } from './fix-types.js';
import type { ShapeAnalysis } from './infer.js';
import { connect, insertBetween, sequence, updateNode, type OpResult } from './ops.js';
import { getId } from './records.js';
import { repeatFixes } from './repeat-fixes.js';

/**
 * Quick fixes (ARCHITECTURE.md principle 3): for a located diagnostic, the pure edits that remove
 * it, each labelled with the numbers it inferred. Every `apply` is one edit (one diff, one undo
 * step) built from the ops:
 *
 * - Add / Multiply / Gate whose inputs differ: a 1×1 projection Conv2D (+ BatchNorm) on the
 *   SHORTCUT (option B), stride = the ratio of spatial sizes, filters = the other input's
 *   channels; or, when channels only grow, the parameter-free option A (1×1 subsample + zero
 *   channels). The shortcut is Gate's port x; for Add / Multiply it is the input whose source
 *   comes earlier in topological order (the one from further upstream: the block's input, where
 *   the other is the end of the residual branch).
 * - Add whose inputs differ only in channels: switch to Concat (the result's shape is shown).
 * - Concat whose inputs differ in height/width: center-crop the larger to the smaller (Crop with
 *   the smaller as its reference), zero-pad the smaller, or upsample the smaller when the ratio is
 *   a whole number.
 * - Conv / pooling whose window does not fit (valid or explicit padding): set padding to same.
 */

const MERGE_KINDS = new Set(['Add', 'Multiply', 'Gate']);
const WINDOW_KINDS = new Set(['Conv2D', 'DepthwiseConv2D', 'MaxPool', 'AvgPool']);

/** The fixes for one diagnostic of `analysis` (an empty list when there is none). */
export function fixesFor(analysis: ShapeAnalysis, diagnostic: Diagnostic): QuickFix[] {
  // A repeated block that cannot repeat (repeat-fixes.ts).
  if (diagnostic.groupId !== undefined) return repeatFixes(analysis, diagnostic);
  const nodeId = diagnostic.nodeId;
  if (nodeId === undefined) return [];
  const info = analysis.nodes.get(nodeId);
  if (info === undefined) return [];
  const kind = info.node.kind;
  const fixes: (QuickFix | null)[] = [];
  if (diagnostic.code === 'merge-shape-mismatch' && MERGE_KINDS.has(kind)) {
    const pair = shortcutPair(analysis, kind, diagnostic.inputs ?? []);
    if (pair !== null) {
      fixes.push(projectionFix(analysis, nodeId, pair.shortcut, pair.reference));
      fixes.push(zeroPadShortcutFix(analysis, nodeId, pair.shortcut, pair.reference));
    }
    if (kind === 'Add') {
      const sw = switchMergeFix(analysis, nodeId);
      if (sw !== null && sw.valid) fixes.push(sw.fix);
    }
  } else if (diagnostic.code === 'concat-spatial-mismatch' && kind === 'Concat') {
    const [a, b] = diagnostic.inputs ?? [];
    if (a !== undefined && b !== undefined) fixes.push(...concatFixes(analysis, nodeId, a, b));
  } else if (diagnostic.code === 'window-too-large' && WINDOW_KINDS.has(kind)) {
    fixes.push(samePaddingFix(analysis, nodeId));
  }
  return fixes.filter((f): f is QuickFix => f !== null);
}

// ---------------------------------------------------------------------------------------------
// helpers

function name(analysis: ShapeAnalysis, id: NodeId): string {
  const n = getId(analysis.doc.nodes, id);
  return n === undefined ? id : nodeName(n);
}

function hw(s: Shape): string {
  return `${s[0] ?? '?'}×${s[1] ?? '?'}`;
}

function isMap(s: Shape | null): s is readonly [number, number, number] {
  return s !== null && s.length === 3;
}

/** Where to put the k-th of `count` nodes inserted on an edge: evenly along it, a little below. */
function along(doc: GraphDocument, edgeId: EdgeId, k: number, count: number): Position | undefined {
  const e = getId(doc.edges, edgeId);
  const s = e === undefined ? undefined : getId(doc.nodes, e.source);
  const t = e === undefined ? undefined : getId(doc.nodes, e.target);
  if (s === undefined || t === undefined) return undefined;
  const f = (k + 1) / (count + 1);
  return { x: s.position.x + (t.position.x - s.position.x) * f, y: s.position.y + (t.position.y - s.position.y) * f + 90 };
}

/** A label for an inserted node that no other node uses. */
function freshLabel(doc: GraphDocument, base: string): string {
  const used = new Set(Object.values(doc.nodes).map((n) => n.label ?? n.id));
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}${i}`)) return `${base}${i}`;
}

/**
 * Inserts a chain of nodes on one edge (source → a → b → … → target), as one edit.
 * `extra` runs afterwards with the ids of the inserted nodes (e.g. to wire a reference port).
 */
function insertChain(
  doc: GraphDocument,
  edgeId: EdgeId,
  chain: readonly { kind: string; params: Record<string, unknown>; label: string }[],
  extra?: (ids: readonly NodeId[]) => ((d: GraphDocument) => OpResult)[],
): OpResult {
  const ids: NodeId[] = [];
  let edge = edgeId;
  const steps = chain.map((c, k) => (d: GraphDocument): OpResult => {
    const at = along(doc, edgeId, k, chain.length);
    const r = insertBetween(d, { edgeId: edge, kind: c.kind, params: c.params, label: freshLabel(d, c.label), ...(at === undefined ? {} : { position: at }) });
    if (r.ok) {
      ids.push(r.nodeId);
      edge = r.edgeIds[1];
    }
    return r;
  });
  const tail = (d: GraphDocument): OpResult => sequence(d, extra === undefined ? [] : extra(ids));
  return sequence(doc, [...steps, tail]);
}

// ---------------------------------------------------------------------------------------------
// merges: projection / zero-pad on the shortcut, switch add ↔ concat

interface Pair {
  readonly shortcut: DiagnosticInput & { readonly shape: Shape };
  readonly reference: DiagnosticInput & { readonly shape: Shape };
}

/** Which of the two mismatched inputs is the shortcut (see the module comment). */
function shortcutPair(analysis: ShapeAnalysis, kind: string, inputs: readonly DiagnosticInput[]): Pair | null {
  const [a, b] = inputs;
  if (a === undefined || b === undefined || a.shape === null || b.shape === null) return null;
  const A = { ...a, shape: a.shape };
  const B = { ...b, shape: b.shape };
  if (kind === 'Gate') return a.port === 0 ? { shortcut: A, reference: B } : { shortcut: B, reference: A };
  const pos = (id: NodeId): number => {
    const i = analysis.order.indexOf(id);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const pa = pos(a.sourceId);
  const pb = pos(b.sourceId);
  // the source further back is the shortcut; on a tie, the higher port (Add(F, x) is the usual order)
  return pa < pb || (pa === pb && a.port > b.port) ? { shortcut: A, reference: B } : { shortcut: B, reference: A };
}

/** The stride s with ⌈from / s⌉ = to on both axes (a 1×1 window at stride s), or null. */
export function strideBetween(from: Shape, to: Shape): number | null {
  const [h0 = 0, w0 = 0] = from;
  const [h1 = 0, w1 = 0] = to;
  if (h1 < 1 || w1 < 1 || h1 > h0 || w1 > w0) return null;
  if (h0 % h1 === 0 && w0 % w1 === 0 && h0 / h1 === w0 / w1) return h0 / h1;
  for (let s = 1; s <= 16; s++) if (Math.ceil(h0 / s) === h1 && Math.ceil(w0 / s) === w1) return s;
  return null;
}

function projectionFix(analysis: ShapeAnalysis, nodeId: NodeId, shortcut: Pair['shortcut'], reference: Pair['reference']): QuickFix | null {
  if (!isMap(shortcut.shape) || !isMap(reference.shape)) return null;
  const stride = strideBetween(shortcut.shape, reference.shape);
  if (stride === null) return null;
  const filters = reference.shape[2];
  const merge = name(analysis, nodeId);
  const from = name(analysis, shortcut.sourceId);
  return {
    id: 'insert-projection',
    label: `Insert 1×1 conv (stride ${stride}, ${filters} filters) + BN on the shortcut from "${from}"`,
    description: `Projects the shortcut ${fmtShape(shortcut.shape)} from "${from}" to ${fmtShape(reference.shape)}, the shape of "${name(analysis, reference.sourceId)}", so "${merge}" can join them (a projection shortcut, ResNet option B).`,
    apply: (doc) =>
      insertChain(doc, shortcut.edgeId, [
        { kind: 'Conv2D', params: { filters, kernel: 1, stride, padding: 'same' }, label: `${merge}_proj` },
        { kind: 'BatchNorm', params: {}, label: `${merge}_proj_bn` },
      ]),
  };
}

function zeroPadShortcutFix(analysis: ShapeAnalysis, nodeId: NodeId, shortcut: Pair['shortcut'], reference: Pair['reference']): QuickFix | null {
  if (!isMap(shortcut.shape) || !isMap(reference.shape)) return null;
  const extra = reference.shape[2] - shortcut.shape[2];
  const stride = strideBetween(shortcut.shape, reference.shape);
  if (stride === null || extra < 0) return null;
  const before = Math.floor(extra / 2);
  const merge = name(analysis, nodeId);
  const from = name(analysis, shortcut.sourceId);
  const chain: { kind: string; params: Record<string, unknown>; label: string }[] = [];
  if (stride > 1) chain.push({ kind: 'MaxPool', params: { pool: 1, stride, padding: 'valid' }, label: `${merge}_sub` });
  if (extra > 0) chain.push({ kind: 'Pad', params: { top: 0, bottom: 0, left: 0, right: 0, channelsBefore: before, channelsAfter: extra - before }, label: `${merge}_pad` });
  if (chain.length === 0) return null;
  const what = [stride > 1 ? `subsample /${stride}` : '', extra > 0 ? `zero-pad ${extra} channels` : ''].filter(Boolean).join(' and ');
  return {
    id: 'insert-zero-pad-shortcut',
    label: `${what[0]?.toUpperCase() ?? ''}${what.slice(1)} on the shortcut from "${from}" (option A, no params)`,
    description: `Turns the shortcut ${fmtShape(shortcut.shape)} from "${from}" into ${fmtShape(reference.shape)} without weights: a 1×1 stride-${stride} subsample and zero channels (ResNet option A).`,
    apply: (doc) => insertChain(doc, shortcut.edgeId, chain),
  };
}

/**
 * Switches an Add to a Concat or a Concat to an Add, keeping its edges; the label shows the shape
 * that results (or why it would not fit). `valid` says whether the switched node infers a shape.
 * Null when the node is neither, or its inputs have no shapes. The editor offers it on any merge.
 */
export function switchMergeFix(analysis: ShapeAnalysis, nodeId: NodeId): { fix: QuickFix; valid: boolean } | null {
  const info = analysis.nodes.get(nodeId);
  if (info === undefined) return null;
  const from = info.node.kind;
  if (from !== 'Add' && from !== 'Concat') return null;
  const to = from === 'Add' ? 'Concat' : 'Add';
  const def = getLayer(to);
  const shapes = info.inputs.map((i) => i.shape);
  if (def === undefined || shapes.length === 0 || shapes.some((s) => s === null)) return null;
  const r = def.inferShape(shapes as Shape[], def.params.parse({}), { input: analysis.doc.input });
  const merge = name(analysis, nodeId);
  const result = r.ok ? `output ${fmtShape(r.shape)}` : 'its inputs would not fit';
  return {
    valid: r.ok,
    fix: {
      id: to === 'Concat' ? 'switch-to-concat' : 'switch-to-add',
      label: `Switch "${merge}" to ${to} (${result})`,
      description:
        to === 'Concat'
          ? `Stacks the inputs along channels instead of summing them (DenseNet-style): ${shapes.map((s) => fmtShape(s)).join(' ⧺ ')} → ${r.ok ? fmtShape(r.shape) : 'no shape'}.`
          : `Sums the inputs instead of stacking them (ResNet-style): all inputs must have one shape (${shapes.map((s) => fmtShape(s)).join(', ')}).`,
      apply: (doc) => updateNode(doc, { id: nodeId, kind: to, params: {}, replaceParams: true }),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// concat: crop / pad / upsample

function concatFixes(analysis: ShapeAnalysis, nodeId: NodeId, a: DiagnosticInput, b: DiagnosticInput): (QuickFix | null)[] {
  if (!isMap(a.shape) || !isMap(b.shape)) return [];
  const aBig = a.shape[0] >= b.shape[0] && a.shape[1] >= b.shape[1];
  const bBig = b.shape[0] >= a.shape[0] && b.shape[1] >= a.shape[1];
  if (!aBig && !bBig) return []; // taller one way, wider the other: no single crop/pad fits
  const big = aBig ? { ...a, shape: a.shape } : { ...b, shape: b.shape };
  const small = aBig ? { ...b, shape: b.shape } : { ...a, shape: a.shape };
  const merge = name(analysis, nodeId);
  const bigName = name(analysis, big.sourceId);
  const smallName = name(analysis, small.sourceId);
  const dh = big.shape[0] - small.shape[0];
  const dw = big.shape[1] - small.shape[1];
  const out: (QuickFix | null)[] = [];

  out.push({
    id: 'insert-crop',
    label: `Center-crop ${fmtShape(big.shape)} from "${bigName}" to ${hw(small.shape)} (Crop to "${smallName}")`,
    description: `Cuts ${dh} rows and ${dw} columns from the border of "${bigName}" so its size matches "${smallName}" (as U-Net crops its long skips).`,
    apply: (doc) =>
      insertChain(doc, big.edgeId, [{ kind: 'Crop', params: {}, label: `${merge}_crop` }], (ids) => {
        const crop = ids[0];
        return crop === undefined ? [] : [(d: GraphDocument) => connect(d, { source: small.sourceId, target: crop, targetPort: 1 })];
      }),
  });

  const top = Math.floor(dh / 2);
  const left = Math.floor(dw / 2);
  const padParams = { top, bottom: dh - top, left, right: dw - left, channelsBefore: 0, channelsAfter: 0 };
  out.push({
    id: 'insert-pad',
    label: `Zero-pad ${fmtShape(small.shape)} from "${smallName}" to ${hw(big.shape)} (top ${padParams.top}, bottom ${padParams.bottom}, left ${padParams.left}, right ${padParams.right})`,
    description: `Adds zero rows and columns around "${smallName}" so its size matches "${bigName}".`,
    apply: (doc) => insertChain(doc, small.edgeId, [{ kind: 'Pad', params: padParams, label: `${merge}_pad` }]),
  });

  const [bh, bw] = big.shape;
  const [sh, sw] = small.shape;
  if (bh % sh === 0 && bw % sw === 0 && bh / sh === bw / sw && bh / sh > 1 && bh / sh <= 32) {
    const factor = bh / sh;
    out.push({
      id: 'insert-upsample',
      label: `Upsample ${fmtShape(small.shape)} from "${smallName}" ×${factor} (nearest) to ${hw(big.shape)}`,
      description: `Enlarges "${smallName}" by a factor of ${factor} so its size matches "${bigName}".`,
      apply: (doc) => insertChain(doc, small.edgeId, [{ kind: 'Upsample', params: { factor, mode: 'nearest' }, label: `${merge}_up` }]),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// windows: padding same

function samePaddingFix(analysis: ShapeAnalysis, nodeId: NodeId): QuickFix | null {
  const info = analysis.nodes.get(nodeId);
  if (info === undefined || info.def === undefined) return null;
  const def = info.def;
  const parsed = def.params.safeParse({ ...info.node.params, padding: 'same' });
  const shapes = info.inputs.map((i) => i.shape);
  if (!parsed.success || shapes.some((s) => s === null)) return null;
  const r = def.inferShape(shapes as Shape[], parsed.data, { input: analysis.doc.input });
  if (!r.ok) return null;
  const was = info.node.params['padding'];
  return {
    id: 'set-padding-same',
    label: `Set padding to same (output ${fmtShape(r.shape)})`,
    description: `With ${typeof was === 'number' ? `explicit padding ${was}` : 'valid padding'} the window does not fit ${fmtShape(shapes[0])}; same padding keeps ⌈size / stride⌉ (${hw(r.shape)}).`,
    apply: (doc) => updateNode(doc, { id: nodeId, params: { padding: 'same' } }),
  };
}
