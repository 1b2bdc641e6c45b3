import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleScript } from '../services/trainer/bundle-worker.js';
import { tempDir, tinyNet, useBundledWorker } from '../services/trainer/testing.js';
import { INTERRUPTED } from '../services/store/dead-runs.js';
import { run } from './program.js';
import { generateTemplate } from '../../src-shared/templates/registry.js';

/**
 * The `skipwire` command as a real process (the CLI bundled with rolldown, started as
 * bin/skipwire.js starts the built one): a closed output pipe, a store on a read-only mount, a
 * full disk, and a run whose process was killed. Read-only and full file systems are made with
 * `unshare -rm` (a private mount namespace; root ignores chmod, not a read-only mount).
 */

let dir = '';
let cleanup: () => void = () => undefined;
let runner = '';
let worker = '';
const canUnshare = spawnSync('unshare', ['-rm', 'true']).status === 0;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('cli-process'));
  const cli = await bundleScript(join('src-main', 'cli.ts'), 'skipwire-cli');
  worker = await useBundledWorker();
  runner = join(dir, 'skipwire.mjs');
  writeFileSync(runner, `const { run } = await import(${JSON.stringify(cli)});\nconst code = await run(process.argv.slice(2));\nif (code !== 0) process.exit(code);\n`);
}, 120_000);
afterAll(() => cleanup());

interface Result {
  code: number | null;
  out: string;
  err: string[];
}

function lines(s: string): string[] {
  return s.split('\n').filter((l) => l !== '');
}

/** Runs `sh -c script` (in a private mount namespace when `unshare`), with $SW the CLI. */
function sh(script: string, env: Record<string, string>, unshare = false): Result {
  const argv = unshare ? ['unshare', '-rm', 'sh', '-c', script] : ['sh', '-c', script];
  const r = spawnSync(argv[0] ?? 'sh', argv.slice(1), {
    env: { ...process.env, SW: `${process.execPath} ${runner}`, SKIPWIRE_TRAINER_WORKER: worker, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: lines(r.stderr) };
}

/** Each command's output in its own files, since they all run inside one shell. */
function step(name: string, command: string): string {
  return `${command} >"$R/${name}.out" 2>"$R/${name}.err"; echo $? >"$R/${name}.rc"`;
}
function stepResult(results: string, name: string): Result {
  const read = (ext: string): string => spawnSync('cat', [join(results, `${name}.${ext}`)], { encoding: 'utf8' }).stdout;
  return { code: Number(read('rc').trim()), out: read('out'), err: lines(read('err')) };
}

describe('skipwire as a process', () => {
  it('exits quietly (0, nothing on stderr) when its output pipe closes: skipwire template … | head', () => {
    const r = sh('$SW template resnet --depth 1202 --out - | head -c 100 >/dev/null; echo "rc=${PIPESTATUS:-}" >/dev/null', {});
    expect(r.err).toEqual([]);
    // the exit status of the CLI itself, through bash's PIPESTATUS
    const b = spawnSync('bash', ['-c', '$SW template resnet --depth 1202 --out - | head -c 100 >/dev/null; echo "${PIPESTATUS[0]}" >&2'], {
      env: { ...process.env, SW: `${process.execPath} ${runner}` },
      encoding: 'utf8',
    });
    expect(lines(b.stderr)).toEqual(['0']);
    expect(b.stdout).toBe('');
  }, 60_000);

  it.skipIf(!canUnshare)('a store on a read-only mount: reading commands work and say saving is unavailable; saving fails with one line, exit 1', async () => {
    const data = join(dir, 'ro-data');
    const env = { SKIPWIRE_DATA_DIR: data };
    const doc = join(dir, 'tiny.json');
    writeFileSync(doc, JSON.stringify(tinyNet({ classes: 4 })));
    const saved = process.env.SKIPWIRE_DATA_DIR;
    process.env.SKIPWIRE_DATA_DIR = data;
    const out: string[] = [];
    try {
      expect(await run(['projects', 'import', doc, '--json'], { out: (l) => out.push(l), err: () => undefined })).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.SKIPWIRE_DATA_DIR;
      else process.env.SKIPWIRE_DATA_DIR = saved;
    }
    const id = (JSON.parse(out[0] ?? '{}') as { project: { id: string } }).project.id;
    const results = join(dir, 'ro-results');
    mkdirSync(results);
    const exported = join(dir, 'exported.skipwire.json');
    const r = sh(
      [
        'mount --bind "$D" "$D" && mount -o remount,bind,ro "$D" || exit 99',
        step('list', '$SW projects list --json'),
        step('show', `$SW projects show ${id}`),
        step('export', `$SW projects export ${id} --out "${exported}"`),
        step('import', `$SW projects import "${doc}"`),
        step('touch', 'touch "$D/x"'),
      ].join('\n'),
      { ...env, D: data, R: results },
      true,
    );
    expect(r.code).toBe(0);
    expect(stepResult(results, 'touch').err.join(' ')).toMatch(/Read-only file system/);
    const warn = /^skipwire: The project store at .*skipwire\.db is open read-only \(the folder or file system is read-only.*\): projects can be read; saving is unavailable\.$/;
    const list = stepResult(results, 'list');
    expect(list.code).toBe(0);
    expect((JSON.parse(list.out) as { projects: { id: string }[] }).projects.map((p) => p.id)).toEqual([id]);
    expect(list.err).toEqual([expect.stringMatching(warn)]);
    const show = stepResult(results, 'show');
    expect(show.code).toBe(0);
    expect(show.out).toContain(`id: ${id}`);
    expect(stepResult(results, 'export').code).toBe(0);
    expect(existsSync(exported)).toBe(true);
    const imp = stepResult(results, 'import');
    expect(imp.code).toBe(1);
    expect(imp.err).toEqual([expect.stringMatching(/^skipwire: (\S+\.json: )?cannot [\w ]+ the project store at .*skipwire\.db: it is open read-only \(.*\); saving is unavailable/)]);
  }, 120_000);

  it.skipIf(!canUnshare)('a full disk: projects import and train exit 1 with the store\'s path in one line', () => {
    const results = join(dir, 'full-results');
    mkdirSync(results);
    const mnt = join(dir, 'full');
    mkdirSync(mnt);
    const small = join(dir, 'small.json');
    writeFileSync(small, JSON.stringify(tinyNet({ classes: 4 })));
    // A network whose document does not fit in what is left (ResNet-164: a few hundred KB of JSON).
    const g = generateTemplate('resnet', { depth: 164 });
    if (!g.ok) throw new Error(g.error.message);
    const big = join(dir, 'big.json');
    writeFileSync(big, JSON.stringify(g.doc));
    const r = sh(
      [
        'mount -t tmpfs -o size=2m tmpfs "$D" || exit 99',
        step('setup', `$SW projects import "${small}" --name big.json`),
        'avail=$(df --output=avail -B1 "$D" | tail -1); fallocate -l $((avail - 98304)) "$D/fill" || exit 98',
        step('import', `$SW projects import "${big}"`),
        step('train', `$SW train "${big}" --dataset synthetic --epochs 1 --batch 1 --limit 8 --engine cpu`),
      ].join('\n'),
      { SKIPWIRE_DATA_DIR: mnt, D: mnt, R: results },
      true,
    );
    expect(r.code).toBe(0);
    expect(stepResult(results, 'setup').code).toBe(0);
    const full = /^skipwire: (\S+\.json: )?cannot [\w ]+ the project store at .*full\/skipwire\.db: the disk is full/;
    const imp = stepResult(results, 'import');
    expect(imp.err).toEqual([expect.stringMatching(full)]);
    expect(imp.code).toBe(1);
    const train = stepResult(results, 'train');
    expect(train.err).toEqual([expect.stringMatching(full)]);
    expect(train.code).toBe(1);
  }, 120_000);

  it('a run whose `skipwire train` was killed is marked interrupted by the next CLI command, not left running', async () => {
    const data = join(dir, 'kill-data');
    const doc = join(dir, 'long.json');
    writeFileSync(doc, JSON.stringify(tinyNet({ classes: 4 })));
    const child = spawn(process.execPath, [runner, 'train', doc, '--dataset', 'synthetic', '--epochs', '500', '--batch', '8', '--engine', 'cpu', '--json'], {
      env: { ...process.env, SKIPWIRE_DATA_DIR: data, SKIPWIRE_TRAINER_WORKER: worker },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const runId = await new Promise<string>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (c: Buffer) => {
        buf += c.toString();
        for (const l of lines(buf)) {
          const m = /"event":"progress".*"runId":"([^"]+)"|"runId":"([^"]+)".*"event":"progress"/.exec(l);
          if (m !== null) resolve(m[1] ?? m[2] ?? '');
        }
      });
      child.once('exit', (code) => reject(new Error(`train exited (${code}) before training: ${buf}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const saved = process.env.SKIPWIRE_DATA_DIR;
    process.env.SKIPWIRE_DATA_DIR = data;
    const out: string[] = [];
    try {
      expect(await run(['projects', 'list', '--json'], { out: (l) => out.push(l), err: () => undefined })).toBe(0);
      const id = (JSON.parse(out[0] ?? '{}') as { projects: { id: string }[] }).projects[0]?.id ?? '';
      const shown: string[] = [];
      expect(await run(['projects', 'show', id, '--json'], { out: (l) => shown.push(l), err: () => undefined })).toBe(0);
      const runs = (JSON.parse(shown[0] ?? '{}') as { runs: { id: string; status: string; error: string | null }[] }).runs;
      expect(runs).toEqual([expect.objectContaining({ id: runId, status: 'failed', error: INTERRUPTED })]);
    } finally {
      if (saved === undefined) delete process.env.SKIPWIRE_DATA_DIR;
      else process.env.SKIPWIRE_DATA_DIR = saved;
    }
  }, 120_000);
});
