import type { Command } from 'commander';
import { findElectronBinary } from '../electron-binary.js';
import { createBackend } from '../services/registry.js';
import { resolveDataDir } from '../services/paths.js';
import { SystemInfo } from '../../src-shared/api/index.js';
import type { Io } from './output.js';

export async function info(json: boolean, io: Io): Promise<void> {
  const bin = findElectronBinary();
  const modeReason = bin.found ? `Electron ${bin.version} is installed at ${bin.path}` : bin.reason;
  const d = createBackend({ mode: 'cli', modeReason, dataDir: resolveDataDir() });
  const value = SystemInfo.parse(await d.call('system', 'info', {}, { transport: 'in-process', clientId: 'cli' }));
  const electron = bin.found ? { available: true, path: bin.path, version: bin.version } : { available: false, reason: bin.reason };
  if (json) {
    io.out(JSON.stringify({ ...value, electronBinary: electron }));
    return;
  }
  io.out(`Skipwire ${value.version} (Node ${value.node}, ${value.platform}/${value.arch})`);
  io.out(`data directory: ${value.dataDir}`);
  io.out(`electron: ${bin.found ? `${bin.version} at ${bin.path} (npm start opens the desktop app)` : `not available — ${bin.reason}; npm start serves the browser host`}`);
  io.out(`services: ${value.services.join(', ')}`);
}

export function registerInfo(program: Command, io: Io): void {
  program
    .command('info')
    .description('show version, data directory, whether Electron can start, and the services provided')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => info(opts.json === true, io));
}
