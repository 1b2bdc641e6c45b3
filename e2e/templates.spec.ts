import { expect, test } from './app.js';
import { openEditor } from './editor-helpers.js';

test.use({ viewport: { width: 1600, height: 900 } });

test('create a ResNet-56 from the gallery, collapse and expand a stage, auto-layout', async ({ page, app }) => {
  await openEditor(page, app.url);
  await page.getByTestId('open-gallery').click();
  const gallery = page.getByTestId('gallery');
  await gallery.getByTestId('template-resnet').click();
  await gallery.getByLabel('Depth').fill('56');
  await expect(gallery.getByTestId('template-preview')).toContainText('ResNet-56: 0.85M params');
  await gallery.getByTestId('template-create').click();
  await expect(gallery).toHaveCount(0);
  await expect(page.getByTestId('doc-title')).toHaveText('ResNet-56');
  await expect(page.getByTestId('cost-params')).toHaveText('0.85M');
  await expect(page.getByTestId('error-count')).toHaveText(/ 0 errors/);
  // It opens as its stages, collapsed; each reads as what it is.
  await expect(page.getByTestId('block-frame')).toHaveCount(0);
  const block = page.locator('[data-testid="block-node"][data-group="stage2"]');
  await expect(block.getByTestId('block-io')).toHaveText('32×32×16 → 16×16×32');
  await expect(block.getByTestId('block-count')).toHaveText('9 units · 65 layers');
  await expect(block.getByTestId('block-join')).toHaveAttribute('aria-label', 'residual add');
  await expect(block.getByTestId('block-cost')).toContainText('params');

  // Expand stage 2 by double-click: its units appear, collapsed, in a frame; the rest makes room.
  const stage3Before = await page.locator('[data-testid="block-node"][data-group="stage3"]').boundingBox();
  await block.dblclick();
  await expect(block).toHaveCount(0);
  await expect(page.locator('[data-testid="block-frame"][data-group="stage2"]')).toBeVisible();
  await expect(page.locator('[data-testid="block-node"][data-group="s2b1"]')).toBeVisible();
  expect(await page.locator('[data-testid="block-node"][data-group="stage3"]').boundingBox()).not.toEqual(stage3Before);
  const inspector = page.getByTestId('inspector');
  await expect(inspector.getByTestId('inspector-block')).toContainText('stage 2');
  // Collapse it again from the inspector; Undo brings the expansion back.
  await inspector.getByRole('button', { name: 'Collapse', exact: true }).click();
  await expect(page.locator('[data-testid="block-frame"][data-group="stage2"]')).toHaveCount(0);
  await expect(block).toBeVisible();
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.locator('[data-testid="block-frame"][data-group="stage2"]')).toBeVisible();
  await page.getByTestId('auto-layout').click();
  await expect(page.getByTestId('auto-layout')).toHaveText('Auto-layout');
  await expect(page.getByRole('button', { name: 'Undo' })).toBeEnabled();
  await page.screenshot({ path: 'test-results/resnet56.png' });
});
