import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContractError, Dispatcher, createClients, projectsService } from '../../../src-shared/api/index.js';
import type { Clients } from '../../../src-shared/api/index.js';
import { DB_FILE } from './open.js';
import { createProjectsService } from './projects-service.js';
import type { ProjectsBackend } from './projects-service.js';
import { Store } from './store.js';
import { chainDocument, tempDir } from './test-helpers.js';

/**
 * Drafts (a window's network that is in no project) in the real SQLite store, in a temp folder:
 * through the Store and end to end through the `projects` contract.
 */

let dir: string;
let cleanup: () => void;
const closers: (() => void)[] = [];

beforeEach(() => {
  ({ dir, cleanup } = tempDir('skipwire-drafts-'));
});
afterEach(() => {
  for (const c of closers.splice(0)) c();
  cleanup();
});

function open(clock?: () => number): Store {
  const s = Store.open(dir, clock === undefined ? {} : { clock });
  closers.push(() => s.close());
  return s;
}

function clients(): { c: Clients; backend: ProjectsBackend } {
  const d = new Dispatcher();
  const backend = createProjectsService({ dataDir: dir, dispatcher: d });
  closers.push(() => backend.close());
  d.provide(projectsService, backend.impl);
  return { backend, c: createClients((s, m, i) => d.call(s, m, i, { transport: 'in-process', clientId: 'w1' })) };
}

describe('Store drafts', () => {
  it('keeps one draft per window, replaced on every save, read back exactly, newest first', () => {
    let t = 1_000;
    const s = open(() => t);
    expect(s.listDrafts()).toEqual([]);
    const a1 = chainDocument(2, 'first');
    expect(s.saveDraft('win-a', a1)).toEqual({ id: 'win-a', name: 'first', layers: 2, savedAt: 1_000 });
    t = 2_000;
    s.saveDraft('win-b', chainDocument(5, 'other window'));
    t = 3_000;
    const a2 = chainDocument(3, 'first, edited', 32);
    a2.nodes.c2 = { ...a2.nodes.c2!, position: { x: 123.5, y: -7.25 } };
    s.saveDraft('win-a', a2);
    expect(s.listDrafts()).toEqual([
      { id: 'win-a', name: 'first, edited', layers: 3, savedAt: 3_000 },
      { id: 'win-b', name: 'other window', layers: 5, savedAt: 2_000 },
    ]);
    const back = s.readDraft('win-a');
    expect(back.document).toEqual(a2);
    expect(back.draft.layers).toBe(3);
    // Survives closing and reopening the store (it is on disk, not in memory).
    s.close();
    const again = open();
    expect(again.readDraft('win-a').document).toEqual(a2);
    expect(again.removeDraft('win-a')).toBe(true);
    expect(again.removeDraft('win-a')).toBe(false);
    expect(again.listDrafts().map((d) => d.id)).toEqual(['win-b']);
    expect(() => again.readDraft('win-a')).toThrow(/no draft with id win-a/);
  });

  it('drafts live beside projects and change none of them', () => {
    const s = open();
    const p = s.createProject('Kept', chainDocument(1, 'Kept'));
    s.saveDraft('w', chainDocument(4, 'loose'));
    expect(s.listProjects().map((x) => [x.id, x.revision])).toEqual([[p.id, 0]]);
    s.deleteProject(p.id);
    expect(s.listDrafts()).toHaveLength(1);
  });

  it('a draft row that does not read back (hand-edited file) is an error naming the store, not a silent default', () => {
    const s = open();
    s.saveDraft('w', chainDocument(1));
    const raw = new Database(join(dir, DB_FILE));
    raw.prepare('UPDATE drafts SET document = ? WHERE id = ?').run('{"nodes": {}}', 'w');
    raw.close();
    expect(() => s.readDraft('w')).toThrow(/holds a draft w that does not read back/);
  });
});

describe('projects contract: drafts', () => {
  it('saveDraft / drafts / openDraft / removeDraft round-trip a network exactly', async () => {
    const { c } = clients();
    const doc = chainDocument(3, 'Loose network');
    const kept = await c.projects.saveDraft({ id: 'window-1', document: doc });
    expect(kept).toMatchObject({ id: 'window-1', name: 'Loose network', layers: 3 });
    expect((await c.projects.drafts({})).drafts.map((d) => d.id)).toEqual(['window-1']);
    const back = await c.projects.openDraft({ id: 'window-1' });
    expect(back.document).toEqual(doc);
    expect(await c.projects.removeDraft({ id: 'window-1' })).toEqual({ removed: true });
    expect((await c.projects.drafts({})).drafts).toEqual([]);
    expect(await c.projects.removeDraft({ id: 'window-1' })).toEqual({ removed: false });
  });

  it('refuses what is not a document and a bad id, keeping nothing', async () => {
    const { c } = clients();
    const refused = async (p: Promise<unknown>): Promise<ContractError> => {
      try {
        await p;
      } catch (e) {
        if (e instanceof ContractError) return e;
        throw e;
      }
      throw new Error('expected a refusal');
    };
    const notDoc = await refused(c.projects.saveDraft({ id: 'w', document: { schemaVersion: 1, nodes: 'no' } }));
    expect(notDoc.code).toBe('bad-request');
    expect(notDoc.message).toMatch(/^the draft: /);
    const badId = await refused(c.projects.saveDraft({ id: 'no spaces/allowed', document: chainDocument(1) }));
    expect(badId.code).toBe('bad-request');
    const missing = await refused(c.projects.openDraft({ id: 'nobody' }));
    expect(missing.code).toBe('bad-request');
    expect((await c.projects.drafts({})).drafts).toEqual([]);
  });
});
