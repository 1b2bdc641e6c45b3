import type { GraphDocument } from '../../src-shared/graph/document.js';
import { parseJsonText } from '../../src-shared/graph/limits.js';
import { migrateDocument } from '../../src-shared/graph/migrations.js';

/** The file extension documents are saved with. */
export const DOCUMENT_EXTENSION = 'skipwire.json';

export type ParsedFile = { readonly ok: true; readonly doc: GraphDocument; readonly migratedFrom: number | null } | { readonly ok: false; readonly message: string };

function firstLine(s: string): string {
  const line = s.split(/\r?\n/, 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 197)}…` : line;
}

/**
 * Reads a `.skipwire.json` file's text: older schema versions are migrated; a file that is not JSON,
 * not a Skipwire document, or written by a newer Skipwire gives one line naming the problem. A
 * document whose graph has shape errors is still a document (it opens and shows its errors).
 */
export function parseDocumentText(text: string, fileName?: string): ParsedFile {
  const what = fileName === undefined ? 'The file' : `“${fileName}”`;
  // The one way every reader parses a document (the CLI's check/export/import and the store too).
  const parsed = parseJsonText(text);
  if (!parsed.ok) return { ok: false, message: `${what} cannot be opened: ${firstLine(parsed.message)}` };
  const r = migrateDocument(parsed.json);
  if (!r.ok) return { ok: false, message: `${what} cannot be opened: ${firstLine(r.error.message)}` };
  return { ok: true, doc: r.doc, migratedFrom: r.migratedFrom };
}

/** The document as the text of a `.skipwire.json` file. */
export function serializeDocument(doc: GraphDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** A file name for the document: its name with unsafe characters replaced, plus the extension. */
export function fileNameFor(doc: GraphDocument): string {
  const base = doc.meta.name
    .trim()
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80);
  return `${base === '' ? 'network' : base}.${DOCUMENT_EXTENSION}`;
}
