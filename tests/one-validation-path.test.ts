import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ContractError, createClients } from '../src-shared/api/index.js';
import { DOCUMENT_LIMITS } from '../src-shared/graph/limits.js';
import { generateTemplate } from '../src-shared/templates/registry.js';
import { run } from '../src-main/cli/program.js';
import { createBackend } from '../src-main/services/registry.js';
import { startBrowserHost } from '../src-main/server/server.js';
import type { BrowserHost } from '../src-main/server/server.js';
import { parseDocumentText as openInApp } from '../src-renderer/editor/file-io.js';

/**
 * One validation path: `check`, `export`, `train`, `projects import`, the app's Open/Import, and
 * the contract (in process, as IPC reaches it, and over the browser host's WebSocket) refuse the
 * same documents with the same one line, and accept the same ones (issue 16, point 2).
 */

let dir: string;
let savedDataDir: string | undefined;
let host: BrowserHost;
const backend = createBackend({ mode: 'browser', modeReason: 'validation test', dataDir: mkdtempSync(join(tmpdir(), 'sw-data-')) });

beforeAll(async () => {
  const s = mkdtempSync(join(tmpdir(), 'sw-static-'));
  writeFileSync(join(s, 'index.html'), '<!doctype html>');
  host = await startBrowserHost({ dispatcher: backend, staticDir: s, log: () => undefined });
});
afterAll(async () => host.close());
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sw-valid-'));
  savedDataDir = process.env.SKIPWIRE_DATA_DIR;
  process.env.SKIPWIRE_DATA_DIR = join(dir, 'data');
});
afterEach(() => {
  if (savedDataDir === undefined) delete process.env.SKIPWIRE_DATA_DIR;
  else process.env.SKIPWIRE_DATA_DIR = savedDataDir;
  rmSync(dir, { recursive: true, force: true });
});

type Doc = Record<string, unknown> & { meta: Record<string, unknown>; nodes: Record<string, Record<string, unknown> & { params: Record<string, unknown> }> };

function plain(): Doc {
  const r = generateTemplate('plain', { depth: 8 });
  if (!r.ok) throw new Error(r.error.message);
  return JSON.parse(JSON.stringify(r.doc)) as Doc;
}
function firstConv(d: Doc): Record<string, unknown> & { params: Record<string, unknown> } {
  const n = Object.values(d.nodes).find((x) => x.kind === 'Conv2D');
  if (n === undefined) throw new Error('no conv');
  return n;
}
/** An array nested `levels` deep: [[[…[1]…]]]. */
function nested(levels: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
}
/** Built as text: JSON.stringify itself overflows the stack on a value nested 5,000 deep. */
function withDeepParam(levels: number): string {
  const d = plain();
  firstConv(d).params.extra = 'DEEP';
  return JSON.stringify(d).replace('"DEEP"', '['.repeat(levels) + '1' + ']'.repeat(levels));
}
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

/** `inputJson` is the call's input as JSON text (a deep one cannot go through JSON.stringify). */
function wsCall(service: string, method: string, inputJson: string): Promise<{ ok: boolean; error?: { code: string; message: string } }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { headers: { Origin: host.origin } });
    ws.on('error', reject);
    ws.on('open', () => ws.send(`{"t":"call","id":1,"service":"${service}","method":"${method}","input":${inputJson}}`));
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString()) as { t: string; id?: number; ok: boolean; error?: { code: string; message: string } };
      if (m.t === 'reply' && m.id === 1) {
        ws.close();
        resolve(m);
      }
    });
  });
}

/** Every entry point refuses `text` with exit 2 / bad-request and the same one line after its prefix. */
async function refusedEverywhere(text: string, message: RegExp): Promise<string> {
  const f = file('doc.skipwire.json', text);
  const check = await cli('check', f);
  expect(check.code).toBe(2);
  expect(check.err).toHaveLength(1);
  const line = check.err[0] ?? '';
  expect(line.startsWith(`skipwire: ${f}: `)).toBe(true);
  const why = line.slice(`skipwire: ${f}: `.length);
  expect(why).toMatch(message);
  expect(why).not.toContain('\n');

  for (const argv of [
    ['export', f, '--format', 'ts', '--out', join(dir, 'out')],
    ['projects', 'import', f],
    ['train', f, '--dataset', 'synthetic', '--epochs', '1'],
  ]) {
    const r = await cli(...argv);
    expect(r.code, argv.join(' ')).toBe(2);
    expect(r.err, argv.join(' ')).toEqual([`skipwire: ${f}: ${why}`]);
  }
  expect((await cli('projects', 'list', '--all', '--json')).out).toEqual([JSON.stringify({ projects: [] })]);

  // The app: Open/Import of a file, the projects page's import and a save, in process (as IPC calls it) …
  expect(openInApp(text, 'doc.skipwire.json')).toEqual({ ok: false, message: `“doc.skipwire.json” cannot be opened: ${why}` });
  const api = createClients((service, method, input) => backend.call(service, method, input, { transport: 'in-process', clientId: 'test' }));
  await expect(api.projects.importDocument({ text })).rejects.toEqual(new ContractError('bad-request', `the file: ${why}`));
  await expect(api.projects.create({ name: 'x', document: JSON.parse(text.replace(/^\uFEFF/, '')) as { schemaVersion: number } })).rejects.toMatchObject({
    code: 'bad-request',
    message: `the document: ${why}`,
  });
  // … and over the browser host's WebSocket.
  expect(await wsCall('projects', 'importDocument', JSON.stringify({ text }))).toMatchObject({ ok: false, error: { code: 'bad-request', message: `the file: ${why}` } });
  expect(await wsCall('projects', 'create', `{"name":"x","document":${text.replace(/^\uFEFF/, '')}}`)).toMatchObject({ ok: false, error: { code: 'bad-request', message: `the document: ${why}` } });
  expect((await api.projects.list({ includeTrashed: true })).projects).toEqual([]);
  return why;
}

/** Every entry point accepts `text`: check 0, export 0, import 0, the app opens it, the store saves it. */
async function acceptedEverywhere(text: string): Promise<void> {
  const f = file('ok.skipwire.json', text);
  const check = await cli('check', f);
  expect(check.err).toEqual([]);
  expect(check.code).toBe(0);
  const exp = await cli('export', f, '--format', 'pytorch', '--no-train', '--out', join(dir, 'out'));
  expect(exp.err).toEqual([]);
  expect(exp.code).toBe(0);
  const imp = await cli('projects', 'import', f, '--json');
  expect(imp.err).toEqual([]);
  expect(imp.code).toBe(0);
  const id = (JSON.parse(imp.out[0] ?? '{}') as { project: { id: string } }).project.id;
  expect((await cli('projects', 'export', id, '--out', join(dir, 'back.skipwire.json'))).code).toBe(0);
  expect(openInApp(text, 'ok.skipwire.json')).toMatchObject({ ok: true });
  expect(await wsCall('projects', 'importDocument', JSON.stringify({ text }))).toMatchObject({ ok: true });
}

describe('one validation path for documents', () => {
  it('a parameter nested 5,000 deep: exit 2 with a located line everywhere (it used to overflow the stack)', async () => {
    await refusedEverywhere(withDeepParam(5000), /^nodes\.\w+\.params\.extra(\[0\])+…: nested more than 64 levels deep$/);
  }, 60_000);

  it('nested 1,000 deep: refused by check exactly as by projects import (which used to fail on json_valid)', async () => {
    await refusedEverywhere(withDeepParam(1000), /^nodes\.\w+\.params\.extra(\[0\])+…: nested more than 64 levels deep$/);
  }, 60_000);

  it('a layer named "\\u0000": refused everywhere with the store\'s rule (it used to fail on a CHECK constraint)', async () => {
    const d = plain();
    firstConv(d).label = '\u0000';
    const why = await refusedEverywhere(JSON.stringify(d), /^invalid document \(schema 1\) at nodes\.\w+\.label: a name cannot contain control characters or unpaired surrogates$/);
    expect(why).toContain('.label');
  }, 60_000);

  it('a network named "\\u0000" or with a lone surrogate: refused everywhere', async () => {
    for (const name of ['\u0000', 'a\ud800b', 'tab\there']) {
      const d = plain();
      d.meta.name = name;
      await refusedEverywhere(JSON.stringify(d), /^invalid document \(schema 1\) at meta\.name: a name cannot contain control characters or unpaired surrogates$/);
    }
  }, 60_000);

  it('a string over the limit: refused everywhere', async () => {
    const d = plain();
    d.meta.description = 'x'.repeat(DOCUMENT_LIMITS.maxStringLength + 1);
    await refusedEverywhere(JSON.stringify(d), /^meta\.description: a string longer than 100,000 characters$/);
  }, 60_000);

  it('a file starting with a UTF-8 byte-order mark: accepted everywhere (it was "not JSON" to check and export)', async () => {
    await acceptedEverywhere('\uFEFF' + JSON.stringify(plain()));
  }, 60_000);

  it('a document nested exactly to the limit is accepted everywhere: what check accepts can be imported, saved and exported', async () => {
    const d = plain();
    // document (1) > meta (2) > template (3) > options (4): the deepest legal value sits at the limit
    // inside a node's params: document > nodes > node > params > extra = 4 levels, then the array.
    firstConv(d).params.extra = nested(DOCUMENT_LIMITS.maxDepth - 4);
    const text = JSON.stringify(d);
    await acceptedEverywhere(text);
    // one level deeper is refused
    firstConv(d).params.extra = nested(DOCUMENT_LIMITS.maxDepth - 3);
    expect((await cli('check', file('over.json', JSON.stringify(d)))).code).toBe(2);
  }, 60_000);
});
