import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findVulkanLoader, isSoftwareAdapter, requestAdapter } from './webgpu.js';

const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const here = dirname(fileURLToPath(import.meta.url));

interface ChildReport {
  adapter: { description: string; vendor: string; architecture: string; device: string; isFallbackAdapter?: boolean } | null;
  webgpu?: number[];
  cpu?: number[];
  webgpuMs?: number;
}

describe('WebGPU engine (Dawn) correctness on SwiftShader', () => {
  // CI installs Debian's chromium, which ships SwiftShader's Vulkan ICD: there this must run.
  it.skipIf(!existsSync(ICD))(
    `trains a conv net with a skip connection to the same losses as the cpu backend${existsSync(ICD) ? '' : ` (skipped: ${ICD} is absent — install Debian's chromium)`}`,
    () => {
      const r = spawnSync(process.execPath, [join(here, 'webgpu-check.mjs')], {
        // LD_LIBRARY_PATH supplies libvulkan.so.1 and must be set before the process starts.
        env: { ...process.env, VK_DRIVER_FILES: ICD, LD_LIBRARY_PATH: '/usr/lib/chromium', SKIPWIRE_WEBGPU_STEPS: '4' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.status, r.stderr).toBe(0);
      const line = r.stdout.trim().split('\n').pop() ?? '';
      const report = JSON.parse(line) as ChildReport;
      expect(report.adapter, 'Dawn found no adapter on SwiftShader').not.toBeNull();
      const adapter = report.adapter as NonNullable<ChildReport['adapter']>;
      expect(adapter.description).toMatch(/SwiftShader/);
      expect(isSoftwareAdapter(adapter)).toBe(true);
      const gpu = report.webgpu as number[];
      const cpu = report.cpu as number[];
      expect(gpu).toHaveLength(4);
      expect(cpu).toHaveLength(4);
      gpu.forEach((l, i) => {
        expect(Number.isFinite(l)).toBe(true);
        expect(Math.abs(l - (cpu[i] as number)) / Math.abs(cpu[i] as number), `step ${i}: webgpu ${l} vs cpu ${cpu[i]}`).toBeLessThanOrEqual(1e-3);
      });
      // It trained: the loss moved down on both.
      expect(gpu[3] as number).toBeLessThan(gpu[0] as number);
    },
    90_000,
  );
});

describe('adapter classification and the no-adapter path', () => {
  it('labels CPU implementations as software', () => {
    expect(isSoftwareAdapter({ description: 'SwiftShader driver 5.0.0', vendor: 'google' })).toBe(true);
    expect(isSoftwareAdapter({ description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe(true);
    expect(isSoftwareAdapter({ description: 'Microsoft Basic Render Driver' })).toBe(true);
    expect(isSoftwareAdapter({ description: 'whatever', isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareAdapter({ description: 'NVIDIA H100 80GB HBM3', vendor: 'nvidia' })).toBe(false);
    expect(isSoftwareAdapter({ description: 'AMD Radeon RX 7900 XTX (RADV NAVI31)', vendor: 'amd' })).toBe(false);
  });

  it('finds the Vulkan loader through LD_LIBRARY_PATH', () => {
    if (existsSync('/usr/lib/chromium/libvulkan.so.1')) {
      expect(findVulkanLoader({ LD_LIBRARY_PATH: '/nowhere:/usr/lib/chromium' })).toBe('/usr/lib/chromium/libvulkan.so.1');
    }
    const none = findVulkanLoader({ LD_LIBRARY_PATH: '/nowhere' });
    expect(none === null || none.includes('libvulkan.so.1')).toBe(true);
  });

  it('in this process either finds an adapter or says why not and the fix, within the timeout', async () => {
    const t0 = performance.now();
    const r = await requestAdapter(5000);
    expect(performance.now() - t0).toBeLessThan(6000);
    if (r.ok) {
      expect(r.adapter.description.length).toBeGreaterThan(0);
    } else {
      expect(r.reason).toMatch(/Vulkan|adapter|Dawn/);
      expect(r.fix).toMatch(/driver/);
    }
  });
});
