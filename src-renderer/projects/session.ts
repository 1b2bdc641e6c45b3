import type { Clients } from '../../src-shared/api/index.js';
import type { DraftSummary, VersionSummary } from '../../src-shared/api/services/projects.js';
import type { GraphDocument } from '../../src-shared/graph/document.js';
import { migrateDocument } from '../../src-shared/graph/migrations.js';
import { saveProjectVersion, saveToProject } from '../editor/project-save.js';
import type { SaveOutcome, SaveTarget } from '../editor/project-save.js';
import type { EditorStore } from '../editor/store.js';
import { useProject } from '../state/project-store.js';
import { Autosaver } from './autosave.js';
import type { AutosaveDeps, AutosaveStatus } from './autosave.js';
import { useDiscarded } from './discarded.js';
import { DraftKeeper, newDraftId } from './drafts.js';
import { rememberProject } from './last-project.js';

export type Notify = (level: 'info' | 'warning' | 'error', message: string, opts?: { action?: { label: string; run(): void } }) => void;

/** What the person chose when asked about unsaved work before it is replaced. */
export type UnsavedChoice = 'save' | 'discard' | 'cancel';

/** The question put to the person (the Save / Discard / Cancel prompt). */
export interface UnsavedQuestion {
  /** What is about to replace the network, as a verb phrase: "start a new network", "open the project". */
  readonly what: string;
  /** The network's name. */
  readonly name: string;
  /** The project it has unsaved changes for (its name), or null: it is in no project. */
  readonly project: string | null;
}

/**
 * May the network on the canvas be replaced? 'clean': nothing unsaved (or it was just saved into its
 * project); 'saved': the person chose Save and it is now in a project; 'discarded': they chose
 * Discard (it is kept for the session, see useDiscarded); 'cancelled': leave everything as it is.
 */
export type ReplaceOutcome = 'clean' | 'saved' | 'discarded' | 'cancelled';

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The window's project session: which project the editor's network belongs to, its autosave, and
 * the moves between projects (open, create, save, save version, restore a version, resolve a
 * conflict). It keeps `useProject` (current project, revision, name, autosave status) in step and
 * remembers the open project for the next start.
 *
 * A document loaded into the editor by anything else (New, Open file, a template) leaves the
 * project: that network is in no project until it is saved.
 */
export class ProjectSession {
  readonly autosaver: Autosaver<GraphDocument>;
  /** Set while the session itself loads a document into the editor. */
  private ownLoad = false;
  /** The next foreign load (the template gallery's) becomes a new project; then this is called. */
  private createOnLoad: (() => void) | null = null;
  private offs: (() => void)[] = [];
  /**
   * The network on the canvas came back from a draft or a discard: it is unsaved work even before
   * its first edit. Cleared by the next load and by saving it into a project.
   */
  private recovered = false;
  /** The working network while it is in no project, kept in the store as this window's draft. */
  readonly drafts: DraftKeeper;
  /**
   * Asks the person what to do with unsaved work before it is replaced (the app's Save / Discard /
   * Cancel prompt). null: nobody to ask (the caller's own checks apply).
   */
  beforeReplace: ((q: UnsavedQuestion) => Promise<UnsavedChoice>) | null = null;

  constructor(
    private readonly api: Clients,
    private readonly editor: EditorStore,
    private readonly notify: Notify,
    deps: Pick<AutosaveDeps<GraphDocument>, 'schedule' | 'now'> = {
      schedule: (fn, ms) => {
        const t = setTimeout(fn, ms);
        return () => clearTimeout(t);
      },
      now: () => Date.now(),
    },
    draftId: string = newDraftId(),
  ) {
    this.now = deps.now;
    this.drafts = new DraftKeeper(api, draftId, deps.schedule, (m) => this.notify('warning', m));
    this.autosaver = new Autosaver<GraphDocument>({
      ...deps,
      save: async (id, doc, baseRevision) => {
        const r = await this.api.projects.saveWorkingCopy({ id, document: doc, baseRevision });
        return r.saved ? { saved: true, revision: r.revision } : { saved: false, currentRevision: r.currentRevision };
      },
      onStatus: (s) => {
        const before = useProject.getState().autosave;
        useProject.getState().setAutosave(s);
        // Say a failed autosave once (the top bar keeps saying it until a save succeeds).
        if (s.kind === 'error' && before.kind !== 'error') this.notify('error', `Not saved: ${s.message}. Your network is still here; the next edit or Save tries again.`);
      },
      onSaved: (t) => useProject.getState().setCurrent(t),
    });
  }

  private readonly now: () => number;

  /** Starts listening to the editor and the project store; returns the stop function. */
  start(): () => void {
    this.offs.push(
      this.editor.getState().onChange((doc, _diff, source) => {
        if (source !== 'load') {
          // In a project, autosave keeps every edit; in none, the draft does.
          if (this.autosaver.attached !== undefined) this.autosaver.edit(doc);
          else if (Object.keys(doc.nodes).length === 0) void this.drafts.clear();
          else this.drafts.edit(doc);
          return;
        }
        if (this.ownLoad) return;
        // Another network replaced this one (the person was asked first, where there was unsaved work).
        this.recovered = false;
        void this.drafts.clear();
        const created = this.createOnLoad;
        if (created !== null) {
          this.createOnLoad = null;
          void this.createFrom(doc).then((ok) => ok && created());
          return;
        }
        this.leave();
      }),
      // Someone else moved the current project (App's New/Open set it to none; training may read it).
      useProject.subscribe((s) => {
        const mine = this.autosaver.attached;
        if (s.current?.projectId !== mine?.projectId) this.attach(s.current);
        else if (s.current !== undefined && mine !== undefined && s.current.revision !== mine.revision) this.autosaver.setRevision(s.current.revision);
      }),
    );
    // Leaving the page: the last edits go out now (the save is sent before the page unloads); with
    // changes that cannot be saved (a conflict, an error) the browser asks first.
    if (typeof window !== 'undefined') {
      const onLeave = (e: BeforeUnloadEvent): void => {
        const kind = this.autosaver.status.kind;
        if (kind === 'conflict' || (kind === 'error' && this.autosaver.isDirty)) {
          e.preventDefault();
          return;
        }
        if (this.autosaver.isDirty) void this.autosaver.flush();
        // A network in no project with edits: its draft goes out now, and the browser asks.
        if (this.hasUnsavedOutside()) {
          void this.drafts.flush();
          e.preventDefault();
        }
      };
      window.addEventListener('beforeunload', onLeave);
      this.offs.push(() => window.removeEventListener('beforeunload', onLeave));
    }
    return () => {
      for (const off of this.offs.splice(0)) off();
      this.autosaver.dispose();
    };
  }

  get current(): SaveTarget | undefined {
    return this.autosaver.attached;
  }

  /**
   * The network is in no project and holds work a person would miss: edits since it was loaded
   * (anything to undo), or it came back from a draft or a discard. An empty canvas holds none.
   */
  hasUnsavedOutside(): boolean {
    if (this.autosaver.attached !== undefined) return false;
    const s = this.editor.getState();
    if (Object.keys(s.doc.nodes).length === 0 && Object.keys(s.doc.groups).length === 0) return false;
    return this.recovered || s.history.past.length > 0;
  }

  /**
   * Call before anything replaces the network on the canvas (New, Open, Import, a template, another
   * project, a recovered draft). A project's pending edits are saved first; work that is in no
   * project, or that cannot be saved, is put to the person: Save (into the project store: the first
   * save creates a project), Discard (kept for the session: Undo brings it back) or Cancel.
   */
  async confirmReplace(what: string): Promise<ReplaceOutcome> {
    const t = this.autosaver.attached;
    if (t !== undefined) {
      const kind = this.autosaver.status.kind;
      if (kind !== 'conflict' && !this.autosaver.isDirty && !this.autosaver.saving && kind !== 'error') return 'clean';
      if (kind !== 'conflict' && (await this.autosaver.flush())) return 'clean';
    } else if (!this.hasUnsavedOutside()) return 'clean';
    if (this.beforeReplace === null) return 'clean';
    const doc = this.editor.getState().doc;
    const project = t === undefined ? null : (useProject.getState().name ?? doc.meta.name);
    const choice = await this.beforeReplace({ what, name: doc.meta.name.trim() === '' ? 'Untitled network' : doc.meta.name, project });
    if (choice === 'cancel') return 'cancelled';
    if (choice === 'discard') {
      this.discard(project);
      return 'discarded';
    }
    let r: SaveOutcome;
    try {
      r = await this.save();
    } catch (e) {
      this.notify('error', `Could not save (your network is still here, nothing was replaced): ${errorText(e)}`);
      return 'cancelled';
    }
    if (!r.ok) {
      this.notify('error', `${r.message} Nothing was replaced.`);
      return 'cancelled';
    }
    this.notify('info', r.message);
    return 'saved';
  }

  /**
   * Discard: the network on the canvas is kept for the session (the notice's Undo, or Restore
   * discarded, brings it back) and its draft is forgotten. The caller then replaces it.
   */
  private discard(project: string | null): void {
    const kept = useDiscarded.getState().keep(this.editor.getState().doc, project, this.now());
    void this.drafts.clear();
    this.notify('info', `Discarded “${kept.name}”. Undo brings it back (until the window is closed; also under Discarded in the top bar).`, {
      action: { label: 'Undo', run: () => void this.restoreDiscarded(kept.id) },
    });
  }

  /**
   * Brings a discarded network back onto the canvas, in no project (it never goes into the project
   * open now) and kept as this window's draft. Asks first when the canvas holds unsaved work.
   */
  async restoreDiscarded(id: number): Promise<boolean> {
    const d = useDiscarded.getState().items.find((x) => x.id === id);
    if (d === undefined) return false;
    if ((await this.confirmReplace(`bring back “${d.name}”`)) === 'cancelled') return false;
    if (useDiscarded.getState().take(id) === undefined) return false;
    this.loadUnsaved(d.doc);
    this.notify('info', `Brought back “${d.name}” (in no project: Save to keep it).`);
    return true;
  }

  /** Drafts other windows left in the store (what this start offers to recover), newest first. */
  async otherDrafts(): Promise<DraftSummary[]> {
    const { drafts } = await this.api.projects.drafts({});
    return drafts.filter((d) => d.id !== this.drafts.id && d.layers > 0);
  }

  /**
   * Recovers a draft: its network, exactly as kept, goes onto the canvas in no project and becomes
   * this window's draft (the old row is removed once it is kept under this window's id).
   */
  async recoverDraft(id: string): Promise<boolean> {
    let reply;
    try {
      reply = await this.api.projects.openDraft({ id });
    } catch (e) {
      this.notify('error', `Could not recover the unsaved network: ${errorText(e)}`);
      return false;
    }
    const m = migrateDocument(reply.document);
    if (!m.ok) {
      this.notify('error', `The unsaved network “${reply.draft.name}” cannot be recovered: ${m.error.message}`);
      return false;
    }
    if ((await this.confirmReplace(`recover “${reply.draft.name}”`)) === 'cancelled') return false;
    this.loadUnsaved(m.doc);
    await this.drafts.flush();
    if (id !== this.drafts.id) await this.declineDraft(id);
    this.notify('info', `Recovered “${reply.draft.name}” (in no project: Save to keep it).`);
    return true;
  }

  /** Declines a draft: it is removed from the store. */
  async declineDraft(id: string): Promise<void> {
    try {
      await this.api.projects.removeDraft({ id });
    } catch (e) {
      this.notify('error', `Could not remove the unsaved network: ${errorText(e)}`);
    }
  }

  /** Loads recovered work: out of any project, counted as unsaved, kept as this window's draft. */
  private loadUnsaved(doc: GraphDocument): void {
    this.createOnLoad = null;
    this.attach(undefined);
    this.load(doc);
    this.recovered = true;
    this.drafts.edit(doc);
  }

  /** The network leaves its project (it stays in the editor, unsaved). */
  leave(): void {
    if (this.autosaver.attached === undefined) return;
    this.attach(undefined);
  }

  /** Opens a project: its working copy goes into the editor. False (with the reason told) when it cannot. */
  async open(id: string): Promise<boolean> {
    const go = await this.confirmReplace('open the project');
    if (go === 'cancelled') return false;
    // Never drop this window's unsaved changes on the way (unless the person chose Discard): save them first, or refuse with the way out.
    if (go !== 'discarded' && this.autosaver.attached !== undefined) {
      if (this.autosaver.status.kind === 'conflict') {
        this.notify('warning', 'Not opened: this window has changes in conflict — choose Load theirs, Keep mine or Save mine as a new project first.');
        return false;
      }
      if (this.autosaver.isDirty && !(await this.autosaver.flush())) {
        this.notify('warning', 'Not opened: the changes in this window could not be saved — Try again or Save mine as a new project first.');
        return false;
      }
    }
    let reply;
    try {
      reply = await this.api.projects.open({ id });
    } catch (e) {
      this.notify('error', `Could not open the project: ${errorText(e)}`);
      return false;
    }
    const m = migrateDocument(reply.document);
    if (!m.ok) {
      this.notify('error', `Project “${reply.project.name}” cannot be opened: ${m.error.message}`);
      return false;
    }
    // The network carries its project's name (a project renamed while closed).
    this.load(m.doc.meta.name === reply.project.name ? m.doc : { ...m.doc, meta: { ...m.doc.meta, name: reply.project.name } });
    this.attach({ projectId: reply.project.id, revision: reply.project.revision }, reply.project.name, reply.project.updatedAt);
    return true;
  }

  /**
   * Another window (or process) saved the open project: a window with nothing unsaved follows,
   * loading the newer working copy; one with edits of its own keeps them (its next save meets the
   * conflict, and the banner lets the person choose).
   */
  async followElsewhere(e: { id: string; revision: number; what?: string | undefined }): Promise<boolean> {
    const mine = (): boolean => {
      const t = this.autosaver.attached;
      const kind = this.autosaver.status.kind;
      return t !== undefined && t.projectId === e.id && e.revision > t.revision && !this.autosaver.isDirty && kind === 'saved';
    };
    if (e.what === 'trashed' || e.what === 'deleted' || !mine()) return false;
    let reply;
    try {
      reply = await this.api.projects.open({ id: e.id });
    } catch {
      return false; // (gone meanwhile: the next save says so)
    }
    // Checked again: an edit may have come in while the newer copy was on its way.
    if (!mine() || reply.project.revision <= (this.autosaver.attached?.revision ?? Infinity)) return false;
    const m = migrateDocument(reply.document);
    if (!m.ok) return false;
    this.load(m.doc);
    this.attach({ projectId: reply.project.id, revision: reply.project.revision }, reply.project.name, reply.project.updatedAt);
    this.notify('info', `Updated: “${reply.project.name}” was saved in another window (revision ${reply.project.revision}).`);
    return true;
  }

  /** The project was renamed: the open network takes the name too (an undoable edit, autosaved). */
  renamed(id: string, name: string): void {
    if (this.autosaver.attached?.projectId !== id) return;
    useProject.getState().setName(name);
    if (this.editor.getState().doc.meta.name !== name) this.editor.getState().setMeta({ name });
  }

  /** A new empty project, opened. */
  async createEmpty(name: string): Promise<boolean> {
    try {
      const p = await this.api.projects.create({ name });
      return await this.open(p.id);
    } catch (e) {
      this.notify('error', `Could not create the project: ${errorText(e)}`);
      return false;
    }
  }

  /** The next network the template gallery loads becomes a new project (cancelled by `cancelCreateOnLoad`). */
  createOnNextLoad(onCreated: () => void): void {
    this.createOnLoad = onCreated;
  }

  cancelCreateOnLoad(): void {
    this.createOnLoad = null;
  }

  /** Toolbar Save: writes the working copy now (the first save of a network creates its project). */
  async save(): Promise<SaveOutcome> {
    const doc = this.editor.getState().doc;
    const t = this.autosaver.attached;
    if (t === undefined) {
      const r = await saveToProject(this.api, doc, undefined);
      if (r.ok) this.attach(r.target, doc.meta.name.trim() === '' ? 'Untitled network' : doc.meta.name, Date.now());
      return r;
    }
    if (this.autosaver.status.kind === 'conflict') return { ok: false, target: t, message: conflictMessage() };
    this.autosaver.edit(doc);
    const ok = await this.autosaver.flush();
    const now = this.autosaver.attached ?? t;
    if (ok) return { ok: true, created: false, target: now, message: `Saved “${useProject.getState().name ?? doc.meta.name}”.` };
    const s = this.statusNow();
    return { ok: false, target: now, message: s.kind === 'conflict' ? conflictMessage() : `Not saved: ${s.kind === 'error' ? s.message : 'the save did not finish'} (your network is still here).` };
  }

  /** Save version: the working copy is saved, then frozen as an immutable version with this message. */
  async saveVersion(message: string): Promise<SaveOutcome> {
    const t = this.autosaver.attached;
    if (t === undefined) {
      const doc = this.editor.getState().doc;
      const r = await saveProjectVersion(this.api, doc, undefined, message);
      if (r.ok) this.attach(r.target, doc.meta.name.trim() === '' ? 'Untitled network' : doc.meta.name, Date.now());
      return r;
    }
    const saved = await this.save();
    if (!saved.ok) return saved;
    const v = await this.api.projects.saveVersion({ id: saved.target.projectId, message });
    return { ...saved, message: `Saved version ${v.number}${message === '' ? '' : ` — ${message}`}.` };
  }

  /**
   * Makes a version the working copy and loads it. The network it replaces is saved and, unless the
   * newest version already holds it, kept as a version first; refused when someone else saved since.
   */
  async restoreVersion(versionId: string, label: string): Promise<boolean> {
    const t = this.autosaver.attached;
    if (t === undefined) return false;
    if (!(await this.autosaver.flush())) {
      this.notify('warning', `Not restored: ${this.autosaver.status.kind === 'conflict' ? 'resolve the conflict first' : 'the current network could not be saved first'}.`);
      return false;
    }
    const base = this.autosaver.attached ?? t;
    let r;
    try {
      const kept = await this.keepAsVersion(base.projectId, versionId, `Before restoring ${label}`);
      if (kept !== null) this.notify('info', `Kept the current network as version ${kept.number} before restoring ${label}.`);
      r = await this.api.projects.restoreVersion({ id: base.projectId, versionId, baseRevision: base.revision });
    } catch (e) {
      this.notify('error', `Could not restore ${label}: ${errorText(e)}`);
      return false;
    }
    if (!r.saved) {
      this.autosaver.edit(this.editor.getState().doc);
      this.autosaver.refused(r.currentRevision);
      this.notify('warning', `Not restored: ${conflictMessage()}`);
      return false;
    }
    const m = migrateDocument(r.document);
    if (!m.ok) {
      this.notify('error', `${label} cannot be loaded: ${m.error.message}`);
      return false;
    }
    this.load(m.doc);
    this.attach({ projectId: base.projectId, revision: r.revision }, useProject.getState().name, Date.now());
    this.notify('info', `Restored ${label}; it is now the working copy.`);
    return true;
  }

  /**
   * Before restoring `restoring`: saves the working copy as a version unless the newest version or the
   * one being restored already holds the same network. The new version, or null.
   */
  private async keepAsVersion(id: string, restoring: string, message: string): Promise<VersionSummary | null> {
    const { versions } = await this.api.projects.versions({ id });
    for (const v of new Set([versions[0]?.id, restoring])) {
      if (v !== undefined && (await this.api.projects.diffVersions({ id, from: v })).identical) return null;
    }
    return this.api.projects.saveVersion({ id, message });
  }

  /** Conflict: discard this window's changes and open the project as the other window saved it. */
  async loadTheirs(): Promise<boolean> {
    const t = this.autosaver.attached;
    if (t === undefined) return false;
    this.autosaver.attach(t);
    return this.open(t.projectId);
  }

  /** Conflict: write this window's network over theirs (they chose nothing; the person here did). */
  async keepMine(): Promise<boolean> {
    this.autosaver.edit(this.editor.getState().doc);
    const ok = await this.autosaver.overwrite();
    if (ok) this.notify('info', 'Kept your network: it replaced the one saved in the other window.');
    return ok;
  }

  /** Conflict: keep both — this window's network becomes a new project; theirs stays as it is. */
  async saveMineAsNew(): Promise<boolean> {
    const doc = this.editor.getState().doc;
    const base = useProject.getState().name ?? (doc.meta.name.trim() === '' ? 'Untitled network' : doc.meta.name);
    const name = `${base.slice(0, 190)} (mine)`;
    try {
      const p = await this.api.projects.create({ name, document: doc });
      this.attach({ projectId: p.id, revision: p.revision }, p.name, p.updatedAt);
      this.notify('info', `Saved your network as a new project “${p.name}”; the other one is unchanged.`);
      return true;
    } catch (e) {
      this.notify('error', `Could not save as a new project: ${errorText(e)}`);
      return false;
    }
  }

  private async createFrom(doc: GraphDocument): Promise<boolean> {
    const name = doc.meta.name.trim() === '' ? 'Untitled network' : doc.meta.name;
    try {
      const p = await this.api.projects.create({ name, document: doc });
      this.attach({ projectId: p.id, revision: p.revision }, p.name, p.updatedAt);
      this.notify('info', `Created the project “${p.name}”.`);
      return true;
    } catch (e) {
      this.attach(undefined);
      this.notify('error', `Could not create the project (the network is open, unsaved): ${errorText(e)}`);
      return false;
    }
  }

  /** The autosave status now (a call, so no narrowing from before an await applies). */
  private statusNow(): AutosaveStatus {
    return this.autosaver.status;
  }

  private load(doc: GraphDocument): void {
    this.ownLoad = true;
    try {
      this.editor.getState().load(doc);
    } finally {
      this.ownLoad = false;
    }
  }

  private attach(target: SaveTarget | undefined, name?: string, savedAt: number | null = null): void {
    this.autosaver.attach(target, savedAt);
    // In a project, the network is saved there: it is no longer a draft.
    if (target !== undefined) {
      this.recovered = false;
      void this.drafts.clear();
    }
    const p = useProject.getState();
    if (p.current?.projectId !== target?.projectId || p.current?.revision !== target?.revision) p.setCurrent(target);
    if (target !== undefined && name !== undefined) p.setName(name);
    rememberProject(target?.projectId);
  }
}

function conflictMessage(): string {
  return 'this project was saved in another window since this one loaded it. Nothing was overwritten: choose Load theirs, Keep mine or Save mine as a new project.';
}
