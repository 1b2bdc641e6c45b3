import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findElectronBinary } from './electron-binary.js';

function fakeProject(withPathTxt: boolean, withBinary: boolean): string {
  const root = mkdtempSync(join(tmpdir(), 'skipwire-electron-'));
  const pkg = join(root, 'node_modules', 'electron');
  mkdirSync(join(pkg, 'dist'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'electron', version: '45.0.0', main: 'index.js' }));
  // index.js would download on require; make requiring it fail loudly so the test proves we never do.
  writeFileSync(join(pkg, 'index.js'), 'throw new Error("required electron")');
  if (withPathTxt) writeFileSync(join(pkg, 'path.txt'), 'electron');
  if (withBinary) {
    writeFileSync(join(pkg, 'dist', 'electron'), '#!/bin/sh\n');
    chmodSync(join(pkg, 'dist', 'electron'), 0o755);
  }
  return pathToFileURL(join(root, 'index.js')).href;
}

describe('findElectronBinary', () => {
  it('reports a missing download without requiring electron', () => {
    const r = findElectronBinary({}, fakeProject(false, false));
    expect(r.found).toBe(false);
    if (!r.found) expect(r.reason).toMatch(/binary is not installed/);
  });
  it('reports a path.txt whose binary is gone', () => {
    const r = findElectronBinary({}, fakeProject(true, false));
    expect(r.found).toBe(false);
    if (!r.found) expect(r.reason).toMatch(/missing at/);
  });
  it('finds an installed binary', () => {
    const r = findElectronBinary({}, fakeProject(true, true));
    expect(r).toMatchObject({ found: true, version: '45.0.0' });
  });
  it('reports when the package itself is absent', () => {
    const root = mkdtempSync(join(tmpdir(), 'skipwire-noelectron-'));
    const r = findElectronBinary({}, pathToFileURL(join(root, 'x.js')).href);
    expect(r.found).toBe(false);
  });
});
