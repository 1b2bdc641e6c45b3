import { networkInterfaces } from 'node:os';
import { connect } from 'node:net';
import { WebSocket } from 'ws';
import { expect, test } from './app.js';

function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(0));
  });
}

test('without the token, the page, the API and the socket are refused', async ({ page, request, app }) => {
  const resp = await page.goto(`${app.origin}/`);
  expect(resp?.status()).toBe(401);
  await expect(page.locator('body')).toContainText('Unauthorized');
  const api = await request.post(`${app.origin}/api/system/info`, { data: {} });
  expect(api.status()).toBe(401);
  expect(await upgradeStatus(`ws://127.0.0.1:${app.port}/ws`)).toBe(401);
  expect(await upgradeStatus(`ws://127.0.0.1:${app.port}/ws?token=${app.token}`)).toBe('open');
});

test('a page on another origin cannot open the socket even with the token', async ({ page, app }) => {
  expect(await upgradeStatus(`ws://127.0.0.1:${app.port}/ws?token=${app.token}`, { Origin: 'http://evil.example' })).toBe(403);
  // And from a real browser page on a different origin (another loopback port), as an attacker's page would.
  await page.goto('about:blank');
  const status = await page.evaluate(async (u) => {
    return await new Promise<string>((resolve) => {
      const ws = new WebSocket(u);
      ws.onopen = () => resolve('open');
      ws.onerror = () => resolve('refused');
    });
  }, `ws://127.0.0.1:${app.port}/ws?token=${app.token}`);
  expect(status).toBe('refused');
});

test('the server is not reachable on a non-loopback address', async ({ app }) => {
  const addresses = Object.values(networkInterfaces())
    .flat()
    .filter((a): a is NonNullable<typeof a> => a !== undefined && !a.internal && !a.address.startsWith('fe80'))
    .map((a) => a.address);
  test.skip(addresses.length === 0, 'this machine has no non-loopback address to try');
  for (const host of addresses) {
    const reached = await new Promise<boolean>((resolve) => {
      const s = connect({ host, port: app.port, timeout: 3000 });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
      s.once('timeout', () => {
        s.destroy();
        resolve(false);
      });
    });
    expect(reached, `reachable on ${host}:${app.port}`).toBe(false);
  }
});
