import type { Diagnostic } from './diagnostics.js';
import { composeDiffs, emptyDiff } from './diff.js';
import type { GraphDocument, GroupId, NodeId } from './document.js';
import type { QuickFix } from './fix-types.js';
import { diagnosticsOf, inferShapes } from './infer.js';
import type { ShapeAnalysis } from './infer.js';
import { connect, disconnect, duplicate, renameGroup, sequence, setRepeat } from './ops.js';
import type { OpResult } from './ops.js';
import { getId } from './records.js';
import { blockPorts, membersOf } from './repeat.js';

/**
 * Quick fixes for a repeated block (×N) that cannot repeat (repeat.ts): its output shape differs
 * from its input shape (`repeat-shape`), or it has more than one way in or out
 * (`repeat-structure`). Each is offered only when the document it makes is free of that error
 * and has fewer errors than before (checked by inferring the result):
 *
 * - **Run it once** (repeat ×1): always removes the error; the block then runs once.
 * - **First copy changes the shape, ×(N−1) more keep it** (torchvision's `_make_layer`: the
 *   first block of a stage downsamples / widens, the rest keep the shape): the block is split in
 *   two, itself ×1 followed by a copy ×(N−1). Offered only when the copy, fed the first's output,
 *   keeps its shape — a block that halves the resolution every time cannot repeat either way.
 */

const REPEAT_CODES = new Set(['repeat-shape', 'repeat-structure']);

function errorCount(doc: GraphDocument): number {
  return diagnosticsOf(inferShapes(doc)).filter((d) => d.severity === 'error').length;
}

/** True when the block's output has the shape of its input in `doc`. */
function keepsShape(doc: GraphDocument, groupId: GroupId): boolean {
  const ports = blockPorts(doc, groupId);
  if (!ports.ok) return false;
  const a = inferShapes(doc);
  const x = a.nodes.get(ports.ports.source)?.shape ?? null;
  const y = a.nodes.get(ports.ports.exit)?.shape ?? null;
  return x !== null && y !== null && x.length === y.length && x.every((v, i) => v === y[i]);
}

function repeatErrorsOf(doc: GraphDocument, groups: readonly GroupId[]): number {
  const a = inferShapes(doc);
  const ids = new Set(groups);
  return diagnosticsOf(a).filter((d) => REPEAT_CODES.has(d.code) && d.groupId !== undefined && ids.has(d.groupId)).length;
}

/** The block ×1 followed by a copy of it ×(N−1), wired in series; the copy's id in `groupId`. */
export function splitFirstRepeat(doc: GraphDocument, groupId: GroupId): OpResult<{ groupId: GroupId }> {
  const g = getId(doc.groups, groupId);
  if (g === undefined || g.repeat < 2) return { ok: false, error: { code: 'not-found', message: `there is no repeated block "${groupId}"` } };
  const ports = blockPorts(doc, groupId);
  if (!ports.ok) return { ok: false, error: { code: 'invalid-value', message: ports.message } };
  const members = [...membersOf(doc, groupId)];
  let xs = Infinity;
  let xe = -Infinity;
  for (const id of members) {
    const p = getId(doc.nodes, id)?.position;
    if (p === undefined) continue;
    xs = Math.min(xs, p.x);
    xe = Math.max(xe, p.x);
  }
  const dup = duplicate(doc, { nodeIds: members, offset: { x: Math.max(240, xe - xs + 240), y: 0 } });
  if (!dup.ok) return dup;
  const copyGroup = dup.groupIds[groupId];
  if (copyGroup === undefined) return { ok: false, error: { code: 'not-found', message: 'the block was not copied' } };
  const copyOf = (id: NodeId): NodeId => dup.nodeIds[id] ?? id;
  const { entryEdges, exit, exitEdges } = ports.ports;
  const r = sequence(dup.doc, [
    (d) => setRepeat(d, { groupId, repeat: 1 }),
    (d) => setRepeat(d, { groupId: copyGroup, repeat: g.repeat - 1 }),
    (d) => renameGroup(d, { groupId: copyGroup, label: `${g.label || groupId} (rest)` }),
    // What read the block's output now reads the copy's; the copy reads the first's output.
    (d) => (exitEdges.length === 0 ? { ok: true, doc: d, diff: emptyDiff() } : disconnect(d, { edgeIds: exitEdges.map((e) => e.id) })),
    ...exitEdges.map((e) => (d: GraphDocument) => connect(d, { source: copyOf(exit), target: e.target, targetPort: e.targetPort })),
    ...entryEdges.map((e) => (d: GraphDocument) => connect(d, { source: exit, target: copyOf(e.target), targetPort: e.targetPort })),
  ]);
  // One edit: the copy and the rewiring in one diff (undo and the incremental analysis use it).
  return r.ok ? { ok: true, doc: r.doc, diff: composeDiffs(dup.diff, r.diff), groupId: copyGroup } : r;
}

/** The fixes for a repeated block's error (an empty list for any other diagnostic). */
export function repeatFixes(analysis: ShapeAnalysis, diagnostic: Diagnostic): QuickFix[] {
  const groupId = diagnostic.groupId;
  if (!REPEAT_CODES.has(diagnostic.code) || groupId === undefined) return [];
  const doc = analysis.doc;
  const g = getId(doc.groups, groupId);
  if (g === undefined || g.repeat < 2) return [];
  const name = g.label || groupId;
  const before = diagnosticsOf(analysis).filter((d) => d.severity === 'error').length;
  const fixes: QuickFix[] = [];
  const once: QuickFix = {
    id: 'repeat-once',
    label: `Run "${name}" once (×1)`,
    description: `A repeated block must keep its shape and have one input and one output; "${name}" does not, so it runs once instead of ×${g.repeat}.`,
    apply: (d) => setRepeat(d, { groupId, repeat: 1 }),
  };
  const onceDoc = once.apply(doc);
  if (onceDoc.ok && repeatErrorsOf(onceDoc.doc, [groupId]) === 0 && errorCount(onceDoc.doc) < before) fixes.push(once);
  if (diagnostic.code === 'repeat-shape') {
    const split = splitFirstRepeat(doc, groupId);
    if (split.ok && keepsShape(split.doc, split.groupId) && repeatErrorsOf(split.doc, [groupId, split.groupId]) === 0 && errorCount(split.doc) < before) {
      const rest = g.repeat - 1;
      fixes.unshift({
        id: 'repeat-split-first',
        label: `First "${name}" changes the shape, then ×${rest} that keep it`,
        description: `As ResNet stages are built: the first copy of "${name}" changes the shape; a copy of it, repeated ×${rest}, follows and keeps it. Same ${g.repeat} blocks in all.`,
        apply: (d) => splitFirstRepeat(d, groupId),
      });
    }
  }
  return fixes;
}
