import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from './program.js';
import type { Io } from './output.js';

function capture(): Io & { outs: string[]; errs: string[] } {
  const outs: string[] = [];
  const errs: string[] = [];
  return { outs, errs, out: (l) => outs.push(l), err: (l) => errs.push(l) };
}

const saved = process.env.SKIPWIRE_DATA_DIR;
afterEach(() => {
  if (saved === undefined) delete process.env.SKIPWIRE_DATA_DIR;
  else process.env.SKIPWIRE_DATA_DIR = saved;
});

describe('skipwire CLI', () => {
  it('prints help and the version, exiting 0', async () => {
    const io = capture();
    expect(await run(['--help'], io)).toBe(0);
    expect(io.outs.join('\n')).toMatch(/Usage: skipwire/);
    expect(io.outs.join('\n')).toMatch(/serve/);
    const v = capture();
    expect(await run(['--version'], v)).toBe(0);
    expect(v.outs.join('')).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('refuses bad input with exactly one line and exit code 2', async () => {
    for (const argv of [['bogus'], ['serve', '--port', 'abc'], ['serve', '--port', '70000'], ['info', '--frobnicate']]) {
      const io = capture();
      expect(await run(argv, io), argv.join(' ')).toBe(2);
      expect(io.errs).toHaveLength(1);
      expect(io.errs[0]).toMatch(/^skipwire: /);
      expect(io.errs[0]).not.toMatch(/\n|at .*\(/);
    }
  });

  it('info --json prints one JSON object with the data dir and whether Electron can start', async () => {
    process.env.SKIPWIRE_DATA_DIR = mkdtempSync(join(tmpdir(), 'sw-cli-'));
    const io = capture();
    expect(await run(['info', '--json'], io)).toBe(0);
    expect(io.outs).toHaveLength(1);
    const info = JSON.parse(io.outs[0] ?? '') as Record<string, unknown>;
    expect(info).toMatchObject({ app: 'skipwire', mode: 'cli', dataDir: process.env.SKIPWIRE_DATA_DIR });
    expect(info.electronBinary).toHaveProperty('available');
    expect(info.services).toContain('system');
  });
});
