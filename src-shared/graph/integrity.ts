import type { GraphDocument } from './document.js';
import { getId } from './records.js';

/**
 * Referential integrity of a document: what the zod schema cannot say. A document that fails
 * here is corrupt (an edge into a node that does not exist), which is different from a broken
 * graph (shape mismatch, cycle, dangling input port): a broken graph is still a valid document
 * and is shown with its diagnostics. Every edit operation keeps these invariants.
 */
export type IntegrityCode =
  | 'key-mismatch'
  | 'edge-source-missing'
  | 'edge-target-missing'
  | 'node-group-missing'
  | 'group-parent-missing'
  | 'group-parent-cycle'
  | 'port-taken';

export interface IntegrityIssue {
  readonly code: IntegrityCode;
  /** Where in the document, e.g. ['edges', 'e_3', 'target']. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Every integrity problem, in a stable order (collection, then id). Empty when the document is sound. */
export function checkIntegrity(doc: GraphDocument): IntegrityIssue[] {
  const issues: IntegrityIssue[] = [];
  const sorted = <R>(rec: Readonly<Record<string, R>>): [string, R][] => Object.entries(rec).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [collection, records] of [
    ['nodes', doc.nodes],
    ['edges', doc.edges],
    ['groups', doc.groups],
  ] as const) {
    for (const [key, rec] of sorted<{ id: string }>(records)) {
      if (rec.id !== key) issues.push({ code: 'key-mismatch', path: [collection, key, 'id'], message: `record keyed "${key}" has id "${rec.id}"` });
    }
  }
  for (const [id, node] of sorted(doc.nodes)) {
    if (node.group !== undefined && getId(doc.groups, node.group) === undefined) {
      issues.push({ code: 'node-group-missing', path: ['nodes', id, 'group'], message: `node "${id}" is in block "${node.group}", which does not exist` });
    }
  }
  const portOwner = new Map<string, string>();
  for (const [id, edge] of sorted(doc.edges)) {
    if (getId(doc.nodes, edge.source) === undefined) {
      issues.push({ code: 'edge-source-missing', path: ['edges', id, 'source'], message: `edge "${id}" comes from node "${edge.source}", which does not exist` });
    }
    if (getId(doc.nodes, edge.target) === undefined) {
      issues.push({ code: 'edge-target-missing', path: ['edges', id, 'target'], message: `edge "${id}" goes to node "${edge.target}", which does not exist` });
    }
    const slot = `${edge.target}\u0000${edge.targetPort}`;
    const owner = portOwner.get(slot);
    if (owner !== undefined) {
      issues.push({
        code: 'port-taken',
        path: ['edges', id, 'targetPort'],
        message: `edges "${owner}" and "${id}" both feed input ${edge.targetPort} of node "${edge.target}"`,
      });
    } else {
      portOwner.set(slot, id);
    }
  }
  for (const [id, group] of sorted(doc.groups)) {
    if (group.parent === undefined) continue;
    if (getId(doc.groups, group.parent) === undefined) {
      issues.push({ code: 'group-parent-missing', path: ['groups', id, 'parent'], message: `block "${id}" is inside block "${group.parent}", which does not exist` });
      continue;
    }
    const seen = new Set<string>([id]);
    for (let p: string | undefined = group.parent; p !== undefined; p = getId(doc.groups, p)?.parent) {
      if (p === id) {
        issues.push({ code: 'group-parent-cycle', path: ['groups', id, 'parent'], message: `block "${id}" is nested inside itself` });
        break;
      }
      if (seen.has(p)) break; // an ancestor loop that does not include this block: its members report it
      seen.add(p);
    }
  }
  return issues;
}
