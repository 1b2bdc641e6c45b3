import type { Command } from 'commander';
import { createBackend } from '../services/registry.js';
import { resolveDataDir } from '../services/paths.js';
import { startBrowserHost } from '../server/server.js';
import type { BrowserHost } from '../server/server.js';
import { findRendererDir } from './locate.js';
import { hasDesktop, openUrl } from './open-url.js';
import { CliError, parsePort } from './output.js';
import type { Io } from './output.js';

export interface ServeOptions {
  port: number;
  open: boolean;
  json: boolean;
  /** Why the browser host is running (shown in the app's status bar and printed). */
  reason: string;
}

/** Starts the browser host and prints where it is. Resolves when it is listening. */
export async function serve(o: ServeOptions, io: Io): Promise<BrowserHost> {
  const staticDir = findRendererDir();
  const dispatcher = createBackend({ mode: 'browser', modeReason: o.reason, dataDir: resolveDataDir() });
  let host: BrowserHost;
  try {
    host = await startBrowserHost({ dispatcher, staticDir, port: o.port, ownsBackend: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CliError(`port ${o.port} on 127.0.0.1 is in use: pick another with --port, or 0 for any`);
    throw err;
  }
  const willOpen = o.open && hasDesktop();
  const opened = willOpen ? await openUrl(host.url) : false;
  if (o.json) {
    io.out(JSON.stringify({ event: 'listening', mode: 'browser', url: host.url, origin: host.origin, port: host.port, token: host.token, opened, reason: o.reason }));
  } else {
    io.out(`Skipwire is running in the browser host: ${o.reason}.`);
    io.out(`Open this address (it carries this start's access token; 127.0.0.1 only):`);
    io.out(`    ${host.url}`);
    io.out(opened ? 'Opened it in your browser.' : willOpen ? 'Could not open a browser; copy the address above.' : 'Press Ctrl+C to stop.');
  }
  // Stopping closes the back end too: training workers stop (the run is marked interrupted, its
  // finished epochs kept), queued runs stay queued for the next start, the store is closed.
  const stop = (): void => {
    void host.close().then(
      () => process.exit(0),
      (err: unknown) => {
        io.err(`skipwire: stopping: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return host;
}

export function registerServe(program: Command, io: Io): void {
  program
    .command('serve')
    .description('start the browser host: the app served on 127.0.0.1 with a random access token')
    .option('-p, --port <n>', 'port on 127.0.0.1 (0 = any free port)', parsePort, 0)
    .option('--no-open', 'do not open a browser')
    .option('--json', 'print one JSON line with the URL instead of text')
    .action(async (opts: { port: number; open: boolean; json?: boolean }) => {
      await serve({ port: opts.port, open: opts.open, json: opts.json === true, reason: 'started with `skipwire serve`' }, io);
    });
}
