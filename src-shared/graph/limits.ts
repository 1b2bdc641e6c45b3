/**
 * Limits every document is held to before anything else reads it, wherever it comes from (a file
 * for `check` / `export` / `train` / `projects import`, the app's Import, a save over the WebSocket
 * or IPC contract). They keep every later step safe: recursive code (zod, inference, code
 * generation, JSON.stringify) never meets a value deep enough to overflow the stack, and SQLite's
 * `json_valid` (which refuses nesting over 1,000) accepts whatever passed here.
 */
export interface DocumentLimits {
  readonly maxDepth: number;
  readonly maxStringLength: number;
  readonly maxItems: number;
}

export const DOCUMENT_LIMITS: DocumentLimits = {
  /** Containers (objects/arrays) inside one another, the document itself being level 1. */
  maxDepth: 64,
  /** Characters in any one string, keys included. */
  maxStringLength: 100_000,
  /** Items in one array, or keys in one object. */
  maxItems: 100_000,
};

export interface LimitViolation {
  readonly path: readonly (string | number)[];
  /** One line: where and which limit. */
  readonly message: string;
}

/** `nodes.a.params.p[0][0]…` — the first few steps of a path, so a deep one stays one line. */
export function shortPath(path: readonly (string | number)[], keep = 8): string {
  let out = '';
  for (const p of path.slice(0, keep)) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(p)) out += out === '' ? p : `.${p}`;
    else out += `[${JSON.stringify(p.length > 40 ? `${p.slice(0, 39)}…` : p)}]`;
  }
  return path.length > keep ? `${out}…` : out;
}

function violation(path: readonly (string | number)[], what: string): LimitViolation {
  const where = path.length === 0 ? 'the document' : shortPath(path);
  return { path, message: `${where}: ${what}` };
}

/**
 * The first place a parsed JSON value breaks DOCUMENT_LIMITS, or null. Iterative (an explicit
 * stack), so it is itself safe at any depth; it stops at the first violation.
 */
export function findLimitViolation(value: unknown, limits: DocumentLimits = DOCUMENT_LIMITS): LimitViolation | null {
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: value, path: [] }];
  for (;;) {
    const top = stack.pop();
    if (top === undefined) return null;
    const { v, path } = top;
    if (typeof v === 'string') {
      if (v.length > limits.maxStringLength) return violation(path, `a string longer than ${limits.maxStringLength.toLocaleString('en-US')} characters`);
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (path.length + 1 > limits.maxDepth) return violation(path, `nested more than ${limits.maxDepth} levels deep`);
    if (Array.isArray(v)) {
      if (v.length > limits.maxItems) return violation(path, `an array of more than ${limits.maxItems.toLocaleString('en-US')} items`);
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i] as unknown, path: [...path, i] });
      continue;
    }
    const keys = Object.keys(v);
    if (keys.length > limits.maxItems) return violation(path, `an object of more than ${limits.maxItems.toLocaleString('en-US')} keys`);
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i] ?? '';
      if (k.length > limits.maxStringLength) return violation(path, `a key longer than ${limits.maxStringLength.toLocaleString('en-US')} characters`);
      stack.push({ v: (v as Record<string, unknown>)[k], path: [...path, k] });
    }
  }
}

export type ParsedJson = { readonly ok: true; readonly json: unknown } | { readonly ok: false; readonly message: string };

/**
 * A document file's text as JSON, the one way every reader does it: a UTF-8 byte-order mark is
 * dropped (editors on Windows write one), then JSON.parse. Not JSON is one line:
 * `not a Skipwire document: not JSON (…)`. The limits are checked by migrateDocument, which every
 * path (files and contract alike) goes through.
 */
export function parseJsonText(text: string): ParsedJson {
  try {
    return { ok: true, json: JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text) as unknown };
  } catch (err) {
    const why = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim();
    return { ok: false, message: `not a Skipwire document: not JSON (${why.length > 160 ? `${why.slice(0, 159)}…` : why})` };
  }
}
