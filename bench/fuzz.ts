/**
 * Fuzz: N mutated documents (default 10^5) through the whole in-process path a document takes —
 * parse (parseJsonText) → check (migrateDocument, inferShapes, the report) → compile (tfjs, cpu
 * backend) → code generation (TypeScript, PyTorch, ONNX). Mutations start from every template
 * family: deleted/duplicated nodes and edges, wrong types, huge/negative/non-finite numbers, deep
 * nesting, control and path characters and code-like text in names, cycles, dangling edges,
 * missing or future schema versions, broken JSON. A refusal with a message is the expected outcome
 * for bad input; a crash is anything else that throws, generated Python that `ast.parse` (Debian's
 * python3) rejects, or generated TypeScript with syntax errors; a hang is an input that takes longer
 * than --hang-ms. The pipeline runs in a worker thread so a hang can be cut off. Prints inputs,
 * outcomes, crashes (first few with the input's seed), hangs and peak RSS. A bench: asserts nothing.
 *
 *   npm run bench:fuzz -- [--n 100000] [--seed 1] [--hang-ms 20000]
 */
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import { cpus } from 'node:os';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import ts from 'typescript';
import { emitPyTorch, emitTypeScript, exportOnnx, weightsOf } from '../src-shared/codegen/index.js';
import { compileGraph } from '../src-shared/graph/compile.js';
import { costReport } from '../src-shared/graph/cost.js';
import { inferShapes } from '../src-shared/graph/infer.js';
import { parseJsonText } from '../src-shared/graph/limits.js';
import { migrateDocument } from '../src-shared/graph/migrations.js';
import { reportOf } from '../src-shared/graph/report.js';
import type { Tf } from '../src-shared/layers/types.js';
import { generateTemplate, templateIds } from '../src-shared/templates/registry.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : NaN;
  return Number.isFinite(v) ? v : fallback;
};

/** Above this many parameters a graph is not compiled here (the bench would measure memory, not bugs). */
const MAX_COMPILE_PARAMS = 5_000_000;

type Outcome = 'refused-parse' | 'refused-document' | 'refused-graph' | 'too-big' | 'exported' | 'crash';
interface Result {
  outcome: Outcome;
  stage?: string;
  message?: string;
}

// ---- the pipeline (worker thread) -----------------------------------------------------------------

class Python {
  private readonly p: ChildProcessByStdio<Writable, Readable, null>;
  private readonly waiting: ((r: { ok: boolean; error?: string }) => void)[] = [];
  constructor() {
    const script = [
      'import ast, json, sys',
      'for line in sys.stdin:',
      '    code = json.loads(line)',
      '    try:',
      '        ast.parse(code)',
      '        print(json.dumps({"ok": True}), flush=True)',
      '    except Exception as e:',
      '        print(json.dumps({"ok": False, "error": type(e).__name__ + ": " + str(e)}), flush=True)',
    ].join('\n');
    this.p = spawn('/usr/bin/python3', ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    createInterface({ input: this.p.stdout }).on('line', (l) => this.waiting.shift()?.(JSON.parse(l) as { ok: boolean; error?: string }));
  }
  parse(code: string): Promise<{ ok: boolean; error?: string }> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.p.stdin.write(JSON.stringify(code) + '\n');
    });
  }
}

async function pipelineWorker(): Promise<void> {
  const tfjs = await import('@tensorflow/tfjs');
  await tfjs.setBackend('cpu');
  const tf = tfjs as unknown as Tf;
  const python = new Python();
  const port = parentPort;
  if (port === null) return;
  const run = async (text: string): Promise<Result> => {
    let stage = 'parse';
    try {
      const parsed = parseJsonText(text);
      if (!parsed.ok) return oneLineRefusal('refused-parse', parsed.message);
      stage = 'document';
      const m = migrateDocument(parsed.json);
      if (!m.ok) return oneLineRefusal('refused-document', m.error.message);
      stage = 'check';
      const analysis = inferShapes(m.doc);
      const report = reportOf(analysis, m.migratedFrom);
      if (!report.ok) return { outcome: 'refused-graph' };
      if (costReport(analysis).totals.params > MAX_COMPILE_PARAMS) return { outcome: 'too-big' };
      stage = 'typescript';
      for (const f of emitTypeScript(m.doc, { train: true }).files) {
        if (!('content' in f) || !f.name.endsWith('.ts')) continue;
        const out = ts.transpileModule(f.content, { reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } });
        const d = out.diagnostics?.[0];
        if (d !== undefined) return { outcome: 'crash', stage: `typescript ${f.name}`, message: ts.flattenDiagnosticMessageText(d.messageText, ' ') };
      }
      stage = 'compile';
      const compiled = compileGraph(tf, m.doc, analysis);
      try {
        const weights = weightsOf(compiled.model);
        stage = 'pytorch';
        for (const f of emitPyTorch(m.doc, weights, { train: true }).files) {
          if (!('content' in f) || !f.name.endsWith('.py')) continue;
          const r = await python.parse(f.content);
          if (!r.ok) return { outcome: 'crash', stage: `python ${f.name}`, message: r.error ?? 'does not parse' };
        }
        stage = 'onnx';
        const onnx = exportOnnx(m.doc, weights, { layout: 'nhwc' });
        if (onnx.bytes.length === 0) return { outcome: 'crash', stage, message: 'empty ONNX model' };
      } finally {
        compiled.model.dispose();
      }
      return { outcome: 'exported' };
    } catch (err) {
      return { outcome: 'crash', stage, message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    }
  };
  port.on('message', (msg: { i: number; text: string }) => {
    void run(msg.text).then((r) => port.postMessage({ i: msg.i, ...r }));
  });
  port.postMessage({ ready: true });
}

/** A refusal must be one line; a multi-line or empty one counts as a crash. */
function oneLineRefusal(outcome: Outcome, message: string): Result {
  if (message.trim() === '' || message.includes('\n')) return { outcome: 'crash', stage: outcome, message: `refusal not one line: ${JSON.stringify(message.slice(0, 200))}` };
  return { outcome };
}

// ---- the mutations (main thread) ------------------------------------------------------------------

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

type Json = Record<string, unknown>;

/** Small members of every template family (compiling them stays cheap). */
function seeds(): { id: string; doc: Json }[] {
  const small: Record<string, Record<string, unknown>[]> = {
    plain: [{ depth: 8, width: 4, inputHeight: 16, inputWidth: 16 }],
    resnet: [{ depth: 8, width: 4, inputHeight: 16, inputWidth: 16 }, { depth: 8, width: 4, shortcut: 'gate', inputHeight: 16, inputWidth: 16 }],
    'preact-resnet': [{ depth: 8, width: 4, inputHeight: 16, inputWidth: 16 }],
    wrn: [{ depth: 10, width: 1, inputHeight: 16, inputWidth: 16 }],
    resnext: [{ depth: 11, inputHeight: 16, inputWidth: 16 }],
    'densenet-bc': [{ depth: 10, growth: 4, inputHeight: 16, inputWidth: 16 }],
    unet: [{ depth: 2, width: 4, padding: 'same', inputHeight: 32, inputWidth: 32 }],
    fcn: [{ inputHeight: 32, inputWidth: 32 }],
  };
  const out: { id: string; doc: Json }[] = [];
  for (const id of templateIds) {
    const tries = [...(small[id] ?? []), {}];
    let got = false;
    for (const o of tries) {
      for (const attempt of [o, Object.fromEntries(Object.entries(o).filter(([k]) => k === 'depth' || k.startsWith('input')))]) {
        const r = generateTemplate(id, attempt);
        if (r.ok) {
          out.push({ id, doc: JSON.parse(JSON.stringify(r.doc)) as Json });
          got = true;
          break;
        }
      }
      if (got) break;
    }
  }
  return out;
}

const NAMES = [
  '\u0000',
  'a\u0001b',
  '\n',
  '../../../etc/passwd',
  'C:\\Windows\\system32',
  '"); import os; os.system("echo pwned") #',
  "'''",
  '"""',
  '*/ process.exit(1) /*',
  '${process.exit(1)}',
  '`rm -rf /`',
  '</script><script>alert(1)</script>',
  '__init__',
  'class',
  'def',
  'import',
  'constructor',
  '__proto__',
  'prototype',
  'x'.repeat(201),
  '\u202eevil',
  '\ud800',
  '😀 ñ 中文',
  ' ',
  '',
  '1abc',
  'tf',
  'torch',
  'self',
  'nn',
];
const NUMBERS = [0, -1, -0, 1e308, -1e308, 2 ** 53, 2 ** 31, 1e9, 0.5, -0.5, 3.7, 65536, 1e-320, 1024];
const VALUES: unknown[] = [null, true, false, '', 'x', [], {}, [1, 2], { a: 1 }, ...NUMBERS];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}
function keysOf(o: unknown): string[] {
  return typeof o === 'object' && o !== null ? Object.keys(o) : [];
}

/** One mutation of a document (object level); returns a note of what it did. */
function mutate(doc: Json, r: () => number): string {
  const nodes = (doc.nodes ?? {}) as Record<string, Json>;
  const edges = (doc.edges ?? {}) as Record<string, Json>;
  const nodeIds = keysOf(nodes);
  const edgeIds = keysOf(edges);
  const anyNode = (): Json | undefined => nodes[pick(r, nodeIds)];
  switch (Math.floor(r() * 16)) {
    case 0: {
      const id = pick(r, nodeIds);
      if (id !== undefined) delete nodes[id];
      return 'delete node';
    }
    case 1: {
      const id = pick(r, edgeIds);
      if (id !== undefined) delete edges[id];
      return 'delete edge';
    }
    case 2: {
      const n = anyNode();
      if (n !== undefined) nodes[`${String(n.id)}_dup`] = { ...n, id: `${String(n.id)}_dup` };
      return 'duplicate node';
    }
    case 3: {
      const e = edges[pick(r, edgeIds)];
      if (e !== undefined) edges[`${String(e.id)}_dup`] = { ...e, id: `${String(e.id)}_dup`, targetPort: r() < 0.5 ? e.targetPort : Math.floor(r() * 4) };
      return 'duplicate edge';
    }
    case 4: {
      const n = anyNode();
      if (n !== undefined) n[pick(r, ['kind', 'params', 'position', 'label', 'group', 'id'])] = pick(r, VALUES);
      return 'wrong type in a node';
    }
    case 5: {
      const n = anyNode();
      const p = n?.params as Json | undefined;
      if (p !== undefined && typeof p === 'object' && p !== null) {
        const k = pick(r, [...keysOf(p), 'filters', 'kernel', 'strides', 'units', 'rate', 'factor', 'dilation', 'classes', 'groups']);
        p[k] = r() < 0.7 ? pick(r, NUMBERS) : pick(r, VALUES);
      }
      return 'odd number in params';
    }
    case 6: {
      const n = anyNode();
      if (n !== undefined) n.label = pick(r, NAMES);
      return 'odd label';
    }
    case 7: {
      if (typeof doc.meta === 'object' && doc.meta !== null) (doc.meta as Json).name = pick(r, NAMES);
      else doc.meta = pick(r, VALUES);
      return 'odd network name';
    }
    case 8: {
      // a cycle: from a later node back to an earlier one
      const a = pick(r, nodeIds);
      const b = pick(r, nodeIds);
      if (a !== undefined && b !== undefined) edges['cyc'] = { id: 'cyc', source: a, target: b, targetPort: Math.floor(r() * 2) };
      return 'cycle or extra edge';
    }
    case 9: {
      const e = edges[pick(r, edgeIds)];
      if (e !== undefined) e[r() < 0.5 ? 'source' : 'target'] = pick(r, ['ghost', '', '__proto__', 'x'.repeat(300), 'a b']);
      return 'dangling edge';
    }
    case 10: {
      const v = r();
      if (v < 0.3) delete doc.schemaVersion;
      else doc.schemaVersion = pick(r, [0, 2, 99, -1, 1.5, '1', null, 2 ** 53]);
      return 'schema version';
    }
    case 11: {
      const input = doc.input as Json | undefined;
      if (input !== undefined) input[pick(r, ['height', 'width', 'channels'])] = pick(r, [...NUMBERS, '32', null]);
      return 'odd input';
    }
    case 12: {
      const n = anyNode();
      if (n !== undefined) n.kind = pick(r, ['Conv2D', 'Add', 'Concat', 'Nope', '', 'conv2d', 'Input', 'ClassificationHead', 'Dense', 'MaxPool']);
      return 'kind swapped';
    }
    case 13: {
      const n = anyNode();
      const id = pick(r, NAMES);
      if (n !== undefined && id !== undefined) nodes[id] = { ...n, id };
      return 'odd id';
    }
    case 14: {
      const groups = (doc.groups ?? {}) as Record<string, Json>;
      const g = groups[pick(r, keysOf(groups))];
      if (g !== undefined) g[pick(r, ['repeat', 'parent', 'label', 'collapsed'])] = pick(r, [...VALUES, 'ghost', 1000, 0, g.id]);
      else doc.groups = pick(r, VALUES);
      return 'odd block';
    }
    default: {
      const n = anyNode();
      if (n !== undefined) n.params = { ...(n.params as Json), extra: pick(r, VALUES) };
      return 'extra param';
    }
  }
}

/** A text-level mutation (after serialising): nesting, BOM, truncation, garbage. */
function mutateText(text: string, r: () => number): string {
  const v = r();
  if (v < 0.25) {
    const depth = pick(r, [10, 60, 65, 1000, 5000, 100_000]);
    const at = text.indexOf('"params":{');
    return at < 0 ? text : `${text.slice(0, at + 10)}"deep":${'['.repeat(depth)}1${']'.repeat(depth)},${text.slice(at + 10)}`;
  }
  if (v < 0.45) return '\uFEFF' + text;
  if (v < 0.6) return text.slice(0, Math.floor(r() * text.length));
  if (v < 0.7) return text.replace(/"([A-Za-z]+)":/, '$1:');
  if (v < 0.8) return `${text}${pick(r, ['', ' ', '\n', 'x', '}', ',', '\u0000'])}`;
  if (v < 0.9) return pick(r, ['', 'null', '[]', '{}', '"doc"', '1', 'NaN', '{"schemaVersion":1}', 'true']);
  return text.replace(/"description":"[^"]*"/, `"description":"${'x'.repeat(pick(r, [9_999, 10_001, 100_001]))}"`);
}

function makeInput(base: { id: string; doc: Json }[], seed: number): { text: string; family: string; notes: string[] } {
  const r = rng(seed);
  const b = pick(r, base);
  const doc = JSON.parse(JSON.stringify(b.doc)) as Json;
  const notes: string[] = [];
  const k = r() < 0.1 ? 0 : 1 + Math.floor(r() * 3);
  for (let i = 0; i < k; i++) notes.push(mutate(doc, r));
  let text: string;
  try {
    text = JSON.stringify(doc);
  } catch {
    text = '{}';
  }
  if (r() < 0.25) {
    text = mutateText(text, r);
    notes.push('text');
  }
  return { text, family: b.id, notes };
}

// ---- the driver ------------------------------------------------------------------------------------

async function fuzz(): Promise<void> {
  const n = arg('n', 100_000);
  const seed0 = arg('seed', 1);
  const hangMs = arg('hang-ms', 20_000);
  const base = seeds();
  console.log(`fuzz: ${n} inputs from ${base.length} template families (${base.map((b) => b.id).join(', ')}), seed ${seed0}, hang after ${hangMs} ms; node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? '?'}; ${new Date().toISOString()}`);
  const counts = new Map<string, number>();
  const crashes: { seed: number; family: string; notes: string[]; stage?: string; message?: string }[] = [];
  const hangs: { seed: number; family: string; notes: string[] }[] = [];
  const t0 = Date.now();
  let worker: Worker | undefined;
  let onResult: (r: Result) => void = () => undefined;
  const start = (): Promise<void> =>
    new Promise((ready) => {
      const w = new Worker(new URL(import.meta.url), { argv: ['--worker'] });
      worker = w;
      w.on('message', (m: Result & { ready?: boolean }) => {
        if (m.ready === true) ready();
        else onResult(m);
      });
      w.on('error', (err) => onResult({ outcome: 'crash', stage: 'worker', message: err.message }));
    });
  await start();
  for (let i = 0; i < n; i++) {
    const seed = seed0 * 1_000_003 + i;
    const input = makeInput(base, seed);
    const result = await new Promise<Result | 'hang'>((resolve) => {
      const timer = setTimeout(() => resolve('hang'), hangMs);
      onResult = (r) => {
        clearTimeout(timer);
        resolve(r);
      };
      worker?.postMessage({ i, text: input.text });
    });
    if (result === 'hang') {
      hangs.push({ seed, family: input.family, notes: input.notes });
      counts.set('hang', (counts.get('hang') ?? 0) + 1);
      await worker?.terminate();
      await start();
      continue;
    }
    counts.set(result.outcome, (counts.get(result.outcome) ?? 0) + 1);
    if (result.outcome === 'crash') crashes.push({ seed, family: input.family, notes: input.notes, ...(result.stage !== undefined ? { stage: result.stage } : {}), ...(result.message !== undefined ? { message: result.message } : {}) });
    if ((i + 1) % Math.max(1, Math.floor(n / 20)) === 0) {
      const s = (Date.now() - t0) / 1000;
      console.log(`  ${i + 1}/${n}  ${s.toFixed(0)} s  ${JSON.stringify(Object.fromEntries(counts))}  rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`);
    }
  }
  await worker?.terminate();
  const seconds = (Date.now() - t0) / 1000;
  console.log('');
  console.log(`inputs ${n} in ${seconds.toFixed(0)} s (${(n / seconds).toFixed(0)}/s): ${JSON.stringify(Object.fromEntries(counts))}`);
  console.log(`crashes ${crashes.length}, hangs ${hangs.length}, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  for (const c of crashes.slice(0, 10)) console.log(`  crash: seed ${c.seed} (${c.family}; ${c.notes.join(', ')}) at ${c.stage ?? '?'}: ${(c.message ?? '').slice(0, 300)}`);
  for (const h of hangs.slice(0, 10)) console.log(`  hang: seed ${h.seed} (${h.family}; ${h.notes.join(', ')})`);
}

if (!isMainThread || args.includes('--worker')) await pipelineWorker();
else await fuzz();
