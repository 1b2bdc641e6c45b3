import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built worker's file name (electron.vite.config.ts builds it next to main.js and cli.js). */
export const WORKER_FILE = 'trainer-worker.js';

/**
 * Where the training worker's script is: `SKIPWIRE_TRAINER_WORKER` when set (tests and benches
 * bundle the TypeScript source on the fly, see bundle-worker.ts), else next to the bundle that
 * runs this code — out/main/ — or one folder up when this code sits in a shared chunk
 * (out/main/chunks/). Throws with the fix when it is missing.
 */
export function resolveWorkerPath(env: NodeJS.ProcessEnv = process.env): string {
  const given = env.SKIPWIRE_TRAINER_WORKER;
  if (given !== undefined && given !== '') {
    if (!existsSync(given)) throw new Error(`SKIPWIRE_TRAINER_WORKER names ${given}, which does not exist`);
    return given;
  }
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, WORKER_FILE), join(here, '..', WORKER_FILE)];
  const found = candidates.find((p) => existsSync(p));
  if (found === undefined) throw new Error(`the training worker is not built (${candidates[0] ?? WORKER_FILE} is missing): run \`npm run build\``);
  return found;
}
