import { parseEvent } from '../../src-shared/api/index.js';
import type { EventFrame } from '../../src-shared/api/index.js';
import type { ConnectionState } from './host.js';

type Listener = (payload: unknown) => void;

/** Shared bookkeeping for hosts: event listeners keyed by service.event, connection listeners. */
export class HostEvents {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly connListeners = new Set<(s: ConnectionState) => void>();
  state: ConnectionState = 'connecting';

  on(service: string, event: string, listener: Listener): () => void {
    const key = `${service}.${event}`;
    let set = this.listeners.get(key);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(key, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Delivers a frame from the back end after validating it against the contract. */
  deliver(frame: EventFrame): void {
    const ev = parseEvent(frame);
    if (ev === undefined) {
      console.warn(`skipwire: dropped an event that does not match the contract: ${frame.service}.${frame.event}`);
      return;
    }
    for (const l of this.listeners.get(`${ev.service}.${ev.event}`) ?? []) l(ev.payload);
  }

  onConnection(listener: (s: ConnectionState) => void): () => void {
    this.connListeners.add(listener);
    return () => this.connListeners.delete(listener);
  }

  setState(s: ConnectionState): void {
    if (this.state === s) return;
    this.state = s;
    for (const l of this.connListeners) l(s);
  }
}
