import type { z } from 'zod';

/** One method of a service: a validated request and a validated reply. */
export interface MethodDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  /** Human summary, shown by `skipwire --help`-style listings and in errors. */
  readonly summary: string;
}

export interface ServiceDef<
  N extends string = string,
  M extends Record<string, MethodDef> = Record<string, MethodDef>,
  E extends Record<string, z.ZodType> = Record<string, z.ZodType>,
> {
  readonly name: N;
  readonly methods: M;
  readonly events: E;
}

export function method<I extends z.ZodType, O extends z.ZodType>(
  input: I,
  output: O,
  summary: string,
): MethodDef<I, O> {
  return { input, output, summary };
}

export function defineService<
  N extends string,
  M extends Record<string, MethodDef>,
  E extends Record<string, z.ZodType>,
>(name: N, methods: M, events: E): ServiceDef<N, M, E> {
  return { name, methods, events };
}

/** Request type of method K of service S. */
export type InputOf<S extends ServiceDef, K extends keyof S['methods']> = z.input<S['methods'][K]['input']>;
/** Reply type of method K of service S. */
export type OutputOf<S extends ServiceDef, K extends keyof S['methods']> = z.output<S['methods'][K]['output']>;
/** Payload type of event K of service S. */
export type EventOf<S extends ServiceDef, K extends keyof S['events']> = z.output<S['events'][K]>;

/** Who is calling: filled in by the transport, never by the caller. */
export interface CallContext {
  readonly transport: 'ipc' | 'websocket' | 'in-process';
  /** A stable id for the connection (window id, socket id). */
  readonly clientId: string;
}

/** What a back end implements for a service: one async function per method. */
export type ServiceImpl<S extends ServiceDef> = {
  [K in keyof S['methods']]: (
    input: z.output<S['methods'][K]['input']>,
    ctx: CallContext,
  ) => Promise<z.input<S['methods'][K]['output']>>;
};

/** What a client sees of a service: one async function per method, typed by the schemas. */
export type ServiceClient<S extends ServiceDef> = {
  [K in keyof S['methods']]: (input: z.input<S['methods'][K]['input']>) => Promise<z.output<S['methods'][K]['output']>>;
};
