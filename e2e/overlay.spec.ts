import type { Page } from '@playwright/test';
import { expect, test } from './app.js';
import { openEditor } from './editor-helpers.js';

test.use({ viewport: { width: 1600, height: 900 } });

/** A tiny ResNet from the gallery, as a person makes one: 8×8 grey input, 4 classes, 4 base filters. */
async function tinyResNet(page: Page, depth: number): Promise<void> {
  await page.getByTestId('open-gallery').click();
  const gallery = page.getByTestId('gallery');
  await gallery.getByTestId('template-resnet').click();
  await gallery.getByLabel('Depth').fill(String(depth));
  await gallery.getByLabel('Base filters').fill('4');
  await gallery.getByLabel('Input height').fill('8');
  await gallery.getByLabel('Input width').fill('8');
  await gallery.getByLabel('Input channels').fill('1');
  await gallery.getByLabel('Classes').fill('4');
  await expect(gallery.getByTestId('template-preview')).toContainText(`ResNet-${depth}`);
  await gallery.getByTestId('template-create').click();
  await expect(gallery).toHaveCount(0);
  await expect(page.getByTestId('error-count')).toHaveText(/ 0 errors/);
}

/** Layer ids on the canvas of a kind. */
async function idsOf(page: Page, kind: string): Promise<string[]> {
  return page.locator(`.react-flow__node:has(.layer-node[data-kind="${kind}"])`).evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''));
}

test('a training run tints the canvas by gradient norm live, badges the residual merges, and shows its health and evaluation', async ({ page, app }) => {
  test.setTimeout(240_000);
  await openEditor(page, app.url);
  await tinyResNet(page, 14);
  // The template opens as its stages: open every block to see each layer's tint.
  await page.getByTestId('expand-all').click();
  await expect(page.getByTestId('expand-all')).toBeDisabled();
  await expect(page.locator('[data-testid="block-node"]')).toHaveCount(0);
  const convs = await idsOf(page, 'Conv2D');
  const adds = await idsOf(page, 'Add');
  expect(convs.length).toBeGreaterThan(4);
  expect(adds.length).toBeGreaterThan(2);

  // Nothing is tinted before a run.
  await expect(page.locator('.layer-node.grad-own')).toHaveCount(0);
  await expect(page.getByTestId('grad-legend')).toHaveCount(0);

  // Train from the Train panel on synthetic data, a probe every 4 steps.
  await page.getByTestId('open-train').click();
  const panel = page.getByTestId('train-panel');
  await expect(panel.getByTestId('train-dataset').locator('option[value="synthetic"]')).toHaveCount(1);
  await panel.getByTestId('train-dataset').selectOption('synthetic');
  await panel.getByTestId('train-epochs').fill('2');
  await panel.getByTestId('train-batchSize').fill('8');
  await panel.getByTestId('train-limit').fill('1600');
  await panel.getByTestId('train-probeEvery').fill('4');
  await panel.getByTestId('train-seed').fill('7');
  await panel.getByTestId('train-start').click();
  const view = page.getByTestId('run-view');
  await expect(view).toBeVisible({ timeout: 60_000 });
  const runId = (await view.getAttribute('data-run-id')) ?? '';
  expect(runId).not.toBe('');

  const legend = page.getByTestId('grad-legend');
  await expect(legend).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('grad-step')).toHaveText(/step \d+/, { timeout: 60_000 });
  await expect(page.getByTestId('grad-min')).toHaveText(/\d/);
  await expect(page.getByTestId('grad-max')).toHaveText(/\d/);

  // Every conv layer is filled with a colour; the Adds are outlined with their branch's.
  const conv = page.locator(`.react-flow__node[data-id="${convs[1] ?? ''}"] .layer-node`);
  await expect(conv).toHaveClass(/grad-own/);
  await expect(page.locator('.layer-node.grad-own[data-kind="Conv2D"]')).toHaveCount(convs.length);
  await expect(page.locator('.layer-node.grad-inherited[data-kind="Add"]')).toHaveCount(adds.length);
  const colourOf = async (): Promise<string> => (await conv.getAttribute('data-grad')) ?? '';
  const stepOf = async (): Promise<string> => (await page.getByTestId('grad-step').textContent()) ?? '';
  // The tint follows the probes: a later probe, another colour.
  const first = { step: await stepOf(), colour: await colourOf() };
  expect(first.colour).toMatch(/^own:rgb\(/);
  await expect.poll(async () => (await stepOf()) !== first.step && (await colourOf()) !== first.colour, { timeout: 60_000, intervals: [100] }).toBe(true);
  // Edges take their source's colour.
  expect(await page.locator('.react-flow__edge-path[style*="stroke: rgb"]').count()).toBeGreaterThan(5);
  // Residual merges carry ‖F(x)‖/‖x‖.
  const badges = page.getByTestId('residual-badge');
  await expect(badges.first()).toHaveText(/^F\/x \d+(\.\d+)?$/);
  await expect(badges).toHaveCount(adds.length);
  await expect(badges.first()).toHaveAttribute('title', /‖F\(x\)‖ \/ ‖x‖/);

  // A collapsed block is filled with its layers' (geometric) mean; expanded again, its layers are back.
  // Fit (clear of the Runs dock), select stage 3 by its frame's header, fit to it, collapse it.
  const stage3 = page.locator('[data-testid="block-frame"][data-group="stage3"]');
  await page.getByRole('button', { name: 'Fit', exact: true }).click();
  await stage3.locator('.frame-label').click();
  await page.getByRole('button', { name: 'Fit', exact: true }).click();
  await stage3.getByRole('button', { name: /^Collapse / }).click();
  const collapsed = page.locator('[data-testid="block-node"][data-group="stage3"]');
  await expect(collapsed).toHaveClass(/grad-own/);
  await expect(collapsed).toHaveAttribute('title', /geometric mean over the block's \d+ layers with weights/);
  // Expand it again by a double-click (at this zoom the block is drawn without its ▸).
  await collapsed.dblclick();
  await expect(page.locator('.layer-node.grad-own[data-kind="Conv2D"]')).toHaveCount(convs.length);

  // Health in the run view: the depth chart and the tables; a row selects its layer.
  const health = view.getByTestId('run-health');
  await expect(health.getByTestId('depth-chart')).toBeVisible();
  await expect(health.getByTestId('depth-chart')).not.toHaveAttribute('data-points', '0');
  const rows = health.getByTestId('residual-table').locator('tbody tr');
  await expect(rows).toHaveCount(adds.length);
  const add = (await rows.nth(1).getAttribute('data-node')) ?? '';
  expect(adds).toContain(add);
  await rows.nth(1).click();
  await expect(page.locator(`.react-flow__node[data-id="${add}"] .layer-node`)).toHaveClass(/selected/);
  await health.getByTestId('activation-table').scrollIntoViewIfNeeded();
  await page.screenshot({ path: '/tmp/b3-overlay-health.png' });

  // Stage 2 (its downsampling unit with the option-A shortcut, then an identity unit) in view for the README's picture.
  await page.getByTestId('open-runs').click();
  await expect(page.getByTestId('runs-dock')).toHaveCount(0);
  await page.getByRole('button', { name: 'Layers', exact: true }).click();
  await page.getByRole('button', { name: 'Inspector', exact: true }).click();
  await page.locator('[data-testid="block-frame"][data-group="stage2"] .frame-header').click();
  await page.getByRole('button', { name: 'Fit', exact: true }).click();
  await page.waitForTimeout(800);
  const box = await page.getByTestId('canvas').boundingBox();
  const frame = await page.locator('[data-testid="block-frame"][data-group="stage2"]').boundingBox();
  if (box === null || frame === null) throw new Error('no canvas');
  // The stage's frame with the legend above it (the legend sits at the canvas's top left).
  const top = box.y;
  const bottom = Math.min(box.y + box.height, frame.y + frame.height + 24);
  await page.screenshot({ path: 'docs/screenshot-gradient-flow.png', clip: { x: box.x, y: top, width: box.width, height: bottom - top } });
  // The same in the dark theme (looked at, not kept).
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: '/tmp/b3-overlay-dark.png', clip: { x: box.x, y: box.y, width: box.width, height: bottom - box.y } });
  await page.getByRole('button', { name: 'Switch to light theme' }).click();
  await page.getByRole('button', { name: 'Layers', exact: true }).click();
  await page.getByRole('button', { name: 'Inspector', exact: true }).click();

  // After the run: the evaluation with its confusion matrix.
  await page.getByTestId('open-runs').click();
  await expect(view.getByTestId('run-status')).toHaveText('done', { timeout: 180_000 });
  const evaluation = view.getByTestId('run-evaluation');
  await expect(evaluation).toHaveAttribute('data-state', 'ready');
  await expect(evaluation.getByTestId('confusion-cell')).toHaveCount(16);
  await expect(evaluation.getByTestId('eval-accuracy')).toContainText('%');
  await evaluation.getByTestId('confusion-cell').nth(1).hover();
  await expect(evaluation.getByTestId('confusion-hover')).toHaveText(/^true .+ predicted as .+: \d+/);
  await expect(evaluation.getByTestId('sample').first()).toBeVisible();
  await evaluation.getByTestId('confusion-matrix').scrollIntoViewIfNeeded();
  await page.screenshot({ path: '/tmp/b3-overlay-evaluation.png' });

  // A second, short run of the same network; its depth picture against the first one's.
  await page.getByTestId('open-train').click();
  await panel.getByTestId('train-dataset').selectOption('synthetic');
  await panel.getByTestId('train-epochs').fill('1');
  await panel.getByTestId('train-batchSize').fill('8');
  await panel.getByTestId('train-limit').fill('64');
  await panel.getByTestId('train-probeEvery').fill('2');
  await panel.getByTestId('train-start').click();
  await expect(view).toBeVisible({ timeout: 60_000 });
  await expect(view).not.toHaveAttribute('data-run-id', runId);
  await expect(view.getByTestId('run-status')).toHaveText('done', { timeout: 90_000 });
  await view.getByTestId('depth-compare-run').selectOption({ index: 1 });
  const compare = view.getByTestId('depth-compare');
  await expect(compare).toBeVisible();
  await expect.poll(async () => Number((await compare.getAttribute('data-points')) ?? '0')).toBeGreaterThan(2 * convs.length - 1);
  await expect(compare.locator('.depth-compare-notes li')).toHaveCount(2);
  await compare.scrollIntoViewIfNeeded();
  await page.screenshot({ path: '/tmp/b3-overlay-compare.png' });

  // Reload: the finished run's probes come back from the store — tint, badges, depth chart, tables.
  await page.reload();
  await expect(page.getByTestId('connection')).toHaveText(/connected/);
  await expect(page.locator('.layer-node[data-kind="Conv2D"]').first()).toBeVisible();
  await page.getByTestId('open-runs').click();
  await page.locator(`[data-testid="run-row"][data-run-id="${runId}"] .run-row-main`).click();
  await expect(page.getByTestId('run-view')).toBeVisible();
  await expect(page.getByTestId('grad-step')).toHaveText(/step \d+/);
  await expect(page.locator('.layer-node.grad-own[data-kind="Conv2D"]')).toHaveCount(convs.length);
  await expect(page.getByTestId('residual-badge')).toHaveCount(adds.length);
  await expect(page.getByTestId('run-health').getByTestId('depth-chart')).not.toHaveAttribute('data-points', '0');
  await expect(page.getByTestId('run-health').getByTestId('residual-table').locator('tbody tr')).toHaveCount(adds.length);
  // The canvas shows the network this run trained: no warning that it differs.
  await expect(page.getByTestId('grad-legend')).not.toContainText('another network');

  // Off: no tint, no badges.
  await page.getByTestId('grad-overlay-toggle').uncheck();
  await expect(page.locator('.layer-node.grad-own')).toHaveCount(0);
  await expect(page.getByTestId('residual-badge')).toHaveCount(0);
});

test('a segmentation run shows pixel accuracy, IoU per class and mean IoU, and the masks side by side', async ({ page, app }) => {
  test.setTimeout(180_000);
  await page.goto(app.url);
  await expect(page.getByTestId('connection')).toHaveText(/connected/);
  await page.getByTestId('open-gallery').click();
  const gallery = page.getByTestId('gallery');
  await gallery.getByTestId('template-unet').click();
  await gallery.getByLabel('Depth').fill('2');
  await gallery.getByLabel('Base channels').fill('4');
  await gallery.getByLabel('Conv padding').selectOption('same');
  await gallery.getByLabel('Input height').fill('16');
  await gallery.getByLabel('Input width').fill('16');
  await gallery.getByLabel('Classes').fill('4');
  await gallery.getByTestId('template-create').click();
  await expect(gallery).toHaveCount(0);
  await expect(page.getByTestId('error-count')).toHaveText(/ 0 errors/);

  await page.getByTestId('open-train').click();
  const panel = page.getByTestId('train-panel');
  await panel.getByTestId('train-dataset').selectOption('synthetic-segmentation');
  await panel.getByTestId('train-epochs').fill('1');
  await panel.getByTestId('train-batchSize').fill('8');
  await panel.getByTestId('train-limit').fill('96');
  await panel.getByTestId('train-probeEvery').fill('4');
  await panel.getByTestId('train-start').click();
  const view = page.getByTestId('run-view');
  await expect(view).toBeVisible({ timeout: 60_000 });
  // U-Net's long skips are concatenations: no residual merges, so no F/x badges; the layers are tinted all the same.
  await expect(page.locator('.layer-node.grad-own').first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('residual-badge')).toHaveCount(0);
  await expect(view.getByTestId('run-status')).toHaveText('done', { timeout: 120_000 });

  const evaluation = view.getByTestId('run-evaluation');
  await expect(evaluation).toHaveAttribute('data-state', 'ready');
  await expect(evaluation.getByTestId('eval-accuracy')).toContainText('pixel accuracy');
  await expect(evaluation.getByTestId('eval-mean-iou')).toContainText('%');
  await expect(evaluation.getByTestId('confusion-cell')).toHaveCount(16);
  await expect(evaluation.getByTestId('class-bars').locator('li')).toHaveCount(4);
  const sample = evaluation.getByTestId('sample').first();
  await expect(sample.locator('canvas')).toHaveCount(3);
  await evaluation.getByTestId('sample-grid').scrollIntoViewIfNeeded();
  await page.screenshot({ path: '/tmp/b3-overlay-segmentation.png' });
});
