import { z } from 'zod';
import { defineService, method } from '../contract.js';
import { Empty } from '../common.js';

export const HostMode = z.enum(['electron', 'browser', 'cli']);
export type HostMode = z.infer<typeof HostMode>;

export const SystemInfo = z.object({
  app: z.literal('skipwire'),
  version: z.string(),
  mode: HostMode,
  /** Why this mode (e.g. "Electron's binary is not installed: node_modules/electron/dist is missing"). */
  modeReason: z.string(),
  platform: z.string(),
  arch: z.string(),
  node: z.string(),
  electron: z.string().nullable(),
  dataDir: z.string(),
  /** Services this host actually provides (the contract may list more). */
  services: z.array(z.string()),
});
export type SystemInfo = z.infer<typeof SystemInfo>;

export const systemService = defineService(
  'system',
  {
    info: method(Empty, SystemInfo, 'What is running: version, mode and why, platform, data directory, services'),
    ping: method(
      z.object({ nonce: z.string().max(200) }).strict(),
      z.object({ nonce: z.string(), serverTime: z.number() }),
      'Round trip check; answers the nonce with the server clock',
    ),
  },
  {
    /** A one-line notice for the status bar (e.g. "Saved", "Store moved aside: …"). */
    notice: z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string() }),
  },
);
