import { Command, CommanderError } from 'commander';
import { APP_VERSION } from '../version.js';
import { registerCheck } from './check.js';
import { registerDoctor } from './doctor.js';
import { registerExport } from './export.js';
import { registerInfo } from './info.js';
import { registerProjects } from './projects.js';
import { registerServe } from './serve.js';
import { registerStart } from './start.js';
import { registerTemplate } from './template.js';
import { registerTrain } from './train.js';
import { CliError, exitQuietlyWhenPipeCloses, processIo } from './output.js';
import type { Io } from './output.js';

/** The `skipwire` command line. Later issues register check, template, train, export, doctor, bench, projects. */
export function buildProgram(io: Io = processIo): Command {
  const program = new Command('skipwire')
    .description('Design convolutional networks by hand: wire skips, see shapes live, train locally, export code.')
    .version(APP_VERSION, '-V, --version', 'print the version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, '')),
      // Commander's own errors are reported once, by run(), as one line.
      writeErr: () => undefined,
      outputError: () => undefined,
    });
  registerStart(program, io);
  registerServe(program, io);
  registerInfo(program, io);
  registerDoctor(program, io);
  registerProjects(program, io);
  registerTemplate(program, io);
  registerCheck(program, io);
  registerTrain(program, io);
  registerExport(program, io);
  return program;
}

/** Runs the CLI; resolves with the exit code (help/version: 0; bad input: 2; failures: 1). */
export async function run(argv: string[], io: Io = processIo): Promise<number> {
  if (io === processIo) exitQuietlyWhenPipeCloses();
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      if (err.code === 'commander.executeSubCommandAsync') return err.exitCode;
      io.err(`skipwire: ${err.message.replace(/^error: /, '').split('\n')[0] ?? 'invalid arguments'}`);
      return 2;
    }
    if (err instanceof CliError) {
      io.err(`skipwire: ${err.message}`);
      return err.exitCode;
    }
    io.err(`skipwire: ${err instanceof Error ? err.message : String(err)}`.split('\n')[0] ?? 'skipwire: failed');
    return 1;
  }
}
