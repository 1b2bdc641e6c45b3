import type { GraphDocument } from '../../src-shared/graph/document.js';
import { parseJsonText } from '../../src-shared/graph/limits.js';
import { migrateDocument } from '../../src-shared/graph/migrations.js';
import { looksBinary, readableText } from '../notices/text.js';

/** The file extension documents are saved with. */
export const DOCUMENT_EXTENSION = 'skipwire.json';

export type ParsedFile = { readonly ok: true; readonly doc: GraphDocument; readonly migratedFrom: number | null } | { readonly ok: false; readonly message: string };

function firstLine(s: string): string {
  const line = readableText(s.split(/\r?\n/, 1)[0] ?? '');
  return line.length > 200 ? `${line.slice(0, 197)}…` : line;
}

/**
 * JSON.parse's reason without the piece of the file it quotes (V8 says `Unexpected token 'x',
 * "…the file…" is not valid JSON`): the file's bytes are never echoed back.
 */
function jsonReason(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  const quoted = /^(.*?),? ?".*"(?:\.\.\.)? is not valid JSON$/su.exec(m);
  if (quoted?.[1] === undefined) return m;
  const token = /^Unexpected token '(.{1,2})'$/su.exec(quoted[1]);
  if (token?.[1] !== undefined) return /^[\x21-\x7e]$/.test(token[1]) ? `Unexpected character ‘${token[1]}’` : 'Unexpected character';
  return quoted[1] === '' ? 'it does not parse' : quoted[1];
}

/**
 * Reads a `.skipwire.json` file's text: older schema versions are migrated; a file that is not JSON,
 * not a Skipwire document, or written by a newer Skipwire gives one line naming the problem. A
 * document whose graph has shape errors is still a document (it opens and shows its errors).
 */
export function parseDocumentText(text: string, fileName?: string): ParsedFile {
  const what = fileName === undefined ? 'The file' : `“${readableText(fileName, 120)}”`;
  if (looksBinary(text)) return { ok: false, message: `${what} is not JSON: it holds binary data, not text (a Skipwire network is a .skipwire.json text file).` };
  // The one way every reader parses a document (the CLI's check/export/import and the store too);
  // the reason is JSON.parse's without the piece of the file it quotes.
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    let reason = 'it does not parse';
    try {
      JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
    } catch (e) {
      reason = jsonReason(e);
    }
    return { ok: false, message: `${what} cannot be opened: not a Skipwire document: not JSON (${firstLine(reason)})` };
  }
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
