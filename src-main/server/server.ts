import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { ClientFrame, ContractError, MAX_FRAME_BYTES, MAX_IN_FLIGHT } from '../../src-shared/api/index.js';
import type { Dispatcher, ServerFrame } from '../../src-shared/api/index.js';
import { closeBackend } from '../services/registry.js';
import { allowedHosts, allowedOrigins, cookieName, newToken, presentedTokens, tokensEqual } from './auth.js';
import { resolveStatic, sendFile } from './static.js';

export interface BrowserHostOptions {
  dispatcher: Dispatcher;
  /** Built renderer (out/renderer). */
  staticDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token (tests); a random one per start otherwise. */
  token?: string;
  /** The host owns the back end: close() also shuts it down (training workers stopped, store closed). */
  ownsBackend?: boolean;
  /** Where the host reports a connection it dropped (one line each); stderr by default. */
  log?: (line: string) => void;
}

export interface BrowserHost {
  readonly port: number;
  readonly token: string;
  /** The URL to open: carries the token once; the page then keeps it in an HttpOnly cookie. */
  readonly url: string;
  readonly origin: string;
  clients(): number;
  /** Connections closed because of what their client sent (malformed or oversized frames, not reading). */
  dropped(): number;
  close(): Promise<void>;
}

/** The only address the browser host ever binds. */
export const LOOPBACK = '127.0.0.1';

function csp(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': csp(port),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

type Verdict = { ok: true } | { ok: false; status: 401 | 403; reason: string };

/**
 * Serves the renderer and the contract on 127.0.0.1 only. Every request and WebSocket upgrade
 * needs the start's random token (query, bearer header, or the cookie set from the printed URL);
 * a Host header other than our own, or an Origin other than our own, is refused (403).
 */
export async function startBrowserHost(o: BrowserHostOptions): Promise<BrowserHost> {
  const token = o.token ?? newToken();
  const sockets = new Set<WebSocket>();
  let port = 0;
  let nextClient = 1;
  let dropped = 0;
  const log = o.log ?? ((line: string): void => void process.stderr.write(line + '\n'));

  const check = (req: IncomingMessage, url: URL): Verdict => {
    const host = req.headers.host ?? '';
    if (!allowedHosts(port).includes(host)) return { ok: false, status: 403, reason: `host ${host || '(none)'} is not allowed` };
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins(port).includes(origin)) {
      return { ok: false, status: 403, reason: `origin ${origin} is not allowed` };
    }
    const presented = presentedTokens(req, url, port);
    if (!presented.some((t) => tokensEqual(t, token))) {
      return { ok: false, status: 401, reason: 'missing or wrong token: open the URL that `skipwire serve` printed' };
    }
    return { ok: true };
  };

  // maxPayload: the largest message the contract carries is projects.import / dialog.saveFile with
  // up to MAX_OPEN_BYTES (64 MiB) of file text inside a JSON frame; MAX_FRAME_BYTES (96 MiB) leaves
  // room for its escaping. A frame announced larger is refused from its header (close 1009) before
  // any of it is buffered.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  wss.on('error', (err: Error) => log(`skipwire: browser host: WebSocket server: ${oneLine(err.message)}`));
  const send = (ws: WebSocket, frame: ServerFrame): void => {
    if (ws.readyState !== ws.OPEN) return;
    // A client that stops reading while replies and events pile up is dropped rather than
    // allowed to grow this process without bound.
    if (ws.bufferedAmount > MAX_FRAME_BYTES) {
      drop(ws, 'it stopped reading (more than 96 MiB waiting to be sent)');
      return;
    }
    ws.send(JSON.stringify(frame));
  };
  const names = new WeakMap<WebSocket, string>();
  const drop = (ws: WebSocket, why: string): void => {
    dropped++;
    log(`skipwire: browser host: closed connection ${names.get(ws) ?? '?'}: ${why}`);
    ws.terminate();
  };
  const offEvents = o.dispatcher.onEvent((frame) => {
    for (const ws of sockets) send(ws, frame);
  });

  wss.on('connection', (ws: WebSocket) => {
    const clientId = `ws-${nextClient++}`;
    names.set(ws, clientId);
    sockets.add(ws);
    let inFlight = 0;
    ws.on('close', () => sockets.delete(ws));
    // ws has already closed the connection (1002 malformed frame, 1007 invalid UTF-8, 1009 too
    // large) when it emits 'error'; without a listener the error would end this process.
    ws.on('error', (err: Error & { code?: string }) => {
      dropped++;
      log(`skipwire: browser host: closed connection ${clientId}: ${oneLine(err.message)}${err.code === undefined ? '' : ` (${err.code})`}`);
    });
    send(ws, { t: 'hello', clientId });
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        send(ws, { t: 'reply', id: -1, ok: false, error: { code: 'bad-request', message: 'binary frames are not part of the protocol' } });
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(data.toString());
      } catch {
        send(ws, { t: 'reply', id: -1, ok: false, error: { code: 'bad-request', message: 'frame is not JSON' } });
        return;
      }
      const frame = ClientFrame.safeParse(json);
      if (!frame.success) {
        const id = typeof json === 'object' && json !== null && 'id' in json && typeof json.id === 'number' ? json.id : -1;
        send(ws, { t: 'reply', id, ok: false, error: { code: 'bad-request', message: `malformed frame: ${frame.error.issues[0]?.message ?? 'invalid'}` } });
        return;
      }
      const { id, service, method, input } = frame.data;
      if (inFlight >= MAX_IN_FLIGHT) {
        send(ws, { t: 'reply', id, ok: false, error: { code: 'busy', message: `${MAX_IN_FLIGHT} calls are already in flight on this connection: wait for their replies` } });
        return;
      }
      inFlight++;
      o.dispatcher
        .call(service, method, input, { transport: 'websocket', clientId })
        .then(
          (value) => send(ws, { t: 'reply', id, ok: true, value }),
          (err: unknown) => {
            const e = err instanceof ContractError ? err : new ContractError('failed', err instanceof Error ? err.message : String(err));
            send(ws, { t: 'reply', id, ok: false, error: e.toWire() });
          },
        )
        .catch((err: unknown) => log(`skipwire: browser host: reply to ${clientId} not sent: ${oneLine(err instanceof Error ? err.message : String(err))}`))
        .finally(() => inFlight--);
    });
  });

  const handleApi = async (req: IncomingMessage, res: ServerResponse, service: string, method: string): Promise<void> => {
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { ...securityHeaders(port), 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST') return json(405, { ok: false, error: { code: 'bad-request', message: 'use POST' } });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      const b = c as Buffer;
      size += b.length;
      if (size > MAX_FRAME_BYTES) return json(413, { ok: false, error: { code: 'bad-request', message: 'request too large' } });
      chunks.push(b);
    }
    let input: unknown = {};
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.trim() !== '') {
      try {
        input = JSON.parse(text);
      } catch {
        return json(400, { ok: false, error: { code: 'bad-request', message: 'body is not JSON' } });
      }
    }
    try {
      const value = await o.dispatcher.call(service, method, input, { transport: 'websocket', clientId: 'http' });
      json(200, { ok: true, value });
    } catch (err) {
      const e = err instanceof ContractError ? err : new ContractError('failed', String(err));
      const status = e.code === 'bad-request' ? 400 : e.code === 'unknown-service' || e.code === 'unknown-method' ? 404 : e.code === 'unavailable' ? 501 : 500;
      json(status, { ok: false, error: e.toWire() });
    }
  };

  const server = createServer((req, res) => {
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const verdict = check(req, url);
    if (!verdict.ok) {
      res.writeHead(verdict.status, { ...securityHeaders(port), 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`${verdict.status === 401 ? 'Unauthorized' : 'Forbidden'}: ${verdict.reason}\n`);
      return;
    }
    // A token in the address bar becomes an HttpOnly cookie and disappears from the URL.
    if (url.searchParams.has('token') && req.method === 'GET' && !url.pathname.startsWith('/api/')) {
      url.searchParams.delete('token');
      res.writeHead(302, {
        ...securityHeaders(port),
        'Set-Cookie': `${cookieName(port)}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
        Location: url.pathname + url.search,
      });
      res.end();
      return;
    }
    const api = /^\/api\/([A-Za-z][A-Za-z0-9]*)\/([A-Za-z][A-Za-z0-9]*)$/.exec(url.pathname);
    if (api !== null) {
      void handleApi(req, res, api[1] ?? '', api[2] ?? '');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, securityHeaders(port));
      res.end();
      return;
    }
    const file = resolveStatic(o.staticDir, url.pathname) ?? (url.pathname.includes('.') ? undefined : resolveStatic(o.staticDir, '/'));
    if (file === undefined) {
      res.writeHead(404, { ...securityHeaders(port), 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Not found\n');
      return;
    }
    sendFile(res, file, securityHeaders(port));
  });

  // A broken HTTP request (bad headers, a reset mid-request) is answered 400 or dropped; it never
  // reaches the process's uncaught handler.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code !== 'ECONNRESET' && socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const verdict: Verdict = url.pathname !== '/ws' ? { ok: false, status: 403, reason: 'unknown socket path' } : check(req, url);
    if (!verdict.ok) {
      socket.write(
        `HTTP/1.1 ${verdict.status} ${verdict.status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${verdict.reason}\n`,
      );
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, LOOPBACK, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  server.on('error', (err: Error) => log(`skipwire: browser host: ${oneLine(err.message)}`));
  port = (server.address() as AddressInfo).port;
  const origin = `http://${LOOPBACK}:${port}`;

  return {
    port,
    token,
    origin,
    url: `${origin}/?token=${token}`,
    clients: () => sockets.size,
    dropped: () => dropped,
    close: async () => {
      offEvents();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      if (o.ownsBackend === true) await closeBackend(o.dispatcher);
    },
  };
}
