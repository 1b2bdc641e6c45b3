import type { z } from 'zod';
import type { CallContext, ServiceDef, ServiceImpl } from './contract.js';
import { ContractError, describeZodError } from './errors.js';
import type { EventFrame } from './protocol.js';
import { getService } from './registry.js';

type AnyMethod = (input: unknown, ctx: CallContext) => Promise<unknown>;

/**
 * The one place requests are checked: every transport (IPC, WebSocket, in-process) hands raw
 * input here; it is validated by the contract's schema before the service sees it, and the reply
 * is validated before it leaves. Services are registered once and reached through every transport.
 */
export class Dispatcher {
  private readonly impls = new Map<string, Record<string, AnyMethod>>();
  private readonly listeners = new Set<(frame: EventFrame) => void>();

  provide<S extends ServiceDef>(def: S, impl: ServiceImpl<S>): this {
    const known = getService(def.name);
    if (known !== def) throw new Error(`service ${def.name} is not the contract's definition`);
    for (const m of Object.keys(def.methods)) {
      if (typeof (impl as Record<string, unknown>)[m] !== 'function') {
        throw new Error(`service ${def.name} is missing method ${m}`);
      }
    }
    this.impls.set(def.name, impl as unknown as Record<string, AnyMethod>);
    return this;
  }

  /** Names of the services this dispatcher provides. */
  provided(): string[] {
    return [...this.impls.keys()].sort();
  }

  async call(service: string, methodName: string, rawInput: unknown, ctx: CallContext): Promise<unknown> {
    const def = getService(service);
    if (def === undefined) throw new ContractError('unknown-service', `unknown service "${service}"`);
    if (!Object.prototype.hasOwnProperty.call(def.methods, methodName)) {
      throw new ContractError('unknown-method', `service "${service}" has no method "${methodName}"`);
    }
    const m = def.methods[methodName];
    const impl = this.impls.get(service);
    if (m === undefined || impl === undefined) {
      throw new ContractError('unavailable', `the ${service} service is not available in this host`);
    }
    const parsed = m.input.safeParse(rawInput === undefined ? {} : rawInput);
    if (!parsed.success) {
      const d = describeZodError(parsed.error, `${service}.${methodName}: `);
      throw new ContractError('bad-request', d.message, d.path);
    }
    const fn = impl[methodName];
    if (fn === undefined) throw new ContractError('unavailable', `${service}.${methodName} is not implemented`);
    let out: unknown;
    try {
      out = await fn.call(impl, parsed.data, ctx);
    } catch (err) {
      if (err instanceof ContractError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw new ContractError('failed', `${service}.${methodName}: ${message}`);
    }
    const checked = m.output.safeParse(out);
    if (!checked.success) {
      const d = describeZodError(checked.error, `${service}.${methodName} replied badly: `);
      throw new ContractError('bad-reply', d.message, d.path);
    }
    return checked.data;
  }

  /** Emit a contract event to every transport; the payload is validated first. */
  emit<S extends ServiceDef, K extends keyof S['events'] & string>(
    def: S,
    event: K,
    payload: z.input<S['events'][K]>,
  ): void {
    const schema = def.events[event];
    if (schema === undefined) throw new Error(`service ${def.name} has no event ${event}`);
    const data: unknown = schema.parse(payload);
    const frame: EventFrame = { t: 'event', service: def.name, event, payload: data };
    for (const l of this.listeners) l(frame);
  }

  onEvent(listener: (frame: EventFrame) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
