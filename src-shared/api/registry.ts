import type { ServiceDef, ServiceClient } from './contract.js';
import { systemService } from './services/system.js';
import { shellService } from './services/shell.js';
import { dialogService } from './services/dialog.js';
import { projectsService } from './services/projects.js';
import { graphService } from './services/graph.js';
import { trainingService } from './services/training.js';
import { datasetsService } from './services/datasets.js';
import { exportService } from './services/export.js';
import { enginesService } from './services/engines.js';

/** The whole contract between UI and back end: every service, by name. */
export const contract = {
  system: systemService,
  shell: shellService,
  dialog: dialogService,
  projects: projectsService,
  graph: graphService,
  training: trainingService,
  datasets: datasetsService,
  export: exportService,
  engines: enginesService,
} as const;

export type Contract = typeof contract;
export type ServiceName = keyof Contract;
export const serviceNames = Object.keys(contract) as ServiceName[];

/** Typed clients for every service. */
export type Clients = { [K in ServiceName]: ServiceClient<Contract[K]> };

export function getService(name: string): ServiceDef | undefined {
  return Object.prototype.hasOwnProperty.call(contract, name) ? (contract as Record<string, ServiceDef>)[name] : undefined;
}
