/**
 * Soak: the browser host (a child process, as `skipwire serve` runs it) under C concurrent
 * authenticated WebSocket clients on loopback for N minutes. Each client loops over a mix of valid
 * calls, malformed JSON, malformed frames (reserved opcode, unmasked, invalid UTF-8) and frames
 * announced over maxPayload, reconnecting whenever the host closes it; meanwhile one client trains
 * runs one after another (a small network on synthetic data). Prints requests served, errors
 * answered, connections the host closed (by close code), the host's RSS over time, and the runs.
 * A bench, not a test: it asserts nothing, but ends with the verdict the reliability issue asks
 * for (host up, RSS within 20 % of its level after warm-up, a run finished).
 *
 *   npm run bench:soak -- [--minutes 10] [--clients 50] [--pause-ms 20]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { MAX_FRAME_BYTES } from '../src-shared/api/index.js';
import { generateTemplate } from '../src-shared/templates/registry.js';
import { createBackend } from '../src-main/services/registry.js';
import { startBrowserHost } from '../src-main/server/server.js';
import { bundleWorker } from '../src-main/services/trainer/bundle-worker.js';
import { tinyNet } from '../src-main/services/trainer/testing.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : NaN;
  return Number.isFinite(v) ? v : fallback;
};

// ---- the clients ----------------------------------------------------------------------------------

interface HostInfo {
  port: number;
  token: string;
  origin: string;
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? NaN : Number(m[1]) * 1024;
}

const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(0)} MB`;

/** A client frame written by hand (masking, opcode, a length header that may lie). */
function frame(opcode: number, payload: Buffer, o: { mask?: boolean; announce?: bigint } = {}): Buffer {
  const mask = o.mask ?? true;
  const len = o.announce ?? BigInt(payload.length);
  const head: number[] = [0x80 | opcode];
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

const stats = {
  served: 0,
  errorsAnswered: 0,
  closedByHost: new Map<number, number>(),
  unanswered: 0,
  connectFailures: 0,
  rawSent: 0,
};
const bump = (code: number): void => void stats.closedByHost.set(code, (stats.closedByHost.get(code) ?? 0) + 1);

function openWs(h: HostInfo): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${h.port}/ws?token=${h.token}`, { headers: { Origin: h.origin } });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** One raw connection that sends a malformed or oversized frame and waits for the host to close it. */
function rawAbuse(h: HostInfo, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port: h.port });
    let buf = Buffer.alloc(0);
    let upgraded = false;
    const done = (code: number): void => {
      bump(code);
      s.destroy();
      resolve();
    };
    const timer = setTimeout(() => done(-1), 10_000);
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(timer);
      if (upgraded) resolve();
      else {
        stats.connectFailures++;
        resolve();
      }
    });
    s.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        upgraded = buf.subarray(0, 12).toString() === 'HTTP/1.1 101';
        buf = buf.subarray(end + 4);
        if (!upgraded) return;
        stats.rawSent++;
        s.write(bytes);
      }
      // find a close frame (server frames are unmasked)
      for (let i = 0; i + 1 < buf.length; ) {
        const op = (buf[i] ?? 0) & 0x0f;
        let len = (buf[i + 1] ?? 0) & 0x7f;
        let off = i + 2;
        if (len === 126) {
          if (buf.length < i + 4) return;
          len = buf.readUInt16BE(i + 2);
          off = i + 4;
        }
        if (buf.length < off + len) return;
        if (op === 0x8) {
          clearTimeout(timer);
          return done(len >= 2 ? buf.readUInt16BE(off) : 1005);
        }
        i = off + len;
      }
    });
    s.write(
      `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${h.port}\r\nOrigin: ${h.origin}\r\nAuthorization: Bearer ${h.token}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
}

const small = generateTemplate('resnet', { depth: 8 });
if (!small.ok) throw new Error(small.error.message);
const checkInput = JSON.stringify({ document: small.doc });

async function client(h: HostInfo, until: number, pauseMs: number, seed: number): Promise<void> {
  let ws: WebSocket | null = null;
  let id = 0;
  let rng = seed >>> 0;
  const rand = (): number => {
    rng = (rng + 0x6d2b79f5) >>> 0;
    let t = rng;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pending = new Map<number, (ok: boolean) => void>();
  const attach = (s: WebSocket): void => {
    s.on('message', (d: Buffer) => {
      const m = JSON.parse(d.toString()) as { t: string; id?: number; ok?: boolean };
      if (m.t !== 'reply') return;
      if (m.ok === true) stats.served++;
      else stats.errorsAnswered++;
      if (m.id !== undefined) pending.get(m.id)?.(m.ok === true);
      if (m.id !== undefined) pending.delete(m.id);
    });
    s.on('close', (code: number) => {
      if (code !== 1000 && code !== 1005) bump(code);
      for (const [, r] of pending) r(false);
      pending.clear();
    });
    s.on('error', () => undefined);
  };
  const call = (s: WebSocket, text: (id: number) => string, expectReply: boolean): Promise<void> =>
    new Promise((resolve) => {
      const my = ++id;
      const timer = setTimeout(() => {
        stats.unanswered++;
        pending.delete(my);
        resolve();
      }, 30_000);
      if (expectReply) {
        pending.set(my, () => {
          clearTimeout(timer);
          resolve();
        });
      }
      s.send(text(my));
      if (!expectReply) {
        clearTimeout(timer);
        resolve();
      }
    });
  while (Date.now() < until) {
    if (ws === null || ws.readyState !== ws.OPEN) {
      try {
        ws = await openWs(h);
        attach(ws);
      } catch {
        stats.connectFailures++;
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
    }
    const r = rand();
    const s = ws;
    if (r < 0.45) await call(s, (i) => JSON.stringify({ t: 'call', id: i, service: 'system', method: 'ping', input: { nonce: `n${i}` } }), true);
    else if (r < 0.6) await call(s, (i) => JSON.stringify({ t: 'call', id: i, service: 'projects', method: 'list', input: {} }), true);
    else if (r < 0.75) await call(s, (i) => `{"t":"call","id":${i},"service":"graph","method":"check","input":${checkInput}}`, true);
    else if (r < 0.85) await call(s, (i) => JSON.stringify({ t: 'call', id: i, service: 'system', method: 'ping', input: { nonce: 7 } }), true);
    else if (r < 0.93) {
      // malformed JSON: answered with id -1
      await new Promise<void>((resolve) => {
        const on = (d: Buffer): void => {
          const m = JSON.parse(d.toString()) as { t: string; id?: number };
          if (m.t === 'reply' && m.id === -1) {
            s.off('message', on);
            resolve();
          }
        };
        s.on('message', on);
        s.send('{"t":"call", nope');
        setTimeout(() => {
          s.off('message', on);
          resolve();
        }, 30_000);
      });
    } else {
      const kind = Math.floor(rand() * 4);
      const bytes =
        kind === 0
          ? frame(0x3, Buffer.from('x'))
          : kind === 1
            ? frame(0x1, Buffer.from('{}'), { mask: false })
            : kind === 2
              ? frame(0x1, Buffer.from([0xc3, 0x28]))
              : frame(0x2, Buffer.alloc(0), { announce: BigInt(MAX_FRAME_BYTES + 1 + Math.floor(rand() * 1e9)) });
      await rawAbuse(h, bytes);
    }
    if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs * (0.5 + rand())));
  }
  ws?.close();
}

interface RunOutcome {
  runId: string;
  status: string;
  seconds: number;
  error?: string;
}

/** Trains runs one after another until `until` (the last one is waited for). */
async function trainer(h: HostInfo, until: number, runs: RunOutcome[]): Promise<void> {
  const ws = await openWs(h);
  let id = 0;
  const replies = new Map<number, (m: { ok: boolean; value?: { runId?: string }; error?: { message: string } }) => void>();
  const finished = new Map<string, (s: { status: string; error?: string }) => void>();
  ws.on('message', (d: Buffer) => {
    const m = JSON.parse(d.toString()) as { t: string; id?: number; ok: boolean; value?: { runId?: string }; error?: { message: string }; service?: string; event?: string; payload?: { runId: string; status: string; error?: string } };
    if (m.t === 'reply' && m.id !== undefined) replies.get(m.id)?.(m);
    if (m.t === 'event' && m.service === 'training' && m.event === 'status' && m.payload !== undefined && ['done', 'failed', 'canceled'].includes(m.payload.status)) {
      finished.get(m.payload.runId)?.(m.payload);
    }
  });
  const doc = tinyNet({ classes: 4, size: 16, residual: true });
  do {
    const t0 = Date.now();
    const my = ++id;
    const reply = await new Promise<{ ok: boolean; value?: { runId?: string }; error?: { message: string } }>((resolve) => {
      replies.set(my, resolve);
      ws.send(
        JSON.stringify({
          t: 'call',
          id: my,
          service: 'training',
          method: 'start',
          input: { document: doc, dataset: { kind: 'synthetic', task: 'classification', trainSize: 2048, testSize: 256 }, engine: 'auto', hyper: { epochs: 3, batchSize: 32, seed: my } },
        }),
      );
    });
    if (!reply.ok || reply.value?.runId === undefined) {
      runs.push({ runId: '-', status: 'refused', seconds: 0, error: reply.error?.message ?? 'no run id' });
      break;
    }
    const runId = reply.value.runId;
    const end = await new Promise<{ status: string; error?: string }>((resolve) => finished.set(runId, resolve));
    runs.push({ runId, status: end.status, seconds: (Date.now() - t0) / 1000, ...(end.error !== undefined ? { error: end.error } : {}) });
  } while (Date.now() < until);
  ws.close();
}

async function soak(): Promise<void> {
  const minutes = arg('minutes', 10);
  const clients = arg('clients', 50);
  const pauseMs = arg('pause-ms', 20);
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [self, '--host'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let exitCode: number | null | undefined;
  child.on('exit', (code) => (exitCode = code));
  const h = await new Promise<HostInfo>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)) as HostInfo);
    });
    child.once('exit', (code) => reject(new Error(`the host exited (${code}) before listening`)));
  });
  const pid = child.pid ?? 0;
  console.log(`soak: the browser host (pid ${pid}) on 127.0.0.1:${h.port}, ${clients} clients + 1 training client, ${minutes} min, pause ${pauseMs} ms; node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? '?'}; ${new Date().toISOString()}`);
  const t0 = Date.now();
  const until = t0 + minutes * 60_000;
  const rss: { t: number; rss: number }[] = [];
  const sample = (): void => {
    if (exitCode !== undefined) return;
    const r = rssOf(pid);
    rss.push({ t: (Date.now() - t0) / 1000, rss: r });
    const codes = [...stats.closedByHost].sort((a, b) => a[0] - b[0]).map(([c, n]) => `${c}:${n}`).join(' ');
    console.log(`t=${String(Math.round((Date.now() - t0) / 1000)).padStart(4)}s  rss ${mb(r).padStart(7)}  served ${stats.served}  errors answered ${stats.errorsAnswered}  closed by host {${codes}}  unanswered ${stats.unanswered}  connect failures ${stats.connectFailures}`);
  };
  const timer = setInterval(sample, 15_000);
  const runs: RunOutcome[] = [];
  try {
    await Promise.all([trainer(h, until, runs), ...Array.from({ length: clients }, (_, i) => client(h, until, pauseMs, i + 1))]);
  } catch (err) {
    child.kill('SIGTERM');
    throw err;
  } finally {
    clearInterval(timer);
  }
  sample();
  const alive = exitCode === undefined;
  // The host's RSS is a saw-tooth: each training run's worker thread (tfjs and its tensors) adds
  // ~130 MB and gives it back when the run ends. So the level after warm-up is the median of the
  // samples in the two minutes after the first, and "flat" means no sample after warm-up exceeds it
  // by more than 20 % and the last minutes' median is within 20 % of it.
  const warm = Math.min(60, (minutes * 60) / 5);
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length === 0 ? NaN : (s[Math.floor((s.length - 1) / 2)] ?? NaN);
  };
  const after = rss.filter((s) => s.t >= warm).map((s) => s.rss);
  const base = median(rss.filter((s) => s.t >= warm && s.t < warm + Math.max(120, minutes * 12)).map((s) => s.rss));
  const peak = Math.max(...after);
  const low = Math.min(...after);
  const tail = median(rss.filter((s) => s.t >= minutes * 60 * 0.7).map((s) => s.rss));
  console.log('');
  console.log(`requests served ${stats.served}, errors answered ${stats.errorsAnswered}, malformed/oversized frames sent ${stats.rawSent}, closed by host ${JSON.stringify(Object.fromEntries(stats.closedByHost))}, unanswered ${stats.unanswered}`);
  console.log(`runs: ${runs.map((r) => `${r.status} (${r.seconds.toFixed(0)} s${r.error !== undefined ? `: ${r.error}` : ''})`).join(', ')}`);
  console.log(
    `host RSS level after warm-up ${mb(base)} (median); after warm-up: peak ${mb(peak)} (${(((peak - base) / base) * 100).toFixed(1)} %), lowest ${mb(low)} (between runs), median of the last 30 % ${mb(tail)} (${(((tail - base) / base) * 100).toFixed(1)} %)`,
  );
  const flat = peak <= base * 1.2 && Math.abs(tail - base) <= base * 0.2;
  const finished = runs.some((r) => r.status === 'done');
  console.log(`verdict: host ${alive ? 'up' : `DOWN (exit ${String(exitCode)})`}, RSS ${flat ? 'flat (within 20 %)' : 'NOT flat'}, ${finished ? 'a run finished' : 'NO run finished'}`);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

// ---- the host (child process) ------------------------------------------------------------------

async function serveHost(): Promise<void> {
  process.env.SKIPWIRE_TRAINER_WORKER = await bundleWorker();
  const dataDir = mkdtempSync(join(tmpdir(), 'sw-soak-data-'));
  const staticDir = mkdtempSync(join(tmpdir(), 'sw-soak-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Skipwire</title>');
  let dropped = 0;
  const host = await startBrowserHost({ dispatcher: createBackend({ mode: 'browser', modeReason: 'soak', dataDir }), staticDir, ownsBackend: true, log: () => void dropped++ });
  process.stdout.write(JSON.stringify({ port: host.port, token: host.token, origin: host.origin }) + '\n');
  const stop = (): void => {
    void host.close().finally(() => {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(staticDir, { recursive: true, force: true });
      process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // keep alive until told to stop
  setInterval(() => undefined, 1 << 30);
}

// Last, so every declaration above is initialised before either side runs.
if (args.includes('--host')) await serveHost();
else await soak();
