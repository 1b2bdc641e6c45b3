import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { MAX_FRAME_BYTES, MAX_IN_FLIGHT } from '../../src-shared/api/index.js';
import { createBackend } from '../services/registry.js';
import { startBrowserHost } from './server.js';
import type { BrowserHost } from './server.js';

/**
 * The browser host never exits because of what a client sends: a malformed or oversized frame
 * closes only the connection that sent it (1002 protocol error, 1007 invalid UTF-8, 1009 too
 * large), is logged once, and every other client keeps working. Real clients against the real host.
 */

let host: BrowserHost;
const logged: string[] = [];
const backend = createBackend({ mode: 'browser', modeReason: 'hardening test', dataDir: mkdtempSync(join(tmpdir(), 'sw-data-')) });

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sw-static-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Skipwire</title>');
  host = await startBrowserHost({ dispatcher: backend, staticDir: dir, log: (l) => logged.push(l) });
});
afterAll(async () => host.close());

const wsUrl = (): string => `ws://127.0.0.1:${host.port}/ws?token=${host.token}`;

function open(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(), { headers: { Origin: host.origin } });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Resolves the close code the server sent (a client-side send error is not a close). */
function closed(ws: WebSocket): Promise<number> {
  ws.on('error', () => undefined);
  return new Promise((resolve) => ws.once('close', (code: number) => resolve(code)));
}

function replyTo(ws: WebSocket, id: number): Promise<Record<string, unknown>> {
  return new Promise<Record<string, unknown>>((resolve) => {
    const on = (data: Buffer): void => {
      const m = JSON.parse(data.toString()) as Record<string, unknown>;
      if (m.t === 'reply' && m.id === id) {
        ws.off('message', on);
        resolve(m);
      }
    };
    ws.on('message', on);
  });
}

async function ping(ws: WebSocket, id: number): Promise<Record<string, unknown>> {
  const reply = replyTo(ws, id);
  ws.send(JSON.stringify({ t: 'call', id, service: 'system', method: 'ping', input: { nonce: `n${id}` } }));
  return reply;
}

/** A client frame written byte by byte: opcode, optional mask, RSV bits, and a length header that may lie. */
function frame(opcode: number, payload: Buffer, o: { mask?: boolean; rsv?: number; announce?: bigint } = {}): Buffer {
  const mask = o.mask ?? true;
  const len = o.announce ?? BigInt(payload.length);
  const head: number[] = [0x80 | ((o.rsv ?? 0) << 4) | opcode];
  const m = mask ? 0x80 : 0;
  let ext = Buffer.alloc(0);
  if (len < 126n) head.push(m | Number(len));
  else if (len < 65536n) {
    head.push(m | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(Number(len));
  } else {
    head.push(m | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(len);
  }
  const key = mask ? randomBytes(4) : Buffer.alloc(0);
  const body = Buffer.from(payload);
  if (mask) for (let i = 0; i < body.length; i++) body[i] = (body[i] ?? 0) ^ (key[i % 4] ?? 0);
  return Buffer.concat([Buffer.from(head), ext, key, body]);
}

interface RawClient {
  socket: Socket;
  /** Resolves the status code of the first close frame the server sends (or 1006 if the socket just ends). */
  closeCode: Promise<number>;
  /** Text frames received so far. */
  texts: string[];
}

/** A WebSocket client done by hand over TCP, so it can send frames no library would. */
function rawClient(): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: host.port });
    socket.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    let upgraded = false;
    const texts: string[] = [];
    let onClose: (code: number) => void = () => undefined;
    const closeCode = new Promise<number>((r) => (onClose = r));
    socket.on('close', () => onClose(1006));
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString();
        if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(head.split('\r\n')[0]));
        upgraded = true;
        buf = buf.subarray(end + 4);
        resolve({ socket, closeCode, texts });
      }
      // Server frames are unmasked; replies here are small (length < 65536).
      for (;;) {
        if (buf.length < 2) return;
        const op = (buf[0] ?? 0) & 0x0f;
        let len = (buf[1] ?? 0) & 0x7f;
        let off = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          off = 4;
        }
        if (buf.length < off + len) return;
        const payload = buf.subarray(off, off + len);
        buf = buf.subarray(off + len);
        if (op === 0x1) texts.push(payload.toString());
        if (op === 0x8) onClose(payload.length >= 2 ? payload.readUInt16BE(0) : 1005);
      }
    });
    socket.write(
      [
        'GET /ws HTTP/1.1',
        `Host: 127.0.0.1:${host.port}`,
        `Origin: ${host.origin}`,
        `Authorization: Bearer ${host.token}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        '',
        '',
      ].join('\r\n'),
    );
  });
}

const call = (id: number): Buffer => Buffer.from(JSON.stringify({ t: 'call', id, service: 'system', method: 'ping', input: { nonce: `n${id}` } }));

describe('browser host: a client cannot take it down', () => {
  const rawCases: { name: string; bytes: () => Buffer; code: number }[] = [
    { name: 'a reserved opcode (0x3)', bytes: () => frame(0x3, Buffer.from('x')), code: 1002 },
    { name: 'a reserved control opcode (0xB)', bytes: () => frame(0xb, Buffer.alloc(0)), code: 1002 },
    { name: 'RSV1 set without an extension', bytes: () => frame(0x1, call(1), { rsv: 4 }), code: 1002 },
    { name: 'a continuation frame with nothing to continue', bytes: () => frame(0x0, Buffer.from('x')), code: 1002 },
    { name: 'a control frame longer than 125 bytes', bytes: () => frame(0x9, Buffer.alloc(200)), code: 1002 },
    { name: 'an unmasked client frame', bytes: () => frame(0x1, call(1), { mask: false }), code: 1002 },
    { name: 'a text frame that is not UTF-8', bytes: () => frame(0x1, Buffer.from([0x7b, 0xc3, 0x28, 0x7d])), code: 1007 },
    { name: 'a frame announced one byte over maxPayload', bytes: () => frame(0x2, Buffer.alloc(0), { announce: BigInt(MAX_FRAME_BYTES + 1) }), code: 1009 },
    { name: 'a frame announced at 2^63 bytes', bytes: () => frame(0x1, Buffer.alloc(0), { announce: 2n ** 63n - 1n }), code: 1009 },
  ];

  for (const c of rawCases) {
    it(`${c.name}: closes that connection with ${c.code}, logs it once, another client keeps working`, async () => {
      const bystander = await open();
      expect(await ping(bystander, 1)).toMatchObject({ ok: true, value: { nonce: 'n1' } });
      const before = logged.length;
      const droppedBefore = host.dropped();
      const bad = await rawClient();
      bad.socket.write(c.bytes());
      expect(await bad.closeCode).toBe(c.code);
      bad.socket.destroy();
      expect(await ping(bystander, 2)).toMatchObject({ ok: true, value: { nonce: 'n2' } });
      expect(host.dropped()).toBe(droppedBefore + 1);
      expect(logged.slice(before)).toHaveLength(1);
      expect(logged[before]).toMatch(/^skipwire: browser host: closed connection ws-\d+: /);
      bystander.close();
    });
  }

  it('real ws clients: unmasked, invalid UTF-8 and a frame over maxPayload each close only their own connection', async () => {
    const bystander = await open();
    const cases: { send: (ws: WebSocket) => void; code: number }[] = [
      { send: (ws) => ws.send('{"t":"call"}', { mask: false }), code: 1002 },
      { send: (ws) => ws.send(Buffer.from([0xff, 0xfe, 0xfd]), { binary: false }), code: 1007 },
      { send: (ws) => ws.send(Buffer.alloc(MAX_FRAME_BYTES + 1, 0x20), { binary: false }), code: 1009 },
    ];
    let id = 10;
    for (const c of cases) {
      const ws = await open();
      const code = closed(ws);
      c.send(ws);
      expect(await code).toBe(c.code);
      expect(await ping(bystander, id++)).toMatchObject({ ok: true });
    }
    // the largest frame the contract allows still goes through
    const big = await open();
    const reply = replyTo(big, 7);
    const text = 'x'.repeat(MAX_FRAME_BYTES - 200);
    big.send(JSON.stringify({ t: 'call', id: 7, service: 'system', method: 'ping', input: { nonce: text } }));
    expect(await reply).toMatchObject({ t: 'reply', id: 7, ok: false, error: { code: 'bad-request' } });
    big.close();
    expect(await ping(bystander, id)).toMatchObject({ ok: true });
    bystander.close();
  }, 60_000);

  it('answers calls beyond the in-flight limit on one connection with "busy" and keeps serving it', async () => {
    const c = await rawClient();
    const n = MAX_IN_FLIGHT * 3;
    // One write: the host reads every call before any reply can be sent.
    c.socket.write(Buffer.concat(Array.from({ length: n }, (_, i) => frame(0x1, call(i + 1)))));
    const replies = (): Record<string, unknown>[] => c.texts.map((t) => JSON.parse(t) as Record<string, unknown>).filter((m) => m.t === 'reply');
    await expect.poll(() => replies().length, { timeout: 10_000 }).toBe(n);
    const ok = replies().filter((m) => m.ok === true);
    const busy = replies().filter((m) => m.ok === false && (m.error as { code?: string }).code === 'busy');
    expect(ok).toHaveLength(MAX_IN_FLIGHT);
    expect(busy).toHaveLength(n - MAX_IN_FLIGHT);
    // once the replies are out, the connection takes calls again
    c.socket.write(frame(0x1, call(9999)));
    await expect.poll(() => replies().some((m) => m.id === 9999 && m.ok === true)).toBe(true);
    c.socket.destroy();
  });

  it('a reset in the middle of an HTTP request or an upgrade does not reach the process', async () => {
    for (const text of [`GET / HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nContent-Length: 10\r\n\r\nab`, 'GARBAGE\r\n\r\n', `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`]) {
      const s = connect({ host: '127.0.0.1', port: host.port });
      s.on('error', () => undefined);
      await new Promise<void>((r) => s.once('connect', () => r()));
      s.write(text);
      s.resetAndDestroy();
    }
    const ws = await open();
    expect(await ping(ws, 1)).toMatchObject({ ok: true });
    ws.close();
  });
});
