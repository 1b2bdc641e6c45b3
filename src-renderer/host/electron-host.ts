import { ContractError, EventFrame, WireError, createClients } from '../../src-shared/api/index.js';
import type { Clients } from '../../src-shared/api/index.js';
import type { SkipwireBridge } from '../../src-shared/api/bridge.js';
import type { ConnectionState, Host } from './host.js';
import { HostEvents } from './events.js';

/** The Electron host: the contract over IPC, through the preload's `window.skipwire` bridge. */
export class ElectronHost implements Host {
  readonly kind = 'electron' as const;
  readonly api: Clients;
  private readonly events = new HostEvents();
  private readonly off: () => void;

  constructor(private readonly bridge: SkipwireBridge) {
    this.api = createClients(async (service, method, input) => {
      const reply = await bridge.call(service, method, input);
      if (reply.ok) return reply.value;
      const err = WireError.safeParse(reply.error);
      throw err.success ? ContractError.fromWire(err.data) : new ContractError('transport', 'malformed IPC reply');
    });
    this.off = bridge.onEvent((raw) => {
      const f = EventFrame.safeParse(raw);
      if (f.success) this.events.deliver(f.data);
    });
    this.events.setState('open');
  }

  on: Host['on'] = (service, event, listener) => this.events.on(service, event, listener as (p: unknown) => void);
  connection = (): ConnectionState => this.events.state;
  onConnection: Host['onConnection'] = (l) => this.events.onConnection(l);

  openTextFile: Host['openTextFile'] = async (o) => {
    const r = await this.api.dialog.openFile({ title: o.title, filters: [{ name: 'Skipwire', extensions: o.extensions }] });
    return r.canceled ? undefined : { name: r.name, content: r.content, path: r.path };
  };
  saveTextFile: Host['saveTextFile'] = async (o) => {
    const r = await this.api.dialog.saveFile({
      title: o.title,
      defaultName: o.defaultName,
      content: o.content,
      filters: [{ name: 'Skipwire', extensions: o.extensions }],
    });
    return !r.canceled;
  };

  close(): void {
    this.off();
  }
}
