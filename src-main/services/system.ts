import { arch, platform, version as nodeVersion } from 'node:process';
import type { HostMode, ServiceImpl, systemService } from '../../src-shared/api/index.js';
import { APP_VERSION } from '../version.js';

export interface SystemServiceOptions {
  mode: HostMode;
  modeReason: string;
  dataDir: string;
  electronVersion: string | null;
  /** Services the hosting dispatcher provides (read at call time). */
  services: () => string[];
}

export function createSystemService(o: SystemServiceOptions): ServiceImpl<typeof systemService> {
  return {
    info: () =>
      Promise.resolve({
        app: 'skipwire' as const,
        version: APP_VERSION,
        mode: o.mode,
        modeReason: o.modeReason,
        platform,
        arch,
        node: nodeVersion,
        electron: o.electronVersion,
        dataDir: o.dataDir,
        services: o.services(),
      }),
    ping: ({ nonce }) => Promise.resolve({ nonce, serverTime: Date.now() }),
  };
}
