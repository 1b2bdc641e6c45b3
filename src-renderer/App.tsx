import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import type { MenuCommand } from '../src-shared/api/index.js';
import { emptyDocument } from '../src-shared/graph/document.js';
import { Canvas } from './canvas/Canvas.js';
import { fitOptions, useShowNetwork } from './canvas/show.js';
import { CostSummary } from './canvas/CostSummary.js';
import { EditorProvider, useEditor } from './editor/context.js';
import { DOCUMENT_EXTENSION, fileNameFor, parseDocumentText, serializeDocument } from './editor/file-io.js';
import { isTypingTarget, shortcutFor } from './editor/shortcuts.js';
import type { ShortcutAction } from './editor/shortcuts.js';
import type { EditorStore } from './editor/store.js';
import type { Host } from './host/host.js';
import { Inspector } from './inspector/Inspector.js';
import { Palette } from './palette/Palette.js';
import { ProblemsPanel } from './problems/ProblemsPanel.js';
import { useApp } from './state/app-store.js';
import { useProject } from './state/project-store.js';
import { RunsButtons, RunsDock } from './runs/RunsDock.js';
import { Gallery } from './templates/Gallery.js';
import { AutosaveBadge } from './projects/AutosaveBadge.js';
import { ConflictBanner } from './projects/ConflictBanner.js';
import { HistoryPanel } from './projects/HistoryPanel.js';
import { ProjectsPage } from './projects/ProjectsPage.js';
import { SaveVersionDialog } from './projects/SaveVersionDialog.js';
import { lastOpen, rememberProject } from './projects/last-project.js';
import { ProjectSession } from './projects/session.js';
import type { ReplaceOutcome } from './projects/session.js';
import { UnsavedGuard } from './projects/UnsavedPrompt.js';
import { DiscardedMenu, DraftOffer } from './projects/Recovery.js';
import { NoticeStack } from './notices/NoticeStack.js';
import { useRunFocus } from './state/run-focus.js';
import type { SaveOutcome } from './editor/project-save.js';
import { ExportDialog } from './export/ExportDialog.js';
import { RunOverlayHost } from './runs/overlay/RunOverlayHost.js';
import { LayerTable } from './table/LayerTable.js';
import { SkipLink } from './ui/SkipLink.js';

const MODE_LABEL = { electron: 'Desktop', browser: 'Browser host', cli: 'CLI' } as const;
const FILE_EXTENSIONS = [DOCUMENT_EXTENSION, 'json'];

type Command = MenuCommand | 'new-from-template' | 'layout' | 'group';

/** The editor: top bar with the document commands, palette, canvas with costs and problems, inspector. */
function Editor({ host, editor }: { host: Host; editor: EditorStore }) {
  const flow = useReactFlow();
  const notify = useApp((s) => s.notify);
  const theme = useApp((s) => s.theme);
  const setTheme = useApp((s) => s.setTheme);
  const name = useEditor((s) => s.doc.meta.name);
  const canUndo = useEditor((s) => s.history.past.length > 0);
  const canRedo = useEditor((s) => s.history.future.length > 0);
  const busy = useEditor((s) => s.layoutBusy);
  const hasNodes = useEditor((s) => Object.keys(s.doc.nodes).length > 0);
  const canGroup = useEditor((s) => s.selection.nodes.size > 0);
  const showNetwork = useShowNetwork(editor);
  const [gallery, setGallery] = useState(false);
  const [exportCode, setExportCode] = useState(false);
  const [showPalette, setShowPalette] = useState(true);
  const [showInspector, setShowInspector] = useState(true);
  const [showTable, setShowTable] = useState(false);
  // Projects (src-renderer/projects): the session autosaves the open project; the view is the editor or the projects page.
  const session = useMemo(() => new ProjectSession(host.api, editor, notify), [host, editor, notify]);
  const [view, setView] = useState<'editor' | 'projects'>('editor');
  const [showHistory, setShowHistory] = useState(false);
  const [askVersion, setAskVersion] = useState(false);
  const inProject = useProject((s) => s.current !== undefined);
  const started = useRef(false);
  // The top bar wraps onto a second row in narrow windows; docks below it follow its height.
  const topbar = useRef<HTMLElement>(null);
  useEffect(() => {
    const el = topbar.current;
    if (el === null || typeof ResizeObserver === 'undefined') return;
    const set = (): void => document.documentElement.style.setProperty('--topbar-height', `${Math.round(el.getBoundingClientRect().height)}px`);
    set();
    const ro = new ResizeObserver(set);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  useEffect(() => session.start(), [session]);
  // Another window saved the open project: follow it when this window has nothing unsaved.
  useEffect(() => host.on('projects', 'changed', (e) => void session.followElsewhere(e)), [host, session]);
  // At start: reopen the project open last time; when none was open, show the projects page (if there are projects); a first start opens the editor.
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const showProjects = (): void => {
      // (Unless a network was left unsaved: the editor offers it back first.)
      Promise.all([host.api.projects.list({}), session.otherDrafts()]).then(
        ([r, drafts]) => r.projects.length > 0 && drafts.length === 0 && setView('projects'),
        () => undefined,
      );
    };
    const last = lastOpen();
    if (last.kind === 'none') showProjects();
    else if (last.kind === 'project')
      void session.open(last.id).then((ok) => {
        if (ok) return;
        rememberProject(undefined);
        showProjects();
      });
  }, [host, session]);
  /**
   * Every command that replaces the network on the canvas asks here first: unsaved work is put to
   * the person (Save / Discard / Cancel, see ProjectSession.confirmReplace). null: cancelled, change
   * nothing. New, Open and a template also end the gradient-flow overlay of the run shown until now.
   */
  const replacing = useCallback(
    async (what: string, endsRunOverlay: boolean): Promise<ReplaceOutcome | null> => {
      const go = await session.confirmReplace(what);
      if (go === 'cancelled') return null;
      if (endsRunOverlay) useRunFocus.getState().focus(null);
      return go;
    },
    [session],
  );
  const reportSave = useCallback(
    (job: Promise<SaveOutcome>) =>
      job.then(
        (r) => notify(r.ok ? 'info' : 'warning', r.message),
        (e: unknown) => notify('error', `Could not save (your network is still here): ${e instanceof Error ? e.message : String(e)}`),
      ),
    [notify],
  );

  // The editor's one-line messages (refused edits, file errors) go to the status bar.
  useEffect(
    () =>
      editor.subscribe((s, prev) => {
        if (s.message !== null && s.message !== prev.message) notify(s.message.level, s.message.text);
      }),
    [editor, notify],
  );

  const readFile = useCallback(
    async (verb: 'Open' | 'Import') => {
      let file;
      try {
        file = await host.openTextFile({ title: `${verb} a Skipwire network`, extensions: FILE_EXTENSIONS });
      } catch (e) {
        notify('error', `Could not read the file: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
      if (file === undefined) return;
      const parsed = parseDocumentText(file.content, file.name);
      if (!parsed.ok) {
        notify('error', parsed.message);
        return;
      }
      const go = await replacing(verb === 'Open' ? `open “${file.name}”` : `import “${file.name}”`, verb === 'Open');
      if (go === null) return;
      if (verb === 'Open') {
        useProject.getState().setCurrent(undefined);
        editor.getState().load(parsed.doc);
      } else {
        // (Just saved into a new project: the import replaces the canvas outside it, not that project's network.)
        if (go === 'saved') session.leave();
        editor.getState().replace(parsed.doc, `Import ${file.name}`);
        showNetwork();
      }
      const migrated = parsed.migratedFrom === null ? '' : ` (upgraded from schema ${parsed.migratedFrom})`;
      notify('info', `${verb === 'Open' ? 'Opened' : 'Imported'} “${file.name}”${migrated}.`);
    },
    [host, editor, notify, showNetwork, replacing, session],
  );

  const run = useCallback(
    (command: Command): void => {
      const s = editor.getState();
      if (command === 'new' || command === 'open' || command === 'import' || command === 'new-from-template') setView('editor');
      switch (command) {
        case 'new':
          void replacing('start a new network', true).then((go) => {
            if (go === null) return;
            useProject.getState().setCurrent(undefined);
            editor.getState().load(emptyDocument());
          });
          return;
        case 'new-from-template':
          setGallery(true);
          return;
        case 'open':
          void readFile('Open');
          return;
        case 'import':
          void readFile('Import');
          return;
        case 'export': {
          const doc = s.doc;
          host.saveTextFile({ title: 'Export the network', defaultName: fileNameFor(doc), content: serializeDocument(doc), extensions: FILE_EXTENSIONS }).then(
            (saved) => saved && notify('info', `Exported “${fileNameFor(doc)}”.`),
            (e: unknown) => notify('error', `Could not export: ${e instanceof Error ? e.message : String(e)}`),
          );
          return;
        }
        case 'export-code':
          setExportCode(true);
          return;
        case 'undo':
          s.undo();
          return;
        case 'redo':
          s.redo();
          return;
        case 'zoom-in':
          void flow.zoomIn();
          return;
        case 'zoom-out':
          void flow.zoomOut();
          return;
        case 'zoom-reset':
          void flow.zoomTo(1);
          return;
        case 'fit-view': {
          // Fits the selection when there is one, else the whole network.
          const ids = [...s.selection.nodes];
          if (s.selection.group !== null) ids.push(`frame:${s.selection.group}`, `block:${s.selection.group}`);
          const present = ids.filter((id) => flow.getNode(id) !== undefined).map((id) => ({ id }));
          void flow.fitView(fitOptions(present));
          return;
        }
        case 'layout':
          void s.autoLayout().then((done) => done && showNetwork());
          return;
        case 'group':
          s.groupSelection();
          return;
        case 'save':
          void reportSave(session.save());
          return;
        case 'save-version':
          setAskVersion(true);
          return;
      }
    },
    [editor, flow, host, notify, readFile, showNetwork, session, reportSave, replacing],
  );

  useEffect(() => host.on('shell', 'menu', ({ command }) => run(command)), [host, run]);

  // Keyboard shortcuts (not while typing into a field, nor while a dialog is open).
  useEffect(() => {
    const act = (a: ShortcutAction): boolean => {
      const s = editor.getState();
      switch (a) {
        case 'undo':
          s.undo();
          return true;
        case 'redo':
          s.redo();
          return true;
        case 'copy':
          s.copy();
          return s.selection.nodes.size > 0 || s.selection.group !== null;
        case 'cut':
          s.cut();
          return true;
        case 'paste':
          s.paste();
          return s.clipboard !== null;
        case 'duplicate':
          s.duplicate();
          return true;
        case 'delete':
          s.deleteSelection();
          return true;
        case 'group':
          s.groupSelection();
          return true;
        case 'ungroup':
          if (s.selection.group !== null) s.ungroup(s.selection.group);
          return true;
        case 'select-all':
          s.selectAll();
          return true;
        case 'escape':
          if (s.pendingMerge !== null) s.cancelMerge();
          else s.clearSelection();
          return true;
        case 'search': {
          // From anywhere: the palette comes back first when it was hidden.
          const focus = (): void => document.querySelector<HTMLInputElement>('[data-palette-search]')?.focus();
          if (document.querySelector('[data-palette-search]') !== null) focus();
          else {
            setShowPalette(true);
            setTimeout(focus, 0);
          }
          return true;
        }
        case 'layout':
          run('layout');
          return true;
        case 'fit':
          run('fit-view');
          return true;
        case 'expand-all':
          void s.collapseTo(Infinity);
          return true;
        case 'collapse-all':
          void s.collapseTo(0);
          return true;
        default:
          // Collapse to depth N (digit keys).
          void s.collapseTo(Number(a.slice('depth-'.length)));
          return true;
      }
    };
    const onKey = (e: KeyboardEvent): void => {
      if (e.defaultPrevented || isTypingTarget(e.target)) return;
      if (document.querySelector('.modal-backdrop') !== null) return;
      if (document.querySelector('[data-projects-page]') !== null) return;
      const a = shortcutFor(e);
      if (a !== null && act(a)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [editor, run]);

  return (
    <>
      <header className="topbar" ref={topbar}>
        <div className="brand">
          <img src="./favicon.svg" alt="" width={22} height={22} />
          <span>Skipwire</span>
        </div>
        <button type="button" className="view-toggle" aria-pressed={view === 'projects'} onClick={() => setView((v) => (v === 'projects' ? 'editor' : 'projects'))} title="All projects: open, create, rename, duplicate, trash" data-testid="projects-toggle">
          Projects
        </button>
        <div className="doc-title" data-testid="doc-title" title={name}>
          {name}
        </div>
        <AutosaveBadge />
        <DiscardedMenu session={session} />
        <nav className="toolbar" aria-label="Document">
          <button type="button" onClick={() => run('new')} title="New empty network">
            New
          </button>
          <button type="button" onClick={() => run('new-from-template')} title="New from template…" data-testid="open-gallery">
            Template…
          </button>
          <button type="button" onClick={() => run('open')} title="Open a .skipwire.json file">
            Open
          </button>
          <button type="button" onClick={() => run('import')} title="Import a .skipwire.json file (undoable)">
            Import
          </button>
          <button type="button" onClick={() => run('export')} title="Export as .skipwire.json" disabled={!hasNodes}>
            Export
          </button>
          <button type="button" onClick={() => run('export-code')} title="Export code: TypeScript, tfjs model files, PyTorch, ONNX (Shift+Ctrl/Cmd+E in the desktop app)" disabled={!hasNodes} data-testid="export-code">
            Export code…
          </button>
          <button type="button" onClick={() => run('save')} title="Save into the project store (the first save creates a project)">
            Save
          </button>
          <button type="button" onClick={() => run('save-version')} title="Save, then freeze this network as an immutable version with a message">
            Save version
          </button>
          {inProject && (
            <button type="button" className="view-toggle" aria-pressed={showHistory} onClick={() => setShowHistory((v) => !v)} title="Version history: compare and restore versions" data-testid="history-toggle">
              History
            </button>
          )}
          <span className="sep" aria-hidden="true" />
          <button type="button" onClick={() => run('undo')} disabled={!canUndo} title="Undo (Ctrl/Cmd+Z)" aria-label="Undo">
            ↶ Undo
          </button>
          <button type="button" onClick={() => run('redo')} disabled={!canRedo} title="Redo (Shift+Ctrl/Cmd+Z)" aria-label="Redo">
            ↷ Redo
          </button>
          <span className="sep" aria-hidden="true" />
          <button type="button" onClick={() => run('group')} disabled={!canGroup} title="Group the selection into a block (Ctrl/Cmd+G)">
            Group
          </button>
          <button type="button" onClick={() => run('layout')} disabled={!hasNodes || busy} title="Auto-layout (Shift+Ctrl/Cmd+L)" data-testid="auto-layout">
            {busy ? 'Laying out…' : 'Auto-layout'}
          </button>
          <button type="button" onClick={() => run('fit-view')} title="Fit the view to the selection, or to the whole network (Shift+1)">
            Fit
          </button>
          <span className="sep" aria-hidden="true" />
          <button type="button" aria-pressed={showPalette} onClick={() => setShowPalette((v) => !v)} title="Show or hide the layer palette">
            Layers
          </button>
          <button type="button" aria-pressed={showInspector} onClick={() => setShowInspector((v) => !v)} title="Show or hide the inspector">
            Inspector
          </button>
          <button type="button" aria-pressed={showTable} onClick={() => setShowTable((v) => !v)} title="Show or hide the layer table: every layer with its shape, params, FLOPs and problems" data-testid="table-toggle">
            Table
          </button>
        </nav>
        <div className="topbar-actions">
          <RunsButtons />
          <button type="button" className="ghost" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
            {theme === 'dark' ? '☀ Light' : '☾ Dark'}
          </button>
        </div>
      </header>
      {view === 'projects' ? (
        <ProjectsPage
          host={host}
          session={session}
          notify={notify}
          onOpened={() => setView('editor')}
          onFromTemplate={() => {
            session.createOnNextLoad(() => setView('editor'));
            setGallery(true);
          }}
        />
      ) : (
        <main className={`workspace${showPalette ? '' : ' no-palette'}${showInspector ? '' : ' no-inspector'}`}>
          {showPalette && <Palette />}
          <div className={`center${showTable ? ' with-table' : ''}`}>
            <CostSummary />
            <SkipLink target='[data-testid="problems"]'>Skip over the canvas to the problems</SkipLink>
            <Canvas />
            {showTable ? (
              <div className="bottom-panels">
                <ProblemsPanel />
                <LayerTable host={host} />
              </div>
            ) : (
              <ProblemsPanel />
            )}
          </div>
          {showInspector && <Inspector />}
        </main>
      )}
      {gallery && (
        <Gallery
          confirmReplace={async () => (await replacing('create a network from the template', true)) !== null}
          onClose={() => {
            session.cancelCreateOnLoad();
            setGallery(false);
          }}
        />
      )}
      <NoticeStack>
        <ConflictBanner session={session} />
      </NoticeStack>
      <UnsavedGuard session={session} />
      {view === 'editor' && <DraftOffer session={session} editor={editor} onRecovered={() => setView('editor')} />}
      {showHistory && inProject && view === 'editor' && <HistoryPanel host={host} session={session} notify={notify} onClose={() => setShowHistory(false)} />}
      {askVersion && (
        <SaveVersionDialog
          onClose={() => setAskVersion(false)}
          onSave={(message) => {
            setAskVersion(false);
            void reportSave(session.saveVersion(message));
          }}
        />
      )}
      {exportCode && <ExportDialog host={host} onClose={() => setExportCode(false)} />}
      <RunsDock host={host} projects={session} />
    </>
  );
}

export function App({ host, editor }: { host: Host; editor: EditorStore }) {
  const { info, connection, notice, theme, setInfo, setConnection, notify } = useApp();

  useEffect(() => {
    const load = (): void => {
      host.api.system.info({}).then(setInfo, (e: unknown) => notify('error', `Could not reach Skipwire: ${e instanceof Error ? e.message : String(e)}`));
    };
    setConnection(host.connection());
    const offConn = host.onConnection((s) => {
      setConnection(s);
      if (s === 'open') load();
    });
    const offNotice = host.on('system', 'notice', (n) => notify(n.level, n.message));
    load();
    return () => {
      offConn();
      offNotice();
    };
  }, [host, setInfo, setConnection, notify]);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  return (
    <EditorProvider store={editor}>
      <ReactFlowProvider>
        <div className="app">
          <Editor host={host} editor={editor} />
          {/* Gradient-flow overlay and run health (src-renderer/runs/overlay): live probes from the host. */}
          <RunOverlayHost host={host} />
          <footer className="statusbar" data-testid="statusbar">
            <span className={`conn conn-${connection}`} data-testid="connection">
              {connection === 'open' ? '● connected' : connection === 'connecting' ? '○ connecting…' : '○ disconnected — retrying'}
            </span>
            {info !== undefined && (
              <>
                <span data-testid="mode" title={info.modeReason}>
                  {MODE_LABEL[info.mode]}: {info.modeReason}
                </span>
                <span data-testid="version">v{info.version}</span>
              </>
            )}
            {notice !== undefined && (
              <span className={`notice notice-${notice.level}`} role="status" data-testid="notice" title={notice.message}>
                {notice.message}
              </span>
            )}
          </footer>
        </div>
      </ReactFlowProvider>
    </EditorProvider>
  );
}
