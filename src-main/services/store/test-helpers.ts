import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GraphDocument } from '../../../src-shared/graph/document.js';
import { emptyDocument } from '../../../src-shared/graph/document.js';

/** Test support (imported by *.test.ts and the crash child only). */

export function tempDir(prefix = 'skipwire-store-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** A document with `n` conv nodes in a chain (ids c1..cn), each with a few params. */
export function chainDocument(n: number, name = 'chain', filters = 16): GraphDocument {
  const doc = emptyDocument(name);
  let prev: string | null = null;
  for (let i = 1; i <= n; i++) {
    const id = `c${i}`;
    doc.nodes[id] = { id, kind: 'conv2d', params: { filters, kernelSize: 3, strides: 1, padding: 'same' }, position: { x: i * 100, y: 0 } };
    if (prev !== null) doc.edges[`e${i}`] = { id: `e${i}`, source: prev, target: id, targetPort: 0 };
    prev = id;
  }
  return doc;
}
