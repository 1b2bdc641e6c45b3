import { ContractError, MAX_IN_FLIGHT, ServerFrame, createClients } from '../../src-shared/api/index.js';
import type { Clients, ReplyFrame } from '../../src-shared/api/index.js';
import type { ConnectionState, Host } from './host.js';
import { HostEvents } from './events.js';
import { downloadText, pickTextFile } from './browser-files.js';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: ContractError) => void;
}

/** A WebSocket as far as the host needs it (the browser's, or `ws` in Node tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

export interface WsHostOptions {
  /** ws://127.0.0.1:PORT/ws — the page's own origin in the browser (the token travels as a cookie). */
  url: string;
  createSocket?: (url: string) => SocketLike;
  /** Reconnect after a drop (ms); 0 disables. */
  reconnectMs?: number;
}

/** The browser host's Host: the contract over a localhost WebSocket. */
export class WsHost implements Host {
  readonly kind = 'browser' as const;
  readonly api: Clients;
  private readonly events = new HostEvents();
  private readonly pending = new Map<number, Pending>();
  private readonly queue: string[] = [];
  /** Calls sent and not yet answered; the host answers more than MAX_IN_FLIGHT with 'busy'. */
  private inFlight = 0;
  /** Calls held back until a reply frees a slot. */
  private readonly backlog: string[] = [];
  private socket: SocketLike | undefined;
  private nextId = 1;
  private closed = false;

  constructor(private readonly o: WsHostOptions) {
    this.api = createClients((service, method, input) => this.send(service, method, input));
    this.connect();
  }

  private connect(): void {
    const make = this.o.createSocket ?? ((u: string) => new WebSocket(u) as unknown as SocketLike);
    const ws = make(this.o.url);
    this.socket = ws;
    this.events.setState('connecting');
    ws.onopen = () => {
      this.events.setState('open');
      for (const f of this.queue.splice(0)) this.transmit(f);
    };
    ws.onmessage = (ev) => this.receive(ev.data);
    ws.onerror = () => undefined;
    ws.onclose = () => {
      this.events.setState('closed');
      this.inFlight = 0;
      this.backlog.length = 0;
      for (const [id, p] of this.pending) {
        p.reject(new ContractError('transport', 'the connection to Skipwire closed before it answered'));
        this.pending.delete(id);
      }
      const wait = this.o.reconnectMs ?? 1000;
      if (!this.closed && wait > 0) setTimeout(() => this.connect(), wait);
    };
  }

  private receive(data: unknown): void {
    let json: unknown;
    try {
      json = JSON.parse(typeof data === 'string' ? data : String(data));
    } catch {
      return;
    }
    const frame = ServerFrame.safeParse(json);
    if (!frame.success) return;
    const f = frame.data;
    if (f.t === 'event') this.events.deliver(f);
    else if (f.t === 'reply') this.settle(f);
  }

  private transmit(frame: string): void {
    const ws = this.socket;
    if (ws === undefined || ws.readyState !== 1) this.queue.push(frame);
    else if (this.inFlight >= MAX_IN_FLIGHT) this.backlog.push(frame);
    else {
      this.inFlight++;
      ws.send(frame);
    }
  }

  private settle(f: ReplyFrame): void {
    const p = this.pending.get(f.id);
    if (p === undefined) return;
    this.inFlight = Math.max(0, this.inFlight - 1);
    const next = this.backlog.shift();
    if (next !== undefined) this.transmit(next);
    this.pending.delete(f.id);
    if (f.ok) p.resolve(f.value);
    else p.reject(ContractError.fromWire(f.error));
  }

  private send(service: string, method: string, input: unknown): Promise<unknown> {
    if (this.closed) return Promise.reject(new ContractError('transport', 'the host is closed'));
    const id = this.nextId++;
    const frame = JSON.stringify({ t: 'call', id, service, method, input });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.transmit(frame);
    });
  }

  on: Host['on'] = (service, event, listener) => this.events.on(service, event, listener as (p: unknown) => void);
  connection = (): ConnectionState => this.events.state;
  onConnection: Host['onConnection'] = (l) => this.events.onConnection(l);

  openTextFile: Host['openTextFile'] = (o) => pickTextFile(o.extensions);
  saveTextFile: Host['saveTextFile'] = (o) => {
    downloadText(o.defaultName, o.content);
    return Promise.resolve(true);
  };

  close(): void {
    this.closed = true;
    this.socket?.close();
  }
}
