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
  const projects = createProjectsService({ dataDir: o.dataDir, dispatcher: d, watchIntervalMs: o.mode === 'cli' ? null : 1000 });
  d.provide(projectsService, projects.impl);
  // Training engines: probed on the first call (never at startup), then cached.
  d.provide(enginesService, createEnginesService());
  d.provide(datasetsService, createDatasetsService({ dataDir: o.dataDir }));
  // Templates and checks: pure functions of the graph model, nothing to open.
  d.provide(graphService, createGraphService());
  // Export: document → code or model files (tfjs loads on the first export, not at startup).
  d.provide(exportService, createExportService());
  // Training: a worker thread per run; runs with a project are saved in the project store.
  const training = createTrainingService({
    store: projects.store,
    emit: (event, payload) => d.emit(trainingService, event, payload),
    notice: (level, message) => d.emit(systemService, 'notice', { level, message }),
  });
  d.provide(trainingService, training.impl);
  return d;
}
