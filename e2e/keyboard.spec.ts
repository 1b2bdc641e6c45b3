import type { Locator, Page } from '@playwright/test';
import { expect, test } from './app.js';
import { node, openEditor, pane, selectNode } from './editor-helpers.js';

/**
 * Dialogs and keyboard (issue 15, item 8): dialogs take focus, hold it, close on Escape and give
 * focus back to their opener; `/` reaches the layer search from anywhere; a skip link jumps over
 * the canvas; a repeated block that cannot repeat is fixed with one click.
 */

test.use({ viewport: { width: 1600, height: 900 } });

async function focusInside(dialog: Locator): Promise<boolean> {
  return dialog.evaluate((el) => el.contains(el.ownerDocument.activeElement));
}

/** Tabs forward and back through a dialog: focus never leaves it. */
async function focusIsHeld(page: Page, dialog: Locator, presses: number): Promise<void> {
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press('Tab');
    expect(await focusInside(dialog)).toBe(true);
  }
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press('Shift+Tab');
    expect(await focusInside(dialog)).toBe(true);
  }
}

async function buildChain(page: Page, kinds: readonly string[]): Promise<void> {
  await page.keyboard.press('/');
  for (const q of kinds) {
    await page.keyboard.type(q);
    await page.keyboard.press('Enter');
  }
  await page.keyboard.press('Escape');
}

test('dialogs take focus, hold it, close on Escape or a click outside, and give focus back', async ({ page, app }) => {
  await openEditor(page, app.url);
  await buildChain(page, ['input', 'conv 2d', 'relu']);

  // The template gallery: focus on the selected template; Tab stays inside; Escape closes.
  const opener = page.getByTestId('open-gallery');
  await opener.click();
  const gallery = page.getByTestId('gallery');
  await expect(gallery).toBeVisible();
  await expect(gallery).toHaveAttribute('role', 'dialog');
  await expect(page.getByRole('dialog', { name: 'New from template' })).toBeVisible();
  await expect(gallery.locator('.template-item.active')).toBeFocused();
  await focusIsHeld(page, gallery, 30);
  // Editor shortcuts are off under a dialog: Ctrl+A does not select the layers behind it.
  const selected = page.locator('.react-flow__node.selected');
  const before = await selected.count();
  await gallery.locator('.template-item.active').focus();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Escape');
  await expect(gallery).toHaveCount(0);
  await expect(selected).toHaveCount(before);
  expect(before).toBeLessThan(3);
  await opener.click();
  await expect(gallery).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(gallery).toHaveCount(0);
  await expect(opener).toBeFocused();
  // A click on the backdrop closes it too.
  await opener.click();
  await expect(gallery).toBeVisible();
  await page.mouse.click(8, 450);
  await expect(gallery).toHaveCount(0);

  // Save version: the message box has focus; Escape closes; focus returns to the button.
  const saveVersion = page.getByRole('button', { name: 'Save version' });
  await saveVersion.click();
  const ask = page.getByTestId('save-version-dialog');
  await expect(page.getByTestId('save-version-message')).toBeFocused();
  await focusIsHeld(page, ask, 6);
  await page.keyboard.press('Escape');
  await expect(ask).toHaveCount(0);
  await expect(saveVersion).toBeFocused();

  // Export code, opened from the keyboard: the chosen format has focus; Escape gives it back.
  const exportCode = page.getByTestId('export-code');
  await exportCode.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('export-dialog');
  await expect(dialog.locator('input[name="export-format"]:checked')).toBeFocused();
  await focusIsHeld(page, dialog, 12);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(exportCode).toBeFocused();
});

test('/ focuses the layer search from anywhere, and types a slash only after a word', async ({ page, app }) => {
  await openEditor(page, app.url);
  const search = page.getByLabel('Search layers');
  // From the canvas.
  await pane(page).click({ position: { x: 200, y: 200 } });
  await page.keyboard.press('/');
  await expect(search).toBeFocused();
  await expect(search).toHaveValue('');
  // In the empty search, / types nothing; after a word it is a slash.
  await page.keyboard.press('/');
  await expect(search).toHaveValue('');
  await page.keyboard.type('conv');
  await page.keyboard.press('/');
  await expect(search).toHaveValue('conv/');
  await page.keyboard.press('Escape');
  await expect(search).toHaveValue('');
  // From a top-bar button, with the palette hidden: the palette comes back with the search focused.
  const layers = page.getByRole('button', { name: 'Layers', exact: true });
  await layers.click();
  await expect(page.getByTestId('palette')).toHaveCount(0);
  await expect(layers).toBeFocused();
  await page.keyboard.press('/');
  await expect(search).toBeFocused();
  await expect(search).toHaveValue('');
  await expect(layers).toHaveAttribute('aria-pressed', 'true');
  // In another text field a slash is just a slash.
  await page.keyboard.type('input');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  await selectNode(page, 'input_1');
  const name = page.getByTestId('inspector').getByLabel('Name');
  await name.fill('a');
  await name.press('/');
  await expect(name).toHaveValue('a/');
});

test('the skip link jumps over the canvas to the problems', async ({ page, app }) => {
  await openEditor(page, app.url);
  await buildChain(page, ['input', 'conv 2d', 'relu']);
  const skip = page.getByTestId('skip-link');
  // Out of sight until focused; the first Tab stop after the cost summary.
  const hidden = await skip.boundingBox();
  expect(hidden === null || hidden.y + hidden.height <= 0 || hidden.x + hidden.width <= 0 || hidden.y < 0).toBe(true);
  await page.locator('.cost-summary select').last().focus();
  await page.keyboard.press('Tab');
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await expect(skip).toHaveText('Skip over the canvas to the problems');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('problems')).toBeFocused();
  // The next Tab goes on from the problems, not back into the canvas.
  await page.keyboard.press('Tab');
  const inCanvas = await page.getByTestId('canvas').evaluate((el) => el.contains(el.ownerDocument.activeElement));
  expect(inCanvas).toBe(false);
});

test('a repeated block that changes its shape is fixed with one click', async ({ page, app }) => {
  await openEditor(page, app.url);
  await buildChain(page, ['input', 'conv 2d', 'batch', 'relu', 'global average', 'classification']);
  await pane(page).click({ position: { x: 10, y: 10 } });
  await page.getByRole('button', { name: 'Fit', exact: true }).click();
  await selectNode(page, 'conv2d_1');
  for (const id of ['batchnorm_1', 'relu_1']) await node(page, id).locator('.ln-kind').click({ modifiers: ['Shift'] });
  await page.keyboard.press('Control+g');
  const inspector = page.getByTestId('inspector-block');
  await inspector.getByLabel('Name').fill('unit');
  await inspector.getByLabel('Repeat ×N').fill('3');
  // 3 channels in, 64 out: a block cannot repeat so; the problem offers both fixes.
  const problem = page.locator('[data-testid="problem"][data-code="repeat-shape"]');
  await expect(problem).toContainText('a repeated block must keep its shape');
  const fixes = problem.getByTestId('fix-button');
  await expect(fixes).toHaveCount(2);
  await expect(fixes.nth(0)).toHaveText('First "unit" changes the shape, then ×2 that keep it');
  await expect(fixes.nth(1)).toHaveText('Run "unit" once (×1)');
  await fixes.nth(0).click();
  await expect(problem).toHaveCount(0);
  await expect(page.getByTestId('error-count')).toHaveText(/ 0 errors/);
  await expect(page.locator('[data-testid="block-frame"]')).toHaveCount(2);
  await expect(page.locator('[data-testid="block-frame"]', { hasText: 'unit (rest)' })).toContainText('×2');
  // One undo step brings the error back.
  await pane(page).click({ position: { x: 10, y: 10 } });
  await page.keyboard.press('Control+z');
  await expect(problem).toHaveCount(1);
});
