import { ContractError } from '../../src-shared/api/index.js';
import type { graphService, ServiceImpl } from '../../src-shared/api/index.js';
import { checkDocument } from '../../src-shared/graph/report.js';
import { generateTemplate, templateDefs, templateOptions } from '../../src-shared/templates/registry.js';

/**
 * The graph service: the template gallery, generating a document from a template, and checking a
 * document (shapes, costs, diagnostics with their fixes). Pure functions of src-shared; a bad
 * template option or a file that is not a document is a `bad-request` with one located line.
 */
export function createGraphService(): ServiceImpl<typeof graphService> {
  return {
    templates: () =>
      Promise.resolve({
        templates: templateDefs.map((t) => ({ id: t.id, family: t.family, label: t.label, description: t.description, options: templateOptions(t).map(({ values, ...o }) => (values === undefined ? o : { ...o, values: [...values] })) })),
      }),
    fromTemplate: ({ id, options }) => {
      const r = generateTemplate(id, options);
      if (!r.ok) return Promise.reject(new ContractError('bad-request', r.error.message, ['options', ...(r.error.path ?? [])]));
      return Promise.resolve({ document: r.doc });
    },
    check: ({ document }) => {
      const r = checkDocument(document);
      if (!r.ok) return Promise.reject(new ContractError('bad-request', `document: ${r.error.message}`, ['document', ...(r.error.path ?? [])]));
      const { name: _name, ...report } = r.report;
      return Promise.resolve({
        ...report,
        diagnostics: report.diagnostics.map(({ node, ...d }) => (node === undefined ? { ...d, edgeIds: [...d.edgeIds], fixes: [...d.fixes] } : { ...d, nodeId: node, edgeIds: [...d.edgeIds], fixes: [...d.fixes] })),
        shapes: Object.fromEntries(Object.entries(report.shapes).map(([id, s]) => [id, s === null ? null : [...s]])),
        table: report.table.map((n) => ({ ...n, shape: n.shape === null ? null : [...n.shape] })),
      });
    },
  };
}
