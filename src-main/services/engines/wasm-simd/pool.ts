import { Worker } from 'node:worker_threads';

/**
 * Helper threads for the project's SIMD loops: each one instantiates the same compiled module on
 * the wasm backend's shared memory and waits on a control block (a SharedArrayBuffer) for calls.
 * `run` publishes a call's shares; the calling thread and every helper then claim shares one at a
 * time from a shared counter until none is left, and `run` returns when all are finished —
 * kernels stay synchronous, as tfjs requires. Claiming (rather than share t for thread t) keeps a
 * call from waiting on a helper the OS has descheduled: on a 2-core machine the V8 platform's
 * threads (GC, compilers) and the app's other threads take turns with the helpers, and whichever
 * thread is running picks up the remaining work. The workers are started from source (`eval`), so
 * no file path is needed, and are unref'd so they never keep a process alive.
 */

export interface SimdPool {
  /** Threads taking part in `run`, the calling one included. */
  readonly threads: number;
  /** Calls `exports[name](...shares[i])` for every share, on whichever threads claim them, and returns when all are done. */
  run(name: string, shares: readonly (readonly number[])[]): void;
  /** Helpers that have started and take shares (until then the calling thread does all of them). */
  ready(): number;
  /** Stops the helpers. */
  close(): void;
}

const MAX_ARGS = 32;
/** Shares one call may have. */
export const MAX_SHARES = 256;
// Control block, Int32 slots: the call's sequence number (−1 = stop), function index, argument
// count, share count, the claim word, shares finished, error flag, then one "started" flag per
// helper from READY. Float64 arguments (share i at ARGS_AT + 8·MAX_ARGS·i) from byte ARGS_AT.
// The claim word holds the call (its sequence number's low 22 bits) above the next share's index
// (9 bits): a share is claimed by compare-and-swap, so a helper still looking at a finished call
// can never take a share of the next one by mistake.
const SEQ = 0;
const FN = 1;
const NARGS = 2;
const NSHARES = 3;
const NEXT = 4;
const FINISHED = 5;
const ERR = 6;
const READY = 16;
const ARGS_AT = 256;
/** Helpers at most (READY slots before ARGS_AT). */
const MAX_HELPERS = (ARGS_AT / 4 - READY) | 0;
const INDEX_BITS = 9; // > log2(MAX_SHARES): claiming the last share never carries into the call bits
const CALL_MASK = 0x3fffff;
/** How long a call may take before a helper is declared lost (a kernel takes milliseconds). */
const TIMEOUT_MS = 600_000;
/**
 * How long a helper keeps polling for the next call after its last one before it sleeps, and how
 * long the calling thread polls for the shares to finish before it sleeps. Waking a sleeping thread
 * (futex) costs ~50 µs here, as much as an element-wise kernel over 256K floats; a training step
 * makes its calls microseconds to a few milliseconds apart, so polling keeps the hand-over under
 * a microsecond while costing an idle pool nothing once training stops.
 */
const SPIN_MS = 10;


const HELPER = `
const { workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const { module, memory, control, names, spinMs, slot } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
const fns = names.map((n) => instance.exports[n]);
const c = new Int32Array(control);
const a = new Float64Array(control, ${ARGS_AT});
Atomics.store(c, ${READY} + slot, 1);
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
  const call = seen;
  for (;;) {
    const v = Atomics.load(c, ${NEXT});
    if (v >>> ${INDEX_BITS} !== call) break;
    const i = v & ${(1 << INDEX_BITS) - 1};
    if (i >= Atomics.load(c, ${NSHARES})) break;
    if (Atomics.compareExchange(c, ${NEXT}, v, v + 1) !== v) continue;
    const at = i * ${MAX_ARGS};
    try {
      fns[Atomics.load(c, ${FN})](...a.subarray(at, at + Atomics.load(c, ${NARGS})));
    } catch (err) {
      Atomics.store(c, ${ERR}, 1);
    }
    Atomics.add(c, ${FINISHED}, 1);
    Atomics.notify(c, ${FINISHED});
  }
  spinUntil = performance.now() + spinMs;
}
`;

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
  const helpers = Math.max(0, Math.min(threads - 1, MAX_HELPERS));
  const control = new SharedArrayBuffer(ARGS_AT + 8 * MAX_ARGS * MAX_SHARES);
  const c = new Int32Array(control);
  const a = new Float64Array(control, ARGS_AT);
  const workers: Worker[] = [];
  for (let t = 0; t < helpers; t++) {
    const worker = new Worker(HELPER, { eval: true, workerData: { module, memory, control, names: [...names], spinMs: SPIN_MS, slot: t } });
    worker.unref();
    worker.on('error', (err) => process.stderr.write(`SIMD pool helper failed: ${err.message}\n`));
    workers.push(worker);
  }
  let seq = 0;
  let closed = false;
  const ready = () => {
    let n = 0;
    for (let t = 0; t < helpers; t++) if (Atomics.load(c, READY + t) === 1) n++;
    return n;
  };
  return {
    threads: helpers + 1,
    run(name, shares) {
      const fi = index.get(name);
      const fn = local[name];
      if (fi === undefined || typeof fn !== 'function') throw new Error(`SIMD pool: no function ${name}`);
      if (closed) throw new Error('SIMD pool: closed');
      if (shares.length > MAX_SHARES) throw new Error(`SIMD pool: ${shares.length} shares for ${name} (at most ${MAX_SHARES})`);
      const nargs = shares[0]?.length ?? 0;
      for (const s of shares) {
        if (s.length > MAX_ARGS) throw new Error(`SIMD pool: ${name} with ${s.length} arguments (at most ${MAX_ARGS})`);
        if (s.length !== nargs) throw new Error(`SIMD pool: the shares of ${name} differ in their argument count`);
      }
      if (shares.length === 0) return;
      const call = fn as (...args: number[]) => void;
      if (shares.length === 1 || ready() === 0) {
        // Nothing to share (or no helper has started yet): this thread does it all.
        for (const s of shares) call(...s);
        return;
      }
      // Publish: arguments, the call and the counters, then the claim word, then the sequence number.
      shares.forEach((sh, i) => a.set(sh, i * MAX_ARGS));
      Atomics.store(c, FN, fi);
      Atomics.store(c, NARGS, nargs);
      Atomics.store(c, ERR, 0);
      Atomics.store(c, NSHARES, shares.length);
      Atomics.store(c, FINISHED, 0);
      seq = seq >= CALL_MASK ? 1 : seq + 1; // positive, and distinct from the last call's
      const callBits = seq << INDEX_BITS;
      Atomics.store(c, NEXT, callBits);
      Atomics.store(c, SEQ, seq);
      Atomics.notify(c, SEQ);
      let error: unknown;
      for (;;) {
        const v = Atomics.load(c, NEXT);
        const i = v - callBits;
        if (i >= shares.length) break;
        if (Atomics.compareExchange(c, NEXT, v, v + 1) !== v) continue;
        try {
          call(...(shares[i] as readonly number[]));
        } catch (err) {
          error ??= err;
        }
        Atomics.add(c, FINISHED, 1);
      }
      // Always wait for the shares the helpers claimed, even when one here failed: they write the same memory.
      const total = shares.length;
      if (Atomics.load(c, FINISHED) < total) {
        const spinUntil = performance.now() + SPIN_MS;
        while (Atomics.load(c, FINISHED) < total && performance.now() < spinUntil) for (let k = 0; k < 256 && Atomics.load(c, FINISHED) < total; k++);
      }
      const t0 = Date.now();
      for (let f = Atomics.load(c, FINISHED); f < total; f = Atomics.load(c, FINISHED)) {
        if (Date.now() - t0 > TIMEOUT_MS) throw new Error(`SIMD pool: a helper thread did not finish ${name} in ${TIMEOUT_MS / 1000} s`);
        Atomics.wait(c, FINISHED, f, 1000);
      }
      if (error === undefined && Atomics.load(c, ERR) !== 0) error = new Error(`SIMD pool: ${name} failed in a helper thread`);
      if (error !== undefined) throw error instanceof Error ? error : new Error(String(error));
    },
    ready,
    close() {
      if (closed) return;
      closed = true;
      Atomics.store(c, SEQ, -1);
      Atomics.notify(c, SEQ);
      for (const w of workers) void w.terminate();
    },
  };
}
