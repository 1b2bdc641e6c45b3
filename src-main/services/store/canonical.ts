import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../src-shared/graph/canonical.js';

/**
 * The content hash of a graph version: sha256 (hex) of the graph model's canonical JSON (object
 * keys sorted at every level, undefined members dropped), so two documents that differ only in
 * key order hash the same.
 */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}

export { canonicalJson };
