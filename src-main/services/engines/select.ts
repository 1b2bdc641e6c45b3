import * as tf from '@tensorflow/tfjs';
import { registerProjectKernels } from './kernels/index.js';
import { chooseAuto, ENGINE_LABELS, ENGINE_ORDER, probeEngine, resolvePackageUrl, WASM_THREADS_NOTE } from './probe.js';
import type { EngineId, EngineProbe, ProbeOptions } from './probe.js';
import { installDawn } from './webgpu.js';

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

async function start(engine: EngineId, probe: EngineProbe, o: ProbeOptions): Promise<SelectedEngine> {
  const backend = BACKEND_NAME[engine];
  quietCpuBanner();
  let kernels: string[] = [];
  switch (engine) {
    case 'cpu':
      kernels = registerProjectKernels('cpu').map((k) => k.kernel);
      break;
    case 'wasm':
      await import('@tensorflow/tfjs-backend-wasm');
      kernels = registerProjectKernels('wasm').map((k) => k.kernel);
      break;
    case 'webgpu':
      await installDawn();
      await import('@tensorflow/tfjs-backend-webgpu');
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
  const detail = engine === 'wasm' ? `${probe.detail.split(';')[0] ?? WASM_THREADS_NOTE}; project kernels: ${kernels.length}` : probe.detail;
  return { engine, backend, detail, kernels, software: probe.software === true };
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Initializes the engine a run asked for in this thread (call it inside the training worker) and
 * makes it tfjs's active backend. `auto` takes the first available engine in ENGINE_ORDER
 * (never a software WebGPU adapter; see chooseAuto), moving on — and saying so in `detail` — if
 * one fails to start. Asking for an unavailable engine by name is an EngineUnavailableError that
 * names why and the fix: there is no silent fallback.
 */
export function selectEngine(requested: EngineId | 'auto', o: ProbeOptions = {}): Promise<SelectedEngine> {
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
