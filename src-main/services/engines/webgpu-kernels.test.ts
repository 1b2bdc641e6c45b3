import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleScript } from '../trainer/bundle-worker.js';

const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

interface Report {
  error?: string;
  registered: string[];
  cases: { case: unknown; vsCpu: number; shippedVsCpu: number }[];
  ms: { mine: number; shipped: number };
}

describe("the project's WebGPU kernels on Dawn (SwiftShader)", () => {
  // CI installs Debian's chromium, which ships SwiftShader's Vulkan ICD: there this must run.
  it.skipIf(!existsSync(ICD))(
    `Conv2DBackpropFilter by taps matches the cpu backend within 1e-4 over strides and paddings${existsSync(ICD) ? '' : ` (skipped: ${ICD} is absent — install Debian's chromium)`}`,
    async () => {
      const child = await bundleScript(join('src-main', 'services', 'engines', 'webgpu-kernels-child.ts'), 'webgpu-kernels-child');
      const r = spawnSync(process.execPath, [child], {
        env: { ...process.env, VK_DRIVER_FILES: ICD, LD_LIBRARY_PATH: '/usr/lib/chromium' },
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(r.status, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Report;
      expect(report.error).toBeUndefined();
      expect(report.registered).toContain('Conv2DBackpropFilter');
      expect(report.cases).toHaveLength(6);
      for (const c of report.cases) {
        expect(c.vsCpu, JSON.stringify(c.case)).toBeLessThanOrEqual(1e-4);
        // The reference is sound: tfjs's own WebGPU kernel agrees with the cpu backend too.
        expect(c.shippedVsCpu, JSON.stringify(c.case)).toBeLessThanOrEqual(1e-4);
      }
      expect(report.ms.mine).toBeGreaterThan(0);
      expect(report.ms.shipped).toBeGreaterThan(0);
    },
    150_000,
  );
});
