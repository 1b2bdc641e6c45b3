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
import { useDiscarded } from '../src-renderer/projects/discarded.js';
import { ProjectSession } from '../src-renderer/projects/session.js';
import type { UnsavedChoice, UnsavedQuestion } from '../src-renderer/projects/session.js';
import { useProject } from '../src-renderer/state/project-store.js';

/**
 * No lost work (issue 15, item 6): the Save / Discard / Cancel question before the network is
 * replaced, Discard kept for the session, and the draft of a network in no project, against the
 * real projects service and SQLite store with the editor's real store. The person's answers are
 * given by the test; only the debounce clock is driven by hand.
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
  now = (): number => 5_000;
  fire(): void {
    for (const t of this.timers.splice(0)) t.fn();
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
let stops: (() => void)[];
let notices: { level: string; message: string; action?: { label: string; run(): void } }[];
/** The questions asked, and the answers the person gives next. */
let asked: UnsavedQuestion[];
let answers: UnsavedChoice[];

function newSession(draftId: string): ProjectSession {
  const s = new ProjectSession(host.api, editor, (level, message, opts) => notices.push({ level, message, ...(opts?.action === undefined ? {} : { action: opts.action }) }), { schedule: clock.schedule, now: clock.now }, draftId);
  s.beforeReplace = (q) => {
    asked.push(q);
    const a = answers.shift();
    if (a === undefined) throw new Error(`asked “${q.what}” with no answer ready`);
    return Promise.resolve(a);
  };
  stops.push(s.start());
  return s;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'skipwire-nolost-'));
  backend = createBackend({ mode: 'browser', modeReason: 'no-lost-work test', dataDir: dir });
  host = new TestHost(backend);
  editor = createEditorStore({ layout: stubLayout });
  clock = new Clock();
  notices = [];
  asked = [];
  answers = [];
  stops = [];
  useProject.setState({ current: undefined, name: undefined, autosave: { kind: 'detached' } });
  useDiscarded.setState({ items: [] });
  session = newSession('window-1');
});
afterEach(() => {
  for (const s of stops.splice(0)) s();
  host.close();
  rmSync(dir, { recursive: true, force: true });
});

function add(kind: string): void {
  const n = Object.keys(editor.getState().doc.nodes).length;
  expect(editor.getState().addLayer(kind, { x: n * 300, y: 0 })).not.toBeNull();
}

async function settle(): Promise<void> {
  clock.fire();
  await session.autosaver.idle();
  await session.drafts.flush();
}

const kinds = (doc: GraphDocument): string[] =>
  Object.values(doc.nodes)
    .map((n) => n.kind)
    .sort();

async function projects(): Promise<string[]> {
  return (await host.api.projects.list({})).projects.map((p) => p.name);
}

describe('unsaved work outside a project', () => {
  it('is edits since the network was loaded: none on a fresh or loaded network, none once undone back', () => {
    expect(session.hasUnsavedOutside()).toBe(false);
    add('Conv2D');
    expect(session.hasUnsavedOutside()).toBe(true);
    editor.getState().undo();
    expect(session.hasUnsavedOutside()).toBe(false);
    editor.getState().redo();
    expect(session.hasUnsavedOutside()).toBe(true);
    editor.getState().load(emptyDocument('Loaded'));
    expect(session.hasUnsavedOutside()).toBe(false);
  });

  it('Cancel changes nothing: no project, the network and its undo history stay', async () => {
    add('Conv2D');
    add('ReLU');
    const before = editor.getState().doc;
    answers.push('cancel');
    expect(await session.confirmReplace('start a new network')).toBe('cancelled');
    expect(asked).toEqual([{ what: 'start a new network', name: 'Untitled network', project: null }]);
    expect(editor.getState().doc).toBe(before);
    expect(editor.getState().history.past).toHaveLength(2);
    expect(await projects()).toEqual([]);
    expect(useDiscarded.getState().items).toEqual([]);
  });

  it('Save saves it into a new project (as the Save button does) and then lets the replacement go on', async () => {
    editor.getState().setMeta({ name: 'Mine' });
    add('Conv2D');
    answers.push('save');
    expect(await session.confirmReplace('open “x.skipwire.json”')).toBe('saved');
    const [p] = (await host.api.projects.list({})).projects;
    expect(p?.name).toBe('Mine');
    const wc = await host.api.projects.open({ id: p?.id ?? '' });
    expect(kinds(wc.document as unknown as GraphDocument)).toEqual(['Conv2D']);
    expect(notices.at(-1)?.message).toBe('Saved as a new project “Mine”.');
    // Nothing is unsaved now: the next replacement asks nothing.
    expect(await session.confirmReplace('start a new network')).toBe('clean');
    expect(asked).toHaveLength(1);
  });

  it('Discard lets it go, keeps it for the session, and Undo brings it back exactly, in no project', async () => {
    editor.getState().setMeta({ name: 'Keeper' });
    add('Conv2D');
    add('BatchNorm');
    const mine = editor.getState().doc;
    answers.push('discard');
    expect(await session.confirmReplace('start a new network')).toBe('discarded');
    editor.getState().load(emptyDocument());
    expect(useDiscarded.getState().items.map((d) => [d.name, d.layers, d.project])).toEqual([['Keeper', 2, null]]);
    const undo = notices.at(-1);
    expect(undo?.message).toContain('Discarded “Keeper”');
    expect(undo?.action?.label).toBe('Undo');
    undo?.action?.run();
    await expect.poll(() => editor.getState().doc).toEqual(mine);
    expect(useDiscarded.getState().items).toEqual([]);
    expect(useProject.getState().current).toBeUndefined();
    // Back, it counts as unsaved work again (a New now asks).
    expect(session.hasUnsavedOutside()).toBe(true);
    answers.push('cancel');
    expect(await session.confirmReplace('start a new network')).toBe('cancelled');
  });

  it('a discarded network brought back while a project is open never goes into that project', async () => {
    add('Conv2D');
    const p = await host.api.projects.create({ name: 'Other' });
    answers.push('discard');
    expect(await session.open(p.id)).toBe(true);
    expect(useProject.getState().current?.projectId).toBe(p.id);
    const [d] = useDiscarded.getState().items;
    expect(await session.restoreDiscarded(d?.id ?? -1)).toBe(true);
    expect(kinds(editor.getState().doc)).toEqual(['Conv2D']);
    expect(useProject.getState().current).toBeUndefined();
    add('ReLU');
    await settle();
    const wc = await host.api.projects.open({ id: p.id });
    expect(kinds(wc.document as unknown as GraphDocument)).toEqual([]);
    expect(await projects()).toEqual(['Other']);
  });

  it('opening a project over unsaved work asks; Cancel keeps the network where it is', async () => {
    add('Conv2D');
    const p = await host.api.projects.create({ name: 'Elsewhere' });
    answers.push('cancel');
    expect(await session.open(p.id)).toBe(false);
    expect(asked[0]?.what).toBe('open the project');
    expect(kinds(editor.getState().doc)).toEqual(['Conv2D']);
    expect(useProject.getState().current).toBeUndefined();
  });
});

describe('unsaved work in a project', () => {
  it('pending edits are saved into the project first, without a question', async () => {
    const p = await host.api.projects.create({ name: 'Open one' });
    expect(await session.open(p.id)).toBe(true);
    add('Conv2D');
    expect(session.autosaver.isDirty).toBe(true);
    expect(await session.confirmReplace('start a new network')).toBe('clean');
    expect(asked).toEqual([]);
    const wc = await host.api.projects.open({ id: p.id });
    expect(kinds(wc.document as unknown as GraphDocument)).toEqual(['Conv2D']);
  });

  it('changes that cannot be saved (a conflict) are put to the person, naming the project', async () => {
    const p = await host.api.projects.create({ name: 'Contested' });
    await session.open(p.id);
    await host.api.projects.saveWorkingCopy({ id: p.id, document: emptyDocument('Contested'), baseRevision: 0 });
    add('Conv2D');
    await settle();
    expect(useProject.getState().autosave.kind).toBe('conflict');
    answers.push('cancel');
    expect(await session.confirmReplace('start a new network')).toBe('cancelled');
    expect(asked[0]).toEqual({ what: 'start a new network', name: 'Contested', project: 'Contested' });
    // Save cannot save over the other window's save: it says so, and nothing is replaced.
    answers.push('save');
    expect(await session.confirmReplace('start a new network')).toBe('cancelled');
    expect(notices.at(-1)).toMatchObject({ level: 'error', message: expect.stringMatching(/saved in another window.*Nothing was replaced\.$/) });
    expect(kinds(editor.getState().doc)).toEqual(['Conv2D']);
    answers.push('discard');
    expect(await session.confirmReplace('start a new network')).toBe('discarded');
    expect(useDiscarded.getState().items.map((d) => d.project)).toEqual(['Contested']);
  });
});

describe('the draft of a network in no project', () => {
  it('is kept in the store on every edit (debounced), exactly; removed once it is saved into a project', async () => {
    editor.getState().setMeta({ name: 'Loose' });
    add('Conv2D');
    add('ReLU');
    expect((await host.api.projects.drafts({})).drafts).toEqual([]);
    await settle();
    const [d] = (await host.api.projects.drafts({})).drafts;
    expect(d).toMatchObject({ id: 'window-1', name: 'Loose', layers: 2 });
    expect((await host.api.projects.openDraft({ id: 'window-1' })).document).toEqual(editor.getState().doc);
    add('BatchNorm');
    await settle();
    expect((await host.api.projects.openDraft({ id: 'window-1' })).document).toEqual(editor.getState().doc);
    expect((await session.save()).ok).toBe(true);
    await session.drafts.flush();
    expect((await host.api.projects.drafts({})).drafts).toEqual([]);
    // In a project, edits go to the project, not to a draft.
    add('Dropout');
    await settle();
    expect((await host.api.projects.drafts({})).drafts).toEqual([]);
  });

  it('a removal is never overtaken by a write queued before it (the draft of a network just saved does not come back)', async () => {
    add('Conv2D');
    clock.fire(); // the debounced write goes out …
    void session.drafts.clear(); // … and the network joins a project before it lands
    add('ReLU'); // (an edit after, still in no project: kept again)
    void session.drafts.clear();
    await session.drafts.flush();
    expect((await host.api.projects.drafts({})).drafts).toEqual([]);
    add('BatchNorm');
    await settle();
    expect((await host.api.projects.drafts({})).drafts.map((d) => d.layers)).toEqual([3]);
  });

  it('a discarded network’s draft is removed (it lives on in the session only)', async () => {
    add('Conv2D');
    await settle();
    expect((await host.api.projects.drafts({})).drafts).toHaveLength(1);
    answers.push('discard');
    await session.confirmReplace('start a new network');
    editor.getState().load(emptyDocument());
    await session.drafts.flush();
    expect((await host.api.projects.drafts({})).drafts).toEqual([]);
  });

  it('the next start offers it; recovering restores it exactly and makes it the new window’s draft; declining removes it', async () => {
    editor.getState().setMeta({ name: 'Before the crash' });
    add('Conv2D');
    add('BatchNorm');
    editor.getState().moveNodes({ [Object.keys(editor.getState().doc.nodes)[0] ?? '']: { x: 12.5, y: -40 } });
    await settle();
    const left = editor.getState().doc;
    // The window closes; the app starts again with an empty canvas and a new window id.
    for (const s of stops.splice(0)) s();
    editor = createEditorStore({ layout: stubLayout });
    useProject.setState({ current: undefined, name: undefined, autosave: { kind: 'detached' } });
    session = newSession('window-2');
    const offered = await session.otherDrafts();
    expect(offered.map((d) => [d.id, d.name, d.layers])).toEqual([['window-1', 'Before the crash', 2]]);
    expect(await session.recoverDraft('window-1')).toBe(true);
    expect(editor.getState().doc).toEqual(left);
    expect(useProject.getState().current).toBeUndefined();
    expect((await host.api.projects.drafts({})).drafts.map((d) => d.id)).toEqual(['window-2']);
    expect(session.hasUnsavedOutside()).toBe(true);
    expect(await session.otherDrafts()).toEqual([]);

    // Another start: declining removes it for good.
    for (const s of stops.splice(0)) s();
    editor = createEditorStore({ layout: stubLayout });
    session = newSession('window-3');
    expect((await session.otherDrafts()).map((d) => d.id)).toEqual(['window-2']);
    await session.declineDraft('window-2');
    expect((await host.api.projects.drafts({})).drafts).toEqual([]);
  });
});
