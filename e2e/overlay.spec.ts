import type { APIRequestContext, Page } from '@playwright/test';
import { expect, test } from './app.js';
import type { RunningApp } from './app.js';
import { openEditor } from './editor-helpers.js';

test.use({ viewport: { width: 1600, height: 900 } });

/** Calls the contract over the browser host's HTTP API (the same dispatcher and schemas as the page's WebSocket). */
async function api<T>(request: APIRequestContext, app: RunningApp, service: string, method: string, input: unknown): Promise<T> {
  const r = await request.post(`${app.origin}/api/${service}/${method}`, { headers: { Authorization: `Bearer ${app.token}` }, data: input });
  const body = (await r.json()) as { ok: boolean; value?: T; error?: { message: string } };
  if (!body.ok) throw new Error(`${service}.${method}: ${body.error?.message ?? r.status()}`);
  return body.value as T;
}

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

test('a training run tints the canvas by gradient norm live, badges the residual merges, and shows its health and evaluation', async ({ page, app, request }) => {
  test.setTimeout(240_000);
  await openEditor(page, app.url);
  await tinyResNet(page, 14);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status')).toContainText('Saved');
  const { projects } = await api<{ projects: { id: string }[] }>(request, app, 'projects', 'list', {});
  const projectId = projects[0]?.id ?? '';
  const { document } = await api<{ document: { nodes: Record<string, { kind: string }> } }>(request, app, 'projects', 'open', { id: projectId });
  const convs = Object.entries(document.nodes)
    .filter(([, n]) => n.kind === 'Conv2D')
    .map(([id]) => id);
  expect(convs.length).toBeGreaterThan(4);

  // Nothing is tinted before a run.
  await expect(page.locator('.layer-node.grad-own')).toHaveCount(0);
  await expect(page.getByTestId('grad-legend')).toHaveCount(0);

  // Start the run (the page focuses a run that starts while none is shown); a probe every 4 steps.
  const started = await api<{ runId: string }>(request, app, 'training', 'start', {
    projectId,
    document,
    dataset: { kind: 'synthetic', shape: [8, 8, 1], classes: 4, trainSize: 1600, testSize: 64, seed: 3 },
    hyper: { epochs: 2, batchSize: 8, probeEvery: 4, validationFraction: 0, seed: 7, optimizer: 'adam' },
  });
  const legend = page.getByTestId('grad-legend');
  await expect(legend).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('grad-step')).toHaveText(/step \d+/, { timeout: 60_000 });
  await expect(page.getByTestId('grad-min')).toHaveText(/\d/);
  await expect(page.getByTestId('grad-max')).toHaveText(/\d/);

  // Every conv layer is filled with a colour; the ReLUs and Adds are outlined with one.
  const conv = page.locator(`.react-flow__node[data-id="${convs[1] ?? ''}"] .layer-node`);
  await expect(conv).toHaveClass(/grad-own/);
  await expect(page.locator('.layer-node.grad-own[data-kind="Conv2D"]')).toHaveCount(convs.length);
  await expect(page.locator('.layer-node.grad-inherited[data-kind="Add"]').first()).toBeVisible();
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
  expect(await badges.count()).toBe(Object.values(document.nodes).filter((n) => n.kind === 'Add').length);
  await expect(badges.first()).toHaveAttribute('title', /‖F\(x\)‖ \/ ‖x‖/);

  // Stage 2 (its downsampling unit with the option-A shortcut, then an identity unit) in view for the README's picture.
  await page.getByRole('button', { name: 'Layers', exact: true }).click();
  await page.getByRole('button', { name: 'Inspector', exact: true }).click();
  await page.locator('[data-testid="block-frame"][data-group="stage2"] .frame-header').click();
  await page.getByRole('button', { name: 'Fit', exact: true }).click();
  await page.waitForTimeout(400);
  await page.getByRole('button', { name: 'Zoom In' }).click();
  await page.getByRole('button', { name: 'Zoom In' }).click();
  await page.waitForTimeout(600);
  const box = await page.getByTestId('canvas').boundingBox();
  const frame = await page.locator('[data-testid="block-frame"][data-group="stage2"]').boundingBox();
  if (box === null || frame === null) throw new Error('no canvas');
  const bottom = Math.min(box.y + box.height, frame.y + frame.height + 24);
  await page.screenshot({ path: 'docs/screenshot-gradient-flow.png', clip: { x: box.x, y: box.y, width: box.width, height: bottom - box.y } });
  await page.getByRole('button', { name: 'Layers', exact: true }).click();
  await page.getByRole('button', { name: 'Inspector', exact: true }).click();

  // Health: the depth chart and the tables; a row selects its layer.
  await page.getByTestId('insights-toggle').click();
  await expect(page.getByTestId('depth-chart')).toBeVisible();
  await expect(page.getByTestId('depth-chart')).not.toHaveAttribute('data-points', '0');
  const rows = page.getByTestId('residual-table').locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  const add = (await rows.first().getAttribute('data-node')) ?? '';
  await rows.first().click();
  await expect(page.locator(`.react-flow__node[data-id="${add}"] .layer-node`)).toHaveClass(/selected/);
  await page.screenshot({ path: '/tmp/b3-overlay-health.png' });

  // After the run: the evaluation with its confusion matrix.
  await expect
    .poll(async () => (await api<{ run: { status: string } }>(request, app, 'training', 'get', { runId: started.runId })).run.status, { timeout: 180_000, intervals: [1000] })
    .toBe('done');
  await page.getByTestId('insights-evaluation-tab').click();
  await expect(page.getByTestId('run-evaluation')).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('confusion-cell')).toHaveCount(16);
  await expect(page.getByTestId('eval-accuracy')).toContainText('%');
  await page.getByTestId('confusion-cell').nth(1).hover();
  await expect(page.getByTestId('confusion-hover')).toHaveText(/^true .+ predicted as .+: \d+/);
  await page.screenshot({ path: '/tmp/b3-overlay-evaluation.png' });

  // Off: no tint.
  await page.getByTestId('grad-overlay-toggle').uncheck();
  await expect(page.locator('.layer-node.grad-own')).toHaveCount(0);
});
