import type { Clients } from '../../src-shared/api/index.js';
import type { GraphDocument } from '../../src-shared/graph/document.js';

/** The delay between the last edit and the draft being kept (the same debounce as autosave's). */
export const DRAFT_DELAY_MS = 1000;

/** A fresh id for this window's draft (a new one per page load, so a start never takes an older window's). */
export function newDraftId(): string {
  const c = globalThis.crypto;
  return `draft-${typeof c?.randomUUID === 'function' ? c.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`}`;
}

/**
 * Keeps the working network of a window that is in no project as a draft in the project store
 * (`projects.saveDraft`), debounced: about a second after the last edit, one write with the latest
 * network. Writes and removals go out one at a time, in order, so a removal is never overtaken by
 * a write that was queued before it. A failed write is told once (the next edit tries again).
 */
export class DraftKeeper {
  private latest: GraphDocument | undefined;
  private cancelTimer: (() => void) | null = null;
  private chain: Promise<void> = Promise.resolve();
  /** A draft row may exist for this window (something was written since the last removal). */
  private kept = false;
  private failed = false;

  constructor(
    private readonly api: Clients,
    readonly id: string,
    private readonly schedule: (fn: () => void, ms: number) => () => void,
    private readonly onError: (message: string) => void,
    private readonly delayMs = DRAFT_DELAY_MS,
  ) {}

  /** The network changed: kept about `delayMs` after the last change. */
  edit(doc: GraphDocument): void {
    this.latest = doc;
    this.cancelTimer?.();
    this.cancelTimer = this.schedule(() => {
      this.cancelTimer = null;
      void this.flush();
    }, this.delayMs);
  }

  /** Writes the pending network now; resolves when every queued write and removal is done. */
  flush(): Promise<void> {
    this.cancelTimer?.();
    this.cancelTimer = null;
    const doc = this.latest;
    this.latest = undefined;
    if (doc !== undefined) {
      this.kept = true;
      this.chain = this.chain.then(() =>
        this.api.projects.saveDraft({ id: this.id, document: doc }).then(
          () => {
            this.failed = false;
          },
          (e: unknown) => {
            if (!this.failed) this.onError(`Your unsaved network could not be kept as a draft: ${e instanceof Error ? e.message : String(e)}`);
            this.failed = true;
          },
        ),
      );
    }
    return this.chain;
  }

  /** Forgets the draft (the network went into a project, or was discarded or replaced): no pending write, the row removed. */
  clear(): Promise<void> {
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.latest = undefined;
    if (!this.kept) return this.chain;
    this.kept = false;
    this.chain = this.chain.then(() =>
      this.api.projects.removeDraft({ id: this.id }).then(
        () => undefined,
        () => undefined, // (the store is away: the next start offers a stale draft, which the person can decline)
      ),
    );
    return this.chain;
  }

  /** Whether a write is waiting for its debounce. */
  get pending(): boolean {
    return this.latest !== undefined;
  }
}
