import { Dispatcher, systemService } from '../../src-shared/api/index.js';
import type { HostMode } from '../../src-shared/api/index.js';
import { createSystemService } from './system.js';

export interface BackendOptions {
  mode: HostMode;
  modeReason: string;
  dataDir: string;
  electronVersion?: string | null;
}

/**
 * The one registry of services. Each service is provided here once; the Electron IPC transport
 * and the browser host's WebSocket transport both expose this same dispatcher, with no
 * per-service glue. Later services (projects, graph, training, datasets, export) register here.
 */
export function createBackend(o: BackendOptions): Dispatcher {
  const d = new Dispatcher();
  d.provide(
    systemService,
    createSystemService({
      mode: o.mode,
      modeReason: o.modeReason,
      dataDir: o.dataDir,
      electronVersion: o.electronVersion ?? null,
      services: () => d.provided(),
    }),
  );
  return d;
}
