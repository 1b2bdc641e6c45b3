import { expect, test } from '@playwright/test';
import { launch } from './app.js';

test("npm start without Electron's binary serves the UI at the printed URL and says why", async ({ page }) => {
  const { app, child } = await launch(['scripts/start.mjs', '--no-open'], /^\s+(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m);
  try {
    expect(app.output()).toMatch(/browser host: Electron is not available here \(.+\)/);
    await page.goto(app.url);
    await expect(page.getByTestId('empty-editor')).toBeVisible();
    await expect(page.getByTestId('mode')).toContainText('Electron is not available here');
  } finally {
    child.kill('SIGTERM');
  }
  // Stopping `npm start` stops the app it started: no server is left behind.
  await expect.poll(() => fetch(app.url).then(() => 'serving', () => 'stopped'), { timeout: 10_000 }).toBe('stopped');
});
