/**
 * Autosave of a project's working copy, as a pure state machine with its clock and its save call
 * passed in (so a test drives it with a fake clock and hand-resolved saves).
 *
 * - Every edit marks the network dirty and (re)starts a debounce timer; when it fires, one save
 *   goes out with the latest network and the revision this window last saw.
 * - At most one save is in flight. Edits during a save wait: when the timer fires while a save is
 *   in flight, exactly one more save follows it, with the latest network.
 * - A refused save (someone else saved since that revision) is a conflict: autosave stops, the
 *   network stays here unsaved, and nothing is written until the person resolves it
 *   (`overwrite`, or `attach` to another project/revision after loading theirs).
 * - A failed save (disk full, connection lost) keeps the network dirty; the next edit or `flush`
 *   tries again.
 */

export interface AutosaveTarget {
  readonly projectId: string;
  readonly revision: number;
}

export type AutosaveStatus =
  | { readonly kind: 'detached' }
  | { readonly kind: 'saved'; readonly at: number | null }
  | { readonly kind: 'unsaved' }
  | { readonly kind: 'saving' }
  | { readonly kind: 'conflict'; readonly theirRevision: number; readonly myRevision: number }
  | { readonly kind: 'error'; readonly message: string };

export type AutosaveReply = { readonly saved: true; readonly revision: number } | { readonly saved: false; readonly currentRevision: number };

export interface AutosaveDeps<D> {
  /** Writes the working copy at `baseRevision`; refuses (saved: false) when someone else saved since. */
  save(projectId: string, doc: D, baseRevision: number): Promise<AutosaveReply>;
  /** Runs `fn` after `ms`; returns a cancel function. */
  schedule(fn: () => void, ms: number): () => void;
  now(): number;
  /** Hears every status change. */
  onStatus?(status: AutosaveStatus): void;
  /** Hears every successful save (the new revision this window has). */
  onSaved?(target: AutosaveTarget): void;
}

export const AUTOSAVE_DELAY_MS = 1000;

export class Autosaver<D> {
  private target: AutosaveTarget | undefined;
  private latest: D | undefined;
  private dirty = false;
  private cancelTimer: (() => void) | null = null;
  /** The timer fired while a save was in flight: save again when it lands. */
  private due = false;
  private inFlight: Promise<void> | null = null;
  private conflict: { theirRevision: number } | null = null;
  private current: AutosaveStatus = { kind: 'detached' };
  /** Bumped by `attach`; replies to saves of an earlier attachment are ignored. */
  private epoch = 0;

  constructor(
    private readonly deps: AutosaveDeps<D>,
    private readonly delayMs = AUTOSAVE_DELAY_MS,
  ) {}

  get status(): AutosaveStatus {
    return this.current;
  }

  /** The project and revision this window saves at (undefined: the network is in no project). */
  get attached(): AutosaveTarget | undefined {
    return this.target;
  }

  get isDirty(): boolean {
    return this.dirty;
  }

  get saving(): boolean {
    return this.inFlight !== null;
  }

  /**
   * Saves into this project from this revision on (undefined: the network is in no project and is
   * not autosaved). Forgets pending edits and any conflict: the caller has just loaded or saved the
   * network it attaches.
   */
  attach(target: AutosaveTarget | undefined, savedAt: number | null = null): void {
    this.epoch++;
    this.stopTimer();
    this.target = target;
    this.latest = undefined;
    this.dirty = false;
    this.due = false;
    this.conflict = null;
    this.inFlight = null;
    this.setStatus(target === undefined ? { kind: 'detached' } : { kind: 'saved', at: savedAt });
  }

  /** The revision moved on without a change to the network (a save of this window made elsewhere, e.g. Save version). */
  setRevision(revision: number): void {
    if (this.target !== undefined && this.conflict === null) this.target = { ...this.target, revision };
  }

  /** An edit of the network: saved about `delayMs` after the last one. */
  edit(doc: D): void {
    if (this.target === undefined) return;
    this.latest = doc;
    this.dirty = true;
    if (this.conflict !== null) return;
    if (this.inFlight === null) this.setStatus({ kind: 'unsaved' });
    this.stopTimer();
    this.cancelTimer = this.deps.schedule(() => {
      this.cancelTimer = null;
      this.onTimer();
    }, this.delayMs);
  }

  /**
   * Saves now (no debounce) and resolves when the working copy holds the latest network: true, or
   * false when it cannot (a conflict, a failed save, no project).
   */
  async flush(): Promise<boolean> {
    this.stopTimer();
    const epoch = this.epoch;
    for (;;) {
      if (epoch !== this.epoch || this.target === undefined) return false;
      if (this.inFlight !== null) {
        this.due = false;
        await this.inFlight;
        continue;
      }
      if (this.conflict !== null) return false;
      if (!this.dirty) return this.current.kind !== 'error';
      this.start();
      await this.inFlight;
      if (this.current.kind === 'error' || this.current.kind === 'conflict') return false;
    }
  }

  /** Resolves when no save is in flight. */
  async idle(): Promise<void> {
    while (this.inFlight !== null) await this.inFlight;
  }

  /** "Keep mine": after a conflict, writes this window's network over theirs (at their revision). */
  async overwrite(): Promise<boolean> {
    if (this.target === undefined || this.conflict === null) return false;
    this.target = { ...this.target, revision: this.conflict.theirRevision };
    this.conflict = null;
    this.dirty = this.latest !== undefined;
    if (!this.dirty) {
      this.setStatus({ kind: 'saved', at: null });
      return true;
    }
    return this.flush();
  }

  /** A write of this window's made elsewhere (restoring a version) was refused: the same conflict as a refused save. */
  refused(theirRevision: number): void {
    if (this.target === undefined) return;
    this.stopTimer();
    this.due = false;
    this.dirty = true;
    this.conflict = { theirRevision };
    this.setStatus({ kind: 'conflict', theirRevision, myRevision: this.target.revision });
  }

  /** Stops the timer (leaving the window): nothing more is scheduled. */
  dispose(): void {
    this.epoch++;
    this.stopTimer();
  }

  private onTimer(): void {
    if (this.inFlight !== null) {
      this.due = true;
      return;
    }
    if (this.dirty && this.conflict === null) this.start();
  }

  private start(): void {
    const target = this.target;
    const doc = this.latest;
    if (target === undefined || doc === undefined) return;
    const epoch = this.epoch;
    this.dirty = false;
    this.due = false;
    this.setStatus({ kind: 'saving' });
    const done = (): void => {
      if (epoch !== this.epoch) return;
      this.inFlight = null;
      if (this.conflict === null && this.dirty && this.due) this.start();
    };
    this.inFlight = this.deps.save(target.projectId, doc, target.revision).then(
      (reply) => {
        if (epoch !== this.epoch) return;
        if (reply.saved) {
          this.target = { projectId: target.projectId, revision: reply.revision };
          this.deps.onSaved?.(this.target);
          this.setStatus(this.dirty ? { kind: 'unsaved' } : { kind: 'saved', at: this.deps.now() });
        } else {
          this.dirty = true;
          this.conflict = { theirRevision: reply.currentRevision };
          this.stopTimer();
          this.setStatus({ kind: 'conflict', theirRevision: reply.currentRevision, myRevision: target.revision });
        }
        done();
      },
      (e: unknown) => {
        if (epoch !== this.epoch) return;
        this.dirty = true;
        this.setStatus({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
        done();
      },
    );
  }

  private stopTimer(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
  }

  private setStatus(s: AutosaveStatus): void {
    this.current = s;
    this.deps.onStatus?.(s);
  }
}

/** The status as the top bar says it. */
export function statusText(s: AutosaveStatus): string {
  switch (s.kind) {
    case 'detached':
      return 'Not in a project — Save to keep it';
    case 'saved':
      return 'Saved';
    case 'unsaved':
      return 'Unsaved changes';
    case 'saving':
      return 'Saving…';
    case 'conflict':
      return 'Not saved: conflict';
    case 'error':
      return 'Not saved: error';
  }
}
