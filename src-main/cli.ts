/** Entry of the headless CLI (bin/skipwire.js loads the built copy of this file). */
export { run, buildProgram } from './cli/program.js';
