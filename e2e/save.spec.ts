import { expect, test } from './app.js';

test('Save creates a project in the store, a second save updates it, Save version freezes a version', async ({ page, app, request }) => {
  await page.goto(app.url);
  await expect(page.getByTestId('connection')).toHaveText(/connected/);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status')).toContainText('Saved as a new project');
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
  await expect(page.getByRole('status')).toContainText('Saved version 1');
  const v = await request.post(`${app.origin}/api/projects/versions`, { headers: auth, data: { id: p?.id } });
  expect(((await v.json()) as { value: { versions: unknown[] } }).value.versions).toHaveLength(1);
});
