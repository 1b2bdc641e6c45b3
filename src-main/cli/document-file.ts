import { readFileSync, statSync } from 'node:fs';
import { MAX_OPEN_BYTES } from '../../src-shared/api/index.js';
import { parseJsonText } from '../../src-shared/graph/limits.js';
import { migrateDocument } from '../../src-shared/graph/migrations.js';
import type { GraphDocument } from '../../src-shared/graph/document.js';
import { CliError } from './output.js';

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** A document file's text; a missing, unreadable, non-file or too large one is CliError exit 2. */
export function readDocumentText(file: string): string {
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new CliError(`cannot read ${file}: not a file`);
    if (st.size > MAX_OPEN_BYTES) throw new CliError(`cannot read ${file}: larger than ${MAX_OPEN_BYTES} bytes`);
    return readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof CliError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? oneLine(err instanceof Error ? err.message : String(err)))}`);
  }
}

/**
 * A document file read the one way every command reads one (`check`, `export`, `train`,
 * `projects import`, and the store and the app through the same two functions): parseJsonText
 * (a byte-order mark dropped), then migrateDocument (limits, names, schema, integrity). A refusal
 * is `FILE: <the one line>`, exit 2.
 */
export function readDocumentFile(file: string): { text: string; json: unknown; doc: GraphDocument; migratedFrom: number | null } {
  const text = readDocumentText(file);
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw new CliError(`${file}: ${parsed.message}`);
  const m = migrateDocument(parsed.json);
  if (!m.ok) throw new CliError(`${file}: ${m.error.message}`);
  return { text, json: parsed.json, doc: m.doc, migratedFrom: m.migratedFrom };
}
