import type { GraphDocument } from '../../../src-shared/graph/document.js';
import { parseJsonText } from '../../../src-shared/graph/limits.js';
import { migrateDocument } from '../../../src-shared/graph/migrations.js';
import { StoreError } from './errors.js';

export interface CheckedDocument {
  document: GraphDocument;
  /** The schemaVersion it had before migration, or null when it was current. */
  migratedFrom: number | null;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/**
 * Checks a document that enters the store (a save, an import) with the graph model's
 * migrateDocument: older schema versions are migrated, a newer one is refused, and the result must
 * match the current GraphDocument schema and be referentially whole. A graph with shape errors or
 * bad layer params is still a document (it is kept and shown with its errors). Refusals are
 * StoreError 'invalid' with one line that starts with `what`.
 */
export function checkDocument(json: unknown, what = 'the document'): CheckedDocument {
  const r = migrateDocument(json);
  if (!r.ok) throw new StoreError('invalid', oneLine(`${what}: ${r.error.message}`));
  return { document: r.doc, migratedFrom: r.migratedFrom };
}

/** Parses `.skipwire.json` text as every reader does (parseJsonText, then migrateDocument): non-JSON, a wrong schema or a newer schemaVersion gets one line. */
export function parseDocumentText(text: string, what = 'the file'): CheckedDocument {
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw new StoreError('invalid', `${what}: ${parsed.message}`);
  return checkDocument(parsed.json, what);
}

/** The document as `.skipwire.json` text (stable key order, two-space indent, trailing newline). */
export function documentText(document: unknown): string {
  return JSON.stringify(document, null, 2) + '\n';
}

/** A file name for a project's export: its name with unsafe characters replaced. */
export function exportFileName(name: string): string {
  const safe = name
    .replace(/[^\p{L}\p{N} ._()-]+/gu, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .slice(0, 100);
  return `${safe === '' ? 'project' : safe}.skipwire.json`;
}
