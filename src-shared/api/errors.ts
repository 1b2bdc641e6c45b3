import { z } from 'zod';

/** Error codes every transport uses. */
export const ErrorCode = z.enum([
  'bad-request', // the request failed its schema
  'bad-reply', // the service answered something its schema does not allow (a bug)
  'unknown-service',
  'unknown-method',
  'unavailable', // the service exists in the contract but this host does not provide it
  'failed', // the service threw
  'transport', // the connection broke
  'busy', // too many calls in flight on one connection: retry after the replies
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const WireError = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Where: a path into the request (`input.name`) or a node id, when there is one. */
  path: z.array(z.union([z.string(), z.number()])).optional(),
});
export type WireError = z.infer<typeof WireError>;

/** An error that crossed the contract: code + one-line message. */
export class ContractError extends Error {
  readonly code: ErrorCode;
  readonly path: readonly (string | number)[] | undefined;
  constructor(code: ErrorCode, message: string, path?: readonly (string | number)[]) {
    super(message);
    this.name = 'ContractError';
    this.code = code;
    this.path = path;
  }
  toWire(): WireError {
    return this.path === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, path: [...this.path] };
  }
  static fromWire(w: WireError): ContractError {
    return new ContractError(w.code, w.message, w.path);
  }
}

/** One line that says where a schema failed and why: `name: Too small: expected string to have >=1 characters`. */
export function describeZodError(err: z.ZodError, prefix = ''): { message: string; path: (string | number)[] } {
  const first = err.issues[0];
  if (first === undefined) return { message: `${prefix}invalid`, path: [] };
  const path = first.path.filter((p): p is string | number => typeof p !== 'symbol');
  const where = path.length > 0 ? path.join('.') : '(root)';
  const more = err.issues.length > 1 ? ` (and ${err.issues.length - 1} more)` : '';
  return { message: `${prefix}${where}: ${first.message}${more}`, path };
}
