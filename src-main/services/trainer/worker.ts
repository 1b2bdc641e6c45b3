/**
 * The training worker's entry (a worker_threads worker; built as out/main/trainer-worker.js). It
 * owns tfjs for one run: the main thread sends `start`, then pause / resume / cancel; everything
 * the run says comes back as FromWorker messages. Never imported by the main side.
 */
import { parentPort } from 'node:worker_threads';
import { RunControl, runTraining } from './loop.js';
import { parseMessage, ToWorker } from './protocol.js';
import type { FromWorker } from './protocol.js';

const port = parentPort;
if (port === null) throw new Error('the training worker must run in a worker thread');

const post = (m: FromWorker, transfer?: ArrayBuffer[]): void => port.postMessage(m, transfer);
let control: RunControl | null = null;

const fail = (err: unknown): void => {
  const message = err instanceof Error ? err.message : String(err);
  post({ type: 'failed', kind: 'error', error: message.replace(/\s+/g, ' ').trim() });
};
process.on('unhandledRejection', fail);

port.on('message', (raw: unknown) => {
  let msg;
  try {
    msg = parseMessage(ToWorker, raw, 'the main thread');
  } catch (err) {
    fail(err);
    return;
  }
  switch (msg.type) {
    case 'start':
      if (control !== null) {
        fail(new Error('this worker is already training a run'));
        return;
      }
      control = new RunControl((status) => post({ type: 'status', status }));
      void runTraining(msg, post, control);
      return;
    case 'pause':
      control?.pause();
      return;
    case 'resume':
      control?.resume();
      return;
    case 'cancel':
      control?.cancel();
      return;
  }
});
