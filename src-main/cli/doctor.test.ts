import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DoctorReport, formatDoctor } from './doctor.js';
import type { Io } from './output.js';
import { run } from './program.js';

function capture(): Io & { outs: string[]; errs: string[] } {
  const outs: string[] = [];
  const errs: string[] = [];
  return { outs, errs, out: (l) => outs.push(l), err: (l) => errs.push(l) };
}

const saved = process.env.SKIPWIRE_DATA_DIR;
beforeEach(() => {
  process.env.SKIPWIRE_DATA_DIR = mkdtempSync(join(tmpdir(), 'sw-doctor-'));
});
afterEach(() => {
  if (saved === undefined) delete process.env.SKIPWIRE_DATA_DIR;
  else process.env.SKIPWIRE_DATA_DIR = saved;
});

describe('skipwire doctor', () => {
  it('--json prints one object: every engine with why-not and fix, what auto picks, and the datasets; exit 0', async () => {
    const io = capture();
    expect(await run(['doctor', '--json'], io)).toBe(0);
    expect(io.errs).toEqual([]);
    expect(io.outs).toHaveLength(1);
    const r = DoctorReport.parse(JSON.parse(io.outs[0] ?? ''));
    expect(r.engines.engines.map((e) => e.id)).toEqual(['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu']);
    for (const e of r.engines.engines) if (!e.available) expect(e.fix, e.id).toBeTruthy();
    expect(r.engines.engines.find((e) => e.id === 'wasm')?.available).toBe(true);
    expect(r.engines.auto).not.toBe('cpu');
    expect(r.datasets.map((d) => d.id)).toEqual(['fashion-mnist', 'cifar10', 'synthetic', 'synthetic-segmentation']);
  });

  it('prints one line per engine (and a fix line for each missing one), what auto picks, and the datasets', async () => {
    const io = capture();
    expect(await run(['doctor'], io)).toBe(0);
    const text = io.outs.join('\n');
    for (const id of ['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu']) expect(text).toMatch(new RegExp(`^  (yes |no  |slow) ${id} `, 'm'));
    expect(text).toMatch(/^auto trains on: /m);
    expect(text).toMatch(/^ {2}(yes|no ) fashion-mnist /m);
    expect(text).toMatch(/^ {2}yes synthetic /m);
  });

  it('formats a software WebGPU adapter as slow, with its fix', () => {
    const lines = formatDoctor({
      engines: {
        engines: [
          { id: 'webgpu', label: 'WebGPU (Dawn)', available: true, software: true, detail: 'adapter "SwiftShader driver 5.0.0" is software', fix: 'a real GPU driver', tookMs: 3 },
          { id: 'wasm', label: 'WebAssembly', available: true, detail: 'SIMD', tookMs: 1 },
          { id: 'tfjs-node', label: 'TensorFlow native, CPU', available: false, detail: 'not installed', fix: 'npm i @tensorflow/tfjs-node', tookMs: 0 },
        ],
        auto: 'wasm',
        autoReason: 'passed over webgpu: software adapter, slower than wasm',
        probedAt: new Date(0).toISOString(),
      },
      datasets: [],
    });
    expect(lines).toContain('  slow webgpu     WebGPU (Dawn): adapter "SwiftShader driver 5.0.0" is software');
    expect(lines).toContain('                  fix: a real GPU driver');
    expect(lines).toContain('  no   tfjs-node  TensorFlow native, CPU: not installed');
    expect(lines.filter((l) => l.includes('fix:'))).toHaveLength(2);
  });

  it('refuses unknown options with one line and exit 2', async () => {
    const io = capture();
    expect(await run(['doctor', '--frobnicate'], io)).toBe(2);
    expect(io.errs).toHaveLength(1);
  });
});
