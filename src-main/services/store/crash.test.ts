import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { build } from 'rolldown';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { contentHash } from './canonical.js';
import { Store } from './store.js';
import { chainDocument, tempDir } from './test-helpers.js';

/**
 * Crash safety, tested rather than promised: a child process runs the real Store code (bundled
 * here with rolldown, which ships with vite, so it runs under plain Node) and edits without pause,
 * acknowledging each committed write on stdout; we SIGKILL it at random moments, at least 50
 * times. After every kill the file passes PRAGMA integrity_check and every acknowledged write is
 * there. Some kills land before the child's first write (during start-up, open, quick_check);
 * half the time this process keeps its own connection open across the kill, half the time the
 * killed child was the only connection, so the next open recovers a hot WAL on its own.
 */

const KILLS = 55;
const repo = resolve(__dirname, '../../..');
let dir: string;
let cleanup: () => void;
let child: string;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('skipwire-crash-'));
  child = join(dir, 'crash-child.mjs');
  await build({
    input: join(__dirname, 'crash-child.ts'),
    platform: 'node',
    logLevel: 'silent',
    output: { file: child, format: 'esm' },
  });
}, 60_000);
afterAll(() => cleanup());

/** A tiny deterministic PRNG (mulberry32), so a failing run can be replayed with its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Acks {
  edit: number;
  revision: number;
  versions: Map<string, { hash: string; n: number }>;
  metrics: number[];
  checkpoints: number[];
}

interface Life {
  sawReady: boolean;
  acksInLife: number;
  stderr: string;
  signal: NodeJS.Signals | null;
  code: number | null;
}

/** Runs one child, kills it `delayMs` after start (or after `ready` when `afterReady`), records its acks. */
function live(dataDir: string, projectId: string, runId: string, acks: Acks, delayMs: number, afterReady: boolean): Promise<Life> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, [child, dataDir, projectId, runId], {
      env: { ...process.env, NODE_PATH: join(repo, 'node_modules') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const life: Life = { sawReady: false, acksInLife: 0, stderr: '', signal: null, code: null };
    let buf = '';
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      timer = setTimeout(() => p.kill('SIGKILL'), delayMs);
    };
    if (!afterReady) arm();
    const safety = setTimeout(() => p.kill('SIGKILL'), 20_000);
    p.stdout.setEncoding('utf8');
    p.stdout.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const [kind, a, b, c] = buf.slice(0, nl).split(' ');
        buf = buf.slice(nl + 1);
        if (kind === 'ready') {
          life.sawReady = true;
          if (afterReady) arm();
          continue;
        }
        life.acksInLife++;
        if (kind === 'edit') {
          acks.edit = Math.max(acks.edit, Number(a));
          acks.revision = Math.max(acks.revision, Number(b));
        } else if (kind === 'version' && a !== undefined && b !== undefined) acks.versions.set(a, { hash: b, n: Number(c) });
        else if (kind === 'metrics') acks.metrics.push(Number(a));
        else if (kind === 'checkpoint') acks.checkpoints.push(Number(a));
        else fail(new Error(`child said: ${kind ?? ''} ${a ?? ''}`));
      }
    });
    p.stderr.setEncoding('utf8');
    p.stderr.on('data', (s: string) => (life.stderr += s));
    p.on('error', fail);
    p.on('exit', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(safety);
      life.code = code;
      life.signal = signal;
      done(life);
    });
  });
}

function verify(store: Store, projectId: string, runId: string, acks: Acks, checkedMetrics: Set<number>): void {
  expect(store.integrityCheck()).toEqual(['ok']);
  const raw = new Database(store.path, { readonly: true });
  expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
  raw.close();

  const wc = store.readWorkingCopy(projectId);
  expect(wc.project.revision).toBeGreaterThanOrEqual(acks.revision);
  const nodes = wc.document.nodes as Record<string, { params: { filters: number } }>;
  for (let n = 1; n <= acks.edit; n++) {
    const node = nodes[`n${n}`];
    if (node === undefined) throw new Error(`acknowledged edit n${n} is missing after a crash (acked up to n${acks.edit})`);
    expect(node.params.filters).toBe(n);
  }

  const versions = new Map(store.listVersions(projectId).map((v) => [v.id, v]));
  for (const [id, { hash, n }] of acks.versions) {
    const v = versions.get(id);
    if (v === undefined) throw new Error(`acknowledged version ${id} (at n${n}) is missing after a crash`);
    expect(v.contentHash).toBe(hash);
    const doc = store.getVersion(projectId, id).document;
    expect(contentHash(doc)).toBe(hash);
    expect(Object.keys(doc.nodes as object)).toContain(`n${n}`);
  }

  for (const n of acks.metrics) {
    if (checkedMetrics.has(n)) continue;
    const { points } = store.readMetrics(runId, { names: ['loss'], afterStep: n * 100 - 1, limit: 50 });
    expect(points.map((p) => p.step)).toEqual(Array.from({ length: 50 }, (_, i) => n * 100 + i));
    checkedMetrics.add(n);
  }

  const epochs = new Set(store.listCheckpoints(runId).map((c) => c.epoch));
  for (const n of acks.checkpoints) expect(epochs.has(n)).toBe(true);
  const last = acks.checkpoints.at(-1);
  if (last !== undefined) {
    const w = store.readCheckpoint(runId, last);
    expect(w.length).toBe(64 * 1024);
    expect(w.every((b) => b === last % 251)).toBe(true);
  }
}

it(`keeps every acknowledged write through ${KILLS} SIGKILLs at random moments`, async () => {
  const seed = Number(process.env.SKIPWIRE_CRASH_SEED ?? Date.now() % 1_000_000);
  const random = rng(seed);
  const dataDir = join(dir, 'data');
  const setup = Store.open(dataDir);
  const project = setup.createProject('crash', chainDocument(0, 'crash'));
  const version = setup.saveVersion(project.id, 'trained');
  const run = setup.createRun({ projectId: project.id, versionId: version.id, dataset: 'synthetic', engine: 'cpu', hyperparameters: { epochs: 1 } });
  setup.close();

  const acks: Acks = { edit: 0, revision: 0, versions: new Map(), metrics: [], checkpoints: [] };
  const checkedMetrics = new Set<number>();
  let midEdit = 0;
  let beforeFirstAck = 0;
  let parent: Store | null = null;
  const started = Date.now();
  for (let k = 0; k < KILLS; k++) {
    // Half the time we hold a connection across the kill; half the time the child is alone.
    const holdOpen = k % 2 === 0;
    if (holdOpen && parent === null) parent = Store.open(dataDir);
    if (!holdOpen && parent !== null) {
      parent.close();
      parent = null;
    }
    const early = k % 5 === 4;
    const life = await live(dataDir, project.id, run.id, acks, early ? Math.floor(random() * 150) : 5 + Math.floor(random() * 70), !early);
    const context = `kill ${k + 1}/${KILLS}, seed ${seed}`;
    if (life.signal !== 'SIGKILL') throw new Error(`${context}: the child exited by itself (code ${String(life.code)}): ${life.stderr.trim()}`);
    if (life.acksInLife > 0) midEdit++;
    else beforeFirstAck++;

    const store = parent ?? Store.open(dataDir);
    try {
      expect(store.movedAside, context).toBeNull();
      verify(store, project.id, run.id, acks, checkedMetrics);
    } catch (err) {
      throw new Error(`${context}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    } finally {
      if (parent === null) store.close();
    }
  }
  parent?.close();

  const final = Store.open(dataDir);
  expect(final.movedAside).toBeNull();
  verify(final, project.id, run.id, acks, checkedMetrics);
  final.close();
  // The test means something: most kills interrupted a child that was writing, and it wrote a lot.
  expect(midEdit + beforeFirstAck).toBe(KILLS);
  expect(midEdit).toBeGreaterThanOrEqual(KILLS / 2);
  expect(acks.edit).toBeGreaterThan(KILLS);
  expect(acks.versions.size).toBeGreaterThan(3);
  console.log(
    `crash test: ${KILLS} kills (${midEdit} mid-edit, ${beforeFirstAck} before the first ack), ${acks.edit} edits, ${acks.versions.size} versions, ` +
      `${acks.metrics.length} metric batches, ${acks.checkpoints.length} checkpoints acknowledged, all present; seed ${seed}; ${Date.now() - started} ms`,
  );
}, 120_000);
