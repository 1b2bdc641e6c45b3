import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Dispatcher } from '../src-shared/api/index.js';
import { emptyDocument } from '../src-shared/graph/document.js';
import type { GraphDocument, NodeId, Position } from '../src-shared/graph/document.js';
import { createBackend } from '../src-main/services/registry.js';
import { createEditorStore } from '../src-renderer/editor/store.js';
import type { EditorStore } from '../src-renderer/editor/store.js';
import { TestHost } from '../src-renderer/host/test-host.js';
import { ProjectSession } from '../src-renderer/projects/session.js';
import { useProject } from '../src-renderer/state/project-store.js';

/**
 * The renderer's project session (autosave, open, restore, conflicts) against the real projects
 * service and SQLite store, with the editor's real store; only the debounce clock is driven by hand.
 */

class Clock {
  private timers: { fn: () => void; id: number }[] = [];
  private next = 0;
  schedule = (fn: () => void): (() => void) => {
    const id = this.next++;
    this.timers.push({ fn, id });
    return () => {
      this.timers = this.timers.filter((t) => t.id !== id);
    };
  };
  now = (): number => 1_000;
  /** Runs the pending debounce timers (the second after the last edit has passed). */
  fire(): void {
    const due = this.timers.splice(0);
    for (const t of due) t.fn();
  }
}

const stubLayout = (doc: GraphDocument): Promise<Record<NodeId, Position>> =>
  Promise.resolve(Object.fromEntries(Object.keys(doc.nodes).map((id, i) => [id, { x: i * 300, y: 0 }])));

let dir: string;
let backend: Dispatcher;
let host: TestHost;
let editor: EditorStore;
let clock: Clock;
let session: ProjectSession;
let stop: () => void;
let notices: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'skipwire-session-'));
  backend = createBackend({ mode: 'browser', modeReason: 'session test', dataDir: dir });
  host = new TestHost(backend);
  editor = createEditorStore({ layout: stubLayout });
  clock = new Clock();
  notices = [];
  useProject.setState({ current: undefined, name: undefined, autosave: { kind: 'detached' } });
  session = new ProjectSession(host.api, editor, (_level, m) => notices.push(m), { schedule: clock.schedule, now: clock.now });
  stop = session.start();
});
afterEach(() => {
  stop();
  host.close();
  rmSync(dir, { recursive: true, force: true });
});

const kinds = (doc: { nodes: Record<string, unknown> }): string[] =>
  Object.values(doc.nodes as Record<string, { kind: string }>)
    .map((n) => n.kind)
    .sort();

async function settle(): Promise<void> {
  clock.fire();
  await session.autosaver.idle();
}

async function workingCopy(id: string): Promise<{ kinds: string[]; revision: number }> {
  const r = await host.api.projects.open({ id });
  return { kinds: kinds(r.document as unknown as GraphDocument), revision: r.project.revision };
}

function add(kind: string): void {
  const n = Object.keys(editor.getState().doc.nodes).length;
  expect(editor.getState().addLayer(kind, { x: n * 300, y: 0 })).not.toBeNull();
}

describe('ProjectSession', () => {
  it('a network in no project is not saved; Save creates its project and then every burst of edits is one save', async () => {
    add('Conv2D');
    await settle();
    expect((await host.api.projects.list({})).projects).toHaveLength(0);
    expect(useProject.getState().autosave.kind).toBe('detached');

    const r = await session.save();
    expect(r.ok && r.created).toBe(true);
    const id = useProject.getState().current?.projectId ?? '';
    const start = (await workingCopy(id)).revision;
    add('ReLU');
    add('BatchNorm');
    expect(useProject.getState().autosave.kind).toBe('unsaved');
    await settle();
    const wc = await workingCopy(id);
    expect(wc).toEqual({ kinds: ['BatchNorm', 'Conv2D', 'ReLU'], revision: start + 1 });
    expect(useProject.getState().current).toEqual({ projectId: id, revision: start + 1 });
    expect(useProject.getState().autosave.kind).toBe('saved');
  });

  it('opening a project loads its working copy and autosaves into it; a network loaded by anything else leaves the project', async () => {
    const p = await host.api.projects.create({ name: 'Opened' });
    expect(await session.open(p.id)).toBe(true);
    expect(editor.getState().doc.meta.name).toBe('Opened');
    expect(useProject.getState()).toMatchObject({ current: { projectId: p.id, revision: 0 }, name: 'Opened' });
    add('Conv2D');
    await settle();
    expect((await workingCopy(p.id)).kinds).toEqual(['Conv2D']);

    editor.getState().load(emptyDocument('Elsewhere'));
    expect(useProject.getState().current).toBeUndefined();
    expect(useProject.getState().autosave.kind).toBe('detached');
    add('ReLU');
    await settle();
    expect((await workingCopy(p.id)).kinds).toEqual(['Conv2D']);
  });

  it('a network the template gallery loads after "From template…" becomes a new project', async () => {
    let created = false;
    session.createOnNextLoad(() => (created = true));
    const doc = emptyDocument('From a template');
    await editor.getState().loadLaidOut(doc);
    await expect.poll(() => created).toBe(true);
    const [p] = (await host.api.projects.list({})).projects;
    expect(p?.name).toBe('From a template');
    expect(useProject.getState().current?.projectId).toBe(p?.id);
  });

  it('a refused save is a conflict: nothing is overwritten; Keep mine, Save mine as a new project and Load theirs each resolve it', async () => {
    const p = await host.api.projects.create({ name: 'Shared' });
    await session.open(p.id);
    // Another window saves first.
    const theirs = emptyDocument('Shared');
    theirs.nodes.other = { id: 'other', kind: 'Dropout', params: { rate: 0.5 }, position: { x: 0, y: 0 } };
    const saved = await host.api.projects.saveWorkingCopy({ id: p.id, document: theirs, baseRevision: 0 });
    expect(saved.saved).toBe(true);

    add('Conv2D');
    await settle();
    expect(useProject.getState().autosave).toMatchObject({ kind: 'conflict', theirRevision: 1, myRevision: 0 });
    expect((await workingCopy(p.id)).kinds).toEqual(['Dropout']);
    add('ReLU');
    await settle();
    expect((await workingCopy(p.id)).kinds).toEqual(['Dropout']);
    expect((await session.save()).ok).toBe(false);
    expect((await workingCopy(p.id)).kinds).toEqual(['Dropout']);

    expect(await session.keepMine()).toBe(true);
    expect(await workingCopy(p.id)).toEqual({ kinds: ['Conv2D', 'ReLU'], revision: 2 });
    expect(useProject.getState().autosave.kind).toBe('saved');

    // Again, and keep both.
    await host.api.projects.saveWorkingCopy({ id: p.id, document: theirs, baseRevision: 2 });
    add('BatchNorm');
    await settle();
    expect(useProject.getState().autosave.kind).toBe('conflict');
    expect(await session.saveMineAsNew()).toBe(true);
    const mine = useProject.getState().current?.projectId ?? '';
    expect(mine).not.toBe(p.id);
    expect(useProject.getState().name).toBe('Shared (mine)');
    expect((await workingCopy(mine)).kinds).toEqual(['BatchNorm', 'Conv2D', 'ReLU']);
    expect((await workingCopy(p.id)).kinds).toEqual(['Dropout']);

    // Back on the shared one: a conflict, then theirs.
    await session.open(p.id);
    await host.api.projects.saveWorkingCopy({ id: p.id, document: { ...theirs, nodes: {} }, baseRevision: 3 });
    add('Conv2D');
    await settle();
    expect(useProject.getState().autosave.kind).toBe('conflict');
    expect(await session.loadTheirs()).toBe(true);
    expect(Object.keys(editor.getState().doc.nodes)).toEqual([]);
    expect(useProject.getState()).toMatchObject({ current: { projectId: p.id, revision: 4 }, autosave: { kind: 'saved' } });
  });

  it('a window with nothing unsaved follows another window’s save; one with edits keeps them for the conflict banner', async () => {
    const p = await host.api.projects.create({ name: 'Followed' });
    await session.open(p.id);
    const events: { id: string; revision: number; what?: string | undefined }[] = [];
    const off = host.on('projects', 'changed', (e) => events.push(e));
    const theirs = emptyDocument('Followed');
    theirs.nodes.other = { id: 'other', kind: 'Dropout', params: { rate: 0.5 }, position: { x: 0, y: 0 } };
    await host.api.projects.saveWorkingCopy({ id: p.id, document: theirs, baseRevision: 0 });
    await expect.poll(() => events.some((e) => e.id === p.id && e.revision === 1)).toBe(true);
    const followed = await Promise.all(events.splice(0).map((e) => session.followElsewhere(e)));
    expect(followed).toContain(true);
    expect(kinds(editor.getState().doc)).toEqual(['Dropout']);
    expect(useProject.getState()).toMatchObject({ current: { projectId: p.id, revision: 1 }, autosave: { kind: 'saved' } });
    expect(notices.at(-1)).toMatch(/^Updated: “Followed” was saved in another window \(revision 1\)/);

    // With an edit of its own pending, the window does not follow: the save then meets the conflict.
    add('Conv2D');
    await host.api.projects.saveWorkingCopy({ id: p.id, document: { ...theirs, nodes: {} }, baseRevision: 1 });
    await expect.poll(() => events.some((e) => e.revision === 2)).toBe(true);
    expect(await Promise.all(events.splice(0).map((e) => session.followElsewhere(e)))).not.toContain(true);
    expect(kinds(editor.getState().doc)).toEqual(['Conv2D', 'Dropout']);
    await settle();
    expect(useProject.getState().autosave).toMatchObject({ kind: 'conflict', theirRevision: 2 });
    off();
  });

  it('restoring a version keeps the current network as a version first, then loads the restored one as the working copy', async () => {
    const p = await host.api.projects.create({ name: 'Versions' });
    await session.open(p.id);
    add('Conv2D');
    const v1 = await session.saveVersion('one conv');
    expect(v1.message).toBe('Saved version 1 — one conv.');
    add('ReLU');
    await settle();
    const { versions } = await host.api.projects.versions({ id: p.id });
    const first = versions.find((v) => v.number === 1);
    expect(await session.restoreVersion(first?.id ?? '', 'version 1')).toBe(true);
    expect(kinds(editor.getState().doc)).toEqual(['Conv2D']);
    expect((await workingCopy(p.id)).kinds).toEqual(['Conv2D']);
    const after = (await host.api.projects.versions({ id: p.id })).versions;
    expect(after.map((v) => [v.number, v.message])).toEqual([
      [2, 'Before restoring version 1'],
      [1, 'one conv'],
    ]);
    const kept = await host.api.projects.getVersion({ id: p.id, versionId: after[0]?.id ?? '' });
    expect(kinds(kept.document as unknown as GraphDocument)).toEqual(['Conv2D', 'ReLU']);
    // Restoring again with nothing new keeps no extra version.
    expect(await session.restoreVersion(first?.id ?? '', 'version 1')).toBe(true);
    expect((await host.api.projects.versions({ id: p.id })).versions).toHaveLength(2);
    // And autosave goes on from the restored revision.
    add('BatchNorm');
    await settle();
    expect((await workingCopy(p.id)).kinds).toEqual(['BatchNorm', 'Conv2D']);
  });

  it('renaming the open project renames its network (an undoable, autosaved edit)', async () => {
    const p = await host.api.projects.create({ name: 'Before' });
    await session.open(p.id);
    await host.api.projects.rename({ id: p.id, name: 'After' });
    session.renamed(p.id, 'After');
    expect(editor.getState().doc.meta.name).toBe('After');
    expect(useProject.getState().name).toBe('After');
    await settle();
    const r = await host.api.projects.open({ id: p.id });
    expect((r.document as unknown as GraphDocument).meta.name).toBe('After');
  });
});

describe('ProjectSession when saving fails', () => {
  it('a project deleted in another window: autosave says why, nothing is lost, and the network can become a new project', async () => {
    const p = await host.api.projects.create({ name: 'Doomed' });
    await session.open(p.id);
    await host.api.projects.trash({ id: p.id });
    await host.api.projects.deleteForever({ id: p.id });
    add('Conv2D');
    await settle();
    const s = useProject.getState().autosave;
    expect(s.kind).toBe('error');
    expect(s.kind === 'error' ? s.message : '').toContain(p.id);
    expect(notices.at(-1)).toMatch(/^Not saved: .*the next edit or Save tries again\.$/);
    expect((await session.save()).ok).toBe(false);
    expect(kinds(editor.getState().doc)).toEqual(['Conv2D']);
    expect(await session.saveMineAsNew()).toBe(true);
    const now = useProject.getState().current?.projectId ?? '';
    expect(useProject.getState().name).toBe('Doomed (mine)');
    expect((await workingCopy(now)).kinds).toEqual(['Conv2D']);
    add('ReLU');
    await settle();
    expect((await workingCopy(now)).kinds).toEqual(['Conv2D', 'ReLU']);
  });
});

describe('ProjectSession keeps unsaved changes when opening another project', () => {
  it('saves pending edits first, and refuses (saying why) while they are in conflict', async () => {
    const a = await host.api.projects.create({ name: 'A' });
    const b = await host.api.projects.create({ name: 'B' });
    await session.open(a.id);
    add('Conv2D');
    // No debounce has fired: opening B saves A's edit first.
    expect(await session.open(b.id)).toBe(true);
    expect((await workingCopy(a.id)).kinds).toEqual(['Conv2D']);

    await host.api.projects.saveWorkingCopy({ id: b.id, document: emptyDocument('B'), baseRevision: 0 });
    add('ReLU');
    await settle();
    expect(useProject.getState().autosave.kind).toBe('conflict');
    expect(await session.open(a.id)).toBe(false);
    expect(notices.at(-1)).toContain('Not opened');
    expect(useProject.getState().current?.projectId).toBe(b.id);
    expect(kinds(editor.getState().doc)).toEqual(['ReLU']);
  });
});
