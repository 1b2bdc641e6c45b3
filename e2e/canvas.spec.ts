import { expect, test } from './app.js';
import type { Page } from '@playwright/test';
import { connect, dragLayer, edgeLabel, node, openEditor, pane, selectNode, setParam } from './editor-helpers.js';

test.use({ viewport: { width: 1600, height: 900 } });

const CHAIN = ['input_1', 'conv2d_1', 'batchnorm_1', 'relu_1', 'conv2d_2'];

/** Fits the whole network in view (Fit fits the selection when there is one). */
async function fitAll(page: Page): Promise<void> {
  await pane(page).click({ position: { x: 10, y: 10 } });
  await page.getByRole('button', { name: 'Fit', exact: true }).click();
}

/** Drags Input, Conv2D, BatchNorm, ReLU, Conv2D onto the canvas (zig-zag, so they fit) and wires them. */
async function dragChain(page: Page): Promise<void> {
  const kinds = ['Input', 'Conv2D', 'BatchNorm', 'ReLU', 'Conv2D'];
  for (const [i, kind] of kinds.entries()) await dragLayer(page, kind, 120 + i * 210, i % 2 === 0 ? 140 : 300);
  for (const id of CHAIN) await expect(node(page, id)).toBeVisible();
  for (let i = 0; i + 1 < CHAIN.length; i++) await connect(page, CHAIN[i] ?? '', CHAIN[i + 1] ?? '');
}

test('drag Input, Conv2D, BatchNorm, ReLU, Conv2D onto the canvas, connect them and read the shapes on the edges', async ({ page, app }) => {
  await openEditor(page, app.url);
  await dragChain(page);
  await expect(page.getByTestId('empty-editor')).toHaveCount(0);
  await expect(node(page, 'conv2d_1')).toContainText('3×3, 64');
  await expect(edgeLabel(page, 'e_1')).toHaveText('32×32×3');
  await expect(edgeLabel(page, 'e_2')).toHaveText('32×32×64');
  await expect(edgeLabel(page, 'e_3')).toHaveText('32×32×64');
  await expect(edgeLabel(page, 'e_4')).toHaveText('32×32×64');
  await expect(node(page, 'conv2d_2').getByTestId('node-shape')).toHaveText('32×32×64');
  await expect(page.getByTestId('cost-params')).not.toHaveText('0');
  // The inspector edits apply live: 16 filters on the first conv change the edges downstream at once.
  await setParam(page, 'conv2d_1', 'filters', '16');
  await expect(node(page, 'conv2d_1')).toContainText('3×3, 16');
  await expect(edgeLabel(page, 'e_3')).toHaveText('32×32×16');
  // A cycle is refused while dragging, with the reason (onto the input handle, then onto the body).
  await connect(page, 'conv2d_2', 'conv2d_1', 'handle', async () => {
    await expect(page.getByTestId('connect-hint')).toContainText('Can’t connect: would make a cycle');
  });
  await expect(page.getByTestId('connect-hint')).toHaveCount(0);
  await connect(page, 'conv2d_2', 'conv2d_1', 'body');
  await expect(page.getByTestId('notice')).toContainText('would make a cycle');
  await expect(page.locator('.react-flow__edge')).toHaveCount(4);
});

test('wire a skip from the block input to after the second conv, choose add; stride 2 names both shapes; insert a 1×1 projection', async ({ page, app }) => {
  await openEditor(page, app.url);
  await dragChain(page);
  // The block input carries 64 channels, like the convs.
  await selectNode(page, 'input_1');
  await page.locator('#doc-input-channels').fill('64');
  await expect(edgeLabel(page, 'e_1')).toHaveText('32×32×64');
  await connect(page, 'input_1', 'conv2d_2');
  const prompt = page.getByTestId('merge-prompt');
  await expect(prompt).toContainText('already has its input');
  await prompt.getByRole('button', { name: /^Add/ }).click();
  await expect(prompt).toHaveCount(0);
  await fitAll(page);
  await expect(node(page, 'add_1').getByTestId('node-shape')).toHaveText('32×32×64');
  await expect(page.locator('.edge-label.role-skip')).toHaveText('32×32×64');
  await expect(page.getByTestId('error-count')).toHaveText(/ 0 errors/);

  await setParam(page, 'conv2d_1', 'stride', '2');
  const problem = page.getByTestId('problem').filter({ hasText: 'Add "add_1": inputs differ' });
  await expect(problem).toContainText('[16,16,64] from "conv2d_2"');
  await expect(problem).toContainText('[32,32,64] from "input_1"');
  await expect(node(page, 'add_1').getByTestId('node-error-badge')).toBeVisible();
  await expect(page.locator('.react-flow__edge.error')).toHaveCount(2);
  const fix = problem.getByRole('button', { name: /^Insert 1×1 conv \(stride 2, 64 filters\) \+ BN on the shortcut/ });
  await fix.hover();
  await expect(page.getByTestId('fix-preview')).toContainText('resolves this problem');
  await expect(page.getByTestId('fix-preview')).toContainText('16×16×64');
  await fix.click();
  await expect(page.getByTestId('error-count')).toHaveText(/ 0 errors/);
  await expect(problem).toHaveCount(0);
  await expect(node(page, 'add_1').getByTestId('node-shape')).toHaveText('16×16×64');
  await expect(page.locator('.react-flow__edge.error')).toHaveCount(0);
  await expect(page.locator('[data-testid="layer-node"][data-kind="Conv2D"]')).toHaveCount(3);
});

test('wire a long skip, choose concat, see the channel count add up', async ({ page, app }) => {
  await openEditor(page, app.url);
  const kinds = ['Input', 'Conv2D', 'MaxPool', 'Conv2D', 'Upsample'];
  for (const [i, kind] of kinds.entries()) await dragLayer(page, kind, 120 + i * 210, i % 2 === 0 ? 140 : 300);
  const ids = ['input_1', 'conv2d_1', 'maxpool_1', 'conv2d_2', 'upsample_1'];
  for (let i = 0; i + 1 < ids.length; i++) await connect(page, ids[i] ?? '', ids[i + 1] ?? '');
  await setParam(page, 'conv2d_1', 'filters', '16');
  await setParam(page, 'conv2d_2', 'filters', '32');
  await expect(node(page, 'upsample_1').getByTestId('node-shape')).toHaveText('32×32×32');
  await connect(page, 'conv2d_1', 'upsample_1');
  await page.getByTestId('merge-prompt').getByRole('button', { name: /^Concat/ }).click();
  await fitAll(page);
  // 32 channels from the decoder + 16 from the encoder = 48.
  await expect(node(page, 'concat_1').getByTestId('node-shape')).toHaveText('32×32×48');
  await expect(page.locator('.edge-label.role-long-skip')).toHaveText('32×32×16');
  await expect(page.getByTestId('error-count')).toHaveText(/ 0 errors/);
  // The merge can be switched later: Add does not fit (32 vs 16 channels), Concat again does.
  await selectNode(page, 'concat_1');
  await page.getByRole('button', { name: /^Switch "concat_1" to Add/ }).click();
  await expect(page.getByTestId('problem').filter({ hasText: 'Add "concat_1": inputs differ' })).toContainText('[32,32,16]');
  await page.keyboard.press('Control+z');
  await expect(node(page, 'concat_1').getByTestId('node-shape')).toHaveText('32×32×48');
});

test('build by keyboard, undo back to the empty canvas and redo forward', async ({ page, app }) => {
  await openEditor(page, app.url);
  // Palette search + Enter adds after the selected layer, wired from it.
  await page.keyboard.press('/');
  for (const q of ['input', 'conv 2d', 'batch', 'relu', 'conv 2d']) {
    await page.keyboard.type(q);
    await page.keyboard.press('Enter');
  }
  await page.keyboard.press('Escape');
  await fitAll(page);
  for (const id of CHAIN) await expect(node(page, id)).toBeVisible();
  await expect(page.locator('.react-flow__edge')).toHaveCount(4);
  await expect(node(page, 'conv2d_2').getByTestId('node-shape')).toHaveText('32×32×64');
  await pane(page).click({ position: { x: 20, y: 20 } });
  let undos = 0;
  while ((await page.getByTestId('empty-editor').count()) === 0 && undos < 20) {
    await page.keyboard.press('Control+z');
    undos++;
  }
  await expect(page.getByTestId('empty-editor')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Undo' })).toBeDisabled();
  for (let i = 0; i < undos; i++) await page.keyboard.press('Control+Shift+z');
  await expect(page.getByRole('button', { name: 'Redo' })).toBeDisabled();
  await fitAll(page);
  for (const id of CHAIN) await expect(node(page, id)).toBeVisible();
  await expect(node(page, 'conv2d_2').getByTestId('node-shape')).toHaveText('32×32×64');
  await expect(page.locator('.react-flow__edge')).toHaveCount(4);
});

test('multi-select, group into a block, rename it, repeat it ×3, collapse it; copy, paste and delete', async ({ page, app }) => {
  await openEditor(page, app.url);
  await page.keyboard.press('/');
  for (const q of ['input', 'conv 2d', 'batch', 'relu']) {
    await page.keyboard.type(q);
    await page.keyboard.press('Enter');
  }
  await page.keyboard.press('Escape');
  await fitAll(page);
  await selectNode(page, 'conv2d_1');
  for (const id of ['batchnorm_1', 'relu_1']) await node(page, id).locator('.ln-kind').click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('inspector-multi')).toContainText('3 layers selected');
  await page.keyboard.press('Control+g');
  const frame = page.locator('[data-testid="block-frame"][data-group="block_1"]');
  await expect(frame).toBeVisible();
  const inspector = page.getByTestId('inspector-block');
  await inspector.getByLabel('Name').fill('conv unit');
  await inspector.getByLabel('Repeat ×N').fill('3');
  await expect(frame).toContainText('conv unit');
  await expect(frame).toContainText('×3');
  await inspector.getByRole('button', { name: 'Collapse', exact: true }).click();
  const block = page.locator('[data-testid="block-node"][data-group="block_1"]');
  await expect(block).toContainText('3 layers');
  await expect(block.getByTestId('block-io')).toHaveText('32×32×3 → 32×32×64');
  await expect(block).toContainText('32×32×64');
  await page.getByTestId('inspector-block').getByRole('button', { name: 'Expand', exact: true }).click();
  await expect(frame).toBeVisible();
  // Copy / paste the three layers, then delete the copies.
  await selectNode(page, 'conv2d_1');
  for (const id of ['batchnorm_1', 'relu_1']) await node(page, id).locator('.ln-kind').click({ modifiers: ['Shift'] });
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await expect(page.locator('[data-testid="layer-node"]')).toHaveCount(7);
  await expect(node(page, 'conv2d_2')).toHaveClass(/selected/);
  await page.keyboard.press('Delete');
  await expect(page.locator('[data-testid="layer-node"]')).toHaveCount(4);
});
