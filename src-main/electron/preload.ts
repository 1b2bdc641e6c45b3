import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { BridgeReply, SkipwireBridge } from '../../src-shared/api/bridge.js';

// Kept in step with src-shared/api/protocol.ts (the preload is sandboxed and bundled alone).
const IPC_CALL_CHANNEL = 'skipwire:call';
const IPC_EVENT_CHANNEL = 'skipwire:event';
const SEGMENT = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

const bridge: SkipwireBridge = {
  version: 1,
  call(service: string, method: string, input: unknown): Promise<BridgeReply> {
    if (typeof service !== 'string' || !SEGMENT.test(service) || typeof method !== 'string' || !SEGMENT.test(method)) {
      return Promise.resolve({ ok: false, error: { code: 'bad-request', message: 'service and method must be plain names' } });
    }
    return ipcRenderer.invoke(IPC_CALL_CHANNEL, { service, method, input }) as Promise<BridgeReply>;
  },
  onEvent(listener: (frame: unknown) => void): () => void {
    const handler = (_e: IpcRendererEvent, frame: unknown): void => listener(frame);
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('skipwire', bridge);
