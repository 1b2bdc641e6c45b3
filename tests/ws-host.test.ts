import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { MAX_IN_FLIGHT, shellService } from '../src-shared/api/index.js';
import { createBackend } from '../src-main/services/registry.js';
import { startBrowserHost } from '../src-main/server/server.js';
import type { BrowserHost } from '../src-main/server/server.js';
import { WsHost } from '../src-renderer/host/ws-host.js';
import type { SocketLike } from '../src-renderer/host/ws-host.js';
import { TestHost } from '../src-renderer/host/test-host.js';

/** The renderer's WsHost against the real browser host: the same contract end to end. */
let server: BrowserHost;
const backend = createBackend({ mode: 'browser', modeReason: 'ws-host test', dataDir: mkdtempSync(join(tmpdir(), 'sw-')) });

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sw-static-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html>');
  server = await startBrowserHost({ dispatcher: backend, staticDir: dir });
});
afterAll(async () => server.close());

function makeHost(token: string): WsHost {
  return new WsHost({
    url: `ws://127.0.0.1:${server.port}/ws?token=${token}`,
    reconnectMs: 0,
    createSocket: (u) => new WebSocket(u, { headers: { Origin: server.origin } }) as unknown as SocketLike,
  });
}

describe('WsHost', () => {
  it('calls services with typed, validated replies and receives events', async () => {
    const host = makeHost(server.token);
    const info = await host.api.system.info({});
    expect(info.mode).toBe('browser');
    expect(info.modeReason).toBe('ws-host test');
    expect(host.connection()).toBe('open');
    const seen = new Promise((resolve) => host.on('shell', 'menu', resolve));
    backend.emit(shellService, 'menu', { command: 'undo' });
    expect(await seen).toEqual({ command: 'undo' });
    // a service error travels back as a ContractError with its code and one-line message
    await expect(host.api.projects.open({ id: 'no-such-project' })).rejects.toMatchObject({
      code: expect.stringMatching(/bad-request|failed/),
      message: expect.stringContaining('no-such-project'),
    });
    host.close();
  });

  it('holds calls beyond the host\'s in-flight limit back until replies free a slot: none is answered busy', async () => {
    const host = makeHost(server.token);
    const n = MAX_IN_FLIGHT * 3;
    const replies = await Promise.all(Array.from({ length: n }, (_, i) => host.api.system.ping({ nonce: `n${i}` })));
    expect(replies.map((r) => r.nonce)).toEqual(Array.from({ length: n }, (_, i) => `n${i}`));
    host.close();
  });

  it('fails pending calls with a transport error when the server refuses the socket', async () => {
    const host = makeHost('wrong-token');
    await expect(host.api.system.ping({ nonce: 'x' })).rejects.toMatchObject({ code: 'transport' });
    expect(host.connection()).toBe('closed');
    host.close();
  });
});

describe('TestHost', () => {
  it('reaches a dispatcher in-process through the same validation', async () => {
    const host = new TestHost(createBackend({ mode: 'cli', modeReason: 'unit', dataDir: '/tmp' }));
    await expect(host.api.system.ping({ nonce: 'abc' })).resolves.toMatchObject({ nonce: 'abc' });
    await expect(host.api.system.ping({ nonce: 3 as unknown as string })).rejects.toMatchObject({ code: 'bad-request' });
    host.close();
  });
});
