import { z } from 'zod';
import { deepEqual } from './canonical.js';
import { applyDiff, composeDiffs, emptyDiff, isEmptyDiff } from './diff.js';
import type { GraphDiff, RecordsDiff } from './diff.js';
import { DocumentMeta, GraphEdge, GraphGroup, GraphNode, InputSpec, NodeId } from './document.js';
import type { EdgeId, GraphDocument, GroupId, Position } from './document.js';
import { getId, hasId, newRecords } from './records.js';
import { buildIndex, topoOrder } from './topo.js';

/**
 * Pure edit operations (ARCHITECTURE.md principle 2). Each takes a document and arguments and
 * returns `{ ok: true, doc, diff }` (the new document and the diff that made it; the input is
 * never mutated and untouched records are shared) or `{ ok: false, error: { code, message } }`
 * when the edit cannot apply. An edit that changes nothing succeeds with an empty diff and the
 * same document. Every operation keeps the document schema-valid, referentially sound
 * (integrity.ts), acyclic, and free of empty blocks.
 */

export type OpErrorCode =
  /** A node, edge or block id that is not in the document. */
  | 'not-found'
  /** An explicit id that is already taken. */
  | 'duplicate-id'
  /** An explicit id that is not a valid id. */
  | 'invalid-id'
  /** A value the document schema refuses (label too long, repeat 0, position NaN, ...). */
  | 'invalid-value'
  | 'self-loop'
  | 'cycle'
  /** The target input port already has an edge (pass `replace: true` to swap it). */
  | 'port-occupied'
  /** Members of a new block must all sit in the same block (or all at top level). */
  | 'mixed-groups'
  | 'empty-selection';

export interface OpError {
  readonly code: OpErrorCode;
  readonly message: string;
}
export interface OpSuccess {
  readonly ok: true;
  readonly doc: GraphDocument;
  readonly diff: GraphDiff;
}
export interface OpFailure {
  readonly ok: false;
  readonly error: OpError;
}
export type OpResult<X extends object = object> = (OpSuccess & X) | OpFailure;

function fail(code: OpErrorCode, message: string): OpFailure {
  return { ok: false, error: { code, message } };
}

// ---------------------------------------------------------------------------------------------
// Drafting a diff: record each change as (record before the op, record after); repeated changes
// to one id inside an op fold into one entry.

type MutRecordsDiff<R> = { added: Record<string, R>; updated: Record<string, [R, R]>; removed: Record<string, R> };
interface Draft {
  nodes: MutRecordsDiff<GraphNode>;
  edges: MutRecordsDiff<GraphEdge>;
  groups: MutRecordsDiff<GraphGroup>;
  meta?: [DocumentMeta, DocumentMeta];
  input?: [InputSpec, InputSpec];
}

function mutRecordsDiff<R>(): MutRecordsDiff<R> {
  return { added: newRecords(), updated: newRecords(), removed: newRecords() };
}

function draft(): Draft {
  return { nodes: mutRecordsDiff(), edges: mutRecordsDiff(), groups: mutRecordsDiff() };
}

/** Records that `id` goes from `before` (undefined: absent) to `after` (undefined: removed). */
function change<R>(d: MutRecordsDiff<R>, id: string, before: R | undefined, after: R | undefined): void {
  let original = before;
  const added = d.added[id];
  const updated = d.updated[id];
  const removed = d.removed[id];
  if (added !== undefined) original = undefined;
  else if (updated !== undefined) original = updated[0];
  else if (removed !== undefined) original = removed;
  delete d.added[id];
  delete d.updated[id];
  delete d.removed[id];
  if (original === undefined && after !== undefined) d.added[id] = after;
  else if (original !== undefined && after === undefined) d.removed[id] = original;
  else if (original !== undefined && after !== undefined && !deepEqual(original, after)) d.updated[id] = [original, after];
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.');
  return path === '' ? issue.message : `${path}: ${issue.message}`;
}

function checkWith<T>(schema: z.ZodType<T>, value: unknown, what: string): OpFailure | null {
  const r = schema.safeParse(value);
  if (r.success) return null;
  const first = r.error.issues[0];
  return fail('invalid-value', `invalid ${what}: ${first === undefined ? 'rejected' : describeIssue(first)}`);
}

function checkRecords<R>(d: RecordsDiff<R>, schema: z.ZodType<unknown>, what: string): OpFailure | null {
  for (const [id, rec] of Object.entries(d.added)) {
    const f = checkWith(schema, rec, `${what} "${id}"`);
    if (f !== null) return f;
  }
  for (const [id, [, to]] of Object.entries(d.updated)) {
    const f = checkWith(schema, to, `${what} "${id}"`);
    if (f !== null) return f;
  }
  return null;
}

/** Validates the records the draft writes, then applies it. */
function finish<X extends object>(doc: GraphDocument, d: Draft, extra: X): OpResult<X> {
  const diff: GraphDiff = d;
  const bad =
    checkRecords(diff.nodes, GraphNode, 'node') ??
    checkRecords(diff.edges, GraphEdge, 'edge') ??
    checkRecords(diff.groups, GraphGroup, 'block') ??
    (diff.meta === undefined ? null : checkWith(DocumentMeta, diff.meta[1], 'metadata')) ??
    (diff.input === undefined ? null : checkWith(InputSpec, diff.input[1], 'input spec'));
  if (bad !== null) return bad;
  if (isEmptyDiff(diff)) return { ok: true, doc, diff: emptyDiff(), ...extra };
  return { ok: true, doc: applyDiff(doc, diff), diff, ...extra };
}

// ---------------------------------------------------------------------------------------------
// Ids

/** The id prefix for a kind: lower case, characters outside the id alphabet become `_`. */
export function kindPrefix(kind: string): string {
  const p = kind
    .toLowerCase()
    .replace(/[^a-z0-9_.:-]+/g, '_')
    .slice(0, 64);
  return p === '' ? 'node' : p;
}

/**
 * Allocates `${prefix}_${n}` ids that are not in `taken`, n = one more than the largest number
 * already used with that prefix (so ids are deterministic and a deleted id is not handed out
 * while a higher one exists).
 */
function idAllocator(records: Readonly<Record<string, unknown>>): (prefix: string) => string {
  const issued = new Set<string>();
  const next = new Map<string, number>();
  return (prefix) => {
    let n = next.get(prefix);
    if (n === undefined) {
      n = 1;
      const head = `${prefix}_`;
      for (const id of Object.keys(records)) {
        if (!id.startsWith(head)) continue;
        const rest = id.slice(head.length);
        if (/^[0-9]{1,9}$/.test(rest)) n = Math.max(n, Number(rest) + 1);
      }
    }
    let id = `${prefix}_${n}`;
    while (hasId(records, id) || issued.has(id)) {
      n++;
      id = `${prefix}_${n}`;
    }
    issued.add(id);
    next.set(prefix, n + 1);
    return id;
  };
}

/** The id addNode would give the next node of `kind`. */
export function nextNodeId(doc: GraphDocument, kind: string): NodeId {
  return idAllocator(doc.nodes)(kindPrefix(kind));
}

function checkNewId(records: Readonly<Record<string, unknown>>, id: string, what: string): OpFailure | null {
  if (!NodeId.safeParse(id).success || id === '__proto__') return fail('invalid-id', `"${id}" is not a valid ${what} id (letters, digits and _ . : -, at most 128)`);
  if (hasId(records, id)) return fail('duplicate-id', `there is already a ${what} "${id}"`);
  return null;
}

function missingNode(id: string): OpFailure {
  return fail('not-found', `there is no node "${id}"`);
}
function missingGroup(id: string): OpFailure {
  return fail('not-found', `there is no block "${id}"`);
}

const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

// ---------------------------------------------------------------------------------------------
// Nodes

export interface AddNodeArgs {
  readonly kind: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly position: Position;
  readonly label?: string;
  readonly group?: GroupId;
  /** Explicit id; by default `${kind lower case}_${n}`. */
  readonly id?: NodeId;
}

function makeNode(id: NodeId, a: Omit<AddNodeArgs, 'id'>): GraphNode {
  const node: GraphNode = { id, kind: a.kind, params: { ...(a.params ?? {}) }, position: { x: a.position.x, y: a.position.y } };
  if (a.label !== undefined) node.label = a.label;
  if (a.group !== undefined) node.group = a.group;
  return node;
}

export function addNode(doc: GraphDocument, args: AddNodeArgs): OpResult<{ nodeId: NodeId }> {
  if (args.group !== undefined && getId(doc.groups, args.group) === undefined) return missingGroup(args.group);
  const id = args.id ?? nextNodeId(doc, args.kind);
  const bad = checkNewId(doc.nodes, id, 'node');
  if (bad !== null) return bad;
  const d = draft();
  change(d.nodes, id, undefined, makeNode(id, args));
  return finish(doc, d, { nodeId: id });
}

/** Removes groups that `d` leaves without member nodes or child blocks, cascading upwards. */
function dropEmptiedGroups(doc: GraphDocument, d: Draft, candidates: Iterable<GroupId>): void {
  const removedNodes = new Set(Object.keys(d.nodes.removed));
  const removedGroups = new Set(Object.keys(d.groups.removed));
  const queue = [...candidates];
  for (let g = queue.shift(); g !== undefined; g = queue.shift()) {
    const group = getId(doc.groups, g);
    if (group === undefined || removedGroups.has(g)) continue;
    const hasNode = Object.values(doc.nodes).some((n) => n.group === g && !removedNodes.has(n.id));
    const hasChild = Object.values(doc.groups).some((c) => c.parent === g && !removedGroups.has(c.id));
    if (hasNode || hasChild) continue;
    removedGroups.add(g);
    change(d.groups, g, group, undefined);
    if (group.parent !== undefined) queue.push(group.parent);
  }
}

/** Removes nodes and every edge touching them; blocks left empty go too. Nothing is renumbered. */
export function removeNodes(doc: GraphDocument, args: { readonly ids: readonly NodeId[] }): OpResult {
  const ids = unique(args.ids);
  if (ids.length === 0) return fail('empty-selection', 'no nodes to remove');
  const d = draft();
  const gone = new Set<NodeId>();
  const groups = new Set<GroupId>();
  for (const id of ids) {
    const node = getId(doc.nodes, id);
    if (node === undefined) return missingNode(id);
    gone.add(id);
    if (node.group !== undefined) groups.add(node.group);
    change(d.nodes, id, node, undefined);
  }
  for (const e of Object.values(doc.edges)) if (gone.has(e.source) || gone.has(e.target)) change(d.edges, e.id, e, undefined);
  dropEmptiedGroups(doc, d, groups);
  return finish(doc, d, {});
}

export function removeNode(doc: GraphDocument, args: { readonly id: NodeId }): OpResult {
  return removeNodes(doc, { ids: [args.id] });
}

export interface UpdateNodeArgs {
  readonly id: NodeId;
  /** Change the layer kind (e.g. switching Add to Concat); params are kept unless replaced. */
  readonly kind?: string;
  /** Merged into the params; a key set to `undefined` is removed. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** When true, `params` replaces the params instead of being merged. */
  readonly replaceParams?: boolean;
  /** A new label, or null to clear it. */
  readonly label?: string | null;
  readonly position?: Position;
}

export function updateNode(doc: GraphDocument, args: UpdateNodeArgs): OpResult {
  const node = getId(doc.nodes, args.id);
  if (node === undefined) return missingNode(args.id);
  const next: GraphNode = { ...node };
  if (args.kind !== undefined) next.kind = args.kind;
  if (args.params !== undefined) {
    const params: Record<string, unknown> = args.replaceParams === true ? {} : { ...node.params };
    for (const [k, v] of Object.entries(args.params)) {
      if (v === undefined) delete params[k];
      else params[k] = v;
    }
    next.params = params;
  }
  if (args.label === null) delete next.label;
  else if (args.label !== undefined) next.label = args.label;
  if (args.position !== undefined) next.position = { x: args.position.x, y: args.position.y };
  const d = draft();
  change(d.nodes, node.id, node, next);
  return finish(doc, d, {});
}

export type MoveNodesArgs =
  /** Absolute positions per node. */
  | { readonly positions: Readonly<Record<NodeId, Position>> }
  /** Move a set of nodes by an offset. */
  | { readonly ids: readonly NodeId[]; readonly by: Position };

export function moveNodes(doc: GraphDocument, args: MoveNodesArgs): OpResult {
  const d = draft();
  const targets: [NodeId, (p: Position) => Position][] =
    'positions' in args
      ? Object.entries(args.positions).map(([id, p]) => [id, () => ({ x: p.x, y: p.y })])
      : unique(args.ids).map((id) => [id, (p) => ({ x: p.x + args.by.x, y: p.y + args.by.y })]);
  for (const [id, to] of targets) {
    const node = getId(doc.nodes, id);
    if (node === undefined) return missingNode(id);
    change(d.nodes, id, node, { ...node, position: to(node.position) });
  }
  return finish(doc, d, {});
}

// ---------------------------------------------------------------------------------------------
// Edges

export interface ConnectArgs {
  readonly source: NodeId;
  readonly target: NodeId;
  /** Input port of the target; by default the lowest free one. */
  readonly targetPort?: number;
  /** Replace an edge already on that port instead of failing with `port-occupied`. */
  readonly replace?: boolean;
  /** Explicit edge id; by default `e_${n}`. */
  readonly id?: EdgeId;
}

/** The lowest input port of `target` with no edge. */
export function nextFreePort(doc: GraphDocument, target: NodeId): number {
  return lowestFreePort(Object.values(doc.edges).filter((e) => e.target === target));
}

function lowestFreePort(into: readonly GraphEdge[]): number {
  const taken = new Set(into.map((e) => e.targetPort));
  let p = 0;
  while (taken.has(p)) p++;
  return p;
}

/** A shortest path of node ids from `from` to `to` along edges, or null (BFS, neighbours by id). */
function pathBetween(edges: readonly GraphEdge[], from: NodeId, to: NodeId): NodeId[] | null {
  const out = new Map<NodeId, NodeId[]>();
  for (const e of edges) {
    const list = out.get(e.source);
    if (list === undefined) out.set(e.source, [e.target]);
    else list.push(e.target);
  }
  const parent = new Map<NodeId, NodeId | null>([[from, null]]);
  let frontier: NodeId[] = [from];
  while (frontier.length > 0 && !parent.has(to)) {
    const next: NodeId[] = [];
    for (const id of frontier) {
      for (const t of (out.get(id) ?? []).slice().sort()) {
        if (parent.has(t)) continue;
        parent.set(t, id);
        next.push(t);
      }
    }
    frontier = next;
  }
  if (!parent.has(to)) return null;
  const path: NodeId[] = [];
  for (let id: NodeId | null | undefined = to; id !== null && id !== undefined; id = parent.get(id)) path.push(id);
  return path.reverse();
}

function cycleMessage(path: readonly NodeId[], source: NodeId, target: NodeId): string {
  return `connecting "${source}" → "${target}" would make a cycle: ${path.map((id) => `"${id}"`).join(' → ')} → "${target}"`;
}

/** Adds an edge source → target's input port; refuses self-loops, cycles and taken ports. */
export function connect(doc: GraphDocument, args: ConnectArgs): OpResult<{ edgeId: EdgeId }> {
  const { source, target } = args;
  if (getId(doc.nodes, source) === undefined) return missingNode(source);
  if (getId(doc.nodes, target) === undefined) return missingNode(target);
  if (source === target) return fail('self-loop', `cannot connect "${source}" to itself`);
  const edges = Object.values(doc.edges);
  const back = pathBetween(edges, target, source);
  if (back !== null) return fail('cycle', cycleMessage(back, source, target));
  const into = edges.filter((e) => e.target === target);
  const port = args.targetPort ?? lowestFreePort(into);
  const d = draft();
  const occupant = into.find((e) => e.targetPort === port);
  if (occupant !== undefined) {
    if (args.replace !== true) {
      return fail('port-occupied', `input ${port} of "${target}" already comes from "${occupant.source}" (edge "${occupant.id}"); disconnect it or replace it`);
    }
    if (occupant.source === source && (args.id === undefined || args.id === occupant.id)) return { ok: true, doc, diff: emptyDiff(), edgeId: occupant.id };
    change(d.edges, occupant.id, occupant, undefined);
  }
  const id = args.id ?? idAllocator(doc.edges)('e');
  if (id !== occupant?.id) {
    const bad = checkNewId(doc.edges, id, 'edge');
    if (bad !== null) return bad;
  }
  change(d.edges, id, occupant?.id === id ? occupant : undefined, { id, source, target, targetPort: port });
  return finish(doc, d, { edgeId: id });
}

export function disconnect(doc: GraphDocument, args: { readonly edgeIds: readonly EdgeId[] }): OpResult {
  const ids = unique(args.edgeIds);
  if (ids.length === 0) return fail('empty-selection', 'no edges to remove');
  const d = draft();
  for (const id of ids) {
    const e = getId(doc.edges, id);
    if (e === undefined) return fail('not-found', `there is no edge "${id}"`);
    change(d.edges, id, e, undefined);
  }
  return finish(doc, d, {});
}

export interface InsertBetweenArgs {
  readonly edgeId: EdgeId;
  readonly kind: string;
  readonly params?: Readonly<Record<string, unknown>>;
  /** Default: midway between the edge's source and target. */
  readonly position?: Position;
  readonly label?: string;
  /** Default: the block source and target share, if they share one. */
  readonly group?: GroupId;
  readonly id?: NodeId;
}

/**
 * Splits an edge source → target into source → new → target: the new node takes the source on
 * its port 0 and feeds the target on the port the old edge used.
 */
export function insertBetween(doc: GraphDocument, args: InsertBetweenArgs): OpResult<{ nodeId: NodeId; edgeIds: readonly [EdgeId, EdgeId] }> {
  const edge = getId(doc.edges, args.edgeId);
  if (edge === undefined) return fail('not-found', `there is no edge "${args.edgeId}"`);
  const s = getId(doc.nodes, edge.source);
  const t = getId(doc.nodes, edge.target);
  if (s === undefined) return missingNode(edge.source);
  if (t === undefined) return missingNode(edge.target);
  if (args.group !== undefined && getId(doc.groups, args.group) === undefined) return missingGroup(args.group);
  const id = args.id ?? nextNodeId(doc, args.kind);
  const bad = checkNewId(doc.nodes, id, 'node');
  if (bad !== null) return bad;
  const position = args.position ?? { x: (s.position.x + t.position.x) / 2, y: (s.position.y + t.position.y) / 2 };
  const group = args.group ?? (s.group === t.group ? s.group : undefined);
  const node = makeNode(id, { kind: args.kind, params: args.params ?? {}, position, ...(args.label === undefined ? {} : { label: args.label }), ...(group === undefined ? {} : { group }) });
  const nextEdge = idAllocator(doc.edges);
  const into = nextEdge('e');
  const out = nextEdge('e');
  const d = draft();
  change(d.nodes, id, undefined, node);
  change(d.edges, edge.id, edge, undefined);
  change(d.edges, into, undefined, { id: into, source: edge.source, target: id, targetPort: 0 });
  change(d.edges, out, undefined, { id: out, source: id, target: edge.target, targetPort: edge.targetPort });
  return finish(doc, d, { nodeId: id, edgeIds: [into, out] as const });
}

// ---------------------------------------------------------------------------------------------
// Blocks

export interface GroupArgs {
  readonly nodeIds: readonly NodeId[];
  /** Existing blocks to nest inside the new one. */
  readonly groupIds?: readonly GroupId[];
  readonly label: string;
  readonly collapsed?: boolean;
  readonly repeat?: number;
  /** Explicit block id; by default `block_${n}`. */
  readonly id?: GroupId;
}

/**
 * Makes a block of nodes (and optionally existing blocks). All members must sit in the same
 * enclosing block (or all at top level); the new block takes that place.
 */
export function group(doc: GraphDocument, args: GroupArgs): OpResult<{ groupId: GroupId }> {
  const nodeIds = unique(args.nodeIds);
  const groupIds = unique(args.groupIds ?? []);
  if (nodeIds.length + groupIds.length === 0) return fail('empty-selection', 'a block needs at least one node');
  const containers = new Map<string, string>();
  for (const id of nodeIds) {
    const n = getId(doc.nodes, id);
    if (n === undefined) return missingNode(id);
    containers.set(n.group ?? '', `node "${id}"`);
  }
  for (const id of groupIds) {
    const g = getId(doc.groups, id);
    if (g === undefined) return missingGroup(id);
    containers.set(g.parent ?? '', `block "${id}"`);
  }
  if (containers.size > 1) {
    const where = [...containers].map(([c, who]) => `${who} is ${c === '' ? 'at top level' : `in block "${c}"`}`);
    return fail('mixed-groups', `a block's members must share one enclosing block: ${where.join(', ')}`);
  }
  const parent = [...containers.keys()][0] ?? '';
  const id = args.id ?? idAllocator(doc.groups)('block');
  const bad = checkNewId(doc.groups, id, 'block');
  if (bad !== null) return bad;
  const block: GraphGroup = { id, label: args.label, collapsed: args.collapsed ?? false, repeat: args.repeat ?? 1 };
  if (parent !== '') block.parent = parent;
  const d = draft();
  change(d.groups, id, undefined, block);
  for (const nid of nodeIds) {
    const n = getId(doc.nodes, nid);
    if (n !== undefined) change(d.nodes, nid, n, { ...n, group: id });
  }
  for (const gid of groupIds) {
    const g = getId(doc.groups, gid);
    if (g !== undefined) change(d.groups, gid, g, { ...g, parent: id });
  }
  return finish(doc, d, { groupId: id });
}

/** Dissolves a block: its nodes and child blocks move to the block that enclosed it. */
export function ungroup(doc: GraphDocument, args: { readonly groupId: GroupId }): OpResult {
  const g = getId(doc.groups, args.groupId);
  if (g === undefined) return missingGroup(args.groupId);
  const d = draft();
  for (const n of Object.values(doc.nodes)) {
    if (n.group !== g.id) continue;
    const next: GraphNode = { ...n };
    if (g.parent === undefined) delete next.group;
    else next.group = g.parent;
    change(d.nodes, n.id, n, next);
  }
  for (const c of Object.values(doc.groups)) {
    if (c.parent !== g.id) continue;
    const next: GraphGroup = { ...c };
    if (g.parent === undefined) delete next.parent;
    else next.parent = g.parent;
    change(d.groups, c.id, c, next);
  }
  change(d.groups, g.id, g, undefined);
  return finish(doc, d, {});
}

export interface UpdateGroupArgs {
  readonly groupId: GroupId;
  readonly label?: string;
  readonly collapsed?: boolean;
  readonly repeat?: number;
}

export function updateGroup(doc: GraphDocument, args: UpdateGroupArgs): OpResult {
  const g = getId(doc.groups, args.groupId);
  if (g === undefined) return missingGroup(args.groupId);
  const next: GraphGroup = { ...g };
  if (args.label !== undefined) next.label = args.label;
  if (args.collapsed !== undefined) next.collapsed = args.collapsed;
  if (args.repeat !== undefined) next.repeat = args.repeat;
  const d = draft();
  change(d.groups, g.id, g, next);
  return finish(doc, d, {});
}

export function setCollapsed(doc: GraphDocument, args: { readonly groupId: GroupId; readonly collapsed: boolean }): OpResult {
  return updateGroup(doc, args);
}

/** How many times the block repeats (×N), 1 to 1000. */
export function setRepeat(doc: GraphDocument, args: { readonly groupId: GroupId; readonly repeat: number }): OpResult {
  return updateGroup(doc, args);
}

export function renameGroup(doc: GraphDocument, args: { readonly groupId: GroupId; readonly label: string }): OpResult {
  return updateGroup(doc, args);
}

// ---------------------------------------------------------------------------------------------
// Copy, paste, duplicate

/** A clipboard payload: nodes, the edges among them and the blocks wholly inside the selection. */
export const Fragment = z.object({
  nodes: z.record(NodeId, GraphNode),
  edges: z.record(NodeId, GraphEdge),
  groups: z.record(NodeId, GraphGroup),
});
export type Fragment = z.infer<typeof Fragment>;

/**
 * Copies nodes, the edges with both ends among them, and every block all of whose nodes are
 * selected (so copying a whole residual block copies the block). Unknown ids are ignored.
 */
export function copyFragment(doc: GraphDocument, nodeIds: readonly NodeId[]): Fragment {
  const nodes = newRecords<GraphNode>();
  for (const id of nodeIds) {
    const n = getId(doc.nodes, id);
    if (n !== undefined) nodes[id] = n;
  }
  const edges = newRecords<GraphEdge>();
  for (const e of Object.values(doc.edges)) if (nodes[e.source] !== undefined && nodes[e.target] !== undefined) edges[e.id] = e;
  // A block is copied when every node under it (transitively) is selected and it has at least one.
  const selectedUnder = new Map<GroupId, boolean>();
  const hasAny = new Set<GroupId>();
  const ancestors = (g: GroupId | undefined): GroupId[] => {
    const out: GroupId[] = [];
    const seen = new Set<GroupId>();
    for (let p = g; p !== undefined && !seen.has(p) && getId(doc.groups, p) !== undefined; p = getId(doc.groups, p)?.parent) {
      seen.add(p);
      out.push(p);
    }
    return out;
  };
  for (const n of Object.values(doc.nodes)) {
    const selected = nodes[n.id] !== undefined;
    for (const g of ancestors(n.group)) {
      hasAny.add(g);
      selectedUnder.set(g, (selectedUnder.get(g) ?? true) && selected);
    }
  }
  const groups = newRecords<GraphGroup>();
  for (const g of hasAny) {
    const rec = getId(doc.groups, g);
    if (rec !== undefined && selectedUnder.get(g) === true) groups[g] = rec;
  }
  return { nodes, edges, groups };
}

export interface PasteArgs {
  readonly fragment: Fragment;
  /** Added to every pasted position; default { x: 40, y: 40 }. */
  readonly offset?: Position;
}

export interface PasteResult {
  /** Fragment node id → new node id. */
  readonly nodeIds: Readonly<Record<NodeId, NodeId>>;
  readonly groupIds: Readonly<Record<GroupId, GroupId>>;
}

/**
 * Pastes a fragment with fresh ids, shifted by an offset. Blocks in the fragment are recreated;
 * references to blocks outside it are kept when the block exists in this document, dropped
 * otherwise. Refuses a fragment whose edges would make a cycle or share an input port.
 */
export function paste(doc: GraphDocument, args: PasteArgs): OpResult<PasteResult> {
  const parsed = Fragment.safeParse(args.fragment);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return fail('invalid-value', `invalid fragment: ${first === undefined ? 'rejected' : describeIssue(first)}`);
  }
  const frag = args.fragment;
  if (Object.keys(frag.nodes).length === 0) return fail('empty-selection', 'nothing to paste');
  const offset = args.offset ?? { x: 40, y: 40 };
  const nextNode = idAllocator(doc.nodes);
  const nextGroup = idAllocator(doc.groups);
  const nextEdge = idAllocator(doc.edges);
  const nodeIds = newRecords<NodeId>();
  const groupIds = newRecords<GroupId>();
  const byKey = <R>(rec: Readonly<Record<string, R>>): [string, R][] => Object.entries(rec).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // Only blocks that will hold a pasted node (directly or through a nested block) are recreated.
  const used = new Set<GroupId>();
  for (const n of Object.values(frag.nodes)) {
    for (let g = n.group; g !== undefined && !used.has(g) && getId(frag.groups, g) !== undefined; g = getId(frag.groups, g)?.parent) used.add(g);
  }
  for (const [key] of byKey(frag.groups)) if (used.has(key)) groupIds[key] = nextGroup('block');
  for (const [key, n] of byKey(frag.nodes)) nodeIds[key] = nextNode(kindPrefix(n.kind));
  const mapGroup = (g: GroupId | undefined): GroupId | undefined => {
    if (g === undefined) return undefined;
    return groupIds[g] ?? (getId(doc.groups, g) !== undefined ? g : undefined);
  };
  const d = draft();
  for (const [key, g] of byKey(frag.groups)) {
    const id = groupIds[key];
    if (id === undefined) continue;
    const rec: GraphGroup = { id, label: g.label, collapsed: g.collapsed, repeat: g.repeat };
    const parent = mapGroup(g.parent);
    if (parent !== undefined) rec.parent = parent;
    change(d.groups, id, undefined, rec);
  }
  for (const [key, n] of byKey(frag.nodes)) {
    const id = nodeIds[key] ?? key;
    const group = mapGroup(n.group);
    change(
      d.nodes,
      id,
      undefined,
      makeNode(id, { kind: n.kind, params: n.params, position: { x: n.position.x + offset.x, y: n.position.y + offset.y }, ...(n.label === undefined ? {} : { label: n.label }), ...(group === undefined ? {} : { group }) }),
    );
  }
  const ports = new Set<string>();
  for (const [, e] of byKey(frag.edges)) {
    const source = nodeIds[e.source];
    const target = nodeIds[e.target];
    if (source === undefined || target === undefined) continue;
    const slot = `${target}\u0000${e.targetPort}`;
    if (ports.has(slot)) return fail('port-occupied', `the fragment has two edges into input ${e.targetPort} of "${e.target}"`);
    ports.add(slot);
    const id = nextEdge('e');
    change(d.edges, id, undefined, { id, source, target, targetPort: e.targetPort });
  }
  const frame: GraphDocument = { schemaVersion: doc.schemaVersion, meta: doc.meta, input: doc.input, nodes: d.nodes.added, edges: d.edges.added, groups: {} };
  const cycle = topoOrder(buildIndex(frame)).cycle;
  if (cycle !== null) return fail('cycle', `the fragment has a cycle: ${cycle.map((id) => `"${id}"`).join(' → ')}`);
  return finish(doc, d, { nodeIds, groupIds });
}

/** Copies nodes (with the edges among them and whole blocks) next to the originals. */
export function duplicate(doc: GraphDocument, args: { readonly nodeIds: readonly NodeId[]; readonly offset?: Position }): OpResult<PasteResult> {
  for (const id of args.nodeIds) if (getId(doc.nodes, id) === undefined) return missingNode(id);
  return paste(doc, { fragment: copyFragment(doc, args.nodeIds), ...(args.offset === undefined ? {} : { offset: args.offset }) });
}

// ---------------------------------------------------------------------------------------------
// Document-level fields

export function setInput(doc: GraphDocument, input: InputSpec): OpResult {
  const d = draft();
  const next = { height: input.height, width: input.width, channels: input.channels };
  if (!deepEqual(doc.input, next)) d.input = [doc.input, next];
  return finish(doc, d, {});
}

/** Patches the metadata; an optional field set to null is cleared. */
export type MetaPatch = { readonly name?: string } & { readonly [K in Exclude<keyof DocumentMeta, 'name'>]?: DocumentMeta[K] | null };

export function setMeta(doc: GraphDocument, patch: MetaPatch): OpResult {
  const next: DocumentMeta = { ...doc.meta };
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.description === null) delete next.description;
  else if (patch.description !== undefined) next.description = patch.description;
  if (patch.task === null) delete next.task;
  else if (patch.task !== undefined) next.task = patch.task;
  if (patch.template === null) delete next.template;
  else if (patch.template !== undefined) next.template = patch.template;
  if (patch.view === null) delete next.view;
  else if (patch.view !== undefined) next.view = patch.view;
  const d = draft();
  if (!deepEqual(doc.meta, next)) d.meta = [doc.meta, next];
  return finish(doc, d, {});
}

// ---------------------------------------------------------------------------------------------
// Composition

export type Step = (doc: GraphDocument) => OpResult;

/**
 * Runs steps in order, each on the previous one's document, as one edit: the diffs are squashed
 * into one (one undo step). Atomic: the first failure is returned and nothing applies.
 */
export function sequence(doc: GraphDocument, steps: readonly Step[]): OpResult {
  let current = doc;
  let diff = emptyDiff();
  for (const step of steps) {
    const r = step(current);
    if (!r.ok) return r;
    current = r.doc;
    diff = composeDiffs(diff, r.diff);
  }
  return { ok: true, doc: current, diff };
}
