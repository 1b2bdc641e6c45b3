import { expect, test } from './app.js';
import type { Page } from '@playwright/test';
import { openEditor } from './editor-helpers.js';

test.use({ viewport: { width: 1600, height: 900 } });

/** A residual block as a file: x → conv-BN-ReLU-conv-BN → Add(·, x) → ReLU, then pooling and a head. */
function residualFile(): string {
  const nodes: Record<string, unknown> = {};
  const edges: Record<string, unknown> = {};
  const chain: [string, string, Record<string, unknown>, string?][] = [
    ['x', 'Input', {}],
    ['conv1', 'Conv2D', { filters: 16, kernel: 3 }, 'res'],
    ['bn1', 'BatchNorm', {}, 'res'],
    ['relu1', 'ReLU', {}, 'res'],
    ['conv2', 'Conv2D', { filters: 16, kernel: 3 }, 'res'],
    ['bn2', 'BatchNorm', {}, 'res'],
    ['add', 'Add', {}, 'res'],
    ['out', 'ReLU', {}, 'res'],
    ['gap', 'GlobalAvgPool', {}],
    ['head', 'ClassificationHead', { classes: 10 }],
  ];
  chain.forEach(([id, kind, params, group], i) => {
    nodes[id] = { id, kind, params, position: { x: 0, y: 0 }, ...(group === undefined ? {} : { group }) };
    const prev = chain[i - 1];
    if (prev !== undefined) edges[`e${i}`] = { id: `e${i}`, source: prev[0], target: id, targetPort: 0 };
  });
  edges.e6 = { id: 'e6', source: 'bn2', target: 'add', targetPort: 0 };
  edges.skip = { id: 'skip', source: 'x', target: 'add', targetPort: 1 };
  return JSON.stringify({
    schemaVersion: 1,
    meta: { name: 'Residual block' },
    input: { height: 32, width: 32, channels: 16 },
    nodes,
    edges,
    groups: { res: { id: 'res', label: 'residual block: y = ReLU(F(x) + x)', collapsed: false, repeat: 1 } },
  });
}

async function open(page: Page, name: string, content: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await (await chooser).setFiles({ name, mimeType: 'application/json', buffer: Buffer.from(content) });
}

test('screenshot: a residual block', async ({ page, app }) => {
  await page.setViewportSize({ width: 1920, height: 1000 });
  await openEditor(page, app.url);
  await open(page, 'residual.skipwire.json', residualFile());
  await expect(page.getByTestId('doc-title')).toHaveText('Residual block');
  await page.getByTestId('auto-layout').click();
  await expect(page.getByRole('button', { name: 'Undo' })).toBeEnabled();
  await expect(page.getByTestId('error-count')).toHaveText(/ 0 errors/);
  await page.getByRole('button', { name: 'Layers', exact: true }).click();
  // Fit the view to the block and its input.
  await page.locator('.react-flow__node[data-id="x"] .ln-kind').click();
  await page.locator('[data-testid="block-frame"][data-group="res"] .frame-label').click({ modifiers: ['Shift'] });
  await page.getByRole('button', { name: 'Fit', exact: true }).click();
  await page.getByTestId('edge-label-skip').waitFor();
  await expect(page.getByTestId('edge-label-skip')).toHaveText('32×32×16');
  await page.waitForTimeout(400);
  await page.screenshot({ path: 'docs/screenshot-residual.png' });
});

test('screenshot: a U-Net', async ({ page, app }) => {
  await page.setViewportSize({ width: 1920, height: 1000 });
  await openEditor(page, app.url);
  await page.getByTestId('open-gallery').click();
  const gallery = page.getByTestId('gallery');
  await gallery.getByTestId('template-unet').click();
  await gallery.getByLabel('Depth').fill('3');
  await gallery.getByLabel('Base channels').fill('16');
  await gallery.getByLabel('Conv padding').selectOption('same');
  await gallery.getByLabel('Input height').fill('64');
  await gallery.getByLabel('Input width').fill('64');
  await expect(gallery.getByTestId('template-preview')).toContainText('U-Net (depth 3, same)');
  await gallery.getByTestId('template-create').click();
  await expect(page.getByTestId('error-count')).toHaveText(/ 0 errors/);
  // It opens with each level collapsed into one node, laid out as a U: the long skips straight across.
  await expect(page.locator('[data-testid="block-node"]')).toHaveCount(7);
  await expect(page.locator('.edge-label.role-long-skip')).toHaveCount(3);
  await page.getByRole('button', { name: 'Layers', exact: true }).click();
  await page.getByRole('button', { name: 'Inspector', exact: true }).click();
  await page.getByRole('button', { name: 'Fit', exact: true }).click();
  await page.waitForTimeout(400);
  await page.screenshot({ path: 'docs/screenshot-unet.png' });
});
