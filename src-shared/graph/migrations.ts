import { z } from 'zod';
import { CURRENT_SCHEMA_VERSION, GraphDocument, nameString } from './document.js';
import type { GraphEdge, GraphNode } from './document.js';
import { checkIntegrity } from './integrity.js';
import { findLimitViolation } from './limits.js';
import { hasId, newRecords } from './records.js';

/**
 * Reading documents of any schema version. Each older version has one numbered migration that
 * validates a document of that version (its own zod schema, so errors are located) and turns it
 * into the next version; `migrateDocument` runs them in order, then validates the result against
 * the current schema and referential integrity. Newer documents are refused with a clear message.
 *
 * To change the schema: bump CURRENT_SCHEMA_VERSION in document.ts, add a migration from the old
 * version here (freezing the old schema inside it), and add a fixture of the old version to
 * fixtures/ and to the list in migrations.test.ts.
 */

export type MigrationErrorCode =
  /** Not a JSON object at all. */
  | 'not-an-object'
  /** An object without a schemaVersion: not a Skipwire document. */
  | 'no-version'
  /** schemaVersion is not a whole number >= 0. */
  | 'bad-version'
  /** Written by a newer Skipwire. */
  | 'newer-version'
  /** A version no migration starts from. */
  | 'unknown-version'
  /** Nested too deep, a string or array too long (DOCUMENT_LIMITS): refused before anything reads it. */
  | 'too-large'
  /** Does not match its version's schema. */
  | 'invalid'
  /** Schema-valid but referentially broken (an edge to a missing node, ...). */
  | 'corrupt';

export interface MigrationError {
  readonly code: MigrationErrorCode;
  /** One line, naming where the problem is. */
  readonly message: string;
  /** The location in the document, when there is one. */
  readonly path?: readonly (string | number)[];
}

export type MigrateResult =
  | { readonly ok: true; readonly doc: GraphDocument; /** The version the file had, or null when it was current. */ readonly migratedFrom: number | null }
  | { readonly ok: false; readonly error: MigrationError };

/** One step: a document of version `from` (checked by `schema`) to version `from + 1`. */
export interface Migration {
  readonly from: number;
  readonly description: string;
  /** Validates a document of version `from` and upgrades it; a failure carries zod issues. */
  run(json: unknown): { ok: true; value: unknown } | { ok: false; issues: readonly z.core.$ZodIssue[] };
}

function defineMigration<T>(from: number, description: string, schema: z.ZodType<T>, up: (doc: T) => unknown): Migration {
  return {
    from,
    description,
    run(json) {
      const r = schema.safeParse(json);
      return r.success ? { ok: true, value: up(r.data) } : { ok: false, issues: r.error.issues };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// v0: the first file format. Nodes and edges are ARRAYS; no blocks; the input is `inputShape:
// [H, W, C]`; the name sits at top level; edge ids and ports were optional (port = order of
// arrival at the target).

const V0Node = z.object({
  id: z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, 'ids use letters, digits and _ . : -'),
  kind: z.string().min(1).max(64),
  params: z.record(z.string(), z.unknown()).optional(),
  position: z.object({ x: z.number().finite(), y: z.number().finite() }),
  label: nameString(200).optional(),
});

const V0Edge = z.object({
  id: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9_.:-]+$/, 'ids use letters, digits and _ . : -')
    .optional(),
  source: z.string().min(1),
  target: z.string().min(1),
  targetPort: z.number().int().min(0).max(1024).optional(),
});

const V0Document = z
  .object({
    schemaVersion: z.literal(0),
    name: nameString(200),
    description: z.string().max(10_000).optional(),
    inputShape: z.tuple([z.number().int().min(1).max(16_384), z.number().int().min(1).max(16_384), z.number().int().min(1).max(4096)]),
    nodes: z.array(V0Node),
    edges: z.array(V0Edge),
  })
  .superRefine((doc, ctx) => {
    const nodeIds = new Set<string>();
    doc.nodes.forEach((n, i) => {
      if (n.id === '__proto__') ctx.addIssue({ code: 'custom', path: ['nodes', i, 'id'], message: '"__proto__" cannot be an id' });
      if (nodeIds.has(n.id)) ctx.addIssue({ code: 'custom', path: ['nodes', i, 'id'], message: `duplicate node id "${n.id}"` });
      nodeIds.add(n.id);
    });
    const edgeIds = new Set<string>();
    doc.edges.forEach((e, i) => {
      if (!nodeIds.has(e.source)) ctx.addIssue({ code: 'custom', path: ['edges', i, 'source'], message: `no node "${e.source}"` });
      if (!nodeIds.has(e.target)) ctx.addIssue({ code: 'custom', path: ['edges', i, 'target'], message: `no node "${e.target}"` });
      if (e.id === undefined) return;
      if (e.id === '__proto__') ctx.addIssue({ code: 'custom', path: ['edges', i, 'id'], message: '"__proto__" cannot be an id' });
      if (edgeIds.has(e.id)) ctx.addIssue({ code: 'custom', path: ['edges', i, 'id'], message: `duplicate edge id "${e.id}"` });
      edgeIds.add(e.id);
    });
  });
type V0Document = z.infer<typeof V0Document>;

function v0ToV1(v0: V0Document): unknown {
  const nodes = newRecords<GraphNode>();
  for (const n of v0.nodes) {
    const node: GraphNode = { id: n.id, kind: n.kind, params: n.params ?? {}, position: n.position };
    if (n.label !== undefined) node.label = n.label;
    nodes[n.id] = node;
  }
  // Explicit ports first; edges without one take the target's lowest free port, in array order.
  const taken = new Map<string, Set<number>>();
  const portsOf = (target: string): Set<number> => {
    let s = taken.get(target);
    if (s === undefined) {
      s = new Set();
      taken.set(target, s);
    }
    return s;
  };
  for (const e of v0.edges) if (e.targetPort !== undefined) portsOf(e.target).add(e.targetPort);
  const usedIds = new Set(v0.edges.flatMap((e) => (e.id === undefined ? [] : [e.id])));
  let n = 1;
  const edges = newRecords<GraphEdge>();
  for (const e of v0.edges) {
    let id = e.id;
    if (id === undefined) {
      while (usedIds.has(`e_${n}`)) n++;
      id = `e_${n}`;
      usedIds.add(id);
    }
    let port = e.targetPort;
    if (port === undefined) {
      const ports = portsOf(e.target);
      port = 0;
      while (ports.has(port)) port++;
      ports.add(port);
    }
    edges[id] = { id, source: e.source, target: e.target, targetPort: port };
  }
  const [height, width, channels] = v0.inputShape;
  return {
    schemaVersion: 1,
    meta: { name: v0.name, ...(v0.description === undefined ? {} : { description: v0.description }) },
    input: { height, width, channels },
    nodes,
    edges,
    groups: {},
  };
}

/** Every migration, keyed by the version it reads. Versions 0 .. CURRENT_SCHEMA_VERSION - 1. */
export const MIGRATIONS: Readonly<Record<number, Migration>> = {
  0: defineMigration(0, 'nodes/edges arrays and inputShape [H, W, C] -> records keyed by id, input spec, blocks', V0Document, v0ToV1),
};

export const OLDEST_SCHEMA_VERSION = 0;

// ---------------------------------------------------------------------------------------------

/** `nodes.conv1.position.x`, `nodes[2].id`, `nodes["a b"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (typeof p === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(p)) out += out === '' ? p : `.${p}`;
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out;
}

const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, ' ').trim();

function located(code: MigrationErrorCode, version: number, issues: readonly z.core.$ZodIssue[]): MigrationError {
  const first = issues[0];
  if (first === undefined) return { code, message: `invalid document (schema ${version})` };
  const path = first.path.filter((p): p is string | number => typeof p === 'string' || typeof p === 'number');
  const where = formatPath(path);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return { code, message: oneLine(`invalid document (schema ${version})${where === '' ? '' : ` at ${where}`}: ${first.message}${more}`), path };
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

/**
 * Reads a parsed JSON value as a document of the current schema, migrating older versions.
 * Never throws; every failure is one located line.
 */
export function migrateDocument(json: unknown): MigrateResult {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, error: { code: 'not-an-object', message: `not a Skipwire document: expected a JSON object, got ${kindOf(json)}` } };
  }
  const over = findLimitViolation(json);
  if (over !== null) return { ok: false, error: { code: 'too-large', message: over.message, path: over.path } };
  const version: unknown = 'schemaVersion' in json ? json.schemaVersion : undefined;
  if (version === undefined) return { ok: false, error: { code: 'no-version', message: 'not a Skipwire document: it has no schemaVersion', path: ['schemaVersion'] } };
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    return {
      ok: false,
      error: { code: 'bad-version', message: `schemaVersion: expected a whole number >= 0, got ${oneLine(JSON.stringify(version) ?? String(version)).slice(0, 40)}`, path: ['schemaVersion'] },
    };
  }
  if (version > CURRENT_SCHEMA_VERSION) {
    return {
      ok: false,
      error: { code: 'newer-version', message: `made by a newer Skipwire (schema ${version}; this app reads up to ${CURRENT_SCHEMA_VERSION})`, path: ['schemaVersion'] },
    };
  }
  let value: unknown = json;
  for (let v = version; v < CURRENT_SCHEMA_VERSION; v++) {
    const m = MIGRATIONS[v];
    if (m === undefined) {
      return {
        ok: false,
        error: { code: 'unknown-version', message: `schema ${v} is not one this app can read (it reads ${OLDEST_SCHEMA_VERSION} to ${CURRENT_SCHEMA_VERSION})`, path: ['schemaVersion'] },
      };
    }
    const r = m.run(value);
    if (!r.ok) return { ok: false, error: located('invalid', v, r.issues) };
    value = r.value;
  }
  // zod silently drops a "__proto__" record key; refuse it rather than lose a record.
  if (typeof value === 'object' && value !== null) {
    for (const c of ['nodes', 'edges', 'groups'] as const) {
      const rec: unknown = c in value ? (value as Record<string, unknown>)[c] : undefined;
      if (typeof rec === 'object' && rec !== null && hasId(rec, '__proto__')) {
        return { ok: false, error: { code: 'invalid', message: `invalid document (schema ${CURRENT_SCHEMA_VERSION}) at ${c}.__proto__: "__proto__" cannot be an id`, path: [c, '__proto__'] } };
      }
    }
  }
  const parsed = GraphDocument.safeParse(value);
  if (!parsed.success) return { ok: false, error: located('invalid', CURRENT_SCHEMA_VERSION, parsed.error.issues) };
  const broken = checkIntegrity(parsed.data)[0];
  if (broken !== undefined) {
    return { ok: false, error: { code: 'corrupt', message: oneLine(`broken document at ${formatPath(broken.path)}: ${broken.message}`), path: broken.path } };
  }
  return { ok: true, doc: parsed.data, migratedFrom: version === CURRENT_SCHEMA_VERSION ? null : version };
}
