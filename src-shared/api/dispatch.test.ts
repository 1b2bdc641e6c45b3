import { describe, expect, it } from 'vitest';
import { ContractError, Dispatcher, createClients, systemService, shellService, dialogService } from './index.js';
import type { CallContext, ServiceImpl } from './index.js';

const ctx: CallContext = { transport: 'in-process', clientId: 't' };

const info = {
  app: 'skipwire' as const,
  version: '1.2.3',
  mode: 'browser' as const,
  modeReason: 'test',
  platform: 'linux',
  arch: 'x64',
  node: 'v20',
  electron: null,
  dataDir: '/tmp',
  services: ['system'],
};

function system(overrides: Partial<ServiceImpl<typeof systemService>> = {}): ServiceImpl<typeof systemService> {
  return {
    info: () => Promise.resolve(info),
    ping: ({ nonce }) => Promise.resolve({ nonce, serverTime: 1 }),
    ...overrides,
  };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (e) {
    expect(e).toBeInstanceOf(ContractError);
    return (e as ContractError).code;
  }
}

describe('Dispatcher', () => {
  it('calls a provided method with validated input and validates the reply', async () => {
    const d = new Dispatcher().provide(systemService, system());
    await expect(d.call('system', 'ping', { nonce: 'abc' }, ctx)).resolves.toEqual({ nonce: 'abc', serverTime: 1 });
    await expect(d.call('system', 'info', undefined, ctx)).resolves.toEqual(info);
  });

  it('refuses input that fails the schema, naming where', async () => {
    const d = new Dispatcher().provide(systemService, system());
    const err = await d.call('system', 'ping', { nonce: 42 }, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContractError);
    expect((err as ContractError).code).toBe('bad-request');
    expect((err as ContractError).message).toMatch(/^system\.ping: nonce: /);
    expect(await codeOf(d.call('system', 'ping', { nonce: 'a', extra: 1 }, ctx))).toBe('bad-request');
  });

  it('distinguishes unknown services, unknown methods and services this host lacks', async () => {
    const d = new Dispatcher().provide(systemService, system());
    expect(await codeOf(d.call('nope', 'x', {}, ctx))).toBe('unknown-service');
    expect(await codeOf(d.call('system', 'nope', {}, ctx))).toBe('unknown-method');
    expect(await codeOf(d.call('system', 'toString', {}, ctx))).toBe('unknown-method');
    expect(await codeOf(d.call('__proto__', 'x', {}, ctx))).toBe('unknown-service');
    expect(await codeOf(d.call('projects', 'list', {}, ctx))).toBe('unavailable');
    expect(d.provided()).toEqual(['system']);
  });

  it('reports a thrown service error as failed and a bad reply as bad-reply', async () => {
    const d = new Dispatcher().provide(
      systemService,
      system({
        ping: () => Promise.reject(new Error('disk on fire')),
        info: () => Promise.resolve({ ...info, version: 3 } as unknown as typeof info),
      }),
    );
    const e: ContractError = await d.call('system', 'ping', { nonce: 'x' }, ctx).then(
      () => new ContractError('failed', 'no error'),
      (x: unknown) => x as ContractError,
    );
    expect(e.code).toBe('failed');
    expect(e.message).toContain('disk on fire');
    expect(await codeOf(d.call('system', 'info', {}, ctx))).toBe('bad-reply');
  });

  it('refuses an implementation missing a method, or a definition not in the contract', () => {
    const bad = { info: system().info } as unknown as ServiceImpl<typeof systemService>;
    expect(() => new Dispatcher().provide(systemService, bad)).toThrow(/missing method ping/);
    const forged = { ...systemService };
    expect(() => new Dispatcher().provide(forged, system())).toThrow(/not the contract's definition/);
  });

  it('validates events before emitting them', () => {
    const d = new Dispatcher();
    const seen: unknown[] = [];
    d.onEvent((f) => seen.push(f));
    d.emit(shellService, 'menu', { command: 'undo' });
    expect(seen).toEqual([{ t: 'event', service: 'shell', event: 'menu', payload: { command: 'undo' } }]);
    expect(() => d.emit(shellService, 'menu', { command: 'format-disk' } as never)).toThrow();
  });
});

describe('createClients', () => {
  it('validates requests before sending and replies after receiving', async () => {
    const sent: unknown[] = [];
    const api = createClients((service, method, input) => {
      sent.push({ service, method, input });
      if (method === 'ping') return Promise.resolve({ nonce: 'n', serverTime: 5 });
      return Promise.resolve({ wrong: true });
    });
    await expect(api.system.ping({ nonce: 'n' })).resolves.toEqual({ nonce: 'n', serverTime: 5 });
    await expect(api.system.ping({ nonce: 7 as unknown as string })).rejects.toMatchObject({ code: 'bad-request' });
    expect(sent).toHaveLength(1);
    await expect(api.system.info({})).rejects.toMatchObject({ code: 'bad-reply' });
  });

  it('has a typed client for every method of every service', () => {
    const api = createClients(() => Promise.resolve(undefined));
    expect(typeof api.dialog.openFile).toBe('function');
    expect(typeof api.projects.saveWorkingCopy).toBe('function');
    expect(typeof api.training.start).toBe('function');
    expect(Object.keys(api.dialog)).toEqual(Object.keys(dialogService.methods));
  });
});
