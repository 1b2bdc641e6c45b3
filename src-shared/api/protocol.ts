import { z } from 'zod';
import { WireError } from './errors.js';

/** Largest WebSocket message either side accepts (bytes). */
export const MAX_FRAME_BYTES = 96 * 1024 * 1024;

/** Calls one WebSocket connection may have waiting for replies; more are answered 'busy' at once. */
export const MAX_IN_FLIGHT = 64;

const Segment = z.string().min(1).max(64).regex(/^[A-Za-z][A-Za-z0-9]*$/);

/** Client -> server. */
export const CallFrame = z
  .object({
    t: z.literal('call'),
    id: z.number().int().min(0),
    service: Segment,
    method: Segment,
    input: z.unknown(),
  })
  .strict();
export type CallFrame = z.infer<typeof CallFrame>;

export const ClientFrame = z.discriminatedUnion('t', [CallFrame]);
export type ClientFrame = z.infer<typeof ClientFrame>;

/** Server -> client. */
export const ReplyFrame = z.union([
  z.object({ t: z.literal('reply'), id: z.number().int(), ok: z.literal(true), value: z.unknown() }),
  z.object({ t: z.literal('reply'), id: z.number().int(), ok: z.literal(false), error: WireError }),
]);
export type ReplyFrame = z.infer<typeof ReplyFrame>;

export const EventFrame = z.object({
  t: z.literal('event'),
  service: Segment,
  event: Segment,
  payload: z.unknown(),
});
export type EventFrame = z.infer<typeof EventFrame>;

export const HelloFrame = z.object({ t: z.literal('hello'), clientId: z.string() });

export const ServerFrame = z.union([ReplyFrame, EventFrame, HelloFrame]);
export type ServerFrame = z.infer<typeof ServerFrame>;

/** The IPC channel names the Electron transport uses (preload and main agree on these). */
export const IPC_CALL_CHANNEL = 'skipwire:call';
export const IPC_EVENT_CHANNEL = 'skipwire:event';
