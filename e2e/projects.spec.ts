import type { APIRequestContext, Page } from '@playwright/test';
import { brokenDocumentText, expect, ownAppForFile, test } from './app.js';
import { dragLayer, setParam } from './editor-helpers.js';

/**
 * Projects, autosave, versions and conflicts, as a person uses them. This file starts its own app
 * with its own data folder (the projects it leaves do not change what other specs see at start).
 */
const ownApp = ownAppForFile();

interface Summary {
  id: string;
  name: string;
  revision: number;
}

async function api<T>(request: APIRequestContext, method: string, data: object): Promise<T> {
  const r = await request.post(`${ownApp().origin}/api/projects/${method}`, { headers: { Authorization: `Bearer ${ownApp().token}` }, data });
  expect(r.ok(), `${method}: ${await r.text()}`).toBe(true);
  return ((await r.json()) as { value: T }).value;
}

const layers = (page: Page) => page.locator('.react-flow__node');
const status = (page: Page) => page.getByTestId('autosave-status');

async function start(page: Page): Promise<void> {
  await page.goto(ownApp().url);
  await expect(page.getByTestId('connection')).toHaveText(/connected/);
}

/** Creates an empty project from the projects page and lands in its editor. */
async function newProject(page: Page, name: string): Promise<void> {
  // (At start the app may still be deciding whether to show the projects page: click until it is there.)
  await expect(async () => {
    if (!(await page.getByTestId('projects-page').isVisible())) await page.getByTestId('projects-toggle').click();
    await expect(page.getByTestId('projects-page')).toBeVisible({ timeout: 1000 });
  }).toPass();
  await page.getByTestId('new-project-name').fill(name);
  await page.getByTestId('new-project').click();
  await expect(page.getByTestId('empty-editor')).toBeVisible();
  await expect(status(page)).toHaveText('Saved');
}

/** Adds a layer by dragging it from the palette, then waits for autosave. */
async function addLayer(page: Page, kind: string, x: number, y: number): Promise<void> {
  const before = await layers(page).count();
  await dragLayer(page, kind, x, y);
  await expect(layers(page)).toHaveCount(before + 1);
  await expect(status(page)).toHaveText('Saved');
}

async function workingCopyNodes(request: APIRequestContext, id: string): Promise<string[]> {
  const r = await api<{ document: { nodes: Record<string, { kind: string }> } }>(request, 'open', { id });
  return Object.values(r.document.nodes)
    .map((n) => n.kind)
    .sort();
}

test('a new network is in no project; a project is autosaved after each edit and reopens after a reload', async ({ page, request }) => {
  await start(page);
  await expect(page.getByTestId('empty-editor')).toBeVisible();
  await expect(status(page)).toHaveText('Not in a project — Save to keep it');
  await newProject(page, 'Alpha');
  await dragLayer(page, 'Conv2D', 300, 200);
  await expect(status(page)).toHaveText(/Unsaved changes|Saving…/);
  await expect(status(page)).toHaveText('Saved');
  await addLayer(page, 'ReLU', 300, 400);
  const [alpha] = (await api<{ projects: Summary[] }>(request, 'list', { query: 'Alpha' })).projects;
  expect(alpha?.name).toBe('Alpha');
  expect(await workingCopyNodes(request, alpha?.id ?? '')).toEqual(['Conv2D', 'ReLU']);

  await page.reload();
  await expect(page.getByTestId('connection')).toHaveText(/connected/);
  await expect(layers(page)).toHaveCount(2);
  await expect(layers(page).filter({ hasText: 'Conv 2D' })).toHaveCount(1);
  await expect(status(page)).toHaveText('Saved');

  // New leaves the project: the next start shows the projects page (there are projects).
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await expect(status(page)).toHaveText('Not in a project — Save to keep it');
  await page.reload();
  await expect(page.getByTestId('projects-page')).toBeVisible();
  await expect(page.getByTestId('project-row').filter({ hasText: 'Alpha' })).toBeVisible();
});

test('save a version with a message, change, compare, restore the earlier graph', async ({ page, request }) => {
  await start(page);
  await newProject(page, 'Beta');
  await addLayer(page, 'Conv2D', 300, 200);
  await page.getByRole('button', { name: 'Save version', exact: true }).click();
  await page.getByTestId('save-version-message').fill('one convolution');
  await page.getByTestId('save-version-confirm').click();
  await expect(page.getByTestId('notice')).toContainText('Saved version 1 — one convolution');

  await addLayer(page, 'ReLU', 300, 400);
  await addLayer(page, 'BatchNorm', 600, 300);
  await page.getByTestId('history-toggle').click();
  const panel = page.getByTestId('history-panel');
  await expect(panel.getByTestId('version-1')).toContainText('one convolution');
  await panel.getByTestId('history-save-version').click();
  await page.getByTestId('save-version-message').fill('relu and batch norm');
  await page.keyboard.press('Enter');
  await expect(panel.getByTestId('version-2')).toContainText('relu and batch norm');
  // Newest first.
  await expect(panel.locator('.version-row').first()).toHaveAttribute('data-testid', 'version-2');

  await panel.getByRole('checkbox', { name: 'Select version 1' }).check();
  await panel.getByRole('checkbox', { name: 'Select version 2' }).check();
  await panel.getByTestId('history-compare').click();
  const diff = panel.getByTestId('diff-view');
  await expect(diff).toContainText('version 1 → version 2');
  await expect(diff).toContainText('Layers: 2 added');
  await expect(diff.locator('.diff-added')).toHaveCount(2);
  await expect(diff).toContainText('(ReLU)');
  await expect(diff).toContainText('(BatchNorm)');

  // A change not kept in any version yet: restoring keeps it as a version first.
  await addLayer(page, 'Dropout', 120, 330);
  await panel.getByTestId('restore-1').click();
  await panel.getByTestId('restore-confirm-1').click();
  await expect(page.getByTestId('notice')).toContainText('Restored version 1');
  await expect(layers(page)).toHaveCount(1);
  await expect(panel.getByTestId('version-3')).toContainText('Before restoring version 1');
  const [beta] = (await api<{ projects: Summary[] }>(request, 'list', { query: 'Beta' })).projects;
  expect(await workingCopyNodes(request, beta?.id ?? '')).toEqual(['Conv2D']);
  const { versions } = await api<{ versions: { id: string; number: number }[] }>(request, 'versions', { id: beta?.id ?? '' });
  const v3 = versions.find((v) => v.number === 3);
  const kept = await api<{ document: { nodes: Record<string, { kind: string }> } }>(request, 'getVersion', { id: beta?.id ?? '', versionId: v3?.id ?? '' });
  expect(Object.values(kept.document.nodes).map((n) => n.kind).sort()).toEqual(['BatchNorm', 'Conv2D', 'Dropout', 'ReLU']);
  await page.reload();
  await expect(layers(page)).toHaveCount(1);
  await expect(status(page)).toHaveText('Saved');
});

test('a project from a template: the network is saved as laid out; a changed param shows before → after in the history', async ({ page, request }) => {
  await start(page);
  await expect(async () => {
    if (!(await page.getByTestId('projects-page').isVisible())) await page.getByTestId('projects-toggle').click();
    await expect(page.getByTestId('projects-page')).toBeVisible({ timeout: 1000 });
  }).toPass();
  await page.getByTestId('new-project-template').click();
  const gallery = page.getByTestId('gallery');
  await gallery.getByTestId('template-resnet').click();
  await page.locator('#template-resnet-depth').fill('20');
  await expect(gallery.getByTestId('template-preview')).toContainText('ResNet-20');
  await gallery.getByTestId('template-create').click();
  await expect(gallery).toBeHidden();
  await expect(page.getByTestId('notice')).toContainText('Created the project “ResNet-20');
  await expect(status(page)).toHaveText('Saved');
  const [p] = (await api<{ projects: Summary[] }>(request, 'list', { query: 'ResNet-20' })).projects;
  const saved = await api<{
    document: { nodes: Record<string, { id: string; kind: string; group?: string; params: Record<string, unknown>; position: { x: number; y: number } }>; groups: Record<string, { id: string; parent?: string; collapsed: boolean }> };
  }>(request, 'open', { id: p?.id ?? '' });
  const nodes = Object.values(saved.document.nodes);
  expect(nodes.length).toBeGreaterThan(40);
  // Saved as laid out and as shown: its stages collapsed (the view is part of the project), the
  // layers outside them and each stage at a spot of its own.
  const stages = Object.values(saved.document.groups).filter((g) => g.parent === undefined);
  expect(stages.map((g) => g.collapsed)).toEqual([true, true, true]);
  const outside = nodes.filter((n) => n.group === undefined).length;
  expect(new Set(nodes.map((n) => `${n.position.x},${n.position.y}`)).size).toBe(outside + stages.length);

  await page.getByRole('button', { name: 'Save version', exact: true }).click();
  await page.getByTestId('save-version-message').fill('ResNet-20 as generated');
  await page.getByTestId('save-version-confirm').click();
  await expect(page.getByTestId('notice')).toContainText('Saved version 1');

  // Widen the first convolution that is on screen.
  const conv = page.locator('.react-flow__node').filter({ hasText: 'Conv 2D' }).first();
  const convId = (await conv.getAttribute('data-id')) ?? '';
  const before = saved.document.nodes[convId]?.params.filters;
  await setParam(page, convId, 'filters', '32');
  await expect(status(page)).toHaveText('Saved');
  await page.getByTestId('history-toggle').click();
  const panel = page.getByTestId('history-panel');
  await panel.getByRole('checkbox', { name: 'Select version 1' }).check();
  await panel.getByTestId('history-compare').click();
  const diff = panel.getByTestId('diff-view');
  await expect(diff).toContainText('version 1 → current network');
  await expect(diff).toContainText(`filters: ${String(before)} → 32`);
  await expect(diff).toContainText('Layers: 1 changed');

  // The add now mismatches: take the fix (a 1×1 projection), and keep that as version 2.
  await page.getByRole('button', { name: /^Insert 1×1 conv/ }).first().click();
  await expect(status(page)).toHaveText('Saved');
  await panel.getByTestId('history-save-version').click();
  await page.getByTestId('save-version-message').fill('wider stem, projection shortcut');
  await page.getByTestId('save-version-confirm').click();
  await expect(panel.getByTestId('version-2')).toContainText('wider stem');
  await panel.getByRole('checkbox', { name: 'Select version 2' }).check();
  await expect(panel.getByTestId('history-compare')).toHaveText('Compare the two');
  await panel.getByTestId('history-compare').click();
  await expect(diff).toContainText('version 1 → version 2');
  await expect(diff).toContainText(/Layers: 2 added, 1 changed/);
  await expect(diff).toContainText('Connections:');
  await page.screenshot({ path: 'docs/screenshot-history.png' });
});

test('the projects page: recent first, search, rename, duplicate, trash and restore, delete forever', async ({ page, request }) => {
  await start(page);
  await newProject(page, 'Zeta other');
  await newProject(page, 'Gamma net');
  await addLayer(page, 'Conv2D', 300, 200);
  await page.getByRole('button', { name: 'Save version', exact: true }).click();
  await page.getByTestId('save-version-message').fill('first');
  await page.getByTestId('save-version-confirm').click();
  await expect(page.getByTestId('notice')).toContainText('Saved version 1');
  await page.getByTestId('projects-toggle').click();
  const rows = page.getByTestId('project-row');
  await expect(rows.first()).toContainText('Gamma net');
  await expect(rows.first()).toContainText('open here');
  await expect(rows.first()).toContainText('1 version · 0 runs');
  await expect(rows.filter({ hasText: 'Zeta other' })).toContainText('0 versions · 0 runs');

  await page.getByTestId('projects-search').fill('gamma');
  await expect(rows).toHaveCount(1);
  await page.getByTestId('projects-search').fill('no such project');
  await expect(page.getByTestId('projects-empty')).toContainText('No project matches');
  await page.getByTestId('projects-search').fill('');
  await expect(rows.filter({ hasText: 'Zeta other' })).toHaveCount(1);
  await expect(rows.nth(1)).toContainText('Zeta other');

  const gamma = rows.filter({ hasText: 'Gamma net' });
  await gamma.getByTestId('project-rename').click();
  await page.getByTestId('rename-input').fill('Gamma renamed');
  await page.getByTestId('rename-input').press('Enter');
  await expect(rows.filter({ hasText: 'Gamma renamed' })).toHaveCount(1);
  // The open network takes its project's new name.
  await expect(page.getByTestId('doc-title')).toHaveText('Gamma renamed');

  await rows.filter({ hasText: 'Gamma renamed' }).getByTestId('project-duplicate').click();
  await expect(rows.filter({ hasText: 'Gamma renamed (copy)' })).toHaveCount(1);
  await expect(status(page)).toHaveText('Saved');
  await page.screenshot({ path: 'docs/screenshot-projects.png' });

  // The copy opens with the same network.
  await rows.filter({ hasText: 'Gamma renamed (copy)' }).getByTestId('project-open').click();
  await expect(layers(page)).toHaveCount(1);
  await page.getByTestId('projects-toggle').click();

  await rows.filter({ hasText: 'Gamma renamed (copy)' }).getByTestId('project-trash').click();
  await expect(rows.filter({ hasText: 'Gamma renamed (copy)' })).toHaveCount(0);
  await page.getByTestId('trash-tab').click();
  await expect(rows).toHaveCount(1);
  await rows.first().getByTestId('project-restore').click();
  await expect(page.getByTestId('projects-empty')).toContainText('The trash is empty');
  await page.getByRole('tab', { name: 'Projects' }).click();
  await expect(rows.filter({ hasText: 'Gamma renamed (copy)' })).toHaveCount(1);

  await rows.filter({ hasText: 'Gamma renamed (copy)' }).getByTestId('project-trash').click();
  await page.getByTestId('trash-tab').click();
  await rows.first().getByTestId('project-delete-forever').click();
  await rows.first().getByTestId('delete-forever-confirm').click();
  await expect(page.getByTestId('projects-empty')).toContainText('The trash is empty');
  const all = (await api<{ projects: Summary[] }>(request, 'list', { includeTrashed: true })).projects.map((p) => p.name);
  expect(all).toContain('Gamma renamed');
  expect(all).not.toContain('Gamma renamed (copy)');
});

/**
 * Another writer saves the project now (as a third window would): `change` edits its nodes first.
 * Called right after an edit in a window, it lands inside that window's one-second autosave delay.
 */
async function writeElsewhere(request: APIRequestContext, id: string, change: (nodes: Record<string, object>) => void = () => {}): Promise<void> {
  const opened = await api<{ project: Summary; document: { nodes: Record<string, object> } }>(request, 'open', { id });
  change(opened.document.nodes);
  await api(request, 'saveWorkingCopy', { id, document: opened.document, baseRevision: opened.project.revision });
}

test('two windows on one project: a window with nothing unsaved follows the other; with edits of its own it sees the conflict, and nothing is overwritten until it chooses', async ({ page, context, request }) => {
  await start(page);
  await newProject(page, 'Shared');
  await addLayer(page, 'Conv2D', 300, 200);
  const [shared] = (await api<{ projects: Summary[] }>(request, 'list', { query: 'Shared' })).projects;
  const id = shared?.id ?? '';

  // A second tab of the same browser reopens the same project.
  const other = await context.newPage();
  await other.bringToFront();
  await start(other);
  await expect(layers(other)).toHaveCount(1);
  await expect(status(other)).toHaveText('Saved');

  // An edit in the first tab: the second, with nothing unsaved, follows it.
  await page.bringToFront();
  await addLayer(page, 'ReLU', 300, 400);
  expect(await workingCopyNodes(request, id)).toEqual(['Conv2D', 'ReLU']);
  await other.bringToFront();
  await expect(layers(other)).toHaveCount(2);
  await expect(other.getByTestId('notice')).toContainText('was saved in another window');
  await expect(status(other)).toHaveText('Saved');

  // An edit here while someone else saves: the conflict banner, nothing written.
  await dragLayer(other, 'BatchNorm', 600, 300);
  await writeElsewhere(request, id);
  const banner = other.getByTestId('conflict-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('was saved in another window');
  await expect(status(other)).toHaveText('Not saved: conflict');
  // More edits here are not written either.
  await dragLayer(other, 'Dropout', 120, 330);
  await other.waitForTimeout(1500);
  expect(await workingCopyNodes(request, id)).toEqual(['Conv2D', 'ReLU']);
  await expect(layers(other)).toHaveCount(4);

  // "Save mine as a new project" keeps both.
  await banner.getByRole('button', { name: 'Save mine as a new project' }).click();
  await expect(banner).toBeHidden();
  await expect(status(other)).toHaveText('Saved');
  const [mine] = (await api<{ projects: Summary[] }>(request, 'list', { query: 'Shared (mine)' })).projects;
  expect(await workingCopyNodes(request, mine?.id ?? '')).toEqual(['BatchNorm', 'Conv2D', 'Dropout', 'ReLU']);
  expect(await workingCopyNodes(request, id)).toEqual(['Conv2D', 'ReLU']);

  // Back on the shared project in the second tab: a conflict again, then "Load theirs".
  await other.getByTestId('projects-toggle').click();
  await other.getByTestId('project-row').filter({ hasText: /^Shared(?! \(mine\))/ }).getByTestId('project-open').click();
  await expect(layers(other)).toHaveCount(2);
  await dragLayer(other, 'Dropout', 120, 330);
  await writeElsewhere(request, id, (nodes) => {
    nodes.pool_elsewhere = { id: 'pool_elsewhere', kind: 'MaxPool', params: {}, position: { x: 600, y: 200 } };
  });
  await expect(banner).toBeVisible();
  await banner.getByRole('button', { name: 'Load theirs' }).click();
  await expect(banner).toBeHidden();
  await expect(layers(other)).toHaveCount(3);
  expect(await workingCopyNodes(request, id)).toEqual(['Conv2D', 'MaxPool', 'ReLU']);
  // The first tab, with nothing unsaved, has followed all along.
  await page.bringToFront();
  await expect(layers(page)).toHaveCount(3);

  // Once more, and "Keep mine" this time: this window's network replaces theirs.
  await other.bringToFront();
  await dragLayer(other, 'Dropout', 120, 330);
  await writeElsewhere(request, id, (nodes) => {
    delete nodes.pool_elsewhere;
  });
  await expect(banner).toBeVisible();
  await banner.getByRole('button', { name: 'Keep mine' }).click();
  await expect(banner).toBeHidden();
  await expect(status(other)).toHaveText('Saved');
  expect(await workingCopyNodes(request, id)).toEqual(['Conv2D', 'Dropout', 'MaxPool', 'ReLU']);
  await page.bringToFront();
  await expect(layers(page)).toHaveCount(4);
});

test('a project deleted elsewhere while open: the banner says the save failed and the network is kept as a new project', async ({ page, request }) => {
  await start(page);
  await newProject(page, 'Doomed');
  await addLayer(page, 'Conv2D', 300, 200);
  const [doomed] = (await api<{ projects: Summary[] }>(request, 'list', { query: 'Doomed' })).projects;
  await api(request, 'trash', { id: doomed?.id });
  await api(request, 'deleteForever', { id: doomed?.id });
  await dragLayer(page, 'ReLU', 300, 400);
  const banner = page.getByTestId('save-error-banner');
  await expect(banner).toContainText('Not saved: no project with id');
  await expect(status(page)).toHaveText('Not saved: error');
  await banner.getByRole('button', { name: 'Save mine as a new project' }).click();
  await expect(banner).toBeHidden();
  await expect(status(page)).toHaveText('Saved');
  const [mine] = (await api<{ projects: Summary[] }>(request, 'list', { query: 'Doomed (mine)' })).projects;
  expect(await workingCopyNodes(request, mine?.id ?? '')).toEqual(['Conv2D', 'ReLU']);
});

const BROKEN = brokenDocumentText('Imported half join');

async function importFile(page: Page, name: string, content: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('import-project').click();
  await (await chooser).setFiles({ name, mimeType: 'application/json', buffer: Buffer.from(content) });
}

test('the projects page imports a .skipwire.json file as a project (shape errors too) and refuses bad files in one line; a project exports as a file', async ({ page, request }) => {
  await start(page);
  await newProject(page, 'Import base');
  await page.getByTestId('projects-toggle').click();
  const rows = page.getByTestId('project-row');
  const count = async (): Promise<number> => (await api<{ projects: Summary[] }>(request, 'list', { includeTrashed: true })).projects.length;
  const before = await count();

  // Not JSON, and a newer schema: one line each, nothing created.
  await importFile(page, 'garbage.skipwire.json', 'this is { not json');
  await expect(page.getByTestId('notice')).toContainText(/Could not import the file: .*JSON/);
  await importFile(page, 'future.skipwire.json', JSON.stringify({ ...(JSON.parse(BROKEN) as object), schemaVersion: 999 }));
  await expect(page.getByTestId('notice')).toContainText(/Could not import the file: .*999/);
  expect(await count()).toBe(before);

  // A graph with a shape error imports, and opens showing its error.
  await importFile(page, 'half.skipwire.json', BROKEN);
  await expect(page.getByTestId('notice')).toContainText('Imported “half.skipwire.json” as the project “Imported half join”');
  expect(await count()).toBe(before + 1);
  const imported = rows.filter({ hasText: 'Imported half join' });
  await imported.getByTestId('project-open').click();
  await expect(page.getByTestId('doc-title')).toHaveText('Imported half join');
  await expect(layers(page)).toHaveCount(2);
  await expect(page.getByTestId('error-count')).not.toHaveText(/ 0 errors/);

  // Export: the working copy downloads as a .skipwire.json that parses back to the same graph.
  await page.getByTestId('projects-toggle').click();
  const download = page.waitForEvent('download');
  await imported.getByTestId('project-export').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.skipwire\.json$/);
  const path = await file.path();
  const { readFile } = await import('node:fs/promises');
  const doc = JSON.parse(await readFile(path, 'utf8')) as { meta: { name: string }; nodes: Record<string, unknown>; edges: Record<string, unknown> };
  expect(doc.meta.name).toBe('Imported half join');
  expect(Object.keys(doc.nodes).sort()).toEqual(['a', 'x']);
  expect(Object.keys(doc.edges)).toEqual(['e1']);
});
