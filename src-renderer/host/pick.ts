import type { SkipwireBridge } from '../../src-shared/api/bridge.js';
import type { Host } from './host.js';
import { ElectronHost } from './electron-host.js';
import { WsHost } from './ws-host.js';

declare global {
  interface Window {
    /** Present only under Electron (exposed by the preload). */
    skipwire?: SkipwireBridge;
  }
}

/** Electron when the preload's bridge is there; otherwise the browser host on this page's origin. */
export function pickHost(): Host {
  if (window.skipwire !== undefined) return new ElectronHost(window.skipwire);
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return new WsHost({ url: `${proto}//${location.host}/ws` });
}
