import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { defaultWasmThreads, threadedWasmUnsupported } from './wasm-support.js';
import type { WasmApi } from './wasm-support.js';

export { defaultWasmThreads, threadedWasmUnsupported };

/**
 * Multi-threaded tfjs-backend-wasm under Node.
 *
 * tfjs-backend-wasm ships a SIMD + threads build (tfjs-backend-wasm-threaded-simd.{js,wasm}) whose
 * XNNPACK convolutions and matrix products run on a pthread pool, but in Node it never uses it: its
 * WASM_HAS_MULTITHREAD_SUPPORT flag is hard-wired false there (tfjs issue #3830), and forcing it
 * fails because its loader hands Emscripten the pthread worker script as a `blob:` URL, which Node's
 * `Worker` refuses (ERR_WORKER_PATH), and the main script as a Blob, which the worker cannot
 * `importScripts` either. Here the same shipped build is started with file paths instead:
 *
 * - the pthread worker script (which tfjs keeps as a string export) is written once to a file in the
 *   OS temp folder, named by its content hash, and `locateFile` returns that path;
 * - `mainScriptUrlOrBlob` is the path of the shipped Emscripten glue, which the worker evaluates;
 * - Emscripten sizes the XNNPACK pool as min(requested, logical cores / 2) — it assumes two
 *   hyper-threads per core, so on a 2-vCPU machine it would use one thread. `instantiateWasm`
 *   instantiates the module with `emscripten_num_logical_cores` answering 2 × the requested count,
 *   so the pool gets exactly the threads asked for.
 *
 * The backend object is tfjs's own BackendWasm (every shipped and project kernel works unchanged);
 * only the factory registered under the name 'wasm' differs.
 */

export interface WasmThreadsInfo {
  /** Threads in XNNPACK's pool (1 = single-threaded). */
  readonly threads: number;
  /** Why it is single-threaded, when it is. */
  readonly reason?: string;
}

/** The Emscripten module object as our factory needs it (the parts tfjs's BackendWasm reads come from the glue). */
interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...args: number[]) => unknown;
  tfjs?: Record<string, (...args: number[]) => unknown>;
}

interface WasmImports {
  env: Record<string, unknown>;
  [module: string]: Record<string, unknown>;
}

interface FactoryConfig {
  locateFile(path: string, prefix: string): string;
  mainScriptUrlOrBlob: string;
  instantiateWasm(imports: WasmImports, receive: (instance: unknown, module: unknown) => void): object;
  onAbort(what: unknown): void;
}

type EmscriptenFactory = (config: FactoryConfig) => Promise<EmscriptenModule>;

const BUILD = 'tfjs-backend-wasm-threaded-simd';

interface ThreadedFiles {
  readonly glue: string;
  readonly wasm: string;
  readonly worker: string;
}

/** Finds the shipped threaded build and writes its pthread worker script to a file (once per content). */
function threadedFiles(): ThreadedFiles {
  const req = createRequire(import.meta.url);
  const pkgDir = dirname(req.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const out = join(pkgDir, 'wasm-out');
  const glue = join(out, `${BUILD}.js`);
  const wasm = [join(pkgDir, 'dist', `${BUILD}.wasm`), join(out, `${BUILD}.wasm`)].find((f) => existsSync(f));
  if (wasm === undefined || !existsSync(glue)) throw new Error(`${BUILD} files are missing from ${pkgDir}`);
  const exported = req(join(out, `${BUILD}.worker.js`)) as { wasmWorkerContents?: unknown };
  if (typeof exported.wasmWorkerContents !== 'string') throw new Error(`${BUILD}.worker.js exports no worker script`);
  // tfjs's template literal turned the "\n" escapes inside the minified script's string literals
  // into newlines; put them back (tfjs does the same before making its Blob).
  const script = exported.wasmWorkerContents.replace(/\n/g, '\\n');
  const hash = createHash('sha256').update(script).digest('hex').slice(0, 16);
  const worker = join(tmpdir(), `skipwire-${BUILD}-${hash}.worker.cjs`);
  if (!existsSync(worker) || readFileSync(worker, 'utf8') !== script) {
    const part = `${worker}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(part, script);
    renameSync(part, worker);
  }
  return { glue, wasm, worker };
}

/** Starts the threaded Emscripten module with `threads` pool threads and wraps it as tfjs does. */
async function startThreadedModule(files: ThreadedFiles, threads: number): Promise<EmscriptenModule> {
  const req = createRequire(import.meta.url);
  const factory = req(files.glue) as EmscriptenFactory;
  const W = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (W === undefined) throw new Error('no WebAssembly');
  const binary = readFileSync(files.wasm);
  let aborted: unknown;
  const module = await factory({
    locateFile: (path) => (path.endsWith('.worker.js') ? files.worker : path.endsWith('.wasm') ? files.wasm : join(dirname(files.glue), path)),
    mainScriptUrlOrBlob: files.glue,
    instantiateWasm: (imports, receive) => {
      const env = { ...imports.env, emscripten_num_logical_cores: () => 2 * threads };
      W.instantiate(binary, { ...imports, env }).then(
        (r) => receive(r.instance, r.module),
        (err: unknown) => {
          aborted = err;
        },
      );
      return {};
    },
    onAbort: (what) => {
      aborted = what;
    },
  });
  if (aborted !== undefined) throw new Error(`threaded wasm aborted: ${String(aborted)}`);
  const c = (name: string, ret: string | null, args: string[]) => module.cwrap(name, ret, args);
  module.tfjs = {
    init: c('init', null, []),
    initWithThreadsCount: c('init_with_threads_count', null, ['number']),
    getThreadsCount: c('get_threads_count', 'number', []),
    registerTensor: c('register_tensor', null, ['number', 'number', 'number']),
    disposeData: c('dispose_data', null, ['number']),
    dispose: c('dispose', null, []),
  };
  return module;
}

type WasmModuleArg = ConstructorParameters<typeof BackendWasm>[0];

let installed: { threads: number } | undefined;
let fallbackReason: string | undefined;
let installReason: string | undefined;

/** Threads of the wasm backend now initialized in this thread (1 if it is tfjs's own single-threaded one), or undefined before it starts. */
export function wasmThreadsInUse(): number | undefined {
  // Not tf.findBackend: that would start initializing the backend.
  const registry = (tf.engine() as unknown as { registry?: Record<string, unknown> }).registry ?? {};
  const b = registry.wasm as { wasm?: { tfjs?: { getThreadsCount?: () => number } } } | undefined;
  const n = b?.wasm?.tfjs?.getThreadsCount?.();
  return typeof n === 'number' && n > 0 ? n : undefined;
}

/** What the wasm backend started in this thread runs on: its pool's threads, and why only one when so. */
export function wasmThreadsStatus(): WasmThreadsInfo {
  const threads = wasmThreadsInUse() ?? 1;
  if (threads > 1) return { threads };
  return { threads, reason: fallbackReason ?? installReason ?? 'the threaded build was not installed before the backend started' };
}

/**
 * Makes the 'wasm' backend (when it next initializes in this thread) the threaded SIMD build with
 * `threads` XNNPACK threads; falls back to tfjs's own single-threaded factory if the threaded one
 * fails to start. Call after importing '@tensorflow/tfjs-backend-wasm' and before the wasm backend
 * is first initialized; once it is, nothing changes (its tensors would be lost) and the result says
 * so. Idempotent.
 */
export function installThreadedWasm(threads: number = defaultWasmThreads()): WasmThreadsInfo {
  const r = install(threads);
  installReason = r.reason;
  return r;
}

function install(threads: number): WasmThreadsInfo {
  const inUse = wasmThreadsInUse();
  if (inUse !== undefined) {
    return inUse > 1 || installed !== undefined ? { threads: inUse } : { threads: inUse, reason: 'the wasm backend was already started single-threaded in this thread' };
  }
  if (threads <= 1) return { threads: 1, reason: 'one thread requested' };
  const unsupported = threadedWasmUnsupported();
  if (unsupported !== null) return { threads: 1, reason: unsupported };
  if (installed?.threads === threads) return { threads };
  let files: ThreadedFiles;
  try {
    files = threadedFiles();
  } catch (err) {
    return { threads: 1, reason: err instanceof Error ? err.message : String(err) };
  }
  const original = tf.findBackendFactory('wasm');
  if (original === null) throw new Error("import '@tensorflow/tfjs-backend-wasm' before installing its threaded build");
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      try {
        const { BackendWasm: Backend, setThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
        const module = await startThreadedModule(files, threads);
        setThreadsCount(threads);
        return new Backend(module as unknown as WasmModuleArg);
      } catch (err) {
        // Keep training possible: tfjs's own (single-threaded) module.
        fallbackReason = `the threaded build failed to start (${err instanceof Error ? err.message : String(err)})`;
        (await import('@tensorflow/tfjs-backend-wasm')).setThreadsCount(-1);
        return original();
      }
    },
    2,
  );
  installed = { threads };
  return { threads };
}
