import { Worker } from 'node:worker_threads';

/**
 * Helper threads for the project's SIMD loops: each one instantiates the same compiled module on
 * the wasm backend's shared memory and waits on a control block (a SharedArrayBuffer) for calls.
 * `run` hands thread t > 0 its arguments, runs thread 0's share on the calling thread, and blocks
 * (Atomics.wait) until every helper is done — kernels stay synchronous, as tfjs requires. The
 * workers are started from source (`eval`), so no file path is needed, and are unref'd so they
 * never keep a process alive.
 */

export interface SimdPool {
  /** Threads taking part in `run`, the calling one included. */
  readonly threads: number;
  /** Calls `exports[name](...shares[t])` on thread t (0 = this one) and returns when all are done. */
  run(name: string, shares: readonly (readonly number[])[]): void;
  /** Helpers that have started and take shares (the others' shares run on the calling thread). */
  ready(): number;
  /** Stops the helpers. */
  close(): void;
}

const MAX_ARGS = 32;
// Control block, Int32 slots: 0 sequence number (−1 = stop), 1 last finished sequence, 2 function
// index, 3 argument count, 4 error flag. Float64 arguments from byte 64.
const SEQ = 0;
const DONE = 1;
const FN = 2;
const NARGS = 3;
const ERR = 4;
const READY = 5;
const ARGS_AT = 64;
/** How long a call may take before the helper is declared lost (a kernel takes milliseconds). */
const TIMEOUT_MS = 600_000;
/**
 * How long a helper keeps polling for the next call after its last one before it sleeps, and how
 * long the calling thread polls for a helper to finish before it sleeps. Waking a sleeping thread
 * (futex) costs ~50 µs here, as much as an element-wise kernel over 256K floats; a training step
 * makes its calls microseconds to a few milliseconds apart, so polling keeps the hand-over under
 * a microsecond while costing an idle pool nothing once training stops.
 */
const SPIN_MS = 10;

const HELPER = `
const { workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const { module, memory, control, names, spinMs } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
const fns = names.map((n) => instance.exports[n]);
const c = new Int32Array(control);
Atomics.store(c, ${READY}, 1);
const a = new Float64Array(control, ${ARGS_AT}, ${MAX_ARGS});
let seen = 0;
let spinUntil = performance.now() + spinMs;
for (;;) {
  const seq = Atomics.load(c, ${SEQ});
  if (seq === seen) {
    if (performance.now() < spinUntil) {
      for (let k = 0; k < 512 && Atomics.load(c, ${SEQ}) === seen; k++);
    } else {
      Atomics.wait(c, ${SEQ}, seen);
      spinUntil = performance.now() + spinMs;
    }
    continue;
  }
  if (seq < 0) break;
  seen = seq;
  try {
    fns[c[${FN}]](...a.subarray(0, c[${NARGS}]));
  } catch (err) {
    c[${ERR}] = 1;
  }
  Atomics.store(c, ${DONE}, seq);
  Atomics.notify(c, ${DONE});
  spinUntil = performance.now() + spinMs;
}
`;

interface Helper {
  readonly worker: Worker;
  readonly c: Int32Array;
  readonly a: Float64Array;
}

/**
 * Starts `threads − 1` helpers over `memory` (a shared WebAssembly.Memory) running `module`'s
 * exports `names`; `local` holds the same exports instantiated on this thread.
 */
export function startSimdPool(
  module: object,
  memory: object,
  names: readonly string[],
  local: Readonly<Record<string, unknown>>,
  threads: number,
): SimdPool {
  const index = new Map(names.map((n, i) => [n, i]));
  const helpers: Helper[] = [];
  for (let t = 1; t < threads; t++) {
    const control = new SharedArrayBuffer(ARGS_AT + 8 * MAX_ARGS);
    const worker = new Worker(HELPER, { eval: true, workerData: { module, memory, control, names: [...names], spinMs: SPIN_MS } });
    worker.unref();
    worker.on('error', (err) => process.stderr.write(`SIMD pool helper failed: ${err.message}\n`));
    helpers.push({ worker, c: new Int32Array(control), a: new Float64Array(control, ARGS_AT, MAX_ARGS) });
  }
  let seq = 0;
  let closed = false;
  return {
    threads: helpers.length + 1,
    run(name, shares) {
      const fi = index.get(name);
      const fn = local[name];
      if (fi === undefined || typeof fn !== 'function') throw new Error(`SIMD pool: no function ${name}`);
      if (closed) throw new Error('SIMD pool: closed');
      if (shares.length > helpers.length + 1) throw new Error(`SIMD pool: ${shares.length} shares for ${helpers.length + 1} threads`);
      seq++;
      const busy: Helper[] = [];
      const mine: (readonly number[])[] = [shares[0] ?? []];
      for (let t = 1; t < shares.length; t++) {
        const h = helpers[t - 1] as Helper;
        const args = shares[t] as readonly number[];
        if (args.length > MAX_ARGS) throw new Error(`SIMD pool: ${name} with ${args.length} arguments (at most ${MAX_ARGS})`);
        // A helper still starting (or one that failed to) leaves its share to this thread.
        if (Atomics.load(h.c, READY) !== 1) {
          mine.push(args);
          continue;
        }
        h.a.set(args);
        h.c[FN] = fi;
        h.c[NARGS] = args.length;
        h.c[ERR] = 0;
        Atomics.store(h.c, SEQ, seq);
        Atomics.notify(h.c, SEQ);
        busy.push(h);
      }
      let error: unknown;
      try {
        if (shares.length > 0) for (const args of mine) (fn as (...a: number[]) => void)(...args);
      } catch (err) {
        error = err;
      }
      // Always wait for the helpers, even when this thread's share failed: they write the same memory.
      for (const h of busy) {
        if (Atomics.load(h.c, DONE) !== seq) {
          const spinUntil = performance.now() + SPIN_MS;
          while (Atomics.load(h.c, DONE) !== seq && performance.now() < spinUntil) for (let k = 0; k < 256 && Atomics.load(h.c, DONE) !== seq; k++);
        }
        const t0 = Date.now();
        for (let d = Atomics.load(h.c, DONE); d !== seq; d = Atomics.load(h.c, DONE)) {
          if (Date.now() - t0 > TIMEOUT_MS) throw new Error(`SIMD pool: a helper thread did not finish ${name} in ${TIMEOUT_MS / 1000} s`);
          Atomics.wait(h.c, DONE, d, 1000);
        }
        if (h.c[ERR] !== 0 && error === undefined) error = new Error(`SIMD pool: ${name} failed in a helper thread`);
      }
      if (error !== undefined) throw error instanceof Error ? error : new Error(String(error));
    },
    ready: () => helpers.filter((h) => Atomics.load(h.c, READY) === 1).length,
    close() {
      if (closed) return;
      closed = true;
      for (const h of helpers) {
        Atomics.store(h.c, SEQ, -1);
        Atomics.notify(h.c, SEQ);
        void h.worker.terminate();
      }
    },
  };
}
