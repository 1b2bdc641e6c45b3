import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from '@playwright/test';

export interface RunningApp {
  url: string;
  origin: string;
  port: number;
  token: string;
  dataDir: string;
  /** Everything the process printed so far. */
  output: () => string;
}

/**
 * Starts the real app as a person would, with a fresh data directory, and reads the address it
 * prints. `args` are the command (e.g. ['bin/skipwire.js', 'serve', '--json']); `pattern` picks the URL.
 */
export async function launch(args: string[], pattern: RegExp): Promise<{ app: RunningApp; child: ChildProcess }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'skipwire-e2e-'));
  const child = spawn(process.execPath, args, {
    cwd: join(import.meta.dirname, '..'),
    env: { ...process.env, SKIPWIRE_DATA_DIR: dataDir, DISPLAY: '', WAYLAND_DISPLAY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed within 60 s:\n${out}`)), 60_000);
    const onData = (b: Buffer): void => {
      out += b.toString();
      const m = pattern.exec(out);
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code ?? 'a signal'} before printing a URL:\n${out}`)));
  });
  const u = new URL(url);
  return {
    child,
    app: { url, origin: u.origin, port: Number(u.port), token: u.searchParams.get('token') ?? '', dataDir, output: () => out },
  };
}

export const test = base.extend<object, { app: RunningApp }>({
  app: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const { app, child } = await launch(['bin/skipwire.js', 'serve', '--port', '0', '--no-open'], /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/);
      await use(app);
      child.kill('SIGTERM');
    },
    { scope: 'worker' },
  ],
});

/**
 * An app of this spec file's own, with its own data folder (what the file saves does not change
 * what other specs see at start): started before the file's tests, stopped after them. Returns
 * the accessor the tests call.
 */
export function ownAppForFile(): () => RunningApp {
  let own: { app: RunningApp; child: ChildProcess } | undefined;
  test.beforeAll(async () => {
    own = await launch(['bin/skipwire.js', 'serve', '--port', '0', '--no-open'], /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/);
  });
  test.afterAll(() => {
    own?.child.kill('SIGTERM');
  });
  return () => {
    if (own === undefined) throw new Error('the app did not start');
    return own.app;
  };
}

/** Input → Add with one input: a .skipwire.json document whose graph has a shape error. */
export function brokenDocumentText(name: string): string {
  return JSON.stringify({
    schemaVersion: 1,
    meta: { name },
    input: { height: 8, width: 8, channels: 3 },
    nodes: {
      x: { id: 'x', kind: 'Input', params: {}, position: { x: 0, y: 0 } },
      a: { id: 'a', kind: 'Add', params: {}, position: { x: 300, y: 0 } },
    },
    edges: { e1: { id: 'e1', source: 'x', target: 'a', targetPort: 0 } },
    groups: {},
  });
}

export { expect } from '@playwright/test';
