import { describe, expect, it } from 'vitest';
import { resolveDataDir } from './paths.js';

describe('resolveDataDir', () => {
  it('prefers SKIPWIRE_DATA_DIR', () => {
    expect(resolveDataDir({ SKIPWIRE_DATA_DIR: '/tmp/x' }, 'linux', '/home/u', '/electron')).toBe('/tmp/x');
  });
  it('uses Electron userData when given', () => {
    expect(resolveDataDir({}, 'linux', '/home/u', '/electron/ud')).toBe('/electron/ud');
  });
  it('follows XDG on Linux, with the default when unset', () => {
    expect(resolveDataDir({ XDG_DATA_HOME: '/data' }, 'linux', '/home/u')).toBe('/data/skipwire');
    expect(resolveDataDir({}, 'linux', '/home/u')).toBe('/home/u/.local/share/skipwire');
  });
  it('uses the platform folders on macOS and Windows', () => {
    expect(resolveDataDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/Skipwire');
    expect(resolveDataDir({ APPDATA: 'C:\\AppData' }, 'win32', 'C:\\u')).toContain('Skipwire');
  });
});
