import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs';
import type { DataId, DataType, KernelConfig, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

/** A backend instance as tfjs hands it to a kernel function (typed `{}` there). */
export type KernelBackendArg = object;

/**
 * Plumbing shared by the project's kernels: reading and allocating float32 data on the two
 * backends whose memory JavaScript can touch synchronously (the plain-JS `cpu` backend and the
 * `wasm` backend, whose tensors live in the WebAssembly heap), calling a backend's own kernels
 * from inside ours, and registering a kernel while remembering the one it replaces.
 */

export type JsBackendName = 'cpu' | 'wasm';

/** The part of tfjs-backend-wasm's BackendWasm our kernels use. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): ArrayLike<number> & { buffer: ArrayBufferLike };
  disposeData(dataId: DataId, force?: boolean): boolean;
}

/** The part of tfjs-backend-cpu's MathBackendCPU our kernels use. */
interface CpuBackendLike {
  readSync(dataId: DataId): unknown;
  makeTensorInfo(shape: number[], dtype: DataType, values?: Float32Array): TensorInfo;
  disposeData(dataId: DataId, force?: boolean): boolean;
}

function isWasmBackend(b: KernelBackendArg): b is WasmBackendLike {
  const r = b as unknown as Record<string, unknown>;
  return typeof r.makeOutput === 'function' && typeof r.typedArrayFromHeap === 'function';
}

function isCpuBackend(b: KernelBackendArg): b is CpuBackendLike {
  const r = b as unknown as Record<string, unknown>;
  return typeof r.makeTensorInfo === 'function' && typeof r.readSync === 'function';
}

function asFloat32(values: unknown, what: string): Float32Array {
  if (values instanceof Float32Array) return values;
  if (ArrayBuffer.isView(values) && !(values instanceof DataView)) return Float32Array.from(values as unknown as ArrayLike<number>);
  throw new Error(`${what}: expected numeric tensor data`);
}

/**
 * A kernel written in JavaScript: given its inputs' shapes and attributes it says the output
 * shape, then fills the (zeroed) output from the inputs' float32 data.
 */
export interface JsKernelPlan {
  readonly shape: number[];
  run(out: Float32Array, read: (t: TensorInfo) => Float32Array): void;
}

export type JsKernelPlanner = (inputs: NamedTensorInfoMap, attrs: NamedAttrMap, backend?: KernelBackendArg) => JsKernelPlan;

/** Runs a JS kernel plan on a cpu or wasm backend instance. */
export function runJsKernel(kernelName: string, backend: KernelBackendArg, plan: JsKernelPlan): TensorInfo {
  if (isWasmBackend(backend)) {
    // Allocate first: allocation may grow the heap, which detaches earlier views of it.
    const out = backend.makeOutput(plan.shape, 'float32');
    const outView = asFloat32(backend.typedArrayFromHeap(out), kernelName);
    outView.fill(0);
    plan.run(outView, (t) => {
      if (t.dtype !== 'float32') throw new Error(`${kernelName}: expected float32 input, got ${t.dtype}`);
      return asFloat32(backend.typedArrayFromHeap(t), kernelName);
    });
    return out;
  }
  if (isCpuBackend(backend)) {
    const size = plan.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    plan.run(values, (t) => asFloat32(backend.readSync(t.dataId), kernelName));
    return backend.makeTensorInfo(plan.shape, 'float32', values);
  }
  throw new Error(`${kernelName}: this kernel runs only on the cpu and wasm backends`);
}

/**
 * A JS kernel with several float32 outputs on a cpu or wasm backend instance: `run` gets every
 * output's data (all allocated before any view is taken) and must write all of it, and reads its
 * inputs' float32 data through `read`.
 */
export function runJsKernelOutputs(
  kernelName: string,
  backend: KernelBackendArg,
  shapes: readonly number[][],
  run: (outs: Float32Array[], read: (t: TensorInfo) => Float32Array) => void,
): TensorInfo[] {
  const float32 = (t: TensorInfo): void => {
    if (t.dtype !== 'float32') throw new Error(`${kernelName}: expected float32 input, got ${t.dtype}`);
  };
  if (isWasmBackend(backend)) {
    const infos = shapes.map((s) => backend.makeOutput([...s], 'float32'));
    const views = infos.map((t) => asFloat32(backend.typedArrayFromHeap(t), kernelName));
    run(views, (t) => (float32(t), asFloat32(backend.typedArrayFromHeap(t), kernelName)));
    return infos;
  }
  if (isCpuBackend(backend)) {
    const values = shapes.map((s) => new Float32Array(s.reduce((a, b) => a * b, 1)));
    run(values, (t) => (float32(t), asFloat32(backend.readSync(t.dataId), kernelName)));
    return values.map((v, i) => backend.makeTensorInfo([...(shapes[i] as number[])], 'float32', v));
  }
  throw new Error(`${kernelName}: this kernel runs only on the cpu and wasm backends`);
}

/** A copy of a float32 tensor's data on a cpu or wasm backend instance (for small per-channel vectors). */
export function readFloat32(backend: KernelBackendArg, t: TensorInfo, what: string): Float32Array {
  if (t.dtype !== 'float32') throw new Error(`${what}: expected float32, got ${t.dtype}`);
  if (isWasmBackend(backend)) return Float32Array.from(asFloat32(backend.typedArrayFromHeap(t), what));
  if (isCpuBackend(backend)) return Float32Array.from(asFloat32(backend.readSync(t.dataId), what));
  throw new Error(`${what}: runs only on the cpu and wasm backends`);
}

/** Calls another kernel of the same backend directly (inside our kernel, outside the tape). */
export function callKernel(
  kernelName: string,
  backendName: string,
  backend: KernelBackendArg,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap,
): TensorInfo {
  const k = getKernel(kernelName, backendName);
  if (k === undefined) throw new Error(`kernel '${kernelName}' is not registered for backend '${backendName}'`);
  const out = k.kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) {
    const first = out[0];
    if (first === undefined) throw new Error(`kernel '${kernelName}' returned nothing`);
    return first;
  }
  return out;
}

/** Frees intermediate tensors that our kernel created through a backend. */
export function disposeIntermediate(backend: KernelBackendArg, ...infos: TensorInfo[]): void {
  const b = backend as { disposeData?: (dataId: DataId) => boolean };
  if (typeof b.disposeData !== 'function') throw new Error('backend cannot dispose data');
  for (const t of infos) b.disposeData(t.dataId);
}

const originals = new Map<string, KernelConfig | null>();

/**
 * Registers `config`, replacing (and remembering) whatever tfjs registered for the same kernel
 * and backend. Idempotent: registering the same kernel twice keeps the first original.
 */
export function replaceKernel(config: KernelConfig): void {
  const key = `${config.backendName}/${config.kernelName}`;
  const existing = getKernel(config.kernelName, config.backendName);
  if (!originals.has(key)) originals.set(key, existing ?? null);
  if (existing !== undefined) unregisterKernel(config.kernelName, config.backendName);
  // tfjs runs a kernel's setupFunc when its backend initializes, and only for kernels registered
  // then: keep the shipped kernel's setup (e.g. wasm's cwrap of its C function) so that it is
  // ready when restored, or when our kernel delegates to it.
  const orig = originals.get(key) ?? undefined;
  const merged: KernelConfig = { ...config };
  if (merged.setupFunc === undefined && orig?.setupFunc !== undefined) merged.setupFunc = orig.setupFunc;
  if (merged.disposeFunc === undefined && orig?.disposeFunc !== undefined) merged.disposeFunc = orig.disposeFunc;
  registerKernel(merged);
}

/** The kernel tfjs itself shipped for this backend (before the project replaced it), if any. */
export function originalKernel(kernelName: string, backendName: string): KernelConfig | undefined {
  const key = `${backendName}/${kernelName}`;
  if (originals.has(key)) return originals.get(key) ?? undefined;
  return getKernel(kernelName, backendName);
}

/** Puts tfjs's own kernel back (tests and benchmarks compare against it). */
export function restoreKernel(kernelName: string, backendName: string): void {
  const key = `${backendName}/${kernelName}`;
  if (!originals.has(key)) return;
  const orig = originals.get(key) ?? null;
  if (getKernel(kernelName, backendName) !== undefined) unregisterKernel(kernelName, backendName);
  if (orig !== null) registerKernel(orig);
  originals.delete(key);
}

/** Registers a JS kernel for a cpu/wasm backend. */
export function registerJsKernel(kernelName: string, backendName: JsBackendName, planner: JsKernelPlanner): void {
  replaceKernel({
    kernelName,
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => runJsKernel(kernelName, backend, planner(inputs, attrs ?? {}, backend)),
  });
}

/** Normalizes a `number | [number, number]` attribute. */
export function pair(v: number | [number, number] | number[]): [number, number] {
  if (typeof v === 'number') return [v, v];
  const a = v[0];
  const b = v[1] ?? a;
  if (a === undefined || b === undefined) throw new Error('expected one or two numbers');
  return [a, b];
}

/** A 4-d shape, or a clear error. */
export function shape4(t: TensorInfo | number[], what: string): [number, number, number, number] {
  const s = Array.isArray(t) ? t : t.shape;
  const [a, b, c, d] = s;
  if (s.length !== 4 || a === undefined || b === undefined || c === undefined || d === undefined) {
    throw new Error(`${what}: expected a 4-d tensor, got shape [${s.join(', ')}]`);
  }
  return [a, b, c, d];
}

/** Throws `<kernel>: <name> [..] must match <refName> [..]` unless `t` has `ref`'s shape. */
export function expectShapeOf(t: TensorInfo, ref: TensorInfo, kernelName: string, name: string, refName: string): void {
  if (t.shape.length !== ref.shape.length || t.shape.some((d, i) => d !== ref.shape[i])) {
    throw new Error(`${kernelName}: ${name} [${t.shape.join(', ')}] must match ${refName} [${ref.shape.join(', ')}]`);
  }
}

/** A convolution gradient's dy, checked against the [N, OH, OW, Cout] its forward pass produces (`context` ends the message: "for x [..]"). */
export function expectConvDy(dy: TensorInfo, expected: readonly number[], kernelName: string, context: string): void {
  const ds = shape4(dy, `${kernelName} dy`);
  if (ds.some((d, i) => d !== expected[i])) throw new Error(`${kernelName}: dy is [${ds.join(', ')}], expected [${expected.join(', ')}] ${context}`);
}

/** The named input, or a clear error. */
export function input(inputs: NamedTensorInfoMap, name: string, kernelName: string): TensorInfo {
  const t = inputs[name];
  if (t === undefined) throw new Error(`${kernelName}: missing input '${name}'`);
  return t;
}

/** The typed arrays a backend's numeric tensors live in (float32, int32, bool). */
export type NumericArray = Float32Array | Int32Array | Uint8Array;

function asNumeric(values: unknown, what: string): NumericArray {
  if (values instanceof Float32Array || values instanceof Int32Array || values instanceof Uint8Array) return values;
  throw new Error(`${what}: expected numeric tensor data`);
}

/** True for tfjs's wasm backend instance (our JS kernels can touch its heap directly). */
export function isWasm(backend: KernelBackendArg): boolean {
  return isWasmBackend(backend);
}

/**
 * Runs a JS kernel that writes every element of a fresh output of any numeric dtype on the wasm
 * backend (no zero fill: `run` must write all of it). Returns null on other backends.
 */
export function runWasmHeapKernel(
  kernelName: string,
  backend: KernelBackendArg,
  shape: number[],
  dtype: DataType,
  run: (out: NumericArray, read: (t: TensorInfo) => NumericArray) => void,
): TensorInfo | null {
  if (!isWasmBackend(backend)) return null;
  const out = backend.makeOutput(shape, dtype);
  const outView = asNumeric(backend.typedArrayFromHeap(out), kernelName);
  run(outView, (t) => asNumeric(backend.typedArrayFromHeap(t), kernelName));
  return out;
}

/**
 * Like runWasmHeapKernel for a kernel with several outputs (all allocated before any view is
 * taken, since allocation may grow the heap). Returns null on other backends.
 */
export function runWasmHeapKernelOutputs(
  kernelName: string,
  backend: KernelBackendArg,
  outputs: readonly { shape: number[]; dtype: DataType }[],
  run: (outs: NumericArray[], read: (t: TensorInfo) => NumericArray) => void,
): TensorInfo[] | null {
  if (!isWasmBackend(backend)) return null;
  const infos = outputs.map((o) => backend.makeOutput(o.shape, o.dtype));
  const views = infos.map((t) => asNumeric(backend.typedArrayFromHeap(t), kernelName));
  run(views, (t) => asNumeric(backend.typedArrayFromHeap(t), kernelName));
  return infos;
}

/** Calls the kernel tfjs shipped for this backend (the one the project replaced), e.g. for cases a fast path does not cover. */
export function callOriginal(kernelName: string, backendName: string, args: Parameters<KernelConfig['kernelFunc']>[0]): TensorInfo | TensorInfo[] {
  const k = originalKernel(kernelName, backendName);
  if (k === undefined) throw new Error(`kernel '${kernelName}' has no shipped version for backend '${backendName}'`);
  return k.kernelFunc(args);
}

/**
 * A 4-byte tensor's data as an Int32Array over the same memory: data movement (transpose, tile)
 * copies float32 and int32 bit-exactly through one monomorphic array type.
 */
export function bits32(a: NumericArray): Int32Array {
  if (a instanceof Int32Array) return a;
  if (a instanceof Uint8Array) throw new Error('expected 4-byte elements');
  return new Int32Array(a.buffer, a.byteOffset, a.length);
}
