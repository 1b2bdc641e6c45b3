import { Dispatcher, projectsService, systemService } from '../../src-shared/api/index.js';
import type { HostMode } from '../../src-shared/api/index.js';
import { createProjectsService } from './store/projects-service.js';
import { createSystemService } from './system.js';
import { datasetsService, enginesService } from '../../src-shared/api/index.js';
import { createDatasetsService } from './datasets/service.js';
import { createEnginesService } from './engines/service.js';
import { graphService } from '../../src-shared/api/index.js';
import { createGraphService } from './graph.js';
import { exportService } from '../../src-shared/api/index.js';
import { createExportService } from './export/service.js';
import { trainingService } from '../../src-shared/api/index.js';
import { createTrainingService } from './trainer/service.js';

/** How each backend shuts down (stops training workers, closes the store), by its dispatcher. */
const closers = new WeakMap<Dispatcher, () => Promise<void>>();

/**
 * Shuts a backend down: cancels training (workers stopped, finished epochs kept; queued runs stay
 * queued for the next start) and closes the project store. Safe to call more than once.
 */
export function closeBackend(d: Dispatcher): Promise<void> {
  const close = closers.get(d);
  closers.delete(d);
  return close === undefined ? Promise.resolve() : close();
}

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
  // The store opens on the first projects call: a store that cannot open (read-only or full
  // disk, newer schema) fails those calls with one line and a notice, and the backend still starts.
  // Long-running hosts watch for saves made by another process on the same data folder.
  const projects = createProjectsService({ dataDir: o.dataDir, dispatcher: d, watchIntervalMs: o.mode === 'cli' ? null : 1000, markDeadRuns: o.mode === 'cli' });
  d.provide(projectsService, projects.impl);
  // Training engines: probed on the first call (never at startup), then cached.
  const engines = createEnginesService();
  d.provide(enginesService, engines);
  d.provide(datasetsService, createDatasetsService({ dataDir: o.dataDir }));
  // Templates and checks: pure functions of the graph model, nothing to open.
  d.provide(graphService, createGraphService());
  // Export: document → code or model files (tfjs loads on the first export, not at startup).
  d.provide(exportService, createExportService({ store: projects.store }));
  // Training: a worker thread per run; runs with a project are saved in the project store.
  const training = createTrainingService({
    store: projects.store,
    emit: (event, payload) => d.emit(trainingService, event, payload),
    notice: (level, message) => d.emit(systemService, 'notice', { level, message }),
    // The CLI only queues; the app's hosts train the queue.
    runQueue: o.mode !== 'cli',
    probe: () => engines.probe({}, { transport: 'in-process', clientId: 'training-preflight' }),
  });
  d.provide(trainingService, training.impl);
  // Runs left running by a process that died are marked interrupted, and the queue starts again
  // (after this tick, so the caller can attach transports first; a store that cannot open is told
  // by the projects service, not here).
  if (o.mode !== 'cli') {
    setImmediate(() => {
      try {
        training.trainer.recover();
      } catch (err) {
        d.emit(systemService, 'notice', { level: 'warning', message: `training queue not restored: ${err instanceof Error ? err.message : String(err)}` });
      }
    });
  }
  closers.set(d, async () => {
    await training.trainer.close();
    projects.close();
  });
  return d;
}
