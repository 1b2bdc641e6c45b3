/**
 * Canonical comparison of plain JSON-like data (documents, records, diffs). Records are keyed by
 * id, so two equal documents may list their keys in different orders; neither function here cares.
 * An object key whose value is `undefined` counts as absent (as in JSON), so `{ label: undefined }`
 * equals `{}`.
 */

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function definedKeys(o: Record<string, unknown>): string[] {
  return Object.keys(o).filter((k) => o[k] !== undefined);
}

/** Structural equality ignoring object key order and `undefined`-valued keys. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const ka = definedKeys(a);
    const kb = definedKeys(b);
    if (ka.length !== kb.length) return false;
    for (const k of ka) {
      if (b[k] === undefined || !deepEqual(a[k], b[k])) return false;
    }
    return true;
  }
  return false;
}

function canonicalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : canonicalize(x)));
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of definedKeys(v).sort()) out[k] = canonicalize(v[k]);
    return out;
  }
  return v;
}

/**
 * JSON with object keys sorted (code-unit order) and `undefined` keys dropped: equal values give
 * equal strings, so it serves as a stable hash key and as a readable diff in test failures.
 */
export function canonicalJson(value: unknown, indent?: number): string {
  return JSON.stringify(canonicalize(value), null, indent) ?? 'undefined';
}
