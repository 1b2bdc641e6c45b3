import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyDocument } from '../src-shared/graph/document.js';
import type { GraphDocument } from '../src-shared/graph/document.js';
import { createBackend } from '../src-main/services/registry.js';
import { saveProjectVersion, saveToProject } from '../src-renderer/editor/project-save.js';
import { TestHost } from '../src-renderer/host/test-host.js';

/** Save / Save version from the renderer against the real projects service and store. */
let dir: string;
let host: TestHost;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'skipwire-save-'));
  host = new TestHost(createBackend({ mode: 'browser', modeReason: 'save test', dataDir: dir }));
});
afterEach(() => {
  host.close();
  rmSync(dir, { recursive: true, force: true });
});

function net(name: string, kinds: string[]): GraphDocument {
  const doc = emptyDocument(name);
  kinds.forEach((kind, i) => (doc.nodes[`n${i}`] = { id: `n${i}`, kind, params: {}, position: { x: i * 300, y: 0 } }));
  return doc;
}

describe('saveToProject / saveProjectVersion', () => {
  it('the first save creates a project named after the network (or "Untitled network"); later saves move the revision on', async () => {
    const first = await saveToProject(host.api, net('My net', ['ReLU']), undefined);
    expect(first).toMatchObject({ ok: true, created: true, message: 'Saved as a new project “My net”.' });
    const unnamed = await saveToProject(host.api, net('  ', []), undefined);
    expect(unnamed.message).toBe('Saved as a new project “Untitled network”.');
    const again = await saveToProject(host.api, net('My net', ['ReLU', 'Dropout']), first.target);
    expect(again).toMatchObject({ ok: true, created: false, target: { projectId: first.target?.projectId, revision: (first.target?.revision ?? 0) + 1 } });
  });

  it('a save from a stale revision is refused: nothing is overwritten and the message says so', async () => {
    const first = await saveToProject(host.api, net('Shared', ['ReLU']), undefined);
    const t = first.target;
    if (t === undefined) throw new Error('no target');
    await saveToProject(host.api, net('Shared', ['Dropout']), t);
    const stale = await saveToProject(host.api, net('Shared', ['Conv2D']), t);
    expect(stale.ok).toBe(false);
    expect(stale.message).toMatch(/^Not saved: this project was saved elsewhere \(revision 1, this window had 0\)\. Nothing was overwritten/);
    const wc = await host.api.projects.open({ id: t.projectId });
    expect(Object.values((wc.document as unknown as GraphDocument).nodes).map((n) => n.kind)).toEqual(['Dropout']);
  });

  it('Save version saves, then freezes a version with the message (refused saves freeze nothing)', async () => {
    const r = await saveProjectVersion(host.api, net('V', ['ReLU']), undefined, 'first');
    expect(r).toMatchObject({ ok: true, created: true, message: 'Saved version 1 — first.' });
    const id = r.target?.projectId ?? '';
    const stale = await saveProjectVersion(host.api, net('V', ['Conv2D']), { projectId: id, revision: 7 }, 'nope');
    expect(stale.ok).toBe(false);
    const { versions } = await host.api.projects.versions({ id });
    expect(versions.map((v) => [v.number, v.message])).toEqual([[1, 'first']]);
  });
});
