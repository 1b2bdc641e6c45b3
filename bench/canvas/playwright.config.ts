import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

/** `npm run bench:canvas`: the canvas benchmark (prints only), in the same Chromium as the e2e specs. */
const chromium = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

export default defineConfig({
  testDir: '.',
  testMatch: 'canvas.bench.ts',
  timeout: 300_000,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: '../../test-results/bench-canvas',
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1600, height: 900 },
    launchOptions: {
      ...(chromium !== undefined ? { executablePath: chromium } : {}),
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-renderer-backgrounding', '--disable-background-timer-throttling'],
    },
  },
});
