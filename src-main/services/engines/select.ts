import * as tf from '@tensorflow/tfjs';
import { registerProjectKernels } from './kernels/index.js';
import { chooseAuto, ENGINE_LABELS, ENGINE_ORDER, probeEngine, resolvePackageUrl } from './probe.js';
import type { EngineId, EngineProbe, ProbeOptions } from './probe.js';
import { defaultWasmThreads, installThreadedWasm, wasmThreadsStatus } from './wasm-threads.js';
import { installDawn } from './webgpu.js';

/** How to start an engine (probing options, plus engine settings). */
export interface SelectOptions extends ProbeOptions {
  /**
   * wasm: threads in XNNPACK's pool. 'auto' (the default) = the machine's logical CPUs, through
   * the threaded SIMD build started from file paths (wasm-threads.ts); 1 = tfjs's own
   * single-threaded build. Takes effect only when the wasm backend first starts in this thread.
   */
  readonly wasmThreads?: number | 'auto';
}

/** The engine a run trains on, initialized in this thread. */
export interface SelectedEngine {
  readonly engine: EngineId;
  /** The tfjs backend name now active (`tf.getBackend()`). */
  readonly backend: string;
  /** What it runs on, for the run record and the UI (adapter, SIMD/threads, kernels). */
  readonly detail: string;
  /** The project kernels registered for this backend. */
  readonly kernels: readonly string[];
  /** WebGPU on a software adapter. */
  readonly software: boolean;
  /** CPU threads the engine's kernels use (wasm: XNNPACK's pool; undefined where not ours to say). */
  readonly threads?: number;
}

/** Asking for an engine that is not available (or fails to start); the message says why and the fix. */
export class EngineUnavailableError extends Error {
  readonly engine: EngineId;
  constructor(engine: EngineId, message: string) {
    super(message);
    this.name = 'EngineUnavailableError';
    this.engine = engine;
  }
}

const BACKEND_NAME: Readonly<Record<EngineId, string>> = {
  'tfjs-node-gpu': 'tensorflow',
  webgpu: 'webgpu',
  'tfjs-node': 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

/** tf.setBackend, but a failure carries tfjs's own reason (which it otherwise only logs). */
async function activate(engine: EngineId, backendName: string): Promise<void> {
  const logged: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    logged.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
  };
  let ok: boolean;
  try {
    ok = await tf.setBackend(backendName);
    await tf.ready();
  } catch (err) {
    logged.push(err instanceof Error ? err.message : String(err));
    ok = false;
  } finally {
    console.warn = warn;
  }
  if (!ok || tf.getBackend() !== backendName) {
    const why = logged.filter((l) => !/^Initialization of backend/.test(l)).map((l) => l.split('\n')[0]);
    throw new EngineUnavailableError(engine, `${ENGINE_LABELS[engine]} failed to start: ${why[0] ?? `tfjs could not initialize the '${backendName}' backend`}`);
  }
}

/**
 * tfjs's cpu backend prints "Hi, looks like you are running TensorFlow.js in Node.js … install our
 * node backend" on first use; the engine list already says which engines exist and why.
 */
function quietCpuBanner(): void {
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu !== null && typeof cpu.firstUse === 'boolean') cpu.firstUse = false;
}

async function start(engine: EngineId, probe: EngineProbe, o: SelectOptions): Promise<SelectedEngine> {
  const backend = BACKEND_NAME[engine];
  quietCpuBanner();
  let kernels: string[] = [];
  switch (engine) {
    case 'cpu':
      kernels = registerProjectKernels('cpu').map((k) => k.kernel);
      break;
    case 'wasm':
      await import('@tensorflow/tfjs-backend-wasm');
      installThreadedWasm(o.wasmThreads === undefined || o.wasmThreads === 'auto' ? defaultWasmThreads() : Math.max(1, Math.floor(o.wasmThreads)));
      kernels = registerProjectKernels('wasm').map((k) => k.kernel);
      break;
    case 'webgpu':
      await installDawn();
      await import('@tensorflow/tfjs-backend-webgpu');
      kernels = registerProjectKernels('webgpu').map((k) => k.kernel);
      break;
    case 'tfjs-node':
    case 'tfjs-node-gpu': {
      const pkg = engine === 'tfjs-node' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu';
      await import(resolvePackageUrl(pkg, o.resolveFrom));
      if (tf.findBackend('tensorflow') === null && tf.findBackendFactory('tensorflow') === null) {
        throw new EngineUnavailableError(
          engine,
          `${pkg} loaded, but its TensorFlow backend did not register with this app's tfjs (two copies of @tensorflow/tfjs-core?): run \`npm dedupe\``,
        );
      }
      break;
    }
  }
  await activate(engine, backend);
  if (engine === 'tfjs-node-gpu') {
    const b = tf.backend() as unknown as { isUsingGpuDevice?: boolean };
    if (b.isUsingGpuDevice !== true) {
      throw new EngineUnavailableError(engine, 'tfjs-node-gpu started, but TensorFlow is not using a GPU (no CUDA 11.2 / cuDNN 8.1 found): use tfjs-node, or fix CUDA');
    }
  }
  if (engine === 'wasm') {
    const t = wasmThreadsStatus();
    const simd = probe.detail.split(/[,;]/)[0] ?? 'SIMD';
    const threads = t.threads > 1 ? `${t.threads} threads (XNNPACK pool, threaded build)` : `1 thread (${t.reason ?? 'single-threaded build'})`;
    return { engine, backend, detail: `${simd}, ${threads}; project kernels: ${kernels.length}`, kernels, software: false, threads: t.threads };
  }
  return { engine, backend, detail: probe.detail, kernels, software: probe.software === true };
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Initializes the engine a run asked for in this thread (call it inside the training worker) and
 * makes it tfjs's active backend. `auto` takes the first available engine in ENGINE_ORDER
 * (never a software WebGPU adapter; see chooseAuto), moving on — and saying so in `detail` — if
 * one fails to start. Asking for an unavailable engine by name is an EngineUnavailableError that
 * names why and the fix: there is no silent fallback.
 */
export function selectEngine(requested: EngineId | 'auto', o: SelectOptions = {}): Promise<SelectedEngine> {
  const run = async (): Promise<SelectedEngine> => {
    if (requested !== 'auto') {
      const p = await probeEngine(requested, o);
      if (!p.available) {
        throw new EngineUnavailableError(requested, `${p.label} is not available: ${p.detail}${p.fix ? ` — fix: ${p.fix}` : ''}`);
      }
      return start(requested, p, o);
    }
    const probes = await Promise.all(ENGINE_ORDER.map((id) => probeEngine(id, o)));
    const failed: string[] = [];
    let remaining = probes;
    for (;;) {
      const pick = chooseAuto(remaining);
      const p = remaining.find((e) => e.id === pick.engine);
      if (p === undefined || !p.available) {
        throw new EngineUnavailableError(pick.engine, `no engine could start: ${failed.join('; ')}`);
      }
      try {
        const s = await start(pick.engine, p, o);
        const why = failed.length > 0 ? ` (auto: ${failed.join('; ')})` : ` (auto: ${pick.reason})`;
        return { ...s, detail: s.detail + why };
      } catch (err) {
        failed.push(`${pick.engine} failed to start: ${err instanceof Error ? err.message : String(err)}`);
        remaining = remaining.map((e) => (e.id === pick.engine ? { ...e, available: false, detail: 'failed to start' } : e));
      }
    }
  };
  const next = queue.then(run, run);
  queue = next.catch(() => undefined);
  return next;
}
