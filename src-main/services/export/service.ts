import { ContractError } from '../../../src-shared/api/index.js';
import type { exportService, ServiceImpl } from '../../../src-shared/api/index.js';
import { isBinary } from '../../../src-shared/codegen/index.js';
import { StoreError } from '../store/errors.js';
import { BadDocument, checkExport, exportDocument, ExportRefused, ExportUnavailable, NotTheRunsNetwork, RunNotExportable } from './exporter.js';
import type { ExportDeps } from './exporter.js';

/**
 * The export service: document (or a training run) + target (+ options) → the files, text as utf8
 * and binaries (weights, .onnx) as base64. The host writes them where the user says (a folder
 * dialog, a download, the CLI's --out). A graph with errors is a bad-request naming the first error
 * and its node (`check` lists every diagnostic first); a run without a checkpoint is a bad-request
 * at options.runId.
 */
export function createExportService(deps: ExportDeps = {}): ServiceImpl<typeof exportService> {
  const refusal = (err: unknown): never => {
    if (err instanceof ExportRefused) throw new ContractError('bad-request', err.message, err.nodeId === undefined ? ['document'] : ['document', 'nodes', err.nodeId]);
    if (err instanceof BadDocument) throw new ContractError('bad-request', `document: ${err.message}`, ['document']);
    if (err instanceof RunNotExportable || err instanceof NotTheRunsNetwork) throw new ContractError('bad-request', err.message, ['options', 'runId']);
    if (err instanceof ExportUnavailable) throw new ContractError('unavailable', err.message, ['options', 'runId']);
    if (err instanceof StoreError) throw new ContractError('failed', err.message);
    throw err;
  };
  return {
    async generate({ document, target, options }) {
      try {
        const out = await exportDocument(document, target, options ?? {}, deps);
        return {
          folder: out.folder,
          files: out.files.map((f) => (isBinary(f) ? { name: f.name, content: Buffer.from(f.bytes).toString('base64'), encoding: 'base64' as const } : { name: f.name, content: f.content, encoding: 'utf8' as const })),
          ...(out.run !== undefined ? { run: out.run } : {}),
        };
      } catch (err) {
        return refusal(err);
      }
    },
    async check({ document, options }) {
      try {
        return checkExport(document, options ?? {}, deps);
      } catch (err) {
        return refusal(err);
      }
    },
  };
}
