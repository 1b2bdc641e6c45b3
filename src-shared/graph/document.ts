import { z } from 'zod';

/**
 * The Skipwire document: pure data. Nodes, edges and groups are records keyed by id, so edits
 * are diffs of records (added / updated [from, to] / removed) and undo applies the inverse diff.
 * Every document carries `schemaVersion`; older ones are migrated (see migrations.ts), newer ones
 * refused with a clear message.
 */
export const CURRENT_SCHEMA_VERSION = 1;

export const NodeId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'ids use letters, digits and _ . : -')
  // zod drops a record keyed __proto__ silently: the node would vanish on reload.
  .refine((id) => id !== '__proto__', 'the id __proto__ is reserved');
export type NodeId = z.infer<typeof NodeId>;
export const EdgeId = NodeId;
export type EdgeId = z.infer<typeof EdgeId>;
export const GroupId = NodeId;
export type GroupId = z.infer<typeof GroupId>;

/**
 * What a name may hold, the same wherever one is kept (a network's name, a layer's or block's
 * label, a project's name in the store): no control characters (U+0000–U+001F, U+007F–U+009F;
 * SQLite stops reading a name at U+0000) and no unpaired surrogate (it cannot be written as UTF-8).
 */
export const NAME_RULE_MESSAGE = 'a name cannot contain control characters or unpaired surrogates';
// eslint-disable-next-line no-control-regex
const NOT_IN_A_NAME = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udfff]/u;
export function isAllowedName(s: string): boolean {
  return !NOT_IN_A_NAME.test(s);
}
/** A name or label of at most `max` characters that follows the name rule. */
export function nameString(max: number): z.ZodString {
  return z.string().max(max).regex(new RegExp(`^(?:(?!${NOT_IN_A_NAME.source}).)*$`, 'su'), NAME_RULE_MESSAGE);
}

export const Position = z.object({ x: z.number().finite(), y: z.number().finite() });
export type Position = z.infer<typeof Position>;

/** One layer. `params` are validated by the layer kind's own schema (layers/<kind>.ts), not here: a
 * document with bad params is still a document (it is kept and shown with its errors). */
export const GraphNode = z.object({
  id: NodeId,
  kind: z.string().min(1).max(64),
  params: z.record(z.string(), z.unknown()),
  position: Position,
  label: nameString(200).optional(),
  group: GroupId.optional(),
});
export type GraphNode = z.infer<typeof GraphNode>;

/** source's output feeds input port `targetPort` (0-based) of target. */
export const GraphEdge = z.object({
  id: EdgeId,
  source: NodeId,
  target: NodeId,
  targetPort: z.number().int().min(0).max(1024),
});
export type GraphEdge = z.infer<typeof GraphEdge>;

/** A block: a labelled set of nodes, shown collapsed or expanded, optionally repeated ×N. */
export const GraphGroup = z.object({
  id: GroupId,
  label: nameString(200),
  collapsed: z.boolean(),
  repeat: z.number().int().min(1).max(1000),
  parent: GroupId.optional(),
});
export type GraphGroup = z.infer<typeof GraphGroup>;

export const InputSpec = z.object({
  height: z.number().int().min(1).max(16_384),
  width: z.number().int().min(1).max(16_384),
  channels: z.number().int().min(1).max(4096),
});
export type InputSpec = z.infer<typeof InputSpec>;

export const DocumentMeta = z.object({
  name: nameString(200),
  description: z.string().max(10_000).optional(),
  task: z.enum(['classification', 'segmentation', 'regression']).optional(),
  /** Template that generated it and its options, when it came from one. */
  template: z.object({ id: z.string(), options: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])) }).optional(),
  /** How the editor draws it, kept with the network: the flow direction of its layout. */
  view: z.object({ direction: z.enum(['LR', 'TB']) }).optional(),
});
export type DocumentMeta = z.infer<typeof DocumentMeta>;

export const GraphDocument = z.object({
  schemaVersion: z.literal(CURRENT_SCHEMA_VERSION),
  meta: DocumentMeta,
  input: InputSpec,
  nodes: z.record(NodeId, GraphNode),
  edges: z.record(EdgeId, GraphEdge),
  groups: z.record(GroupId, GraphGroup),
});
export type GraphDocument = z.infer<typeof GraphDocument>;

export function emptyDocument(name = 'Untitled network', input: InputSpec = { height: 32, width: 32, channels: 3 }): GraphDocument {
  return { schemaVersion: CURRENT_SCHEMA_VERSION, meta: { name }, input, nodes: {}, edges: {}, groups: {} };
}
