/**
 * Why a store operation failed. `not-found` and `invalid` are the caller's fault (bad id, bad
 * document); `io` is the machine's (read-only or full disk, path under a file, another process
 * holding a lock); `corrupt` is a damaged file; `newer` is a store written by a newer Skipwire.
 */
export type StoreErrorKind = 'not-found' | 'invalid' | 'io' | 'corrupt' | 'newer';

/** A store failure with a one-line message that says where and why. */
export class StoreError extends Error {
  readonly kind: StoreErrorKind;
  constructor(kind: StoreErrorKind, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'StoreError';
    this.kind = kind;
  }
}

/** The SQLite or errno code of an error, when it has one. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

/** SQLite result codes that mean the file's content is damaged (not a lock, not a permission). */
export function isCorruptionCode(code: string | undefined): boolean {
  return code !== undefined && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'));
}

/** A short human reason for an errno or SQLite code, e.g. "the disk is full". */
export function reasonFor(err: unknown): string {
  const code = errorCode(err);
  const raw = err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err);
  const detail = (plain: string): string => (raw !== '' && raw !== plain ? `${plain} (${raw})` : plain);
  switch (true) {
    case code === 'ENOTDIR':
      return detail('a part of the path is a file, not a folder');
    case code === 'EACCES' || code === 'EPERM' || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH':
      return detail('permission denied');
    case code === 'EROFS' || (code?.startsWith('SQLITE_READONLY') ?? false):
      return detail('the folder or file system is read-only');
    case code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL':
      return detail('the disk is full');
    case code === 'SQLITE_CANTOPEN':
      return detail('the file cannot be opened or created');
    case code === 'ENOENT':
      return detail('it cannot be created there');
    case code === 'SQLITE_BUSY' || (code?.startsWith('SQLITE_BUSY') ?? false) || code === 'SQLITE_LOCKED':
      return detail('another process is holding the store (try again)');
    case code?.startsWith('SQLITE_IOERR') ?? false:
      return detail('the disk reported an input/output error');
    default:
      return raw !== '' ? raw : 'unknown error';
  }
}

/**
 * Turns a failure of `action` on the store at `path` into a StoreError with one line that says
 * where and why. StoreErrors pass through unchanged.
 */
export function storeFailure(action: string, path: string, err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const code = errorCode(err);
  if (isCorruptionCode(code)) {
    return new StoreError('corrupt', `the project store at ${path} is damaged (${reasonFor(err)}); restart Skipwire to move it aside and start a fresh one`);
  }
  return new StoreError('io', `cannot ${action} the project store at ${path}: ${reasonFor(err)}`, err);
}
