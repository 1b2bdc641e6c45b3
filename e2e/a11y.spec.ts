import { mkdirSync, writeFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './app.js';
import { connect, dragLayer, openEditor } from './editor-helpers.js';

/**
 * Accessibility (issue 15, item 9): axe-core on the editor with a template network, the layer
 * table, the projects page, the Train panel, the Runs dock and every dialog (template gallery,
 * Save version, Export code, the add/concat merge prompt, a run's trained version). Any serious
 * or critical violation fails, named with the elements it was found on.
 */

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1400, height: 1000 } });

async function axe(page: Page, where: string): Promise<void> {
  const r = await new AxeBuilder({ page }).analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const lines = bad.map((v) => {
    const first = v.nodes[0];
    const why = first?.any[0]?.message ?? first?.all[0]?.message ?? first?.none[0]?.message ?? '';
    return `${where}: ${v.id} (${v.impact ?? '?'}) ${v.help} — ${v.nodes.length} × e.g. ${v.nodes
      .slice(0, 3)
      .map((n) => n.target.join(' '))
      .join(' | ')}; ${why}`;
  });
  if (bad.length > 0) {
    // Every element and reason, for whoever fixes it.
    mkdirSync('test-results', { recursive: true });
    writeFileSync(`test-results/axe-${where.replace(/[^a-z0-9]+/gi, '-')}.json`, JSON.stringify(bad, null, 1));
  }
  expect.soft(lines, `axe on ${where}`).toEqual([]);
  // The check itself ran: axe saw the page's elements.
  expect(r.passes.length).toBeGreaterThan(10);
}

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
  await axe(page, 'the template gallery');
  await gallery.getByTestId('template-create').click();
  await expect(gallery).toHaveCount(0);
}

test('the editor, its panels and its dialogs have no serious or critical axe violations', async ({ page, app }) => {
  test.setTimeout(240_000);
  await openEditor(page, app.url);
  await axe(page, 'the empty editor');
  await tinyResNet(page);
  await axe(page, 'the editor with a ResNet-8');

  await page.getByTestId('table-toggle').click();
  await expect(page.getByTestId('layer-table')).toBeVisible();
  await axe(page, 'the layer table');
  // Both themes.
  const theme = page.getByRole('button', { name: /Switch to (dark|light) theme/ });
  await theme.click();
  await axe(page, 'the editor and the layer table in the other theme');
  await theme.click();

  await page.getByTestId('export-code').click();
  await expect(page.getByTestId('export-dialog')).toBeVisible();
  await expect(page.getByTestId('export-status')).not.toContainText('Checking…');
  await axe(page, 'the Export code dialog');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('export-dialog')).toHaveCount(0);

  await page.getByRole('button', { name: 'Save version' }).click();
  await expect(page.getByTestId('save-version-dialog')).toBeVisible();
  await axe(page, 'the Save version dialog');
  await page.getByTestId('save-version-message').fill('first');
  await page.getByTestId('save-version-confirm').click();
  await expect(page.getByTestId('save-version-dialog')).toHaveCount(0);

  await page.getByTestId('open-train').click();
  const panel = page.getByTestId('train-panel');
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId('train-dataset').locator('option[value="synthetic"]')).toHaveCount(1);
  await axe(page, 'the Train panel');

  // A short run, for the Runs dock and the trained version's dialog.
  await panel.getByTestId('train-dataset').selectOption('synthetic');
  await panel.getByTestId('train-epochs').fill('1');
  await panel.getByTestId('train-batchSize').fill('8');
  await panel.getByTestId('train-limit').fill('64');
  await panel.getByTestId('train-seed').fill('3');
  await panel.getByTestId('train-start').click();
  const view = page.getByTestId('run-view');
  await expect(view).toBeVisible({ timeout: 60_000 });
  await expect(view.getByTestId('run-status')).toHaveText(/done|completed/, { timeout: 120_000 });
  await axe(page, 'a run in the Runs dock');
  await page.getByTestId('dock-tab-runs').click();
  await axe(page, 'the Runs dock');
  await page.getByTestId('open-runs').click();
  await page.getByTestId('open-runs').click();
  const row = page.getByTestId('run-row').first();
  await row.locator('.run-row-main').click();
  await page.getByTestId('open-version').click();
  await expect(page.getByTestId('version-modal')).toContainText('Version');
  await expect(page.getByTestId('readonly-canvas').locator('.react-flow__node-layer').first()).toBeVisible();
  await axe(page, "a run's trained version");
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('version-modal')).toHaveCount(0);

  await page.getByTestId('projects-toggle').click();
  await expect(page.getByTestId('projects-page')).toBeVisible();
  await expect(page.getByTestId('project-row').first()).toBeVisible();
  await axe(page, 'the projects page');
});

test('the add/concat merge prompt has no serious or critical axe violations', async ({ page, app }) => {
  await openEditor(page, app.url);
  await dragLayer(page, 'Input', 300, 300);
  await dragLayer(page, 'Conv2D', 560, 300);
  await dragLayer(page, 'ReLU', 820, 300);
  const ids = await page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''));
  const [input, conv, relu] = ids;
  if (input === undefined || conv === undefined || relu === undefined) throw new Error(`three layers expected, got ${ids.join(', ')}`);
  await connect(page, input, conv);
  await connect(page, conv, relu);
  await connect(page, input, relu);
  await expect(page.getByTestId('merge-prompt')).toBeVisible();
  await axe(page, 'the merge prompt');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('merge-prompt')).toHaveCount(0);
});
