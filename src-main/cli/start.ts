import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { findElectronBinary } from '../electron-binary.js';
import { prepareElectronSqlite } from '../electron-sqlite.js';
import { findAppRoot } from './locate.js';
import { serve } from './serve.js';
import type { Io } from './output.js';
import { parsePort } from './output.js';

/**
 * Starts the desktop app where Electron's binary exists; otherwise the browser host, saying why.
 * Never requires the `electron` package (it would try to download its binary).
 */
export async function start(o: { port: number; open: boolean; json: boolean }, io: Io): Promise<void> {
  const bin = findElectronBinary();
  if (bin.found && process.env.SKIPWIRE_FORCE_BROWSER !== '1') {
    const appRoot = findAppRoot();
    // The project store's SQLite addon must match Electron's ABI, not this Node's: built once per Electron version.
    const sqlite = prepareElectronSqlite({ appRoot, electronVersion: bin.version });
    if (sqlite.ok && sqlite.built) io.out(`Built SQLite for Electron ${bin.version} (once): ${sqlite.path}`);
    if (!sqlite.ok) io.err(`Warning: ${sqlite.reason}. The desktop app starts without its project store; the browser host has it: SKIPWIRE_FORCE_BROWSER=1 npm start`);
    io.out(`Starting Skipwire in Electron ${bin.version} (${bin.path}).`);
    const env = { ...process.env, ELECTRON_RUN_AS_NODE: undefined, ...(sqlite.ok ? { SKIPWIRE_SQLITE_BINDING: sqlite.path } : {}) };
    const child = spawn(bin.path, [appRoot], { stdio: 'inherit', env });
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => {
        process.exitCode = code ?? 0;
        resolve();
      });
    });
    return;
  }
  const reason = bin.found ? 'SKIPWIRE_FORCE_BROWSER=1 is set' : `Electron is not available here (${bin.reason})`;
  await serve({ port: o.port, open: o.open, json: o.json, reason }, io);
}

export function registerStart(program: Command, io: Io): void {
  program
    .command('start')
    .description('start the app: Electron where its binary is installed, otherwise the browser host')
    .option('-p, --port <n>', 'browser host port on 127.0.0.1 (0 = any free port)', parsePort, 0)
    .option('--no-open', 'do not open a browser (browser host)')
    .option('--json', 'print one JSON line with the URL (browser host)')
    .action(async (opts: { port: number; open: boolean; json?: boolean }) => {
      await start({ port: opts.port, open: opts.open, json: opts.json === true }, io);
    });
}
