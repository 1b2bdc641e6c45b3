import { zipSync } from 'fflate';
import type { ExportedFile } from '../../src-shared/api/index.js';
import type { Host } from '../host/host.js';

/**
 * Where exported files go. In the browser host they download: one file as itself, several as one
 * zip holding a folder of them (fflate). Under Electron the user picks a folder through the dialog
 * service and the main process writes a new folder there (temporary folder, then renamed).
 */

export interface Download {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly type: string;
}

export function bytesOf(f: ExportedFile): Uint8Array {
  if (f.encoding === 'utf8') return new TextEncoder().encode(f.content);
  const bin = atob(f.content);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** One file as itself; several as `<folder>.zip` with the files inside `<folder>/`. */
export function packFiles(folder: string, files: readonly ExportedFile[]): Download {
  const [only] = files;
  if (files.length === 1 && only !== undefined) return { name: only.name, bytes: bytesOf(only), type: only.encoding === 'utf8' ? 'text/plain' : 'application/octet-stream' };
  const entries: Record<string, Uint8Array> = {};
  for (const f of files) entries[`${folder}/${f.name}`] = bytesOf(f);
  // weights hardly compress; text does: deflate everything at a quick level
  return { name: `${folder}.zip`, bytes: zipSync(entries, { level: 6 }), type: 'application/zip' };
}

function download(d: Download): void {
  const url = URL.createObjectURL(new Blob([d.bytes as Uint8Array<ArrayBuffer>], { type: d.type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = d.name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export type Delivered = { readonly done: false } | { readonly done: true; readonly message: string };

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Saves the files where this host saves: a folder the user picks (Electron) or a download (browser). */
export async function deliver(host: Host, folder: string, files: readonly ExportedFile[]): Promise<Delivered> {
  if (host.kind === 'electron') {
    const r = await host.api.dialog.saveFiles({ title: 'Export into a folder', folder, files: [...files] });
    if (r.canceled) return { done: false };
    return { done: true, message: `Wrote ${files.length} file${files.length === 1 ? '' : 's'} to ${r.path}.` };
  }
  const d = packFiles(folder, files);
  download(d);
  return { done: true, message: files.length === 1 ? `Downloaded ${d.name} (${size(d.bytes.byteLength)}).` : `Downloaded ${d.name}: ${files.length} files, ${size(d.bytes.byteLength)}.` };
}
