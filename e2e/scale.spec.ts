import type { Page } from '@playwright/test';
import { expect, test } from './app.js';
import { openEditor } from './editor-helpers.js';

/** The networks of the papers on the canvas: ResNet-110, a U-Net, a DenseNet-BC block. */

test.use({ viewport: { width: 1600, height: 900 } });

async function fromTemplate(page: Page, id: string, options: Record<string, string> = {}): Promise<void> {
  await page.getByTestId('open-gallery').click();
  const gallery = page.getByTestId('gallery');
  await gallery.getByTestId(`template-${id}`).click();
  for (const [label, value] of Object.entries(options)) await gallery.getByLabel(label, { exact: true }).fill(value);
  await gallery.getByTestId('template-create').click();
  await expect(gallery).toHaveCount(0);
  await expect(page.getByTestId('error-count')).toHaveText(/ 0 errors/);
}

async function laidOut(page: Page): Promise<void> {
  await expect(page.getByTestId('hierarchy-bar').getByRole('status')).toHaveCount(0, { timeout: 60_000 });
}

async function fit(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Fit', exact: true }).click();
  await page.waitForTimeout(500);
}

test('ResNet-110 opens as its three stages, readable at Fit; Expand all, Fit, then Collapse to depth 1', async ({ page, app }) => {
  test.setTimeout(180_000);
  await openEditor(page, app.url);
  await fromTemplate(page, 'resnet', { Depth: '110' });
  await expect(page.getByTestId('doc-title')).toHaveText('ResNet-110');
  // Collapsed: three stages, no frames; at Fit the text is drawn (above the level-of-detail zoom).
  await expect(page.locator('[data-testid="block-node"]')).toHaveCount(3);
  await expect(page.getByTestId('block-frame')).toHaveCount(0);
  await fit(page);
  await expect(page.getByTestId('canvas')).not.toHaveClass(/\blod\b/);
  const stage1 = page.locator('[data-testid="block-node"][data-group="stage1"]');
  await expect(stage1).toBeInViewport();
  await expect(stage1.getByTestId('block-count')).toHaveText('18 units · 126 layers');
  await expect(stage1.getByTestId('block-io')).toHaveText('32×32×16 → 32×32×16');
  await page.screenshot({ path: 'docs/screenshot-resnet110.png' });

  // Expand all: every layer, wrapped into rows; Fit shows the whole network (boxes, no text).
  await page.getByTestId('expand-all').click();
  await laidOut(page);
  await expect(page.locator('[data-testid="block-node"]')).toHaveCount(0);
  await expect(page.getByTestId('collapse-depth')).toHaveValue('all');
  await fit(page);
  await expect(page.getByTestId('canvas')).toHaveClass(/\blod\b/);
  const zoomOut = page.locator('.react-flow__controls-zoomout');
  await expect(zoomOut).toBeEnabled();
  // The whole network is on screen: its first and last layers are both in view.
  await expect(page.locator('.react-flow__node[data-id="input"]')).toBeInViewport();
  await expect(page.locator('.react-flow__node[data-id="head"]')).toBeInViewport();
  await page.screenshot({ path: 'docs/screenshot-resnet110-expanded.png' });

  // Collapse to depth 1 (the digit key): stages open, their 54 units collapsed.
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('1');
  await laidOut(page);
  await expect(page.locator('[data-testid="block-node"]')).toHaveCount(54);
  await expect(page.locator('[data-testid="block-frame"]')).toHaveCount(3);
  await fit(page);
  await page.screenshot({ path: 'docs/screenshot-resnet110-depth1.png' });
  // [ collapses everything; undo goes back one step at a time.
  await page.keyboard.press('[');
  await laidOut(page);
  await expect(page.locator('[data-testid="block-node"]')).toHaveCount(3);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.locator('[data-testid="block-node"]')).toHaveCount(54);
});

test('a U-Net is drawn as a U: encoder down, decoder up, each long skip across at its level', async ({ page, app }) => {
  await openEditor(page, app.url);
  await fromTemplate(page, 'unet', { Depth: '4' });
  await fit(page);
  const box = async (g: string) => {
    const b = await page.locator(`[data-testid="block-node"][data-group="${g}"]`).boundingBox();
    if (b === null) throw new Error(`${g} not drawn`);
    return b;
  };
  for (let l = 1; l <= 4; l++) {
    const enc = await box(`enc${l}`);
    const dec = await box(`dec${l}`);
    expect(Math.abs(enc.y - dec.y), `level ${l} across`).toBeLessThan(2);
    expect(dec.x).toBeGreaterThan(enc.x + enc.width);
    if (l > 1) expect(enc.y).toBeGreaterThan((await box(`enc${l - 1}`)).y);
  }
  expect((await box('bottom')).y).toBeGreaterThan((await box('enc4')).y);
  await expect(page.locator('.react-flow__edge.role-long-skip')).toHaveCount(4);
  await page.screenshot({ path: 'test-results/unet-u.png' });
});

test('a DenseNet-BC dense block opened: its layers and their concatenations', async ({ page, app }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1920, height: 1000 });
  await openEditor(page, app.url);
  await fromTemplate(page, 'densenet-bc');
  const dense1 = page.locator('[data-testid="block-node"][data-group="dense1"]');
  await expect(dense1.getByTestId('block-join')).toHaveAttribute('aria-label', 'concatenation');
  await dense1.dblclick();
  await laidOut(page);
  // Its units (collapsed) are in view; open the first three.
  for (const unit of ['d1l1', 'd1l2', 'd1l3']) {
    // Each expansion lays the network out again: fit so the next unit is on screen.
    await fit(page);
    await page.locator(`[data-testid="block-node"][data-group="${unit}"]`).dblclick();
    await laidOut(page);
    await expect(page.locator(`[data-testid="block-frame"][data-group="${unit}"]`)).toHaveCount(1);
  }
  // Fit: the dense block and its three opened layers are drawn with the rest of the network.
  await fit(page);
  await expect(page.locator('[data-testid="block-frame"]')).toHaveCount(4);
  await expect(page.locator('.react-flow__node[data-id="d1l2_cat"] .layer-node')).toHaveAttribute('data-kind', 'Concat');
  await page.screenshot({ path: 'docs/screenshot-densenet-block.png' });
});

test('top to bottom: the choice is kept with the network and undoable', async ({ page, app }) => {
  await openEditor(page, app.url);
  await fromTemplate(page, 'resnet', { Depth: '20' });
  const y = async (id: string) => (await page.locator(`.react-flow__node[data-id="${id}"]`).boundingBox())?.y ?? NaN;
  await page.getByTestId('direction-tb').click();
  await laidOut(page);
  await expect(page.getByTestId('direction-tb')).toHaveAttribute('aria-pressed', 'true');
  await fit(page);
  expect(await y('stem_conv1')).toBeGreaterThan(await y('input'));
  expect(await y('block:stage2')).toBeGreaterThan(await y('block:stage1'));
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByTestId('direction-lr')).toHaveAttribute('aria-pressed', 'true');
});

test('Fit keeps the network clear of the Runs dock; New goes back to an empty view at 100 %', async ({ page, app }) => {
  await openEditor(page, app.url);
  await fromTemplate(page, 'resnet', { Depth: '20' });
  await page.getByTestId('open-runs').click();
  const dock = page.getByTestId('runs-dock');
  await expect(dock).toBeVisible();
  await fit(page);
  const left = (await dock.boundingBox())?.x ?? 0;
  const rights = await page.locator('[data-testid="canvas"] .react-flow__node').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right));
  expect(Math.max(...rights)).toBeLessThanOrEqual(left + 1);
  await page.getByTestId('open-runs').click();
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await expect(page.getByTestId('empty-editor')).toBeVisible();
  await expect.poll(() => page.locator('.react-flow__viewport').evaluate((e) => (e as unknown as { style: { transform: string } }).style.transform)).toBe('translate(0px, 0px) scale(1)');
});

test('dragging edits nothing until the drop, then moves as one undo step; a frame carries its layers', async ({ page, app }) => {
  await openEditor(page, app.url);
  await fromTemplate(page, 'resnet', { Depth: '20' });
  await fit(page);
  const undo = page.getByRole('button', { name: 'Undo' });
  await expect(undo).toBeDisabled();
  const input = page.locator('.react-flow__node[data-id="input"]');
  const at = async (): Promise<{ x: number; y: number }> => {
    const b = await input.boundingBox();
    if (b === null) throw new Error('input not drawn');
    return { x: b.x, y: b.y };
  };
  const before = await at();
  await page.mouse.move(before.x + 40, before.y + 10);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(before.x + 40 + i * 6, before.y + 10 + i * 4);
  // Mid-drag the node follows the pointer, but the document is untouched: nothing to undo yet.
  expect((await at()).x).toBeGreaterThan(before.x + 30);
  await expect(undo).toBeDisabled();
  await page.mouse.up();
  await expect(undo).toBeEnabled();
  const after = await at();
  expect(after.x - before.x).toBeGreaterThan(50);
  await undo.click();
  await expect.poll(async () => Math.round((await at()).x)).toBe(Math.round(before.x));

  // Expand stage 1 and drag it by its frame's header: its layers and units come along, one step.
  await page.locator('[data-testid="block-node"][data-group="stage1"]').dblclick();
  await expect(page.locator('[data-testid="block-frame"][data-group="stage1"]')).toBeVisible();
  await fit(page);
  const unit = page.locator('[data-testid="block-node"][data-group="s1b2"]');
  const u0 = await unit.boundingBox();
  const header = await page.locator('[data-testid="block-frame"][data-group="stage1"] .frame-header').boundingBox();
  if (u0 === null || header === null) throw new Error('stage 1 not drawn');
  await page.mouse.move(header.x + header.width / 2, header.y + header.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(header.x + header.width / 2, header.y + header.height / 2 + i * 8);
  const mid = await unit.boundingBox();
  expect((mid?.y ?? 0) - u0.y).toBeGreaterThan(40);
  await page.mouse.up();
  await expect.poll(async () => ((await unit.boundingBox())?.y ?? 0) - u0.y).toBeGreaterThan(40);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect.poll(async () => Math.round(((await unit.boundingBox())?.y ?? 0) - u0.y)).toBe(0);
});
