import { brokenDocumentText, expect, test } from './app.js';
import type { Page } from '@playwright/test';
import { node, openEditor, pane } from './editor-helpers.js';

test.use({ viewport: { width: 1600, height: 900 } });

async function choose(page: Page, button: 'Open' | 'Import', name: string, content: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: button, exact: true }).click();
  await (await chooser).setFiles({ name, mimeType: 'application/json', buffer: Buffer.from(content) });
}

const BROKEN = brokenDocumentText('Half a join');

test('open, import and export .skipwire.json files; bad files change nothing and say why in one line', async ({ page, app }) => {
  await openEditor(page, app.url);
  // A graph with shape errors still opens, and shows them.
  await choose(page, 'Open', 'broken.skipwire.json', BROKEN);
  await expect(page.getByTestId('doc-title')).toHaveText('Half a join');
  await expect(node(page, 'a').getByTestId('node-error-badge')).toBeVisible();
  await expect(page.getByTestId('problem').filter({ hasText: 'Add "a": input 1 is not connected' })).toBeVisible();
  // Not JSON, not a document, newer: one line, nothing changes.
  for (const [name, content, why] of [
    ['notes.skipwire.json', '{ this is not json', '“notes.skipwire.json” cannot be opened: not a Skipwire document: not JSON'],
    ['other.json', '{"hello": 1}', '“other.json” cannot be opened'],
    ['future.skipwire.json', JSON.stringify({ ...JSON.parse(BROKEN), schemaVersion: 99 }), 'newer'],
  ] as const) {
    await choose(page, 'Open', name, content);
    await expect(page.getByTestId('notice')).toContainText(why);
    await expect(page.getByTestId('doc-title')).toHaveText('Half a join');
    await expect(node(page, 'a')).toBeVisible();
  }
  // Import replaces the document as an undoable step.
  await choose(page, 'Import', 'other.skipwire.json', JSON.stringify({ ...JSON.parse(BROKEN), meta: { name: 'Imported' }, nodes: {}, edges: {} }));
  await expect(page.getByTestId('doc-title')).toHaveText('Imported');
  await expect(page.getByTestId('empty-editor')).toBeVisible();
  await pane(page).click({ position: { x: 10, y: 10 } });
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('doc-title')).toHaveText('Half a join');
  // Export writes the document (a download in the browser host).
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('Half-a-join.skipwire.json');
  const path = await file.path();
  const { readFileSync } = await import('node:fs');
  const saved = JSON.parse(readFileSync(path, 'utf8')) as { meta: { name: string }; nodes: Record<string, unknown> };
  expect(saved.meta.name).toBe('Half a join');
  expect(Object.keys(saved.nodes).sort()).toEqual(['a', 'x']);
  // New: an empty network.
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await expect(page.getByTestId('empty-editor')).toBeVisible();
  await expect(page.getByTestId('doc-title')).toHaveText('Untitled network');
});
