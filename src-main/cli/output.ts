/** A command's failure with a one-line message; the CLI prints it and exits with `exitCode`. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
};

/** Parses a TCP port option (0 = any free port). */
export function parsePort(value: string): number {
  if (!/^\d+$/.test(value)) throw new CliError(`--port must be a whole number from 0 to 65535, got "${value}"`);
  const n = Number(value);
  if (n > 65535) throw new CliError(`--port must be a whole number from 0 to 65535, got "${value}"`);
  return n;
}

let pipeGuard = false;

/**
 * `skipwire check FILE | head`: when the reader of stdout (or stderr) goes away, the command stops
 * quietly with exit 0, as it would have finished anyway for that reader, instead of dying on an
 * unhandled EPIPE. Installed once, for the real process streams only.
 */
export function exitQuietlyWhenPipeCloses(exit: (code: number) => never = (c) => process.exit(c)): void {
  if (pipeGuard) return;
  pipeGuard = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => exit(err.code === 'EPIPE' ? 0 : 1));
  }
}
