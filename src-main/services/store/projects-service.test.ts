import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContractError, Dispatcher, createClients, projectsService } from '../../../src-shared/api/index.js';
import type { Clients, EventFrame } from '../../../src-shared/api/index.js';
import type { GraphDocument } from '../../../src-shared/graph/document.js';
import { createBackend } from '../registry.js';
import { createProjectsService } from './projects-service.js';
import type { ProjectsBackend, ProjectsServiceOptions } from './projects-service.js';
import { chainDocument, sha256File, tempDir } from './test-helpers.js';

let dir: string;
let cleanup: () => void;
const backends: ProjectsBackend[] = [];

interface Host {
  d: Dispatcher;
  backend: ProjectsBackend;
  events: EventFrame[];
  /** Typed clients for one connection (window / browser tab). */
  as: (clientId: string) => Clients;
}

function host(o: Partial<ProjectsServiceOptions> = {}): Host {
  const d = new Dispatcher();
  const backend = createProjectsService({ dataDir: dir, dispatcher: d, ...o });
  backends.push(backend);
  d.provide(projectsService, backend.impl);
  const events: EventFrame[] = [];
  d.onEvent((f) => events.push(f));
  return { d, backend, events, as: (clientId) => createClients((s, m, i) => d.call(s, m, i, { transport: 'in-process', clientId })) };
}

async function refusal(p: Promise<unknown>): Promise<ContractError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ContractError) return err;
    throw err;
  }
  throw new Error('expected the call to be refused');
}

beforeEach(() => {
  ({ dir, cleanup } = tempDir('skipwire-projects-'));
});
afterEach(() => {
  for (const b of backends.splice(0)) b.close();
  cleanup();
});

describe('projects service', () => {
  it('creates, lists most recent first, searches, renames, trashes, restores, duplicates, deletes', async () => {
    const { as, events } = host();
    const c = as('w1').projects;
    const empty = await c.create({ name: 'Plain-20' });
    const res = await c.create({ name: 'ResNet-20', document: chainDocument(3) });
    const unet = await c.create({ name: 'U-Net small' });
    expect((await c.open({ id: empty.id })).document).toMatchObject({ schemaVersion: 1, meta: { name: 'Plain-20' }, nodes: {} });
    expect((await c.list({})).projects.map((p) => p.name)).toEqual(['U-Net small', 'ResNet-20', 'Plain-20']);
    await c.rename({ id: empty.id, name: 'Plain-56' });
    expect((await c.list({})).projects.map((p) => p.name)).toEqual(['Plain-56', 'U-Net small', 'ResNet-20']);
    expect((await c.list({ query: 'net' })).projects.map((p) => p.name)).toEqual(['U-Net small', 'ResNet-20']);

    await c.trash({ id: unet.id });
    expect((await c.list({})).projects.map((p) => p.id)).toEqual([empty.id, res.id]);
    expect((await c.list({ onlyTrashed: true })).projects.map((p) => p.id)).toEqual([unet.id]);
    await c.restore({ id: unet.id });
    expect((await c.list({})).projects).toHaveLength(3);

    const dup = await c.duplicate({ id: res.id });
    expect(dup.name).toBe('ResNet-20 (copy)');
    expect((await c.open({ id: dup.id })).document).toEqual((await c.open({ id: res.id })).document);

    await c.trash({ id: dup.id });
    await c.trash({ id: unet.id });
    expect(await c.emptyTrash({})).toEqual({ deleted: 2 });
    await c.deleteForever({ id: empty.id });
    expect((await c.list({ includeTrashed: true })).projects.map((p) => p.id)).toEqual([res.id]);

    const what = events.filter((e) => e.event === 'changed').map((e) => (e.payload as { what: string }).what);
    expect(what).toEqual(['created', 'created', 'created', 'renamed', 'trashed', 'restored', 'created', 'trashed', 'trashed', 'deleted', 'deleted', 'deleted']);
    expect(events.every((e) => e.event !== 'changed' || (e.payload as { by: string }).by === 'w1')).toBe(true);
  });

  it('refuses bad ids and unknown projects as bad requests, with one line', async () => {
    const c = host().as('w').projects;
    const e1 = await refusal(c.open({ id: 'nope' }));
    expect(e1.code).toBe('bad-request');
    expect(e1.message).toBe('no project with id nope');
    const e2 = await refusal(c.rename({ id: 'has space', name: 'x' }));
    expect(e2.code).toBe('bad-request');
    expect(e2.message).toMatch(/^projects\.rename: id: /);
  });

  it('two windows: the second writer is told about the conflict, never silently overwritten', async () => {
    const h = host();
    const a = h.as('window-a').projects;
    const b = h.as('window-b').projects;
    const p = await a.create({ name: 'shared', document: chainDocument(1) });
    const seenByB = await b.open({ id: p.id });
    expect(await a.saveWorkingCopy({ id: p.id, document: chainDocument(2), baseRevision: 0 })).toEqual({ saved: true, revision: 1 });
    const changed = h.events.filter((e) => e.event === 'changed').at(-1);
    expect(changed?.payload).toEqual({ id: p.id, revision: 1, by: 'window-a', what: 'saved' });

    const conflict = await b.saveWorkingCopy({ id: p.id, document: chainDocument(7), baseRevision: seenByB.project.revision });
    expect(conflict).toEqual({ saved: false, conflict: true, currentRevision: 1 });
    expect(Object.keys((await a.open({ id: p.id })).document.nodes as object)).toEqual(['c1', 'c2']);
    // B reloads (or merges) and saves on top of the current revision.
    expect(await b.saveWorkingCopy({ id: p.id, document: chainDocument(7), baseRevision: 1 })).toEqual({ saved: true, revision: 2 });
  });

  it('notices saves made by another process on the same store', async () => {
    const mine = host({ watchIntervalMs: 10 });
    const other = host();
    const p = await mine.as('w').projects.create({ name: 'watched', document: chainDocument(1) });
    mine.events.length = 0;
    await other.as('cli').projects.saveWorkingCopy({ id: p.id, document: chainDocument(2), baseRevision: 0 });
    const deadline = Date.now() + 3000;
    while (!mine.events.some((e) => e.event === 'changed') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(mine.events.filter((e) => e.event === 'changed').map((e) => e.payload)).toEqual([
      { id: p.id, revision: 1, by: 'another process', what: 'saved' },
    ]);
    // Its own saves are not reported as another process's.
    mine.events.length = 0;
    await mine.as('w').projects.saveWorkingCopy({ id: p.id, document: chainDocument(3), baseRevision: 1 });
    await new Promise((r) => setTimeout(r, 60));
    expect(mine.events.filter((e) => e.event === 'changed').map((e) => (e.payload as { by: string }).by)).toEqual(['w']);
  });

  it('saves versions, diffs them (params before -> after) and restores one', async () => {
    const c = host().as('w').projects;
    const p = await c.create({ name: 'diffs', document: chainDocument(3) });
    const v1 = await c.saveVersion({ id: p.id, message: 'three convs' });
    expect(v1).toMatchObject({ number: 1, message: 'three convs', projectId: p.id });

    const next: GraphDocument = chainDocument(3);
    delete next.nodes.c3;
    delete next.edges.e3;
    next.nodes.c2 = { ...next.nodes.c2!, params: { ...next.nodes.c2!.params, filters: 32, dilation: 2 }, label: 'wide' };
    next.nodes.bn = { id: 'bn', kind: 'batchNorm', params: {}, position: { x: 0, y: 100 } };
    next.edges.e9 = { id: 'e9', source: 'c2', target: 'bn', targetPort: 0 };
    next.input = { height: 64, width: 64, channels: 3 };
    const saved = await c.saveWorkingCopy({ id: p.id, document: next, baseRevision: 0 });
    expect(saved.saved).toBe(true);
    const v2 = await c.saveVersion({ id: p.id, message: 'wider' });
    expect((await c.versions({ id: p.id })).versions.map((v) => v.number)).toEqual([2, 1]);

    const d = await c.diffVersions({ id: p.id, from: v1.id, to: v2.id });
    expect(d.identical).toBe(false);
    expect(d.nodes.added).toEqual([{ id: 'bn', kind: 'batchNorm' }]);
    expect(d.nodes.removed).toEqual([{ id: 'c3', kind: 'conv2d' }]);
    expect(d.nodes.changed).toEqual([
      {
        id: 'c2',
        kind: 'conv2d',
        label: 'wide',
        changes: [
          { field: 'label', after: 'wide' },
          { field: 'params.dilation', after: 2 },
          { field: 'params.filters', before: 16, after: 32 },
        ],
      },
    ]);
    // Connections by their layers' names in their own version (c2 is labelled "wide" in v2 only).
    expect(d.edges.added).toEqual([{ id: 'e9', label: 'wide → bn' }]);
    expect(d.edges.removed).toEqual([{ id: 'e3', label: 'c2 → c3' }]);
    expect(d.document).toEqual([{ field: 'input', before: { height: 32, width: 32, channels: 3 }, after: { height: 64, width: 64, channels: 3 } }]);
    // Against the working copy (no `to`): identical to v2.
    expect((await c.diffVersions({ id: p.id, from: v2.id })).identical).toBe(true);

    expect((await c.getVersion({ id: p.id, versionId: v1.id })).document).toEqual(chainDocument(3));
    const stale = await c.restoreVersion({ id: p.id, versionId: v1.id, baseRevision: 0 });
    expect(stale).toEqual({ saved: false, conflict: true, currentRevision: 1 });
    const restored = await c.restoreVersion({ id: p.id, versionId: v1.id, baseRevision: 1 });
    expect(restored).toEqual({ saved: true, revision: 2, document: chainDocument(3) });
    expect((await c.open({ id: p.id })).document).toEqual(chainDocument(3));
  });

  it('exports and imports .skipwire.json; an older schema is migrated; a graph with shape errors still imports', async () => {
    const c = host().as('w').projects;
    const p = await c.create({ name: 'Net: A/B?', document: chainDocument(4) });
    const out = await c.exportDocument({ id: p.id });
    expect(out.fileName).toBe('Net_ A_B_.skipwire.json');
    expect(JSON.parse(out.text)).toEqual(chainDocument(4));
    const back = await c.importDocument({ text: out.text });
    expect(back.migratedFrom).toBeNull();
    expect(back.project.name).toBe('chain');
    expect((await c.open({ id: back.project.id })).document).toEqual(chainDocument(4));

    const v0 = readFileSync(join(__dirname, '../../../src-shared/graph/fixtures/v0-residual-block.json'), 'utf8');
    const migrated = await c.importDocument({ text: v0, name: 'From v0' });
    expect(migrated.migratedFrom).toBe(0);
    expect((await c.open({ id: migrated.project.id })).document).toMatchObject({ schemaVersion: 1, meta: { name: 'One residual block' } });

    // Shape errors are the graph's business, not the file's: a conv fed nothing, an add with one input.
    const broken = chainDocument(2);
    broken.nodes.add = { id: 'add', kind: 'add', params: {}, position: { x: 0, y: 0 } };
    broken.edges.x = { id: 'x', source: 'c1', target: 'add', targetPort: 3 };
    expect((await c.importDocument({ text: JSON.stringify(broken) })).project.revision).toBe(0);

    const v = await c.saveVersion({ id: p.id, message: 'frozen' });
    expect((await c.exportDocument({ id: p.id, versionId: v.id })).fileName).toBe('Net_ A_B_ v1.skipwire.json');
  });

  it('refuses non-JSON, a wrong schema and a newer schemaVersion with one line, changing nothing', async () => {
    const h = host();
    const c = h.as('w').projects;
    await c.create({ name: 'existing', document: chainDocument(1) });
    const before = (await c.list({ includeTrashed: true })).projects;
    const eventsBefore = h.events.length;
    const cases: [string, RegExp][] = [
      ['{"schemaVersion": 1, "meta": ', /^the file: not a Skipwire document: not JSON \(/],
      ['not json at all', /^the file: not a Skipwire document: not JSON \(/],
      ['[1, 2, 3]', /^the file: not a Skipwire document: expected a JSON object, got an array$/],
      ['{"hello": "world"}', /^the file: not a Skipwire document: it has no schemaVersion$/],
      ['{"schemaVersion": 1, "meta": {"name": "x"}, "nodes": {}}', /^the file: invalid document \(schema 1\) at (input|edges|groups): /],
      ['{"schemaVersion": 99, "nodes": []}', /^the file: made by a newer Skipwire \(schema 99; this app reads up to 1\)$/],
      [JSON.stringify({ ...chainDocument(2), edges: { e: { id: 'e', source: 'c1', target: 'ghost', targetPort: 0 } } }), /^the file: broken document at edges\.e\.target: /],
    ];
    for (const [text, message] of cases) {
      const e = await refusal(c.importDocument({ text }));
      expect(e.code).toBe('bad-request');
      expect(e.message).toMatch(message);
      expect(e.message).not.toContain('\n');
    }
    expect((await c.list({ includeTrashed: true })).projects).toEqual(before);
    expect(h.events.length).toBe(eventsBefore);
  });

  it('an autosave of a broken document is refused and the stored copy kept', async () => {
    const c = host().as('w').projects;
    const p = await c.create({ name: 'keep', document: chainDocument(2) });
    const e = await refusal(c.saveWorkingCopy({ id: p.id, document: { schemaVersion: 2 }, baseRevision: 0 }));
    expect(e.code).toBe('bad-request');
    expect(e.message).toBe('the document: made by a newer Skipwire (schema 2; this app reads up to 1)');
    expect((await c.open({ id: p.id })).project.revision).toBe(0);
  });

  it('records runs and serves their metrics', async () => {
    const h = host();
    const c = h.as('w').projects;
    const p = await c.create({ name: 'trained', document: chainDocument(2) });
    const store = h.backend.store();
    const v = store.versionFor(p.id, chainDocument(2), 'trained by run');
    const run = store.createRun({ projectId: p.id, versionId: v.id, dataset: 'cifar10', engine: 'cpu', hyperparameters: { epochs: 1 } });
    store.addMetrics(run.id, [
      { name: 'loss', step: 0, epoch: 0, value: 2.3 },
      { name: 'loss', step: 1, epoch: 0, value: Number.NaN },
    ]);
    expect((await c.runs({ id: p.id })).runs.map((r) => r.id)).toEqual([run.id]);
    expect(await c.metrics({ runId: run.id })).toEqual({
      points: [
        { name: 'loss', step: 0, epoch: 0, value: 2.3 },
        { name: 'loss', step: 1, epoch: 0, value: null },
      ],
      more: false,
    });
  });
});

describe('when the store cannot be used', () => {
  it('the backend still starts; projects calls fail with where and why, and one notice says it', async () => {
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'x');
    const d = createBackend({ mode: 'browser', modeReason: 'test', dataDir: join(file, 'skipwire') });
    const events: EventFrame[] = [];
    d.onEvent((e) => events.push(e));
    const ctx = { transport: 'in-process' as const, clientId: 't' };
    expect(await d.call('system', 'info', {}, ctx)).toMatchObject({ services: expect.arrayContaining(['projects', 'system']) as unknown });
    for (let i = 0; i < 2; i++) {
      const e = await refusal(d.call('projects', 'list', {}, ctx));
      expect(e.code).toBe('failed');
      expect(e.message.startsWith(`cannot create the data folder ${join(file, 'skipwire')} for the project store: a part of the path is a file, not a folder (ENOTDIR`)).toBe(true);
      expect(e.message).not.toContain('\n');
    }
    const notices = events.filter((e) => e.service === 'system' && e.event === 'notice');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.payload).toMatchObject({ level: 'error' });
    expect(await d.call('projects', 'storeStatus', {}, ctx)).toMatchObject({ available: false, path: join(file, 'skipwire', 'skipwire.db') });
  });

  it('a full disk: the save fails with one line, nothing half-saved, the caller keeps its document', async () => {
    const c = host({ storeOptions: { maxPageCount: 30 } }).as('w').projects;
    const p = await c.create({ name: 'full', document: chainDocument(2) });
    const huge = chainDocument(2);
    huge.meta.description = 'y'.repeat(10_000);
    let revision = 0;
    let failure: ContractError | undefined;
    for (let i = 0; i < 50 && failure === undefined; i++) {
      try {
        const r = await c.saveWorkingCopy({ id: p.id, document: { ...huge, meta: { ...huge.meta, name: `n${i}` } }, baseRevision: revision });
        if (r.saved) revision = r.revision;
        await c.saveVersion({ id: p.id, message: `v${i}` });
      } catch (err) {
        if (!(err instanceof ContractError)) throw err;
        failure = err;
      }
    }
    expect(failure?.code).toBe('failed');
    expect(failure?.message).toMatch(/^cannot save to the project store at .*skipwire\.db: the disk is full \(database or disk is full\) \(nothing was saved; the open document is unchanged\)$/);
    expect((await c.open({ id: p.id })).project.revision).toBe(revision);
  });

  it('a damaged store is moved aside with a warning naming both paths, and work goes on', async () => {
    const path = join(dir, 'skipwire.db');
    writeFileSync(path, Buffer.alloc(4096, 0x5a));
    const hash = sha256File(path);
    const h = host();
    const c = h.as('w').projects;
    expect((await c.list({})).projects).toEqual([]);
    const status = await c.storeStatus({});
    expect(status.available).toBe(true);
    expect(status.movedAside?.from).toBe(path);
    expect(sha256File(status.movedAside?.to ?? '')).toBe(hash);
    const notice = h.events.find((e) => e.service === 'system' && e.event === 'notice');
    expect(notice?.payload).toEqual({
      level: 'warning',
      message: `The project store at ${path} was damaged (not a SQLite database (its header is wrong)); it was moved aside to ${status.movedAside?.to ?? ''}, untouched, and a fresh store was started.`,
    });
    await c.create({ name: 'after', document: chainDocument(1) });
    expect((await c.list({})).projects.map((p) => p.name)).toEqual(['after']);
  });
});
