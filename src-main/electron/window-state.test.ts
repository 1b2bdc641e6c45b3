import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW, loadWindowState, saveWindowState, windowStateFile } from './window-state.js';

const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];

describe('window state', () => {
  it('round-trips a saved window', () => {
    const f = windowStateFile(mkdtempSync(join(tmpdir(), 'ws-')));
    saveWindowState(f, { x: 10, y: 20, width: 1000, height: 700, maximized: true });
    expect(loadWindowState(f, screen)).toEqual({ x: 10, y: 20, width: 1000, height: 700, maximized: true });
  });
  it('falls back on a missing or corrupt file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ws-'));
    expect(loadWindowState(join(dir, 'none.json'), screen)).toEqual(DEFAULT_WINDOW);
    const f = join(dir, 'bad.json');
    writeFileSync(f, '{"width": "wide"');
    expect(loadWindowState(f, screen)).toEqual(DEFAULT_WINDOW);
    writeFileSync(f, JSON.stringify({ width: 5, height: 5, maximized: false }));
    expect(loadWindowState(f, screen)).toEqual(DEFAULT_WINDOW);
  });
  it('drops a position that is on no display', () => {
    const f = windowStateFile(mkdtempSync(join(tmpdir(), 'ws-')));
    saveWindowState(f, { x: 5000, y: 5000, width: 800, height: 600, maximized: false });
    expect(loadWindowState(f, screen)).toEqual({ width: 800, height: 600, maximized: false });
  });
});
