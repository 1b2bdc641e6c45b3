import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, ownAppForFile, test } from './app.js';
import { connect, dragLayer, node, openEditor } from './editor-helpers.js';

// Its own app and data folder: the drafts and projects made here are offered to no other spec.
const ownApp = ownAppForFile();

test.use({ viewport: { width: 1600, height: 900 } });

/** Input → Conv2D → ReLU, dragged and wired as a person does (in no project). */
async function buildNetwork(page: Page): Promise<void> {
  await dragLayer(page, 'Input', 160, 160);
  await dragLayer(page, 'Conv2D', 420, 300);
  await dragLayer(page, 'ReLU', 680, 160);
  await connect(page, 'input_1', 'conv2d_1');
  await connect(page, 'conv2d_1', 'relu_1');
  await expect(page.locator('.react-flow__edge')).toHaveCount(2);
}

/** The network as the Export button writes it (a download in the browser host). */
async function exported(page: Page): Promise<string> {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  return readFileSync(await (await download).path(), 'utf8');
}

test('unsaved work: Template… asks Save / Discard / Cancel, Cancel keeps it; a reload offers the draft and restores it exactly', async ({ page }) => {
  await openEditor(page, ownApp().url);
  await buildNetwork(page);
  // Drag the conv somewhere else: positions are part of what must come back.
  const conv = node(page, 'conv2d_1');
  const box = await conv.boundingBox();
  if (box === null) throw new Error('cannot see conv2d_1');
  await page.mouse.move(box.x + 30, box.y + 10);
  await page.mouse.down();
  await page.mouse.move(box.x + 90, box.y + 70, { steps: 6 });
  await page.mouse.up();
  const before = await exported(page);

  await page.getByTestId('open-gallery').click();
  const gallery = page.getByTestId('gallery');
  await gallery.getByTestId('template-resnet').click();
  await gallery.getByTestId('template-create').click();
  const prompt = page.getByTestId('unsaved-prompt');
  await expect(prompt).toBeVisible();
  await expect(prompt).toHaveAttribute('role', 'alertdialog');
  await expect(prompt).toContainText('This network is in no project');
  await expect(prompt.getByTestId('unsaved-save')).toBeFocused();
  await page.screenshot({ path: 'test-results/no-lost-work-prompt.png' });
  await prompt.getByTestId('unsaved-cancel').click();
  await expect(prompt).toHaveCount(0);
  // Cancel changed nothing: the network is there, in no project, the gallery still open.
  await expect(gallery).toBeVisible();
  await expect(gallery.getByTestId('template-create')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(gallery).toHaveCount(0);
  for (const id of ['input_1', 'conv2d_1', 'relu_1']) await expect(node(page, id)).toBeVisible();
  await expect(page.getByTestId('autosave-status')).toHaveText('Not in a project — Save to keep it');
  expect(await exported(page)).toBe(before);

  // Closing or reloading the tab with these edits: the browser's leave-page prompt.
  const leave = new Promise<string>((resolve) => {
    page.once('dialog', (d) => {
      resolve(d.type());
      void d.accept();
    });
  });
  await page.reload();
  expect(await leave).toBe('beforeunload');
  await expect(page.getByTestId('connection')).toHaveText(/connected/);
  const offer = page.getByTestId('draft-offer');
  await expect(offer).toBeVisible();
  await expect(offer.getByTestId('draft-item')).toHaveCount(1);
  await expect(offer).toContainText('3 layers');
  await page.screenshot({ path: 'test-results/no-lost-work-offer.png' });
  await offer.getByTestId('draft-recover').click();
  await expect(offer).toHaveCount(0);
  await expect(node(page, 'conv2d_1')).toBeVisible();
  expect(await exported(page)).toBe(before);
  // Recovered work is still unsaved work: New asks again; Discard, then Undo brings it back.
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await page.getByTestId('unsaved-discard').click();
  await expect(page.getByTestId('empty-editor')).toBeVisible();
  const undo = page.getByTestId('top-notice').filter({ hasText: 'Discarded “Untitled network”' });
  await expect(undo).toBeVisible();
  await page.screenshot({ path: 'test-results/no-lost-work-discarded.png' });
  await undo.getByTestId('notice-action').click();
  await expect(node(page, 'relu_1')).toBeVisible();
  expect(await exported(page)).toBe(before);
  // Save: the first save creates a project; then a New asks nothing (the work is in the store).
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await page.getByTestId('unsaved-save').click();
  await expect(page.getByTestId('empty-editor')).toBeVisible();
  await expect(page.getByTestId('top-notice').filter({ hasText: 'Saved as a new project' })).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('connection')).toHaveText(/connected/);
  await expect(page.getByTestId('projects-page')).toBeVisible();
  await expect(page.getByTestId('draft-offer')).toHaveCount(0);
});

test('importing a garbage file shows a short readable notice near the top, never its bytes', async ({ page }) => {
  await openEditor(page, ownApp().url);
  const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, ...Array.from({ length: 300 }, (_, i) => (i * 37) % 256)]);
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await (await chooser).setFiles({ name: 'photo.skipwire.json', mimeType: 'application/json', buffer: bytes });
  const notice = page.getByTestId('top-notice').filter({ hasText: 'photo.skipwire.json' });
  await expect(notice).toBeVisible();
  await expect(notice).toHaveAttribute('role', 'alert');
  const text = (await notice.locator('.top-notice-text').textContent()) ?? '';
  expect(text).toBe('“photo.skipwire.json” is not JSON: it holds binary data, not text (a Skipwire network is a .skipwire.json text file).');
  await page.screenshot({ path: 'test-results/no-lost-work-garbage.png' });
  // An error stays until dismissed; nothing was imported.
  await page.waitForTimeout(6500);
  await expect(notice).toBeVisible();
  await expect(page.getByTestId('empty-editor')).toBeVisible();
  await notice.getByTestId('notice-dismiss').click();
  await expect(notice).toHaveCount(0);
});

test('a refused edit is said near the top and at the top of the Problems panel, until the network changes', async ({ page }) => {
  await openEditor(page, ownApp().url);
  await dragLayer(page, 'Input', 160, 160);
  await dragLayer(page, 'Conv2D', 420, 300);
  await connect(page, 'input_1', 'conv2d_1');
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);
  // Back from the conv into the input: refused (an Input takes nothing in / it would make a cycle).
  await connect(page, 'conv2d_1', 'input_1', 'body');
  const row = page.getByTestId('problem-refusal');
  await expect(row).toBeVisible();
  await expect(row).toContainText(/^Refused: Cannot connect: /);
  const reason = ((await row.textContent()) ?? '').replace(/^Refused: /, '').replace(/×$/, '');
  const notice = page.getByTestId('top-notice').filter({ hasText: reason });
  await expect(notice).toBeVisible();
  await expect(notice).toHaveAttribute('role', 'alert');
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);
  // The network changes: the row goes; the notice stays until dismissed.
  await dragLayer(page, 'ReLU', 680, 160);
  await expect(row).toHaveCount(0);
  await expect(notice).toBeVisible();
  await notice.getByTestId('notice-dismiss').click();
  await expect(notice).toHaveCount(0);
});

test('the gradient-flow overlay belongs to its run’s network: New clears it', async ({ page }) => {
  test.setTimeout(180_000);
  await openEditor(page, ownApp().url);
  // A tiny ResNet from the gallery (as e2e/overlay.spec.ts makes one), trained on synthetic data with a probe every step.
  await page.getByTestId('open-gallery').click();
  const gallery = page.getByTestId('gallery');
  await gallery.getByTestId('template-resnet').click();
  await gallery.getByLabel('Depth').fill('8');
  await gallery.getByLabel('Base filters').fill('4');
  await gallery.getByLabel('Input height').fill('8');
  await gallery.getByLabel('Input width').fill('8');
  await gallery.getByLabel('Input channels').fill('1');
  await gallery.getByLabel('Classes').fill('4');
  await gallery.getByTestId('template-create').click();
  await expect(gallery).toHaveCount(0);
  await page.getByTestId('open-train').click();
  const panel = page.getByTestId('train-panel');
  await expect(panel.getByTestId('train-dataset').locator('option[value="synthetic"]')).toHaveCount(1);
  await panel.getByTestId('train-dataset').selectOption('synthetic');
  await panel.getByTestId('train-epochs').fill('1');
  await panel.getByTestId('train-batchSize').fill('8');
  await panel.getByTestId('train-limit').fill('160');
  await panel.getByTestId('train-probeEvery').fill('1');
  await panel.getByTestId('train-start').click();
  const legend = page.getByTestId('grad-legend');
  await expect(page.getByTestId('grad-step')).toHaveText(/step \d+/, { timeout: 90_000 });
  await expect(page.locator('.layer-node.grad-own').first()).toBeVisible();
  // Start saved the network into a project: New asks nothing, and the overlay goes with the network.
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await expect(page.getByTestId('empty-editor')).toBeVisible();
  await expect(page.getByTestId('unsaved-prompt')).toHaveCount(0);
  await expect(legend).toHaveCount(0);
  await expect(page.locator('.layer-node.grad-own')).toHaveCount(0);
});
