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
  await expect(page.getByTestId('block-frame').first()).toBeVisible();

  const inspector = page.getByTestId('inspector');
  await inspector.getByRole('button', { name: /^Collapse stage 2/ }).click();
  const block = page.locator('[data-testid="block-node"][data-group="stage2"]');
  await expect(block).toBeVisible();
  await expect(page.locator('[data-testid="block-frame"][data-group="stage2"]')).toHaveCount(0);
  // The collapsed stage is selected: the inspector shows the block, with Expand.
  await expect(inspector.getByTestId('inspector-block')).toContainText('stage 2');
  await expect(block).toHaveClass(/selected/);
  await inspector.getByRole('button', { name: 'Expand', exact: true }).click();
  await expect(block).toHaveCount(0);
  await expect(page.locator('[data-testid="block-frame"][data-group="stage2"]')).toBeVisible();
  await page.getByTestId('auto-layout').click();
  await expect(page.getByTestId('auto-layout')).toHaveText('Auto-layout');
  await expect(page.getByRole('button', { name: 'Undo' })).toBeEnabled();
  await page.screenshot({ path: 'test-results/resnet56.png' });
});
