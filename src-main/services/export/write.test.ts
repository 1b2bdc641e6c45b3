import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeExportedFiles, freshFolder, WriteRefused, writeExport } from './write.js';

const base = mkdtempSync(join(tmpdir(), 'sw-export-write-'));
const files = [
  { name: 'model.py', content: 'print(1)\n' },
  { name: 'model.safetensors', bytes: Uint8Array.from([1, 2, 3]) },
];

describe('writeExport', () => {
  it('a new folder appears whole, with nothing temporary left beside it', () => {
    const out = join(base, 'a', 'nested', 'pytorch');
    const w = writeExport(out, files);
    expect(w.files).toEqual([
      { name: 'model.py', bytes: 9 },
      { name: 'model.safetensors', bytes: 3 },
    ]);
    expect(readdirSync(out).sort()).toEqual(['model.py', 'model.safetensors']);
    expect([...readFileSync(join(out, 'model.safetensors'))]).toEqual([1, 2, 3]);
    expect(readdirSync(join(base, 'a', 'nested'))).toEqual(['pytorch']);
  });

  it('into an existing folder: keeps other files; refuses to replace files unless forced', () => {
    const out = join(base, 'existing');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    writeFileSync(join(out, 'model.py'), 'old');
    expect(() => writeExport(out, files)).toThrow(WriteRefused);
    expect(() => writeExport(out, files)).toThrow(/already has model\.py: pass --force/);
    expect(readFileSync(join(out, 'model.py'), 'utf8')).toBe('old');
    writeExport(out, files, { force: true });
    expect(readFileSync(join(out, 'model.py'), 'utf8')).toBe('print(1)\n');
    expect(readdirSync(out).sort()).toEqual(['model.py', 'model.safetensors', 'notes.txt']);
  });

  it('refuses names with folders in them, duplicates, and a file where the folder should be; leaves nothing behind', () => {
    expect(() => writeExport(join(base, 'bad1'), [{ name: '../evil.py', content: '' }])).toThrow(/not a plain file name/);
    expect(() => writeExport(join(base, 'bad2'), [{ name: '.hidden', content: '' }])).toThrow(/not a plain file name/);
    expect(() => writeExport(join(base, 'bad3'), [files[0] as (typeof files)[0], files[0] as (typeof files)[0]])).toThrow(/two exported files/);
    writeFileSync(join(base, 'plain-file'), 'x');
    expect(() => writeExport(join(base, 'plain-file'), files)).toThrow(/not a folder/);
    for (const n of ['bad1', 'bad2', 'bad3']) expect(existsSync(join(base, n))).toBe(false);
    expect(readdirSync(base).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('a write that fails midway removes its temporary folder; every file in the target is whole (old or new)', () => {
    const out = join(base, 'fails');
    mkdirSync(join(out, 'model.safetensors'), { recursive: true }); // a folder where the second file goes: its rename fails
    writeFileSync(join(out, 'model.py'), 'old');
    expect(() => writeExport(out, files, { force: true })).toThrow();
    expect(readFileSync(join(out, 'model.py'), 'utf8')).toBe('print(1)\n');
    expect(readdirSync(out).sort()).toEqual(['model.py', 'model.safetensors']);
    expect(readdirSync(out).filter((n) => n.includes('.tmp-'))).toEqual([]);
    expect(readdirSync(base).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });
});

describe('the export service\'s files on disk (the desktop app\'s folder export)', () => {
  it('decodes base64 files to bytes and keeps text; a taken folder name gets -2, -3', () => {
    const decoded = decodeExportedFiles([
      { name: 'a.py', content: 'x = 1\n', encoding: 'utf8' },
      { name: 'w.bin', content: Buffer.from([0, 255, 7]).toString('base64'), encoding: 'base64' },
    ]);
    expect(decoded).toEqual([
      { name: 'a.py', content: 'x = 1\n' },
      { name: 'w.bin', bytes: Uint8Array.from([0, 255, 7]) },
    ]);
    const parent = join(base, 'parent');
    const first = writeExport(freshFolder(parent, 'net-ts'), decoded);
    const second = writeExport(freshFolder(parent, 'net-ts'), decoded);
    const third = writeExport(freshFolder(parent, 'net-ts'), decoded);
    expect([first.dir, second.dir, third.dir]).toEqual([join(parent, 'net-ts'), join(parent, 'net-ts-2'), join(parent, 'net-ts-3')]);
    expect(readdirSync(parent).sort()).toEqual(['net-ts', 'net-ts-2', 'net-ts-3']);
    expect([...readFileSync(join(parent, 'net-ts-3', 'w.bin'))]).toEqual([0, 255, 7]);
  });
});
