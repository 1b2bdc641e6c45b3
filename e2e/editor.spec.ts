import { expect, test } from './app.js';

test('the printed URL opens the empty editor, connected to the back end', async ({ page, app }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(app.url);
  // The token moved into a cookie: it is no longer in the address bar.
  await expect(page).toHaveURL(`${app.origin}/`);
  await expect(page.getByTestId('empty-editor')).toBeVisible();
  await expect(page.getByTestId('empty-editor')).toContainText('An empty network');
  await expect(page.getByTestId('connection')).toHaveText(/connected/);
  await expect(page.getByTestId('mode')).toContainText('Browser host');
  await expect(page.getByTestId('version')).toHaveText(/^v\d+\.\d+\.\d+/);
  await expect(page.locator('.react-flow__controls')).toBeVisible();
  await page.screenshot({ path: 'docs/screenshot-editor.png' });
  expect(errors).toEqual([]);
});

test('a reload keeps the session; the theme toggle switches light and dark', async ({ page, app }) => {
  await page.goto(app.url);
  await expect(page.getByTestId('connection')).toHaveText(/connected/);
  await page.reload();
  await expect(page.getByTestId('connection')).toHaveText(/connected/);
  const html = page.locator('html');
  const before = await html.getAttribute('data-theme');
  await page.getByRole('button', { name: /Switch to (light|dark) theme/ }).click();
  await expect(html).not.toHaveAttribute('data-theme', before ?? '');
});
