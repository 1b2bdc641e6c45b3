import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { dialog } from 'electron';
import type { BrowserWindow } from 'electron';
import { MAX_OPEN_BYTES } from '../../src-shared/api/index.js';
import type { ServiceImpl, dialogService } from '../../src-shared/api/index.js';
import { decodeExportedFiles, freshFolder, writeExport } from '../services/export/write.js';

/** Native open/save dialogs, reached from the renderer only through the contract. */
export function createDialogService(getWindow: () => BrowserWindow | null): ServiceImpl<typeof dialogService> {
  return {
    async openFile({ title, filters }) {
      const win = getWindow();
      const opts = { title: title ?? 'Open', properties: ['openFile' as const], filters: filters ?? [] };
      const r = win === null ? await dialog.showOpenDialog(opts) : await dialog.showOpenDialog(win, opts);
      const path = r.filePaths[0];
      if (r.canceled || path === undefined) return { canceled: true as const };
      const s = await stat(path);
      if (s.size > MAX_OPEN_BYTES) throw new Error(`${path} is ${s.size} bytes; the limit is ${MAX_OPEN_BYTES}`);
      return { canceled: false as const, path, name: basename(path), content: await readFile(path, 'utf8') };
    },
    async saveFile({ title, defaultName, content, filters }) {
      const win = getWindow();
      const opts = { title: title ?? 'Save', defaultPath: defaultName, filters: filters ?? [] };
      const r = win === null ? await dialog.showSaveDialog(opts) : await dialog.showSaveDialog(win, opts);
      if (r.canceled || r.filePath === undefined || r.filePath === '') return { canceled: true as const };
      await writeFile(r.filePath, content, 'utf8');
      return { canceled: false as const, path: r.filePath };
    },
    async saveFiles({ title, folder, files }) {
      const win = getWindow();
      const opts = { title: title ?? 'Choose a folder', buttonLabel: 'Export here', properties: ['openDirectory' as const, 'createDirectory' as const] };
      const r = win === null ? await dialog.showOpenDialog(opts) : await dialog.showOpenDialog(win, opts);
      const parent = r.filePaths[0];
      if (r.canceled || parent === undefined) return { canceled: true as const };
      // a new folder inside the chosen one, written in a temporary folder and renamed into place
      const written = writeExport(freshFolder(parent, folder), decodeExportedFiles(files));
      return { canceled: false as const, path: written.dir };
    },
  };
}
