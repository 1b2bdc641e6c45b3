import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './app.js';
import { openEditor } from './editor-helpers.js';

/**
 * The layer table (issue 15, item 5): every layer in graph order with block, kind, shape, params,
 * FLOPs and problems; sortable; a row selects and centres its layer (expanding the blocks around
 * it); CSV and Markdown download; reachable with the keyboard.
 */

test.use({ viewport: { width: 1600, height: 1000 } });

async function resnet(page: Page, depth: number): Promise<void> {
  await page.getByTestId('open-gallery').click();
  const gallery = page.getByTestId('gallery');
  await gallery.getByTestId('template-resnet').click();
  await gallery.getByLabel('Depth').fill(String(depth));
  await expect(gallery.getByTestId('template-preview')).toContainText(`ResNet-${depth}`);
  await gallery.getByTestId('template-create').click();
  // A 1,000-layer network is laid out before the gallery closes: slow on a busy machine.
  await expect(gallery).toHaveCount(0, { timeout: 120_000 });
}

test('the layer table lists, sorts, reveals and exports the layers of a ResNet-20', async ({ page, app }) => {
  await openEditor(page, app.url);
  await resnet(page, 20);
  const toggle = page.getByTestId('table-toggle');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  const table = page.getByTestId('layer-table');
  await expect(table).toBeVisible();
  const count = Number((await table.getByTestId('layer-count').textContent())?.split(' ')[0]);
  expect(count).toBeGreaterThan(60);
  await expect(table.getByRole('table')).toHaveAttribute('aria-rowcount', String(count + 1));
  // Graph order: the input first; only the rows in view are in the page.
  const rows = table.getByTestId('layer-row');
  await expect(rows.first()).toContainText('Input');
  expect(await rows.count()).toBeLessThan(count);

  // The table does not cover the canvas: both are on screen, one above the other.
  const canvasBox = await page.getByTestId('canvas').boundingBox();
  const tableBox = await table.boundingBox();
  expect(canvasBox !== null && tableBox !== null && canvasBox.y + canvasBox.height <= tableBox.y + 1).toBe(true);

  // Sort by params, largest first: the header says so (aria-sort) and the first row is the biggest conv.
  const paramsHeader = table.getByRole('columnheader', { name: /Params/ });
  await expect(paramsHeader).toHaveAttribute('aria-sort', 'none');
  await table.getByTestId('sort-params').click();
  await expect(paramsHeader).toHaveAttribute('aria-sort', 'descending');
  const firstParams = Number((await rows.first().locator('td').nth(4).textContent())?.replace(/,/g, ''));
  expect(firstParams).toBe(3 * 3 * 64 * 64);
  await table.getByTestId('sort-params').click();
  await expect(paramsHeader).toHaveAttribute('aria-sort', 'ascending');
  await table.getByTestId('sort-index').click();
  await expect(table.getByRole('columnheader', { name: '#' })).toHaveAttribute('aria-sort', 'ascending');

  // The template opened with stage 3 collapsed: click a row inside it: the stage (and the unit
  // around the layer) expands, the layer is selected and in view.
  await expect(page.locator('[data-testid="block-node"][data-group="stage3"]')).toBeVisible();
  await table.locator('.lt-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
  const inStage3 = table.locator('[data-testid="layer-row"]', { hasText: 'stage 3' }).last();
  const id = await inStage3.getAttribute('data-node-id');
  expect(id).not.toBeNull();
  await inStage3.click();
  await expect(page.locator('[data-testid="block-node"][data-group="stage3"]')).toHaveCount(0);
  const node = page.locator(`.react-flow__node[data-id="${id}"]`);
  await expect(node).toHaveClass(/selected/);
  await expect(inStage3).toHaveAttribute('aria-selected', 'true');
  await expect(node).toBeInViewport();

  // Keyboard: the row is focused; arrows move, Enter selects the next layer.
  await inStage3.focus();
  await page.keyboard.press('ArrowUp');
  const focused = page.locator('[data-testid="layer-row"]:focus');
  await expect(focused).toHaveCount(1);
  const upId = await focused.getAttribute('data-node-id');
  expect(upId).not.toBe(id);
  await page.keyboard.press('Enter');
  await expect(page.locator(`.react-flow__node[data-id="${upId}"]`)).toHaveClass(/selected/);
  await page.keyboard.press('Home');
  await expect(page.locator('[data-testid="layer-row"]:focus')).toContainText('Input');
  await page.keyboard.press('End');
  await expect(page.locator('[data-testid="layer-row"]:focus')).toHaveAttribute('aria-rowindex', String(count + 1));
  await page.screenshot({ path: 'test-results/layer-table.png' });

  // CSV and Markdown download with every layer.
  const csvDownload = page.waitForEvent('download');
  await table.getByTestId('layer-table-csv').click();
  const csv = await csvDownload;
  expect(csv.suggestedFilename()).toBe('ResNet-20-layers.csv');
  const csvText = readFileSync((await csv.path()) ?? '', 'utf8');
  const lines = csvText.trimEnd().split('\r\n');
  expect(lines[0]).toBe('#,Layer,Id,Block,Kind,Output shape,Params,FLOPs,Problems');
  expect(lines).toHaveLength(count + 1);
  const mdDownload = page.waitForEvent('download');
  await table.getByTestId('layer-table-md').click();
  const md = await mdDownload;
  expect(md.suggestedFilename()).toBe('ResNet-20-layers.md');
  const mdText = readFileSync((await md.path()) ?? '', 'utf8');
  expect(mdText.split('\n').filter((l) => l.startsWith('| ')).length).toBe(count + 2); // header, alignment, one per layer
  expect(mdText).toContain('## ResNet-20');

  await toggle.click();
  await expect(table).toHaveCount(0);
});

test('the layer table stays quick on a 1,000-layer network', async ({ page, app }) => {
  await openEditor(page, app.url);
  test.setTimeout(180_000);
  await resnet(page, 302);
  await page.getByTestId('table-toggle').click();
  const table = page.getByTestId('layer-table');
  const count = Number((await table.getByTestId('layer-count').textContent())?.split(' ')[0]);
  expect(count).toBeGreaterThan(1000);
  // Only the rows in view (and a margin) are rendered.
  expect(await table.getByTestId('layer-row').count()).toBeLessThan(80);
  const header = table.getByRole('columnheader', { name: /FLOPs/ });
  const t0 = Date.now();
  await table.getByTestId('sort-flops').click();
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  expect(Date.now() - t0).toBeLessThan(1500);
  // The biggest layer first: a 3×3 conv of the last stage (64 channels at 8×8).
  await expect(table.getByTestId('layer-row').first()).toContainText('Conv2D');
  await expect(table.getByRole('columnheader', { name: /FLOPs/ })).toHaveAttribute('aria-sort', 'descending');
});
