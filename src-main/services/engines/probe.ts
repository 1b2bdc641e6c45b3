import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EngineId } from '../../../src-shared/api/services/training.js';
import { defaultWasmThreads, threadedWasmUnsupported } from './wasm-support.js';
import { requestAdapter } from './webgpu.js';

export type { EngineId };

/** The probing order, best first (ARCHITECTURE.md principle 5). */
export const ENGINE_ORDER: readonly EngineId[] = ['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu'];

export const ENGINE_LABELS: Readonly<Record<EngineId, string>> = {
  'tfjs-node-gpu': 'TensorFlow native, CUDA (tfjs-node-gpu)',
  webgpu: 'WebGPU (Dawn)',
  'tfjs-node': 'TensorFlow native, CPU (tfjs-node)',
  wasm: 'WebAssembly (tfjs-backend-wasm)',
  cpu: 'plain JavaScript (tfjs cpu)',
};

/** What probing found about one engine. */
export interface EngineProbe {
  readonly id: EngineId;
  readonly label: string;
  readonly available: boolean;
  /** Available: what it runs on (adapter, SIMD, threads). Not available: why not. */
  readonly detail: string;
  /** Not available (or limited): what to do about it. */
  readonly fix?: string;
  /** WebGPU on a CPU implementation of the GPU API: correct, but far too slow to train. */
  readonly software?: boolean;
  readonly tookMs: number;
}

export interface ProbeReport {
  readonly engines: EngineProbe[];
  /** What `auto` picks, and why. */
  readonly auto: EngineId;
  readonly autoReason: string;
  /** ISO time of the probe. */
  readonly probedAt: string;
}

export interface ProbeOptions {
  /** Resolve the optional packages from here (default: this app's own node_modules). */
  readonly resolveFrom?: string;
  /** Limit for the WebGPU adapter request and for the tfjs-node child processes. */
  readonly timeoutMs?: number;
}

const TFJS_VERSION = '4.22.0';

function appRequire(resolveFrom: string | undefined): NodeRequire {
  return createRequire(resolveFrom === undefined ? import.meta.url : join(resolveFrom, 'noop.js'));
}

/** The directory of an installed package, or null. */
function packageDir(req: NodeRequire, name: string): string | null {
  try {
    return dirname(req.resolve(`${name}/package.json`));
  } catch {
    // Packages whose exports hide package.json: resolve the main entry and walk up.
    try {
      let dir = dirname(req.resolve(name));
      while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
      return dir;
    } catch {
      return null;
    }
  }
}

function packageVersion(dir: string): string {
  try {
    const v = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: unknown }).version;
    return typeof v === 'string' ? v : 'unknown';
  } catch {
    return 'unknown';
  }
}

interface ChildResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs a tiny script in a child Node (Electron: ELECTRON_RUN_AS_NODE), so a crashing native addon cannot take us down. */
function runChild(script: string, timeoutMs: number): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', script], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', TF_CPP_MIN_LOG_LEVEL: '2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ ok: false, stdout, stderr: stderr + err.message, timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ ok: code === 0 && !timedOut, stdout, stderr, timedOut });
    });
  });
}

/** The last meaningful line of a child's stderr (native loaders print the real reason last). */
function lastLine(s: string): string {
  const lines = s
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^at /.test(l) && !/^\^+$/.test(l) && !/^Node\.js v/.test(l));
  const err = lines.filter((l) => /error/i.test(l));
  return (err[err.length - 1] ?? lines[lines.length - 1] ?? 'no output').slice(0, 300);
}

const NATIVE = {
  'tfjs-node-gpu': {
    pkg: '@tensorflow/tfjs-node-gpu',
    needs: 'an NVIDIA GPU with CUDA 11.2 + cuDNN 8.1 (Linux x64) and a download of libtensorflow at install time',
  },
  'tfjs-node': {
    pkg: '@tensorflow/tfjs-node',
    needs: 'a download of libtensorflow (about 100 MB) at install time',
  },
} as const;

/** tfjs-node / tfjs-node-gpu: installed? loads? (in a child process) and, for -gpu, is TensorFlow using a GPU? */
async function probeNative(id: 'tfjs-node-gpu' | 'tfjs-node', o: ProbeOptions): Promise<Omit<EngineProbe, 'tookMs'>> {
  const { pkg, needs } = NATIVE[id];
  const base = { id, label: ENGINE_LABELS[id] };
  const install = `\`npm i ${pkg}@${TFJS_VERSION}\` (needs ${needs})`;
  const req = appRequire(o.resolveFrom);
  const dir = packageDir(req, pkg);
  if (dir === null) {
    return { ...base, available: false, detail: `not installed — it is an optional dependency whose install downloads libtensorflow`, fix: install };
  }
  const version = packageVersion(dir);
  if (version !== TFJS_VERSION) {
    return {
      ...base,
      available: false,
      detail: `${pkg} ${version} is installed, but this app uses tfjs ${TFJS_VERSION}; mixed versions do not share tensors`,
      fix: `\`npm i ${pkg}@${TFJS_VERSION}\``,
    };
  }
  const entry = req.resolve(pkg);
  const script = [
    `const tf = require(${JSON.stringify(entry)});`,
    `const b = tf.backend();`,
    `const t = tf.add(tf.scalar(1), tf.scalar(2)); const v = t.dataSync()[0];`,
    `process.stdout.write(JSON.stringify({ backend: tf.getBackend(), gpu: b && b.isUsingGpuDevice === true, value: v }));`,
  ].join('\n');
  const r = await runChild(script, o.timeoutMs ?? 30_000);
  if (!r.ok) {
    const why = r.timedOut ? `loading it did not finish within ${o.timeoutMs ?? 30_000} ms` : `it is installed but does not load: ${lastLine(r.stderr)}`;
    return { ...base, available: false, detail: why, fix: `reinstall: \`npm rebuild ${pkg}\` or ${install}` };
  }
  let out: { backend?: unknown; gpu?: unknown; value?: unknown };
  try {
    out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as typeof out;
  } catch {
    return { ...base, available: false, detail: `it loaded but answered oddly: ${r.stdout.slice(0, 200)}`, fix: install };
  }
  if (out.backend !== 'tensorflow' || out.value !== 3) {
    return { ...base, available: false, detail: `it loaded but its backend is "${String(out.backend)}" and 1+2 gave ${String(out.value)}`, fix: install };
  }
  if (id === 'tfjs-node-gpu' && out.gpu !== true) {
    return {
      ...base,
      available: false,
      detail: 'installed and loads, but TensorFlow found no CUDA GPU (it would silently run on the CPU)',
      fix: 'install the NVIDIA driver, CUDA 11.2 and cuDNN 8.1 (their libraries must be on LD_LIBRARY_PATH), or use tfjs-node',
    };
  }
  return { ...base, available: true, detail: id === 'tfjs-node-gpu' ? `TensorFlow ${version} on a CUDA GPU` : `TensorFlow ${version} on the CPU (native, multi-threaded)` };
}

async function probeWebgpu(o: ProbeOptions): Promise<Omit<EngineProbe, 'tookMs'>> {
  const base = { id: 'webgpu' as const, label: ENGINE_LABELS.webgpu };
  const r = await requestAdapter(o.timeoutMs ?? 5000);
  if (!r.ok) return { ...base, available: false, detail: r.reason, fix: r.fix };
  if (r.adapter.software) {
    return {
      ...base,
      available: true,
      software: true,
      detail: `adapter "${r.adapter.description}" is a software (CPU) implementation: correct, but ~0.4 GFLOPS — for correctness tests, not training`,
      fix: 'a real GPU driver with Vulkan/Metal/D3D12 makes this engine fast',
    };
  }
  return { ...base, available: true, detail: `adapter "${r.adapter.description}"${r.adapter.vendor ? ` (${r.adapter.vendor})` : ''}` };
}

/** WebAssembly feature test for SIMD (wasm-feature-detect's module, as tfjs uses). */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11]);

/** What the wasm engine's threads will be (see wasm-threads.ts: tfjs itself runs one thread under Node). */
export function wasmThreadsNote(): string {
  const why = threadedWasmUnsupported();
  if (why !== null) return `1 thread (${why})`;
  const n = defaultWasmThreads();
  return n > 1 ? `${n} threads (tfjs's threaded SIMD build, started from file paths)` : '1 thread (one CPU)';
}

/** The WebAssembly global (Node has it; the ES lib typings we compile with do not declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  compile(bytes: Uint8Array): Promise<unknown>;
}

async function probeWasm(o: ProbeOptions): Promise<Omit<EngineProbe, 'tookMs'>> {
  const base = { id: 'wasm' as const, label: ENGINE_LABELS.wasm };
  const WebAssembly = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  const dir = packageDir(appRequire(o.resolveFrom), '@tensorflow/tfjs-backend-wasm');
  if (dir === null) return { ...base, available: false, detail: '@tensorflow/tfjs-backend-wasm is not installed', fix: '`npm ci` (it is a regular dependency)' };
  if (WebAssembly === undefined) return { ...base, available: false, detail: 'this JavaScript runtime has no WebAssembly', fix: 'use Node 20 or later' };
  const simd = WebAssembly.validate(SIMD_PROBE);
  const file = join(dir, 'dist', simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm');
  try {
    await WebAssembly.compile(await readFile(file));
  } catch (err) {
    return { ...base, available: false, detail: `${file} does not compile: ${err instanceof Error ? err.message : String(err)}`, fix: 'reinstall dependencies (`npm ci`)' };
  }
  return {
    ...base,
    available: true,
    detail: `${simd ? 'SIMD (128-bit)' : 'no SIMD (slower scalar build)'}, ${simd ? wasmThreadsNote() : '1 thread'}; the project registers its missing, faulty and slow training kernels`,
  };
}

function probeCpu(): Omit<EngineProbe, 'tookMs'> {
  return {
    id: 'cpu',
    label: ENGINE_LABELS.cpu,
    available: true,
    detail: 'always available; convolutions run ~100x slower than on wasm — for tests and tiny models',
  };
}

async function timed(f: () => Promise<Omit<EngineProbe, 'tookMs'>> | Omit<EngineProbe, 'tookMs'>, id: EngineId): Promise<EngineProbe> {
  const t0 = performance.now();
  try {
    const r = await f();
    return { ...r, tookMs: Math.round(performance.now() - t0) };
  } catch (err) {
    // A probe must never take the process down; an unexpected failure is itself the reason.
    return {
      id,
      label: ENGINE_LABELS[id],
      available: false,
      detail: `probing failed: ${err instanceof Error ? err.message : String(err)}`,
      tookMs: Math.round(performance.now() - t0),
    };
  }
}

/** Probes one engine. Never throws. */
export function probeEngine(id: EngineId, o: ProbeOptions = {}): Promise<EngineProbe> {
  switch (id) {
    case 'tfjs-node-gpu':
    case 'tfjs-node':
      return timed(() => probeNative(id, o), id);
    case 'webgpu':
      return timed(() => probeWebgpu(o), id);
    case 'wasm':
      return timed(() => probeWasm(o), id);
    case 'cpu':
      return timed(probeCpu, id);
  }
}

/**
 * What `auto` picks from a probe: the first available engine in ENGINE_ORDER, except that a
 * software WebGPU adapter (SwiftShader: ~0.4 GFLOPS against wasm's 13-18 on the same CPU) is
 * never picked — it exists for correctness tests; ask for `webgpu` by name to use it.
 */
export function chooseAuto(engines: readonly EngineProbe[]): { engine: EngineId; reason: string } {
  const short = (detail: string) => detail.split(/ — |; |, so |: /)[0] ?? detail;
  const passed: string[] = [];
  for (const id of ENGINE_ORDER) {
    const p = engines.find((e) => e.id === id);
    if (p === undefined) continue;
    if (!p.available) {
      passed.push(`${id}: ${short(p.detail)}`);
      continue;
    }
    if (p.software === true) {
      passed.push(`${id}: software adapter, slower than wasm`);
      continue;
    }
    return { engine: id, reason: passed.length === 0 ? 'the first engine in the order' : `passed over ${passed.join('; ')}` };
  }
  return { engine: 'cpu', reason: `nothing else is available: ${passed.join('; ')}` };
}

/** Probes every engine (in parallel; each probe is bounded by its own timeout). Never throws. */
export async function probeEngines(o: ProbeOptions = {}): Promise<ProbeReport> {
  const engines = await Promise.all(ENGINE_ORDER.map((id) => probeEngine(id, o)));
  const auto = chooseAuto(engines);
  return { engines, auto: auto.engine, autoReason: auto.reason, probedAt: new Date().toISOString() };
}

/** The entry file of an installed optional package, as a URL to import (for selectEngine). */
export function resolvePackageUrl(pkg: string, resolveFrom?: string): string {
  return pathToFileURL(appRequire(resolveFrom).resolve(pkg)).href;
}
