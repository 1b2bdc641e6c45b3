import { expect, ownAppForFile, test } from './app.js';

// Its own app and data folder: the project it saves does not change what other specs see at start.
const ownApp = ownAppForFile();

test('Save creates a project in the store, a second save updates it, Save version asks for a message and freezes a version', async ({ page, request }) => {
  const app = ownApp();
  await page.goto(app.url);
  await expect(page.getByTestId('connection')).toHaveText(/connected/);
  await expect(page.getByTestId('autosave-status')).toHaveText('Not in a project — Save to keep it');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByTestId('notice')).toContainText('Saved as a new project');
  await expect(page.getByTestId('autosave-status')).toHaveText('Saved');
  const auth = { Authorization: `Bearer ${app.token}` };
  const list = async (): Promise<{ id: string; revision: number }[]> => {
    const r = await request.post(`${app.origin}/api/projects/list`, { headers: auth, data: {} });
    return ((await r.json()) as { value: { projects: { id: string; revision: number }[] } }).value.projects;
  };
  const [p] = await list();
  expect(p).toBeDefined();
  const before = p?.revision ?? -1;
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect.poll(async () => (await list())[0]?.revision).toBeGreaterThan(before);
  expect(await list()).toHaveLength(1);
  await page.getByRole('button', { name: 'Save version' }).click();
  await expect(page.getByTestId('save-version-dialog')).toBeVisible();
  await page.getByTestId('save-version-message').fill('first try');
  await page.getByTestId('save-version-confirm').click();
  await expect(page.getByTestId('notice')).toContainText('Saved version 1 — first try');
  const v = await request.post(`${app.origin}/api/projects/versions`, { headers: auth, data: { id: p?.id } });
  const versions = ((await v.json()) as { value: { versions: { message: string }[] } }).value.versions;
  expect(versions).toHaveLength(1);
  expect(versions[0]?.message).toBe('first try');
  // Cancelling the prompt saves nothing.
  await page.getByRole('button', { name: 'Save version' }).click();
  await page.getByTestId('save-version-message').press('Escape');
  await expect(page.getByTestId('save-version-dialog')).toBeHidden();
  const again = await request.post(`${app.origin}/api/projects/versions`, { headers: auth, data: { id: p?.id } });
  expect(((await again.json()) as { value: { versions: unknown[] } }).value.versions).toHaveLength(1);
});
