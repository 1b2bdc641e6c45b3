import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseAuto, ENGINE_ORDER, probeEngine, probeEngines } from './probe.js';
import type { EngineId, EngineProbe } from './probe.js';

/** A node_modules tree holding a fake @tensorflow/tfjs-node(-gpu) whose main file is `main`. */
function fakePackage(name: 'tfjs-node' | 'tfjs-node-gpu', main: string, version = '4.22.0'): string {
  const root = mkdtempSync(join(tmpdir(), 'sw-probe-'));
  const dir = join(root, 'node_modules', '@tensorflow', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `@tensorflow/${name}`, version, main: 'index.js' }));
  writeFileSync(join(dir, 'index.js'), main);
  return root;
}

/** What a working tfjs-node exposes to the probe (the backend reports whether TensorFlow uses a GPU). */
const working = (gpu: boolean) =>
  `module.exports = { getBackend: () => 'tensorflow', backend: () => ({ isUsingGpuDevice: ${gpu} }), scalar: (v) => v, add: (a, b) => ({ dataSync: () => [a + b] }) };`;

describe('probeEngines', () => {
  it('reports every engine in order, never throws, and explains each one that is missing', async () => {
    const r = await probeEngines({ timeoutMs: 5000 });
    expect(r.engines.map((e) => e.id)).toEqual([...ENGINE_ORDER]);
    for (const e of r.engines) {
      expect(e.detail.length, e.id).toBeGreaterThan(10);
      if (!e.available) expect(e.fix, `${e.id} says how to fix it`).toMatch(/\S/);
    }
    const wasm = r.engines.find((e) => e.id === 'wasm') as EngineProbe;
    expect(wasm.available).toBe(true);
    expect(wasm.detail).toMatch(/SIMD/);
    expect(wasm.detail).toMatch(/\d+ threads? \(/);
    expect(r.engines.find((e) => e.id === 'cpu')?.available).toBe(true);
    expect(r.auto).not.toBe('cpu');
    expect(Date.parse(r.probedAt)).not.toBeNaN();
  });

  it('tfjs-node and tfjs-node-gpu, absent here, say so with the install command and what it needs', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'sw-probe-empty-'));
    const gpu = await probeEngine('tfjs-node-gpu', { resolveFrom: empty });
    expect(gpu.available).toBe(false);
    expect(gpu.detail).toMatch(/not installed/);
    expect(gpu.fix).toMatch(/npm i @tensorflow\/tfjs-node-gpu@4\.22\.0.*CUDA 11\.2 \+ cuDNN 8\.1/);
    const cpu = await probeEngine('tfjs-node', { resolveFrom: empty });
    expect(cpu.available).toBe(false);
    expect(cpu.fix).toMatch(/npm i @tensorflow\/tfjs-node@4\.22\.0/);
  });

  it('an installed tfjs-node whose native addon fails to load is reported with the loader’s reason (probed in a child)', async () => {
    const root = fakePackage('tfjs-node', `throw new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory');`);
    const p = await probeEngine('tfjs-node', { resolveFrom: root });
    expect(p.available).toBe(false);
    expect(p.detail).toMatch(/does not load: .*libtensorflow\.so\.2: cannot open shared object file/);
    expect(p.fix).toMatch(/npm rebuild @tensorflow\/tfjs-node/);
  });

  it('a native addon that crashes its process does not take ours down', async () => {
    const root = fakePackage('tfjs-node', `process.abort();`);
    const p = await probeEngine('tfjs-node', { resolveFrom: root });
    expect(p.available).toBe(false);
    expect(p.detail).toMatch(/does not load/);
  });

  it('a hanging load is cut off by the timeout', async () => {
    const root = fakePackage('tfjs-node', `for (;;) {}`);
    const t0 = performance.now();
    const p = await probeEngine('tfjs-node', { resolveFrom: root, timeoutMs: 1500 });
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(p.available).toBe(false);
    expect(p.detail).toMatch(/did not finish within 1500 ms/);
  });

  it('a version other than the app’s tfjs is refused', async () => {
    const root = fakePackage('tfjs-node', working(false), '4.10.0');
    const p = await probeEngine('tfjs-node', { resolveFrom: root });
    expect(p.available).toBe(false);
    expect(p.detail).toMatch(/4\.10\.0 is installed, but this app uses tfjs 4\.22\.0/);
  });

  it('tfjs-node-gpu that loads but finds no CUDA GPU is not available (it would silently use the CPU)', async () => {
    const root = fakePackage('tfjs-node-gpu', working(false));
    const p = await probeEngine('tfjs-node-gpu', { resolveFrom: root });
    expect(p.available).toBe(false);
    expect(p.detail).toMatch(/no CUDA GPU/);
    expect(p.fix).toMatch(/CUDA 11\.2 and cuDNN 8\.1/);
  });

  it('a working tfjs-node-gpu on a GPU is available, and auto prefers it', async () => {
    const root = fakePackage('tfjs-node-gpu', working(true));
    const p = await probeEngine('tfjs-node-gpu', { resolveFrom: root });
    expect(p.available).toBe(true);
    expect(p.detail).toMatch(/CUDA GPU/);
    expect(chooseAuto([p, { id: 'wasm', label: 'wasm', available: true, detail: 'x', tookMs: 0 }]).engine).toBe('tfjs-node-gpu');
  });
});

describe('chooseAuto', () => {
  const e = (id: EngineId, available: boolean, extra: Partial<EngineProbe> = {}): EngineProbe => ({
    id,
    label: id,
    available,
    detail: available ? 'ok' : 'not installed — because',
    tookMs: 0,
    ...extra,
  });

  it('takes the first available engine in the order', () => {
    expect(chooseAuto([e('tfjs-node-gpu', false), e('webgpu', true), e('tfjs-node', true), e('wasm', true), e('cpu', true)]).engine).toBe('webgpu');
    expect(chooseAuto([e('tfjs-node-gpu', false), e('webgpu', false), e('tfjs-node', true), e('wasm', true), e('cpu', true)]).engine).toBe('tfjs-node');
  });

  it('never prefers a software WebGPU adapter over wasm, and says why', () => {
    const pick = chooseAuto([e('tfjs-node-gpu', false), e('webgpu', true, { software: true }), e('tfjs-node', false), e('wasm', true), e('cpu', true)]);
    expect(pick.engine).toBe('wasm');
    expect(pick.reason).toMatch(/webgpu: software adapter, slower than wasm/);
    expect(pick.reason).toMatch(/tfjs-node-gpu: not installed/);
  });

  it('falls back to cpu only when nothing else is available, naming why each was passed over', () => {
    const pick = chooseAuto([e('tfjs-node-gpu', false), e('webgpu', true, { software: true }), e('tfjs-node', false), e('wasm', false), e('cpu', true)]);
    expect(pick.engine).toBe('cpu');
    expect(pick.reason).toMatch(/wasm: not installed/);
  });
});
