import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ExportFileName } from '../../../src-shared/api/index.js';
import type { ExportedFile } from '../../../src-shared/api/index.js';
import { isBinary, type ExportFile } from '../../../src-shared/codegen/index.js';

/**
 * Writes exported files into a folder without leaving anything half-written: the files go to a
 * temporary folder first (flushed to disk), then move into place by rename. A new folder appears
 * whole (one rename); into an existing folder each file is renamed over its name, so every file
 * there is either the old one or the complete new one. Existing files are replaced only with
 * `force`; on any failure the temporary folder is removed.
 */

export class WriteRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WriteRefused';
  }
}

export interface Written {
  readonly dir: string;
  readonly files: readonly { readonly name: string; readonly bytes: number }[];
}

function writeDurably(path: string, data: Uint8Array | string): number {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = openSync(path, 'wx', 0o644);
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return bytes.length;
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not every platform can fsync a folder (Windows); the renames are still atomic
  }
}

export function writeExport(outDir: string, files: readonly ExportFile[], options: { force?: boolean } = {}): Written {
  const dir = resolve(outDir);
  const names = new Set<string>();
  for (const f of files) {
    if (!ExportFileName.safeParse(f.name).success) throw new WriteRefused(`refusing to write "${f.name}": not a plain file name`);
    if (names.has(f.name)) throw new WriteRefused(`two exported files are named ${f.name}`);
    names.add(f.name);
  }
  const exists = existsSync(dir);
  if (exists && !statSync(dir).isDirectory()) throw new WriteRefused(`${outDir} exists and is not a folder`);
  if (exists && options.force !== true) {
    const clash = files.filter((f) => existsSync(join(dir, f.name))).map((f) => f.name);
    if (clash.length > 0) throw new WriteRefused(`${outDir} already has ${clash.slice(0, 3).join(', ')}${clash.length > 3 ? ` and ${clash.length - 3} more` : ''}: pass --force to replace them`);
  }
  const parent = exists ? dir : dirname(dir);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${exists ? 'skipwire-export' : basename(dir)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(tmp);
  try {
    const written = files.map((f) => ({ name: f.name, bytes: writeDurably(join(tmp, f.name), isBinary(f) ? f.bytes : f.content) }));
    fsyncDir(tmp);
    if (!exists) {
      renameSync(tmp, dir);
    } else {
      for (const f of files) renameSync(join(tmp, f.name), join(dir, f.name));
      rmSync(tmp, { recursive: true, force: true });
    }
    fsyncDir(parent);
    return { dir, files: written };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** The files as the export service sends them (text, or base64 bytes) → files to write. */
export function decodeExportedFiles(files: readonly ExportedFile[]): ExportFile[] {
  return files.map((f) => (f.encoding === 'base64' ? { name: f.name, bytes: new Uint8Array(Buffer.from(f.content, 'base64')) } : { name: f.name, content: f.content }));
}

/** `parent/folder`, or `parent/folder-2`, `-3`, … when that name is taken: a folder that does not exist yet. */
export function freshFolder(parent: string, folder: string): string {
  for (let i = 1; ; i++) {
    const dir = join(parent, i === 1 ? folder : `${folder}-${i}`);
    if (!existsSync(dir)) return dir;
  }
}
