import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chainDocument } from '../services/store/test-helpers.js';
import { run } from './program.js';

let dir: string;
let saved: string | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'skipwire-cli-'));
  saved = process.env.SKIPWIRE_DATA_DIR;
  process.env.SKIPWIRE_DATA_DIR = join(dir, 'data');
});
afterEach(() => {
  if (saved === undefined) delete process.env.SKIPWIRE_DATA_DIR;
  else process.env.SKIPWIRE_DATA_DIR = saved;
  rmSync(dir, { recursive: true, force: true });
});

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

/** A refusal: exit code, exactly one line on stderr, no stack trace. */
async function refused(code: number, ...argv: string[]): Promise<string> {
  const r = await cli(...argv);
  expect(r.code).toBe(code);
  expect(r.out).toEqual([]);
  expect(r.err).toHaveLength(1);
  const line = r.err[0] ?? '';
  expect(line).not.toMatch(/\n|\bat \S+:\d+:\d+/);
  return line;
}

function jsonOf(r: { code: number; out: string[] }): unknown {
  expect(r.code).toBe(0);
  expect(r.out).toHaveLength(1);
  return JSON.parse(r.out[0] ?? '') as unknown;
}

function writeDoc(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

describe('skipwire projects', () => {
  it('imports, lists, shows, exports and deletes', async () => {
    expect(await cli('projects', 'list')).toEqual({ code: 0, out: ['no projects'], err: [] });
    expect(jsonOf(await cli('projects', 'list', '--json'))).toEqual({ projects: [] });

    const file = writeDoc('net.skipwire.json', JSON.stringify(chainDocument(3, 'My net')));
    const imported = jsonOf(await cli('projects', 'import', file, '--json')) as { project: { id: string; name: string }; migratedFrom: null };
    expect(imported.project.name).toBe('My net');
    const id = imported.project.id;
    const second = await cli('projects', 'import', file, '--name', 'Second');
    expect(second.code).toBe(0);
    expect(second.out[0]).toMatch(new RegExp(`^imported ${file.replace(/[.]/g, '\\.')} as project [\\w-]+ "Second"$`));

    const list = jsonOf(await cli('projects', 'list', '--json')) as { projects: { name: string }[] };
    expect(list.projects.map((p) => p.name)).toEqual(['Second', 'My net']);
    const text = await cli('projects', 'list', '--query', 'my');
    expect(text.out).toHaveLength(1);
    expect(text.out[0]).toContain(id);

    const shown = jsonOf(await cli('projects', 'show', id, '--json'));
    expect(shown).toMatchObject({ project: { id, name: 'My net', revision: 0 }, counts: { nodes: 3, edges: 2, groups: 0 }, versions: [], runs: [] });
    const shownText = await cli('projects', 'show', id);
    expect(shownText.out).toContain('graph: 3 nodes, 2 edges, 0 blocks (schema 1)');

    const out = join(dir, 'out.skipwire.json');
    expect(jsonOf(await cli('projects', 'export', id, '--out', out, '--json'))).toMatchObject({ id, out });
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(chainDocument(3, 'My net'));
    expect(await refused(2, 'projects', 'export', id, '--out', out)).toBe(`skipwire: ${out} exists: pass --force to overwrite it`);
    expect((await cli('projects', 'export', id, '--out', out, '--force')).code).toBe(0);
    expect(await refused(2, 'projects', 'export', id, '--out', join(dir, 'no', 'such', 'dir', 'x.json'))).toMatch(/^skipwire: cannot write .*x\.json: ENOENT$/);

    expect((await cli('projects', 'delete', id)).out).toEqual([`moved project ${id} "My net" to the trash`]);
    expect((jsonOf(await cli('projects', 'list', '--json')) as { projects: unknown[] }).projects).toHaveLength(1);
    expect((jsonOf(await cli('projects', 'list', '--trashed', '--json')) as { projects: { id: string }[] }).projects.map((p) => p.id)).toEqual([id]);
    expect(jsonOf(await cli('projects', 'delete', id, '--forever', '--json'))).toEqual({ id, name: 'My net', deleted: 'forever' });
    expect((jsonOf(await cli('projects', 'list', '--all', '--json')) as { projects: unknown[] }).projects).toHaveLength(1);
  });

  it('bad input exits 2 with one line and changes nothing', async () => {
    const good = writeDoc('good.json', JSON.stringify(chainDocument(1)));
    expect((await cli('projects', 'import', good)).code).toBe(0);
    const before = (await cli('projects', 'list', '--all', '--json')).out;

    expect(await refused(2, 'projects', 'import', writeDoc('bad.json', '{"schemaVersion": 1,'))).toMatch(/^skipwire: .*bad\.json: not a Skipwire document: not JSON \(/);
    expect(await refused(2, 'projects', 'import', writeDoc('wrong.json', '{"name": "x"}'))).toMatch(
      /^skipwire: .*wrong\.json: not a Skipwire document: it has no schemaVersion$/,
    );
    expect(await refused(2, 'projects', 'import', writeDoc('newer.json', '{"schemaVersion": 42}'))).toMatch(
      /^skipwire: .*newer\.json: made by a newer Skipwire \(schema 42; this app reads up to 1\)$/,
    );
    expect(await refused(2, 'projects', 'import', join(dir, 'missing.json'))).toMatch(/^skipwire: cannot read .*missing\.json: no such file$/);
    expect(await refused(2, 'projects', 'import', dir)).toMatch(/: not a file$/);
    expect(await refused(2, 'projects', 'show', 'nope')).toBe('skipwire: no project with id nope');
    expect(await refused(2, 'projects', 'delete', 'nope')).toBe('skipwire: no project with id nope');
    expect(await refused(2, 'projects', 'show', 'bad id!')).toMatch(/^skipwire: projects\.open: id: /);
    expect(await refused(2, 'projects', 'export', 'x')).toMatch(/required option.*--out/);
    expect(await refused(2, 'projects', 'frobnicate')).toMatch(/unknown command/);

    expect((await cli('projects', 'list', '--all', '--json')).out).toEqual(before);
  });

  it('a store written by a newer Skipwire: exit 1, one line, no notice before it', async () => {
    expect((await cli('projects', 'import', writeDoc('good.json', JSON.stringify(chainDocument(1))))).code).toBe(0);
    const db = new Database(join(dir, 'data', 'skipwire.db'));
    db.pragma('user_version = 99');
    db.close();
    const r = await cli('projects', 'list', '--json');
    expect(r.code).toBe(1);
    expect(r.out).toEqual([]);
    expect(r.err).toEqual([expect.stringMatching(/^skipwire: the project store at .*skipwire\.db was written by a newer Skipwire \(store schema 99, this version knows up to \d+\): update Skipwire$/)]);
  });

  it('a store that cannot be opened exits 1 with where and why', async () => {
    const file = join(dir, 'file');
    writeFileSync(file, 'x');
    process.env.SKIPWIRE_DATA_DIR = join(file, 'data');
    const r = await cli('projects', 'list', '--json');
    expect(r.code).toBe(1);
    expect(r.out).toEqual([]);
    // One line that says where and why (no "Projects cannot be saved" notice before it).
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toContain(join(file, 'data'));
    expect(r.err.at(-1)).toMatch(/^skipwire: cannot create the data folder .* a part of the path is a file, not a folder/);
    expect(existsSync(join(file, 'data'))).toBe(false);
  });
});
