import type { Page } from '@playwright/test';
import { expect, test } from './app.js';
import { setParam } from './editor-helpers.js';

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1400, height: 1000 } });

/** A ResNet-8 with 4 base filters on 8×8×1 inputs: trains in moments on two slow cores. */
async function tinyResNet(page: Page): Promise<void> {
  await page.getByTestId('open-gallery').click();
  const gallery = page.getByTestId('gallery');
  await gallery.getByTestId('template-resnet').click();
  await gallery.getByLabel('Depth').fill('8');
  await gallery.getByLabel('Base filters').fill('4');
  await gallery.getByLabel('Input height').fill('8');
  await gallery.getByLabel('Input width').fill('8');
  await gallery.getByLabel('Input channels').fill('1');
  await expect(gallery.getByTestId('template-preview')).toContainText('ResNet-8');
  await gallery.getByTestId('template-create').click();
  await expect(gallery).toHaveCount(0);
}

/** Fills the Train panel for a small synthetic run. */
async function fillTrain(page: Page, o: { epochs: string; limit: string; batch?: string }): Promise<void> {
  const panel = page.getByTestId('train-panel');
  await expect(panel.getByTestId('train-dataset').locator('option[value="synthetic"]')).toHaveCount(1);
  await panel.getByTestId('train-dataset').selectOption('synthetic');
  await panel.getByTestId('train-epochs').fill(o.epochs);
  await panel.getByTestId('train-batchSize').fill(o.batch ?? '8');
  await panel.getByTestId('train-limit').fill(o.limit);
  await panel.getByTestId('train-probeEvery').fill('5');
  await panel.getByTestId('train-seed').fill('3');
}

async function chartPoints(page: Page, kind: string): Promise<number> {
  return Number((await page.getByTestId(`chart-${kind}`).getAttribute('data-points')) ?? '0');
}

test('train a tiny ResNet on synthetic data from the Train panel: live curves, cancel, reload keeps the run, its metrics and its version', async ({ page, app }) => {
  test.setTimeout(180_000);
  await page.goto(app.url);
  await expect(page.getByTestId('connection')).toHaveText(/connected/);
  await tinyResNet(page);

  await page.getByTestId('open-train').click();
  const panel = page.getByTestId('train-panel');
  await expect(panel).toBeVisible();
  await expect(panel).toContainText('He et al.');
  await expect(panel.getByTestId('train-project')).toContainText('Start saves it as a new project first');
  // A bad value is refused with the field named; nothing starts.
  await panel.getByTestId('train-batchSize').fill('eight');
  await expect(panel.getByTestId('train-error')).toHaveText('Batch size: “eight” is not a number');
  await expect(panel.getByTestId('train-start')).toBeDisabled();
  await fillTrain(page, { epochs: '2', limit: '2000' });
  await expect(panel.getByTestId('train-memory')).toContainText('Training memory ≈');
  await expect(panel.getByTestId('train-engine-detail')).not.toHaveText('');
  await expect(panel.getByTestId('train-memory')).toContainText(/≈ .* of .* free/);
  await expect(panel.getByTestId('train-dataset-detail')).toContainText('synthetic shapes: ');
  await page.screenshot({ path: '/tmp/b2-train.png' });
  await panel.getByTestId('train-start').click();

  // The run view opens with live curves; the editor stays usable beside the dock.
  const view = page.getByTestId('run-view');
  await expect(view).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('status')).toContainText('Saved as a new project');
  const runId = (await view.getAttribute('data-run-id')) ?? '';
  expect(runId).not.toBe('');
  await expect(view.getByTestId('run-status')).toHaveText(/running/, { timeout: 60_000 });
  await expect.poll(() => chartPoints(page, 'loss'), { timeout: 60_000 }).toBeGreaterThan(5);
  const before = await chartPoints(page, 'loss');
  await expect.poll(() => chartPoints(page, 'loss'), { timeout: 30_000 }).toBeGreaterThan(before);
  await expect(view.getByTestId('run-facts')).toContainText('img/s');
  // The first epoch ends (a validation point), then cancel during the second.
  await expect(view.getByTestId('run-facts')).toContainText('epoch 2/2', { timeout: 90_000 });
  await expect(view.getByTestId('run-final')).not.toContainText('val acc —');
  await page.screenshot({ path: '/tmp/b2-running.png' });

  await view.getByRole('button', { name: 'Pause' }).click();
  await expect(view.getByTestId('run-status')).toHaveText('paused', { timeout: 30_000 });
  const paused = await chartPoints(page, 'loss');
  await page.waitForTimeout(1500);
  expect(await chartPoints(page, 'loss')).toBe(paused);
  await view.getByRole('button', { name: 'Resume' }).click();
  await expect(view.getByTestId('run-status')).toHaveText('running', { timeout: 30_000 });
  await view.getByRole('button', { name: 'Cancel' }).click();
  await expect(view.getByTestId('run-status')).toHaveText('canceled', { timeout: 30_000 });
  const steps = await chartPoints(page, 'loss');

  // Reload: the project reopens; the run, its curves and its version are there.
  await page.reload();
  await expect(page.getByTestId('connection')).toHaveText(/connected/);
  await page.getByTestId('open-runs').click();
  const row = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
  await expect(row).toHaveAttribute('data-status', 'canceled');
  await expect(row).toContainText('synthetic');
  await row.locator('.run-row-main').click();
  await expect(page.getByTestId('run-view')).toBeVisible();
  await expect.poll(() => chartPoints(page, 'loss')).toBeGreaterThanOrEqual(steps - 1);
  await page.getByTestId('open-version').click();
  const modal = page.getByTestId('version-modal');
  await expect(modal).toContainText('Version 1: ResNet-8');
  await expect(modal.getByTestId('version-facts')).toContainText('params');
  // The trained graph is drawn read-only as it was saved (its stages collapsed), none draggable.
  const picture = modal.getByTestId('readonly-canvas');
  const pictured = picture.locator('.react-flow__node-layer');
  await expect(pictured.first()).toBeVisible();
  await expect(picture.locator('.react-flow__node-block')).toHaveCount(3);
  expect(await pictured.count()).toBeGreaterThan(4);
  await expect(pictured.first()).not.toHaveClass(/draggable/);
  const editorLayers = await page.locator('[data-testid="canvas"] .react-flow__node-layer').count();
  await page.screenshot({ path: '/tmp/b2-version.png' });
  await modal.getByRole('button', { name: 'Close' }).click();
  await expect(modal).toHaveCount(0);
  // The picture had its own canvas: the editor's is as it was.
  await expect(page.locator('[data-testid="canvas"] .react-flow__node-layer')).toHaveCount(editorLayers);
  await page.getByTestId('log-scale').check();
  await expect.poll(() => chartPoints(page, 'loss')).toBeGreaterThanOrEqual(steps - 1);
  await page.getByTestId('log-scale').uncheck();
  await page.getByTestId('runs-dock').screenshot({ path: 'docs/screenshot-curves.png' });

  // Two more short runs, the network edited between them; compare the three.
  const shortRun = async (how: 'start' | 'queue'): Promise<string> => {
    await page.getByTestId('open-train').click();
    await fillTrain(page, { epochs: '1', limit: '64' });
    await page.getByTestId(`train-${how}`).click();
    const v = page.getByTestId('run-view');
    await expect(v).toBeVisible({ timeout: 60_000 });
    await expect(v.getByTestId('run-status')).toHaveText('done', { timeout: 90_000 });
    await expect(v.getByTestId('run-test-accuracy')).not.toHaveText('—');
    return (await v.getAttribute('data-run-id')) ?? '';
  };
  const a = await shortRun('start');
  await setParam(page, 'stem_conv1', 'kernel', '5');
  // The second goes through the queue (stored first; it starts as nothing runs before it).
  const b = await shortRun('queue');
  await page.getByTestId('runs-dock').screenshot({ path: '/tmp/b2-runview.png' });
  await page.locator('.runs-dock-body').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await page.getByTestId('runs-dock').screenshot({ path: '/tmp/b2-runview-bottom.png' });
  expect(new Set([runId, a, b]).size).toBe(3);
  await page.getByRole('button', { name: 'Back to the run history' }).click();
  for (const id of [runId, a, b]) await page.locator(`[data-testid="run-row"][data-run-id="${id}"] input[type="checkbox"]`).check();
  await page.getByTestId('compare-selected').click();
  const compare = page.getByTestId('compare');
  await expect(compare.getByTestId('compare-row')).toHaveCount(3);
  await expect(compare.getByTestId('compare-table')).toContainText('canceled');
  await expect(compare.getByTestId('compare-table')).toContainText('done');
  await expect.poll(() => chartPoints(page, 'loss')).toBeGreaterThan(10);
  // The first run and the second trained the same version; the third an edited one.
  await expect(compare.getByTestId('diff-view')).toContainText('kernel: 3 → 5');
  await page.screenshot({ path: '/tmp/b2-compare.png', fullPage: true });

  // The first short run trained the 3×3 stem; restoring its version brings that back into the editor.
  await expect(page.locator('.react-flow__node[data-id="stem_conv1"]')).toContainText('5×5');
  await page.getByTestId('dock-tab-runs').click();
  await page.locator(`[data-testid="run-row"][data-run-id="${a}"] .run-row-main`).click();
  await page.getByTestId('open-version').click();
  await expect(page.getByTestId('version-modal')).toContainText('kernel=3');
  await page.getByTestId('restore-version').click();
  await expect(page.getByTestId('version-modal')).toHaveCount(0);
  await expect(page.getByRole('status')).toContainText('Restored version 1');
  await expect(page.locator('.react-flow__node[data-id="stem_conv1"]')).toContainText('3×3');

  // The canceled run continues from its epoch-1 checkpoint to the 2 epochs it asked for.
  await page.getByRole('button', { name: 'Back to the run history' }).click();
  await page.locator(`[data-testid="run-row"][data-run-id="${runId}"] .run-row-main`).click();
  const first = page.getByTestId('run-view');
  await expect(first.getByTestId('continue-epochs')).toHaveValue('2');
  await first.getByTestId('continue-run').click();
  await expect(first.getByTestId('run-status')).toHaveText(/running|done/, { timeout: 30_000 });
  await expect(first.getByTestId('run-status')).toHaveText('done', { timeout: 120_000 });
  await expect(first.getByTestId('run-facts')).toContainText('epoch 2/2');
  await expect(first.getByTestId('run-test-accuracy')).not.toHaveText('—');
});

test('the degradation experiment in one click: four runs queued, the first progressing, the expected outcome beside them', async ({ page, app }) => {
  test.setTimeout(180_000);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(app.url);
  await expect(page.getByTestId('connection')).toHaveText(/connected/);
  await page.getByTestId('open-runs').click();
  await page.getByTestId('dock-tab-experiments').click();
  const ex = page.getByTestId('experiments');
  await ex.getByTestId('preset-select').selectOption('degradation');
  await ex.getByTestId('preset-dataset').selectOption('synthetic');
  await ex.getByTestId('preset-limit').fill('300');
  await ex.getByTestId('preset-epochs').fill('1');
  await ex.getByTestId('preset-start').click();
  const runs = ex.getByTestId('experiment-run');
  await expect(runs).toHaveCount(4);
  await expect(runs.nth(0)).toContainText('plain-20');
  await expect(ex.getByTestId('experiment-expected')).toContainText('plain-56');
  await expect(runs.nth(0)).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  for (const i of [1, 2, 3]) await expect(runs.nth(i)).toHaveAttribute('data-status', 'queued');
  await expect(runs.nth(0).getByTestId('run-facts')).toContainText(/step [1-9]/, { timeout: 60_000 });
  await expect.poll(() => chartPoints(page, 'loss'), { timeout: 60_000 }).toBeGreaterThan(0);
  await page.screenshot({ path: '/tmp/b2-experiment.png' });
  await page.locator('.runs-dock-body').evaluate((el) => el.scrollTo(0, 700));
  await page.getByTestId('runs-dock').screenshot({ path: '/tmp/b2-experiment-curves.png' });
  await ex.getByTestId('experiment-cancel').click();
  // The first may have finished already; the queued ones leave the queue.
  await expect(runs.nth(0)).toHaveAttribute('data-status', /canceled|done/, { timeout: 30_000 });
  for (const i of [1, 2, 3]) await expect(runs.nth(i)).toHaveAttribute('data-status', 'canceled', { timeout: 30_000 });
  await expect(ex.getByTestId('experiment-statement')).not.toHaveText('…');

  // A new window (no memory of what it started) finds the experiment in the store.
  const fresh = await page.context().browser()?.newContext({ viewport: { width: 1400, height: 1000 } });
  if (fresh === undefined) throw new Error('no browser');
  const other = await fresh.newPage();
  await other.goto(app.url);
  await other.getByTestId('open-runs').click();
  await other.getByTestId('dock-tab-experiments').click();
  await expect(other.getByTestId('experiment-run')).toHaveCount(4);
  await expect(other.getByTestId('experiment-run').nth(3)).toContainText('ResNet-56');
  await expect(other.getByTestId('experiment-run').nth(3)).toHaveAttribute('data-status', 'canceled');
  await fresh.close();
});
