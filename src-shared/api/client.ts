import type { Clients, ServiceName } from './registry.js';
import { contract, getService } from './registry.js';
import { ContractError, describeZodError } from './errors.js';
import type { EventFrame } from './protocol.js';
import type { EventOf, ServiceDef } from './contract.js';

/** Sends one call over some transport and resolves with the raw reply value. */
export type RawCall = (service: string, method: string, input: unknown) => Promise<unknown>;

/**
 * Typed clients for every service over any transport. The request is validated before it is
 * sent (a located error without a round trip) and the reply after it arrives.
 */
export function createClients(call: RawCall): Clients {
  const out: Record<string, Record<string, (input: unknown) => Promise<unknown>>> = {};
  for (const [name, def] of Object.entries(contract) as [string, ServiceDef][]) {
    const methods: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [mName, m] of Object.entries(def.methods)) {
      methods[mName] = async (input: unknown) => {
        const parsed = m.input.safeParse(input === undefined ? {} : input);
        if (!parsed.success) {
          const d = describeZodError(parsed.error, `${name}.${mName}: `);
          throw new ContractError('bad-request', d.message, d.path);
        }
        const raw = await call(name, mName, parsed.data);
        const reply = m.output.safeParse(raw);
        if (!reply.success) {
          const d = describeZodError(reply.error, `${name}.${mName} replied badly: `);
          throw new ContractError('bad-reply', d.message, d.path);
        }
        return reply.data;
      };
    }
    out[name] = methods;
  }
  return out as unknown as Clients;
}

/** Validates an incoming event frame against the contract; undefined when it does not belong to it. */
export function parseEvent(frame: EventFrame): { service: ServiceName; event: string; payload: unknown } | undefined {
  const def = getService(frame.service);
  const schema = def?.events[frame.event];
  if (def === undefined || schema === undefined) return undefined;
  const r = schema.safeParse(frame.payload);
  if (!r.success) return undefined;
  return { service: frame.service as ServiceName, event: frame.event, payload: r.data };
}

/** Typed event listener signature for service S, event K. */
export type EventListener<S extends ServiceDef, K extends keyof S['events']> = (payload: EventOf<S, K>) => void;
