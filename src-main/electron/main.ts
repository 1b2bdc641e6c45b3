import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { BrowserWindow, Menu, app, dialog, ipcMain, screen, session, shell } from 'electron';
import type { IpcMainInvokeEvent } from 'electron';
import {
  ContractError,
  IPC_CALL_CHANNEL,
  IPC_EVENT_CHANNEL,
  dialogService,
  shellService,
} from '../../src-shared/api/index.js';
import type { BridgeReply } from '../../src-shared/api/bridge.js';
import { closeBackend, createBackend } from '../services/registry.js';
import { resolveDataDir } from '../services/paths.js';
import { electronSqlitePath } from '../electron-sqlite.js';
import { existsSync } from 'node:fs';
import { createDialogService } from './dialogs.js';
import { buildMenu } from './menu.js';
import { loadWindowState, saveWindowState, windowStateFile } from './window-state.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const preloadPath = join(here, '../preload/preload.cjs');
const rendererFile = join(here, '../renderer/index.html');
const devUrl = process.env.ELECTRON_RENDERER_URL;
const rendererUrl = pathToFileURL(rendererFile).href;
const devOrigin = devUrl !== undefined && !app.isPackaged ? new URL(devUrl).origin : undefined;

/** Our own page: the built index.html (any #route), or the dev server in development. */
function isTrusted(url: string): boolean {
  try {
    const u = new URL(url);
    if (devOrigin !== undefined) return u.origin === devOrigin;
    return u.protocol === 'file:' && `${u.protocol}//${u.host}${u.pathname}` === rendererUrl;
  } catch {
    return false;
  }
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.enableSandbox();
  void app.whenReady().then(startApp);
}

let mainWindow: BrowserWindow | null = null;

function startApp(): void {
  // Started without `npm start` (electron ., electron-vite dev): use the SQLite addon it built for this Electron, if any.
  if ((process.env.SKIPWIRE_SQLITE_BINDING ?? '') === '' && process.versions.electron !== undefined) {
    try {
      const cached = electronSqlitePath(app.getAppPath(), process.versions.electron);
      if (existsSync(cached)) process.env.SKIPWIRE_SQLITE_BINDING = cached;
    } catch {
      /* no better-sqlite3 package next to the app (packaged builds rebuild it for Electron) */
    }
  }
  const dataDir = resolveDataDir(process.env, process.platform, undefined, app.getPath('userData'));
  const backend = createBackend({
    mode: 'electron',
    modeReason: `desktop app (Electron ${process.versions.electron ?? ''})`,
    dataDir,
    electronVersion: process.versions.electron ?? null,
  });
  backend.provide(dialogService, createDialogService(() => mainWindow));
  // Quitting waits for the back end: training workers stop (a run is marked interrupted, its
  // finished epochs kept), queued runs stay queued for the next start, the store closes.
  let closed = false;
  app.on('before-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    void closeBackend(backend).finally(() => {
      closed = true;
      app.quit();
    });
  });

  // Deny every permission (camera, notifications, …) and add a CSP to every response.
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [
          "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'none'",
        ],
      },
    });
  });

  // The contract over IPC: only our own page may call it; input is validated by the dispatcher.
  ipcMain.handle(IPC_CALL_CHANNEL, async (event: IpcMainInvokeEvent, raw: unknown): Promise<BridgeReply> => {
    const frameUrl = event.senderFrame?.url ?? '';
    if (mainWindow === null || event.sender !== mainWindow.webContents || !isTrusted(frameUrl)) {
      return { ok: false, error: { code: 'bad-request', message: `calls from ${frameUrl || 'an unknown frame'} are refused` } };
    }
    if (typeof raw !== 'object' || raw === null) return { ok: false, error: { code: 'bad-request', message: 'malformed call' } };
    const { service, method, input } = raw as { service?: unknown; method?: unknown; input?: unknown };
    if (typeof service !== 'string' || typeof method !== 'string') {
      return { ok: false, error: { code: 'bad-request', message: 'malformed call' } };
    }
    try {
      const value = await backend.call(service, method, input, { transport: 'ipc', clientId: `window-${mainWindow.id}` });
      return { ok: true, value };
    } catch (err) {
      const e = err instanceof ContractError ? err : new ContractError('failed', err instanceof Error ? err.message : String(err));
      return { ok: false, error: e.toWire() };
    }
  });
  backend.onEvent((frame) => {
    if (mainWindow !== null && !mainWindow.isDestroyed()) mainWindow.webContents.send(IPC_EVENT_CHANNEL, frame);
  });

  buildMenuFor(backend);
  createWindow();

  app.on('second-instance', () => {
    if (mainWindow === null) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}

function buildMenuFor(backend: ReturnType<typeof createBackend>): void {
  Menu.setApplicationMenu(buildMenu((command) => backend.emit(shellService, 'menu', { command }), process.platform === 'darwin'));
}

function createWindow(): void {
  const stateFile = windowStateFile(app.getPath('userData'));
  const state = loadWindowState(
    stateFile,
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow({
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'Skipwire',
    backgroundColor: '#111418',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  mainWindow = win;
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());

  const remember = (): void => {
    if (win.isDestroyed()) return;
    const b = win.getNormalBounds();
    saveWindowState(stateFile, { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() });
  };
  win.on('close', remember);
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });

  // No navigation away from the app, no new windows; http(s) links open in the user's browser.
  win.webContents.on('will-navigate', (e, url) => {
    if (!isTrusted(url)) e.preventDefault();
  });
  win.webContents.on('will-redirect', (e, url) => {
    if (!isTrusted(url)) e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-attach-webview', (e) => e.preventDefault());
  // The renderer refuses to unload while it holds unsaved work (beforeunload, as in a browser tab):
  // ask, as a browser does, instead of silently keeping the window open.
  win.webContents.on('will-prevent-unload', (e) => {
    const choice = dialog.showMessageBoxSync(win, {
      type: 'question',
      buttons: ['Leave', 'Stay'],
      defaultId: 1,
      cancelId: 1,
      title: 'Unsaved changes',
      message: 'This window holds changes that are not saved in a project.',
      detail: 'Leave anyway? A network that is in no project is kept as a draft and offered again at the next start.',
    });
    if (choice === 0) e.preventDefault(); // (here: ignore the page's refusal and close)
  });

  if (devUrl !== undefined && !app.isPackaged) void win.loadURL(devUrl);
  else void win.loadFile(rendererFile);
}
