import type { Locator, Page } from '@playwright/test';
import { expect } from './app.js';

/** The canvas pane (where layers are dropped). */
export function pane(page: Page): Locator {
  return page.locator('[data-testid="canvas"] .react-flow__pane');
}

/** A layer (or collapsed block) on the canvas by its id. */
export function node(page: Page, id: string): Locator {
  return page.locator(`.react-flow__node[data-id="${id}"]`);
}

export function edgeLabel(page: Page, edgeId: string): Locator {
  return page.getByTestId(`edge-label-${edgeId}`);
}

/** Drags a layer from the palette onto the canvas, dropping its centre at (x, y) in the pane. */
export async function dragLayer(page: Page, kind: string, x: number, y: number): Promise<void> {
  await page.getByTestId(`palette-${kind}`).dragTo(pane(page), { targetPosition: { x, y } });
}

/** Drags a connection from a layer's output handle to another layer's input handle, as a person does. */
export async function connect(page: Page, source: string, target: string, onto: 'handle' | 'body' = 'handle', beforeRelease?: () => Promise<void>): Promise<void> {
  const from = node(page, source).locator('.react-flow__handle.source');
  const to = onto === 'handle' ? node(page, target).locator('.react-flow__handle.target') : node(page, target);
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (a === null || b === null) throw new Error(`cannot see ${source} or ${target}`);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 30, a.y + a.height / 2 + 10, { steps: 4 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  // The view may have panned while dragging: aim at where the target is now.
  const c = await to.boundingBox();
  if (c !== null) await page.mouse.move(c.x + c.width / 2, c.y + c.height / 2, { steps: 2 });
  if (beforeRelease !== undefined) await beforeRelease();
  await page.mouse.up();
}

/** Selects a layer by clicking its title. */
export async function selectNode(page: Page, id: string): Promise<void> {
  await node(page, id).locator('.ln-kind').click();
  await expect(node(page, id)).toHaveClass(/selected/);
}

/** Sets a param in the inspector (the selected layer's form). */
export async function setParam(page: Page, nodeId: string, key: string, value: string): Promise<void> {
  await selectNode(page, nodeId);
  await page.locator(`#param-${nodeId}-${key}`).fill(value);
}

/** Opens the app with an empty editor. */
export async function openEditor(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByTestId('connection')).toHaveText(/connected/);
  await expect(page.getByTestId('empty-editor')).toBeVisible();
}
