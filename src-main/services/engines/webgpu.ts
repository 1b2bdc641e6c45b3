import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * WebGPU in Node through Dawn (the `webgpu` package's dawn.node, a Node-API addon that also loads
 * in Electron). tfjs-backend-webgpu looks for `navigator.gpu` and the WebGPU globals
 * (GPUBufferUsage, …), so they are installed on globalThis before that backend is imported.
 */

export interface AdapterFacts {
  /** e.g. "NVIDIA H100 80GB HBM3" or "SwiftShader driver 5.0.0". */
  readonly description: string;
  readonly vendor: string;
  readonly architecture: string;
  /** A CPU implementation (SwiftShader, llvmpipe, WARP): correct but ~0.4 GFLOPS. */
  readonly software: boolean;
}

export type AdapterResult = { ok: true; adapter: AdapterFacts } | { ok: false; reason: string; fix: string };

interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<AdapterLike | null>;
}
interface AdapterLike {
  readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  readonly isFallbackAdapter?: boolean;
}

let installed: Promise<GpuLike> | undefined;

/** Loads dawn.node and installs navigator.gpu and the WebGPU globals (once per thread). */
export function installDawn(): Promise<GpuLike> {
  installed ??= (async () => {
    const mod = (await import('webgpu')) as unknown as { create: (options: string[]) => GpuLike; globals: object };
    const gpu = mod.create([]);
    const g = globalThis as Record<string, unknown>;
    const nav = g.navigator;
    if (nav !== null && typeof nav === 'object') {
      // Node 21+ and Electron define navigator already; add gpu to it (or shadow it if frozen).
      try {
        Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, writable: true });
      } catch {
        Object.defineProperty(globalThis, 'navigator', { value: Object.assign(Object.create(nav) as object, { gpu }), configurable: true, writable: true });
      }
      if ((g.navigator as { gpu?: unknown }).gpu !== gpu) {
        Object.defineProperty(globalThis, 'navigator', { value: Object.assign(Object.create(nav) as object, { gpu }), configurable: true, writable: true });
      }
    } else {
      Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    }
    for (const [k, v] of Object.entries(mod.globals)) {
      if (!(k in globalThis)) g[k] = v;
    }
    return gpu;
  })();
  return installed;
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|software|microsoft basic render|warp/i;

/** Whether an adapter is a CPU implementation. */
export function isSoftwareAdapter(info: { description?: string; vendor?: string; architecture?: string; device?: string; isFallbackAdapter?: boolean }): boolean {
  if (info.isFallbackAdapter === true) return true;
  return SOFTWARE.test([info.description, info.vendor, info.architecture, info.device].filter(Boolean).join(' '));
}

const LIB_DIRS = ['/lib', '/usr/lib', '/lib64', '/usr/lib64', '/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib/aarch64-linux-gnu', '/usr/lib/aarch64-linux-gnu'];

/**
 * Where the Vulkan loader (libvulkan.so.1) would be found by dlopen on Linux: LD_LIBRARY_PATH
 * (read when the process started), the ld.so cache, the usual directories. null if nowhere.
 */
export function findVulkanLoader(env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.LD_LIBRARY_PATH ?? '').split(delimiter).filter(Boolean)) {
    if (existsSync(join(dir, 'libvulkan.so.1'))) return join(dir, 'libvulkan.so.1');
  }
  try {
    if (readFileSync('/etc/ld.so.cache').includes('libvulkan.so.1')) return 'libvulkan.so.1 (ld.so cache)';
  } catch {
    // no cache: fall through to the directories
  }
  for (const dir of LIB_DIRS) if (existsSync(join(dir, 'libvulkan.so.1'))) return join(dir, 'libvulkan.so.1');
  return null;
}

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

function noAdapterFix(): string {
  const base = 'install the GPU vendor’s driver with Vulkan (Linux), Metal (macOS) or D3D12 (Windows) support';
  if (process.platform === 'linux' && existsSync(SWIFTSHADER_ICD)) {
    return `${base}; for correctness tests only, Chromium's software Vulkan works: VK_DRIVER_FILES=${SWIFTSHADER_ICD} LD_LIBRARY_PATH=/usr/lib/chromium`;
  }
  return base;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    t.unref?.();
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** Asks Dawn for a high-performance adapter, with a timeout; never throws. */
export async function requestAdapter(timeoutMs = 5000): Promise<AdapterResult> {
  if (process.platform === 'linux') {
    const loader = findVulkanLoader();
    if (loader === null) {
      return {
        ok: false,
        reason: 'no Vulkan loader (libvulkan.so.1) in the library path, so Dawn has no GPU API to use',
        fix: `${noAdapterFix()}; the loader is Debian's libvulkan1 package`,
      };
    }
  }
  let gpu: GpuLike;
  try {
    gpu = await installDawn();
  } catch (err) {
    return {
      ok: false,
      reason: `Dawn (the \`webgpu\` package's dawn.node) failed to load: ${err instanceof Error ? err.message : String(err)}`,
      fix: 'reinstall dependencies (`npm ci`); dawn.node ships prebuilt for linux-x64/arm64, darwin and win32-x64/arm64',
    };
  }
  let adapter: AdapterLike | null;
  try {
    adapter = await withTimeout(gpu.requestAdapter({ powerPreference: 'high-performance' }), timeoutMs, 'the WebGPU adapter request');
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err), fix: noAdapterFix() };
  }
  if (adapter === null) {
    return { ok: false, reason: 'no adapter — Dawn found no Vulkan/Metal/D3D12 GPU driver', fix: noAdapterFix() };
  }
  const info = adapter.info ?? {};
  const description = info.description || info.device || info.architecture || info.vendor || 'unnamed adapter';
  return {
    ok: true,
    adapter: {
      description,
      vendor: info.vendor ?? '',
      architecture: info.architecture ?? '',
      software: isSoftwareAdapter({ ...info, isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter }),
    },
  };
}
