import { ContractError } from '../../../src-shared/api/index.js';
import type { exportService, ServiceImpl } from '../../../src-shared/api/index.js';
import { isBinary } from '../../../src-shared/codegen/index.js';
import { BadDocument, ExportRefused, ExportUnavailable, exportDocument } from './exporter.js';

/**
 * The export service: document + target (+ options) → the files, text as utf8 and binaries (weights,
 * .onnx) as base64. The host writes them where the user says (save dialog, download, the CLI's
 * --out). A graph with errors is a bad-request naming the first error and its node.
 */
export function createExportService(): ServiceImpl<typeof exportService> {
  return {
    async generate({ document, target, options }) {
      try {
        const out = await exportDocument(document, target, options ?? {});
        return {
          folder: out.folder,
          files: out.files.map((f) => (isBinary(f) ? { name: f.name, content: Buffer.from(f.bytes).toString('base64'), encoding: 'base64' as const } : { name: f.name, content: f.content, encoding: 'utf8' as const })),
        };
      } catch (err) {
        if (err instanceof ExportRefused) throw new ContractError('bad-request', err.message, err.nodeId === undefined ? ['document'] : ['document', 'nodes', err.nodeId]);
        if (err instanceof BadDocument) throw new ContractError('bad-request', `document: ${err.message}`, ['document']);
        if (err instanceof ExportUnavailable) throw new ContractError('unavailable', err.message, ['options', 'runId']);
        throw err;
      }
    },
  };
}
