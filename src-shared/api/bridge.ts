import type { WireError } from './errors.js';

/** What a contract call over Electron IPC answers (errors travel as data, not as thrown IPC errors). */
export type BridgeReply = { ok: true; value: unknown } | { ok: false; error: WireError };

/**
 * The only thing the preload exposes to the page (as `window.skipwire`): a call into the
 * contract and a subscription to its events. Never raw ipcRenderer.
 */
export interface SkipwireBridge {
  readonly version: 1;
  call(service: string, method: string, input: unknown): Promise<BridgeReply>;
  onEvent(listener: (frame: unknown) => void): () => void;
}
