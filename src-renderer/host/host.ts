import type { Clients, ContractError, Contract, EventOf, ServiceName } from '../../src-shared/api/index.js';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface OpenedFile {
  name: string;
  content: string;
  /** Full path where the host knows it (Electron); undefined in a browser. */
  path?: string;
}

/**
 * The renderer's one way to reach the back end. Electron (IPC through the preload), the browser
 * host (WebSocket with the start's token) and unit tests (in-process) implement it alike.
 */
export interface Host {
  readonly kind: 'electron' | 'browser' | 'test';
  /** Typed, validated clients for every service of the contract. */
  readonly api: Clients;
  /** Subscribe to a contract event; payloads are validated before listeners see them. */
  on<S extends ServiceName, E extends keyof Contract[S]['events'] & string>(
    service: S,
    event: E,
    listener: (payload: EventOf<Contract[S], E>) => void,
  ): () => void;
  connection(): ConnectionState;
  onConnection(listener: (state: ConnectionState, error?: ContractError) => void): () => void;
  /** Ask the user for a text file (native dialog in Electron, the file picker in a browser). */
  openTextFile(o: { title?: string; extensions: string[] }): Promise<OpenedFile | undefined>;
  /** Save text where the user says (native dialog in Electron, a download in a browser). */
  saveTextFile(o: { title?: string; defaultName: string; content: string; extensions: string[] }): Promise<boolean>;
  close(): void;
}
