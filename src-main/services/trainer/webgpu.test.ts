import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleScript, bundleWorker } from './bundle-worker.js';

const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

interface Result {
  status: string;
  detail?: string;
  error?: string | null;
  losses?: (number | null)[];
  checkpoints?: number;
}

describe('the WebGPU engine in the training worker (Dawn on SwiftShader)', () => {
  // CI installs Debian's chromium, which ships SwiftShader's Vulkan ICD: there this must run.
  it.skipIf(!existsSync(ICD))(
    `trains a residual net through the Trainer and matches the cpu engine's losses${existsSync(ICD) ? '' : ` (skipped: ${ICD} is absent — install Debian's chromium)`}`,
    async () => {
      const worker = await bundleWorker();
      const child = await bundleScript(join('src-main', 'services', 'trainer', 'webgpu-child.ts'), 'webgpu-child');
      const r = spawnSync(process.execPath, [child, worker], {
        env: { ...process.env, VK_DRIVER_FILES: ICD, LD_LIBRARY_PATH: '/usr/lib/chromium' },
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { webgpu: Result; cpu: Result };
      expect(out.webgpu.status, out.webgpu.error ?? '').toBe('done');
      expect(out.webgpu.detail).toMatch(/SwiftShader/);
      expect(out.webgpu.checkpoints).toBe(2);
      expect(out.cpu.status, out.cpu.error ?? '').toBe('done');
      const gpu = out.webgpu.losses ?? [];
      const cpu = out.cpu.losses ?? [];
      expect(gpu).toHaveLength(8);
      expect(cpu).toHaveLength(8);
      // same seed: same initial weights and batches; the engines' arithmetic differs in the last bits
      gpu.forEach((l, i) => expect(Math.abs((l ?? NaN) - (cpu[i] ?? NaN)) / Math.abs(cpu[i] ?? NaN), `step ${i + 1}: webgpu ${l} vs cpu ${cpu[i]}`).toBeLessThan(1e-4));
    },
    150_000,
  );
});
