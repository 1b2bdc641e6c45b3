/**
 * The writer that crash.test.ts kills. Bundled by the test (rolldown) so it runs the real Store
 * code under plain Node: it opens the store, then edits forever, writing one line to stdout only
 * after each write has returned (i.e. is committed):
 *   ready <revision>
 *   edit <n> <revision>           node n<n> was added to the working copy
 *   version <id> <hash> <n>       a version was frozen holding nodes up to n<n>
 *   metrics <n>                   steps n*100 .. n*100+49 of metric `loss` are stored
 *   checkpoint <n>                a checkpoint for epoch n, 64 KiB of byte (n % 251)
 * argv: dataDir projectId runId
 */
import { writeSync } from 'node:fs';
import { checkDocument } from './documents.js';
import { Store } from './store.js';

const [dataDir, projectId, runId] = process.argv.slice(2);
if (dataDir === undefined || projectId === undefined || runId === undefined) {
  process.stderr.write('usage: crash-child dataDir projectId runId\n');
  process.exit(2);
}

// fd 1 is a pipe: writeSync returns once the line is in the pipe, so an ack is never "in flight"
// inside this process when the kill lands.
const say = (line: string): void => {
  writeSync(1, line + '\n');
};

const store = Store.open(dataDir);
const wc = store.readWorkingCopy(projectId);
const doc = checkDocument(wc.document).document;
let revision = wc.project.revision;
let n = Object.keys(doc.nodes).length;
say(`ready ${revision}`);

for (;;) {
  n++;
  const id = `n${n}`;
  doc.nodes[id] = { id, kind: 'conv2d', params: { filters: n, kernelSize: 3 }, position: { x: n, y: 0 } };
  const r = store.saveWorkingCopy(projectId, doc, revision);
  if (!r.saved) {
    say(`conflict ${r.currentRevision}`);
    process.exit(3);
  }
  revision = r.revision;
  say(`edit ${n} ${revision}`);
  if (n % 7 === 0) {
    const v = store.saveVersion(projectId, `at ${n}`);
    say(`version ${v.id} ${v.contentHash} ${n}`);
  }
  if (n % 3 === 0) {
    store.addMetrics(
      runId,
      Array.from({ length: 50 }, (_, i) => ({ name: 'loss', step: n * 100 + i, epoch: n, value: 1 / (n + i + 1) })),
    );
    say(`metrics ${n}`);
  }
  if (n % 11 === 0) {
    store.saveCheckpoint(runId, n, new Uint8Array(64 * 1024).fill(n % 251));
    say(`checkpoint ${n}`);
  }
}
