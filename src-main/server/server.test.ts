import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { shellService } from '../../src-shared/api/index.js';
import { createBackend } from '../services/registry.js';
import { startBrowserHost } from './server.js';
import type { BrowserHost } from './server.js';

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function http(port: number, path: string, o: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: o.method ?? 'GET', headers: { Host: `127.0.0.1:${port}`, ...o.headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    if (o.body !== undefined) req.write(o.body);
    req.end();
  });
}

/** Opens a socket; resolves 'open' or the HTTP status the server refused the upgrade with. */
function upgrade(url: string, headers: Record<string, string> = {}): Promise<{ ws?: WebSocket; status: number | 'open' }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve({ ws, status: 'open' }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.once('error', () => resolve({ status: 0 }));
  });
}

function nextMessage(ws: WebSocket, pred: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const on = (data: Buffer): void => {
      const m = JSON.parse(data.toString()) as Record<string, unknown>;
      if (pred(m)) {
        ws.off('message', on);
        resolve(m);
      }
    };
    ws.on('message', on);
  });
}

let host: BrowserHost;
const backend = createBackend({ mode: 'browser', modeReason: 'test', dataDir: mkdtempSync(join(tmpdir(), 'sw-data-')) });

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sw-static-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Skipwire</title>');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'sw-secret.txt'), 'secret');
  host = await startBrowserHost({ dispatcher: backend, staticDir: dir });
});
afterAll(async () => host.close());

describe('browser host: authentication', () => {
  it('prints a URL with a long random token on 127.0.0.1', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it('refuses pages and API calls without the token (401)', async () => {
    expect((await http(host.port, '/')).status).toBe(401);
    expect((await http(host.port, '/assets/app.js')).status).toBe(401);
    expect((await http(host.port, '/api/system/info', { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await http(host.port, '/?token=wrong')).status).toBe(401);
  });

  it('turns the URL token into an HttpOnly SameSite cookie and drops it from the address', async () => {
    const r = await http(host.port, `/?token=${host.token}`);
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe('/');
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await http(host.port, '/', { headers: { Cookie: cookie.split(';')[0] ?? '' } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Skipwire</title>');
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
  });

  it('answers API calls with a bearer token and validates them', async () => {
    const auth = { Authorization: `Bearer ${host.token}` };
    const ok = await http(host.port, '/api/system/ping', { method: 'POST', headers: auth, body: '{"nonce":"n1"}' });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, value: { nonce: 'n1' } });
    const bad = await http(host.port, '/api/system/ping', { method: 'POST', headers: auth, body: '{"nonce":1}' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect((await http(host.port, '/api/nope/x', { method: 'POST', headers: auth, body: '{}' })).status).toBe(404);
    expect((await http(host.port, '/api/projects/list', { method: 'POST', headers: auth, body: '{}' })).status).toBeGreaterThanOrEqual(200);
  });

  it('refuses a foreign Origin or Host even with the token (403)', async () => {
    const auth = { Authorization: `Bearer ${host.token}` };
    const evil = await http(host.port, '/api/system/info', { method: 'POST', headers: { ...auth, Origin: 'http://evil.example' }, body: '{}' });
    expect(evil.status).toBe(403);
    const otherPort = await http(host.port, '/api/system/info', { method: 'POST', headers: { ...auth, Origin: 'http://127.0.0.1:1' }, body: '{}' });
    expect(otherPort.status).toBe(403);
    const rebinding = await http(host.port, '/', { headers: { ...auth, Host: `attacker.example:${host.port}` } });
    expect(rebinding.status).toBe(403);
    const own = await http(host.port, '/api/system/info', { method: 'POST', headers: { ...auth, Origin: host.origin }, body: '{}' });
    expect(own.status).toBe(200);
  });

  it('never serves files outside the renderer folder', async () => {
    const auth = { Authorization: `Bearer ${host.token}` };
    for (const p of ['/../sw-secret.txt', '/%2e%2e/sw-secret.txt', '/assets/..%2f..%2fsw-secret.txt', '/%00']) {
      const r = await http(host.port, p, { headers: auth });
      expect(r.body).not.toContain('secret');
    }
  });
});

describe('browser host: WebSocket', () => {
  const wsUrl = (): string => `ws://127.0.0.1:${host.port}/ws`;

  it('refuses an upgrade without the token (401) or from a foreign origin (403)', async () => {
    expect((await upgrade(wsUrl())).status).toBe(401);
    expect((await upgrade(`${wsUrl()}?token=nope`)).status).toBe(401);
    expect((await upgrade(`${wsUrl()}?token=${host.token}`, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await upgrade(`ws://127.0.0.1:${host.port}/other?token=${host.token}`)).status).toBe(403);
  });

  it('carries validated calls, errors and events', async () => {
    const { ws, status } = await upgrade(`${wsUrl()}?token=${host.token}`, { Origin: host.origin });
    expect(status).toBe('open');
    if (ws === undefined) throw new Error('no socket');
    const reply = nextMessage(ws, (m) => m.t === 'reply' && m.id === 1);
    ws.send(JSON.stringify({ t: 'call', id: 1, service: 'system', method: 'info', input: {} }));
    expect(await reply).toMatchObject({ ok: true, value: { app: 'skipwire', mode: 'browser', services: expect.arrayContaining(['system']) } });

    const bad = nextMessage(ws, (m) => m.t === 'reply' && m.id === 2);
    ws.send(JSON.stringify({ t: 'call', id: 2, service: 'system', method: 'ping', input: { nonce: 5 } }));
    expect(await bad).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringContaining('nonce') } });

    const garbage = nextMessage(ws, (m) => m.t === 'reply' && m.id === -1);
    ws.send('not json');
    expect(await garbage).toMatchObject({ ok: false, error: { code: 'bad-request' } });

    const ev = nextMessage(ws, (m) => m.t === 'event');
    backend.emit(shellService, 'menu', { command: 'fit-view' });
    expect(await ev).toEqual({ t: 'event', service: 'shell', event: 'menu', payload: { command: 'fit-view' } });
    ws.close();
  });
});

describe('browser host: network exposure', () => {
  it('binds 127.0.0.1 only: not reachable on any other address of this machine', async () => {
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a): a is NonNullable<typeof a> => a !== undefined && !a.internal && !a.address.startsWith('fe80'))
      .map((a) => a.address);
    for (const address of [...others, '::1']) {
      const reached = await new Promise<boolean>((resolve) => {
        const s = connect({ host: address, port: host.port, timeout: 2000 });
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
      expect(reached, `reachable on ${address}`).toBe(false);
    }
  });
});
