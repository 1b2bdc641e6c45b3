import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical.js';
import { CURRENT_SCHEMA_VERSION, GraphDocument, emptyDocument } from './document.js';
import v0Concat from './fixtures/v0-concat-implicit-ports.json';
import v0Residual from './fixtures/v0-residual-block.json';
import v1Residual from './fixtures/v1-residual-block.json';
import { checkIntegrity } from './integrity.js';
import { MIGRATIONS, OLDEST_SCHEMA_VERSION, formatPath, migrateDocument } from './migrations.js';
import type { MigrateResult, MigrationErrorCode } from './migrations.js';
import { connect, group } from './ops.js';
import { buildIndex, topoOrder } from './topo.js';

/** Every fixture of an older schema, by version. Add one here for each new schema version. */
const OLDER_FIXTURES: Readonly<Record<number, readonly { name: string; json: unknown }[]>> = {
  0: [
    { name: 'v0-residual-block', json: v0Residual },
    { name: 'v0-concat-implicit-ports', json: v0Concat },
  ],
};

function migrated(json: unknown): GraphDocument {
  const r = migrateDocument(json);
  if (!r.ok) throw new Error(r.error.message);
  return r.doc;
}

function refused(json: unknown, code: MigrationErrorCode): string {
  const r: MigrateResult = migrateDocument(json);
  if (r.ok) throw new Error(`expected ${code}, got a document`);
  expect(r.error.code).toBe(code);
  expect(r.error.message).not.toMatch(/\n/);
  return r.error.message;
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('the migration registry', () => {
  it('has one migration from every older version, and a fixture for each', () => {
    for (let v = OLDEST_SCHEMA_VERSION; v < CURRENT_SCHEMA_VERSION; v++) {
      expect(MIGRATIONS[v]?.from).toBe(v);
      expect(OLDER_FIXTURES[v]?.length ?? 0).toBeGreaterThan(0);
    }
    expect(Object.keys(MIGRATIONS).map(Number).sort()).toEqual(Array.from({ length: CURRENT_SCHEMA_VERSION - OLDEST_SCHEMA_VERSION }, (_, i) => OLDEST_SCHEMA_VERSION + i));
  });

  it.each(Object.entries(OLDER_FIXTURES).flatMap(([v, list]) => list.map((f) => [f.name, Number(v), f.json] as const)))(
    'migrates %s (schema %i) to a valid, sound, current document',
    (_, version, json) => {
      const before = canonicalJson(json);
      const r = migrateDocument(json);
      if (!r.ok) throw new Error(r.error.message);
      expect(r.migratedFrom).toBe(version);
      expect(r.doc.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
      expect(GraphDocument.safeParse(r.doc).success).toBe(true);
      expect(checkIntegrity(r.doc)).toEqual([]);
      expect(topoOrder(buildIndex(r.doc)).cycle).toBeNull();
      expect(canonicalJson(json)).toBe(before); // the input is not touched
      // reading the result again is a no-op
      const again = migrateDocument(JSON.parse(JSON.stringify(r.doc)));
      expect(again.ok && again.migratedFrom === null && canonicalJson(again.doc) === canonicalJson(r.doc)).toBe(true);
    },
  );
});

describe('v0 -> v1', () => {
  it('turns arrays into records, inputShape into the input spec, and keeps everything else', () => {
    const doc = migrated(v0Residual);
    expect(doc.meta).toEqual({ name: 'One residual block', description: 'conv-bn-relu-conv-bn + identity shortcut, as the first Skipwire saved it' });
    expect(doc.input).toEqual({ height: 32, width: 32, channels: 16 });
    expect(Object.keys(doc.nodes)).toHaveLength(8);
    expect(doc.nodes.conv1).toEqual({ id: 'conv1', kind: 'Conv2D', params: { filters: 16, kernel: 3, stride: 1, padding: 'same' }, position: { x: 200, y: 0 } });
    expect(doc.nodes.input?.params).toEqual({});
    expect(doc.nodes.add?.label).toBe('shortcut add');
    expect(doc.edges.e7).toEqual({ id: 'e7', source: 'input', target: 'add', targetPort: 1 });
    expect(doc.edges.e2?.targetPort).toBe(0);
    expect(doc.groups).toEqual({});
  });

  it('gives edges without ids fresh ones and ports in order of arrival, around explicit ports', () => {
    const doc = migrated(v0Concat);
    const into = Object.values(doc.edges)
      .filter((e) => e.target === 'cat')
      .sort((a, b) => a.targetPort - b.targetPort)
      .map((e) => `${e.id}:${e.source}@${e.targetPort}`);
    expect(into).toEqual(['e_1:x@0', 'e_4:a@1', 'e_5:b@2']);
    expect(Object.keys(doc.edges).sort()).toEqual(['e_1', 'e_2', 'e_3', 'e_4', 'e_5']);
  });

  it('gives a document the edit operations work on', () => {
    const doc = migrated(v0Residual);
    const g = group(doc, { nodeIds: ['conv1', 'bn1', 'relu1', 'conv2', 'bn2', 'add'], label: 'block', repeat: 3 });
    expect(g.ok).toBe(true);
    const c = connect(doc, { source: 'out', target: 'conv1' });
    expect(c.ok ? 'connected' : c.error.code).toBe('cycle');
  });

  it('locates problems in a v0 file by its own paths', () => {
    const dangling = clone(v0Residual);
    dangling.edges[1] = { id: 'e2', source: 'conv1', target: 'ghost' };
    expect(refused(dangling, 'invalid')).toBe('invalid document (schema 0) at edges[1].target: no node "ghost"');
    const dup = clone(v0Residual);
    dup.nodes[3] = { ...dup.nodes[0], id: 'conv1' } as (typeof dup.nodes)[number];
    expect(refused(dup, 'invalid')).toContain('at nodes[3].id: duplicate node id "conv1"');
    const badShape = { ...clone(v0Residual), inputShape: [32, 32] };
    expect(refused(badShape, 'invalid')).toMatch(/^invalid document \(schema 0\) at inputShape/);
    const recordsInV0 = { ...clone(v0Residual), nodes: {} };
    expect(refused(recordsInV0, 'invalid')).toMatch(/^invalid document \(schema 0\) at nodes: /);
  });
});

describe('current documents', () => {
  it('reads a current document as is', () => {
    const r = migrateDocument(v1Residual);
    expect(r.ok && r.migratedFrom).toBe(null);
    expect(r.ok && canonicalJson(r.doc)).toBe(canonicalJson(v1Residual));
    expect(migrated(emptyDocument('x')).meta.name).toBe('x');
  });

  it('locates schema errors with the zod issue path', () => {
    const bad = clone(v1Residual) as unknown as { nodes: Record<string, { position: { x: unknown } }> };
    const conv1 = bad.nodes.conv1;
    if (conv1 === undefined) throw new Error('fixture changed');
    conv1.position.x = 'left';
    const msg = refused(bad, 'invalid');
    expect(msg).toMatch(/^invalid document \(schema 1\) at nodes\.conv1\.position\.x: /);
    expect(migrateDocument(bad)).toMatchObject({ ok: false, error: { path: ['nodes', 'conv1', 'position', 'x'] } });
    const badGroup = clone(v1Residual);
    badGroup.groups.block_1.repeat = 0;
    expect(refused(badGroup, 'invalid')).toMatch(/at groups\.block_1\.repeat: /);
  });

  it('reads ids named like Object.prototype members, and refuses "__proto__" rather than lose it', () => {
    const json = JSON.parse(
      '{"schemaVersion":1,"meta":{"name":"p"},"input":{"height":8,"width":8,"channels":1},"nodes":{"constructor":{"id":"constructor","kind":"ReLU","params":{},"position":{"x":0,"y":0}}},"edges":{},"groups":{}}',
    ) as { nodes: Record<string, unknown>; edges: Record<string, unknown> };
    expect(Object.keys(migrated(json).nodes)).toEqual(['constructor']);
    const dangling = JSON.parse(JSON.stringify(json)) as typeof json;
    dangling.edges.e = { id: 'e', source: 'constructor', target: 'toString', targetPort: 0 };
    expect(refused(dangling, 'corrupt')).toContain('goes to node "toString", which does not exist');
    const proto = JSON.parse('{"schemaVersion":1,"meta":{"name":"p"},"input":{"height":8,"width":8,"channels":1},"nodes":{"__proto__":{"id":"__proto__","kind":"ReLU","params":{},"position":{"x":0,"y":0}}},"edges":{},"groups":{}}') as unknown;
    expect(refused(proto, 'invalid')).toBe('invalid document (schema 1) at nodes.__proto__: "__proto__" cannot be an id');
    const v0 = clone(v0Residual);
    v0.nodes[0] = { ...v0.nodes[0], id: '__proto__' } as (typeof v0.nodes)[number];
    expect(refused(v0, 'invalid')).toContain('at nodes[0].id: "__proto__" cannot be an id');
  });

  it('counts the further problems in the one line', () => {
    const bad = { ...clone(v1Residual), input: { height: 0, width: 0, channels: 3 } };
    expect(refused(bad, 'invalid')).toMatch(/at input\.height: .*\(and 1 more problem\)$/);
  });

  it('refuses referentially broken documents, naming the place', () => {
    const bad = clone(v1Residual) as unknown as { edges: Record<string, { target: string }>; nodes: Record<string, { group?: string }> };
    const e = bad.edges.e_4;
    if (e === undefined) throw new Error('fixture changed');
    e.target = 'ghost';
    expect(refused(bad, 'corrupt')).toBe('broken document at edges.e_4.target: edge "e_4" goes to node "ghost", which does not exist');
    const orphan = clone(v1Residual) as unknown as { nodes: Record<string, { group?: string }> };
    const n = orphan.nodes.conv1;
    if (n === undefined) throw new Error('fixture changed');
    n.group = 'nope';
    expect(refused(orphan, 'corrupt')).toContain('nodes.conv1.group');
  });
});

describe('refusals', () => {
  it.each<[unknown, string]>([
    [null, 'null'],
    [[1, 2], 'an array'],
    ['{"schemaVersion":1}', 'a string'],
    [42, 'a number'],
  ])('refuses %j as not an object', (json, what) => {
    expect(refused(json, 'not-an-object')).toBe(`not a Skipwire document: expected a JSON object, got ${what}`);
  });

  it('refuses objects without a usable schemaVersion', () => {
    expect(refused({ nodes: [] }, 'no-version')).toBe('not a Skipwire document: it has no schemaVersion');
    expect(refused({ schemaVersion: '1' }, 'bad-version')).toBe('schemaVersion: expected a whole number >= 0, got "1"');
    refused({ schemaVersion: 1.5 }, 'bad-version');
    refused({ schemaVersion: -1 }, 'bad-version');
  });

  it('refuses a newer schema with the version it was made with', () => {
    expect(refused({ ...clone(v1Residual), schemaVersion: 7 }, 'newer-version')).toBe('made by a newer Skipwire (schema 7; this app reads up to 1)');
  });
});

describe('formatPath', () => {
  it('writes identifiers with dots, indexes and odd keys with brackets', () => {
    expect(formatPath(['nodes', 'conv1', 'position', 'x'])).toBe('nodes.conv1.position.x');
    expect(formatPath(['edges', 3, 'target'])).toBe('edges[3].target');
    expect(formatPath(['nodes', 'conv-1:a', 'id'])).toBe('nodes["conv-1:a"].id');
    expect(formatPath([])).toBe('');
  });
});
