import { hostname } from 'node:os';
import type { Store } from './store.js';

/** The error a run left running or paused by a process that died gets when it is found. */
export const INTERRUPTED =
  'interrupted: Skipwire stopped while this run was training (finished epochs and checkpoints kept; resume it)';

/** host:pid of this process. */
export function processOwner(): string {
  return `${hostname()}:${process.pid}`;
}

/** A run's owner is alive when it names this host and a process with that pid exists. */
export function ownerAlive(owner: string): boolean {
  const at = owner.lastIndexOf(':');
  const pid = Number(owner.slice(at + 1));
  if (at <= 0 || owner.slice(0, at) !== hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface DeadRunOptions {
  /** This process (its own runs are never dead). */
  readonly owner: string;
  readonly alive?: (owner: string) => boolean;
  /** Runs this process is training or starting right now. */
  readonly busy?: (runId: string) => boolean;
  readonly now?: () => number;
}

/**
 * Marks runs left `running` or `paused` by a process that is gone as failed with INTERRUPTED
 * (their finished epochs and checkpoints stay). The hosts do it when they start; the CLI does it
 * whenever it opens the store, so a run killed with the CLI does not stay `running` until a host
 * starts. Returns the ids marked.
 */
export function markDeadRunsInterrupted(store: Store, o: DeadRunOptions): string[] {
  const alive = o.alive ?? ownerAlive;
  const marked: string[] = [];
  for (const r of store.listRunsByStatus(['running', 'paused'])) {
    if (r.owner !== null && r.owner !== o.owner && alive(r.owner)) continue;
    if (o.busy?.(r.id) === true) continue;
    store.updateRun(r.id, { status: 'failed', error: INTERRUPTED, finishedAt: r.finishedAt ?? (o.now ?? Date.now)() });
    marked.push(r.id);
  }
  return marked;
}
