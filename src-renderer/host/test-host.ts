import { ContractError, createClients } from '../../src-shared/api/index.js';
import type { Clients, Dispatcher } from '../../src-shared/api/index.js';
import type { ConnectionState, Host, OpenedFile } from './host.js';
import { HostEvents } from './events.js';

/**
 * A Host for unit tests: calls go straight into a Dispatcher in the same process, through the
 * same validation as every other transport. Files "opened" come from a queue the test fills.
 */
export class TestHost implements Host {
  readonly kind = 'test' as const;
  readonly api: Clients;
  readonly files: OpenedFile[] = [];
  readonly saved: { name: string; content: string }[] = [];
  private readonly events = new HostEvents();
  private readonly off: () => void;

  constructor(dispatcher: Dispatcher) {
    this.api = createClients((service, method, input) =>
      dispatcher.call(service, method, input, { transport: 'in-process', clientId: 'test' }).catch((e: unknown) => {
        throw e instanceof ContractError ? e : new ContractError('failed', String(e));
      }),
    );
    this.off = dispatcher.onEvent((f) => this.events.deliver(f));
    this.events.setState('open');
  }

  on: Host['on'] = (service, event, listener) => this.events.on(service, event, listener as (p: unknown) => void);
  connection = (): ConnectionState => this.events.state;
  onConnection: Host['onConnection'] = (l) => this.events.onConnection(l);
  openTextFile: Host['openTextFile'] = () => Promise.resolve(this.files.shift());
  saveTextFile: Host['saveTextFile'] = (o) => {
    this.saved.push({ name: o.defaultName, content: o.content });
    return Promise.resolve(true);
  };
  close(): void {
    this.off();
  }
}
