import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractError, exportService } from '../../../src-shared/api/index.js';
import type { ExportedFile } from '../../../src-shared/api/index.js';
import { StatusEvent } from '../../../src-shared/api/services/training.js';
import { StartReply } from '../../../src-shared/api/services/training.js';
import { compileGraph } from '../../../src-shared/graph/compile.js';
import type { CompiledGraph } from '../../../src-shared/graph/compile.js';
import { migrateDocument } from '../../../src-shared/graph/migrations.js';
import type { GraphDocument } from '../../../src-shared/graph/document.js';
import { run as runCli } from '../../cli/program.js';
import type { Io } from '../../cli/output.js';
import { closeBackend, createBackend } from '../registry.js';
import { Store } from '../store/store.js';
import { decodeCheckpoint } from '../trainer/checkpoint.js';
import { tempDir, tinyNet, useBundledWorker } from '../trainer/testing.js';
import { runPython, scratchDir, torchPython, transpileAndImport, typecheck, writeFiles } from './testing.js';

/**
 * Export from a trained run: a tiny residual network (conv, BatchNorm, add, dense head) trains two
 * epochs through the real trainer (worker, wasm engine, synthetic data) into a project store; then
 * every format is exported from the run and must give the outputs of the run's model — the graph
 * version it trained with the last checkpoint's weights set by the trainer's own keys — tfjs files
 * in Node and TypeScript ≤ 1e-5, PyTorch (Debian torch) and ONNX (onnxruntime-web) ≤ 1e-4.
 */

const ctx = { transport: 'in-process', clientId: 'test' } as const;
const torch = torchPython();
const scratch = scratchDir('run');
let data: { dir: string; cleanup: () => void };
let backend: ReturnType<typeof createBackend>;
let runId = '';
let projectId = '';
let versionId = '';
let trainedDoc: GraphDocument;
let reference: CompiledGraph;
let x: tf.Tensor;
let want: Float32Array;

const input = (doc: GraphDocument): number[] => [3, doc.input.height, doc.input.width, doc.input.channels];

async function generate(target: string, options: Record<string, unknown>, document?: unknown): Promise<{ folder: string; files: ExportedFile[]; run?: { runId: string; epoch: number; versionNumber: number } | undefined }> {
  return exportService.methods.generate.output.parse(await backend.call('export', 'generate', { ...(document !== undefined ? { document } : {}), target, options }, ctx));
}

/** The reply's files on disk, as the CLI or the app would write them. */
function write(name: string, files: readonly ExportedFile[]): string {
  const dir = join(scratch.dir, name);
  writeFiles(
    dir,
    files.map((f) => (f.encoding === 'base64' ? { name: f.name, bytes: new Uint8Array(Buffer.from(f.content, 'base64')) } : { name: f.name, content: f.content })),
  );
  return dir;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs((a[i] ?? NaN) - (b[i] ?? NaN)));
  return d;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  await useBundledWorker();
  data = tempDir('export-run');
  backend = createBackend({ mode: 'cli', modeReason: 'test', dataDir: data.dir });
  let done: (status: string) => void = () => undefined;
  const finished = new Promise<string>((r) => (done = r));
  backend.onEvent((f) => {
    if (f.service !== 'training' || f.event !== 'status') return;
    const s = StatusEvent.parse(f.payload).status;
    if (['done', 'failed', 'canceled'].includes(s)) done(s);
  });
  const document = tinyNet({ residual: true, size: 8, filters: 4, classes: 3 });
  projectId = ((await backend.call('projects', 'create', { name: 'export run', document }, ctx)) as { id: string }).id;
  const reply = StartReply.parse(
    await backend.call(
      'training',
      'start',
      { projectId, document, dataset: { kind: 'synthetic', task: 'classification', trainSize: 64, testSize: 16 }, engine: 'wasm', hyper: { epochs: 2, batchSize: 16, seed: 5, optimizer: 'adam', learningRate: 0.05 } },
      ctx,
    ),
  );
  runId = reply.runId;
  versionId = reply.versionId ?? '';
  expect(await finished).toBe('done');

  // the run's model, rebuilt here as the trainer keys its checkpoint: version document + `<layer>#<i>` weights
  const store = Store.open(data.dir);
  try {
    const epochs = store.listCheckpoints(runId).map((c) => c.epoch);
    expect(epochs).toEqual([1, 2]);
    const ck = decodeCheckpoint(new Uint8Array(store.readCheckpoint(runId, 2)));
    const m = migrateDocument(store.getVersion(projectId, versionId).document);
    if (!m.ok) throw new Error(m.error.message);
    trainedDoc = m.doc;
    reference = compileGraph(tf, trainedDoc);
    const byKey = new Map(ck.weights.map((w) => [w.key, w]));
    for (const layer of reference.model.layers) {
      const ws = layer.weights.map((_, i) => {
        const w = byKey.get(`${layer.name}#${i}`);
        if (w === undefined) throw new Error(`${layer.name}#${i}`);
        return tf.tensor(w.values, [...w.shape]);
      });
      if (ws.length > 0) layer.setWeights(ws);
      tf.dispose(ws);
    }
  } finally {
    store.close();
  }
  x = tf.randomNormal(input(trainedDoc), 0, 1, 'float32', 21);
  want = Float32Array.from((reference.model.predict(x) as tf.Tensor).dataSync());
}, 120_000);

afterAll(async () => {
  reference.model.dispose();
  await closeBackend(backend);
  scratch.cleanup();
  data.cleanup();
});

describe('export from a trained run (through the export service, as the app calls it)', () => {
  it('check names the run, its version and the checkpoint it will export', async () => {
    const c = exportService.methods.check.output.parse(await backend.call('export', 'check', { options: { runId } }, ctx));
    expect(c).toMatchObject({ ok: true, error: null, name: 'tiny net', run: { runId, projectId, versionId, versionNumber: 1, epoch: 2, status: 'done' } });
  });

  it('tfjs: model.json + weights.bin hold the trained weights and load in Node with the same outputs (≤ 1e-5)', async () => {
    const out = await generate('tfjs-model', { runId });
    expect(out.run).toMatchObject({ runId, epoch: 2, versionNumber: 1 });
    expect(out.folder).toBe('tiny-net-epoch2-tfjs');
    expect(out.files.map((f) => f.name)).toEqual(['model.json', 'weights.bin', 'README.md']);
    expect(out.files[2]?.content).toContain(`Trained weights: run ${runId} of project "export run", graph version 1, checkpoint of epoch 2.`);
    const dir = write('tfjs', out.files);
    const loaded = await tf.loadLayersModel({
      load: () => {
        const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
        return tf.io.getModelArtifactsForJSON(json, async (manifest) => [manifest.flatMap((g) => g.weights), new Uint8Array(readFileSync(join(dir, 'weights.bin'))).buffer]);
      },
    });
    const y = loaded.predict(x) as tf.Tensor;
    expect(maxDiff(y.dataSync(), want)).toBeLessThanOrEqual(1e-5);
    // the weights are the trained ones (the stem's conv kernel, bit for bit), not a fresh initialization
    const kernel = loaded.getLayer(reference.layerNames.get('stem_conv') ?? '').getWeights()[0]?.dataSync();
    const trainedKernel = reference.model.getLayer(reference.layerNames.get('stem_conv') ?? '').getWeights()[0]?.dataSync();
    expect(kernel !== undefined && trainedKernel !== undefined && maxDiff(kernel, trainedKernel)).toBe(0);
    tf.dispose(y);
    loaded.dispose();
  });

  it('TypeScript: the module, weights.bin and trained.ts compile under tsc --strict; buildTrainedModel gives the same outputs (≤ 1e-5)', async () => {
    const out = await generate('typescript', { runId, train: false });
    expect(out.files.map((f) => [f.name, f.encoding])).toEqual([
      ['tiny-net.ts', 'utf8'],
      ['trained.ts', 'utf8'],
      ['weights.bin', 'base64'],
      ['README.md', 'utf8'],
    ]);
    const dir = write('ts', out.files);
    const tsc = typecheck(dir);
    expect(tsc.output).toBe('');
    const mod = await transpileAndImport<{ buildTrainedModel(t: typeof tf, data: ArrayBufferView): tf.LayersModel; weightCount: number }>(dir, 'trained.ts');
    const bytes = readFileSync(join(dir, 'weights.bin'));
    expect(bytes.byteLength).toBe(mod.weightCount * 4);
    const model = mod.buildTrainedModel(tf, bytes);
    const y = model.predict(x) as tf.Tensor;
    expect(maxDiff(y.dataSync(), want)).toBeLessThanOrEqual(1e-5);
    tf.dispose(y);
    model.dispose();
    // weights.bin cut short: one clear line, nothing half-loaded
    expect(() => mod.buildTrainedModel(tf, bytes.subarray(0, 100))).toThrow(`weights.bin has 100 bytes, expected ${mod.weightCount * 4}`);
  }, 60_000);

  it('ONNX: the initializers are the trained weights (onnxruntime-web, ≤ 1e-4)', async () => {
    const out = await generate('onnx', { runId });
    expect(out.files.map((f) => f.name)).toEqual(['tiny-net.onnx', 'README.md']);
    const session = await ort.InferenceSession.create(Buffer.from(out.files[0]?.content ?? '', 'base64'), { executionProviders: ['wasm'] });
    try {
      const inputName = session.inputNames[0] ?? '';
      const r = await session.run({ [inputName]: new ort.Tensor('float32', Float32Array.from(x.dataSync()), x.shape) });
      const got = r[session.outputNames[0] ?? ''];
      expect(maxDiff(got?.data as Float32Array, want)).toBeLessThanOrEqual(1e-4);
    } finally {
      await session.release();
    }
  });

  it.skipIf(!torch.ok)('PyTorch: the weights file holds the trained weights; torch gives the tfjs outputs (≤ 1e-4)', async () => {
    if (!torch.ok) return;
    const out = await generate('pytorch', { runId, train: false });
    expect(out.files.map((f) => f.name)).toEqual(['tiny_net.py', 'tiny_net.safetensors', 'README.md']);
    const dir = write('py', out.files);
    writeFileSync(join(dir, 'input.bin'), new Uint8Array(Float32Array.from(x.dataSync()).buffer));
    const script = [
      'import importlib.util, json, sys, torch',
      "spec = importlib.util.spec_from_file_location('m', 'tiny_net.py')",
      'mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)',
      'model = mod.TinyNet()',
      "mod.load_weights(model, 'tiny_net.safetensors')",
      'model.eval()',
      `x = torch.frombuffer(bytearray(open('input.bin', 'rb').read()), dtype=torch.float32).reshape(${JSON.stringify(x.shape)}).permute(0, 3, 1, 2).contiguous()`,
      'with torch.no_grad():',
      '    y = model.predict(x)',
      'print(json.dumps(y.reshape(-1).tolist()))',
    ].join('\n');
    const got = JSON.parse(runPython(torch.python, script, dir)) as number[];
    expect(maxDiff(got, want)).toBeLessThanOrEqual(1e-4);
  }, 60_000);

  it('refuses, with one line at options.runId: a run without a checkpoint, an unknown run, a document that is not the run’s network', async () => {
    const store = Store.open(data.dir);
    let empty: string;
    try {
      empty = store.createRun({ projectId, versionId, dataset: 'synthetic', engine: 'wasm', hyperparameters: {}, status: 'canceled' }).id;
    } finally {
      store.close();
    }
    const refused = async (p: Promise<unknown>): Promise<ContractError> => {
      try {
        await p;
      } catch (e) {
        if (e instanceof ContractError) return e;
        throw e;
      }
      throw new Error('not refused');
    };
    const e1 = await refused(generate('tfjs-model', { runId: empty }));
    expect(e1.code).toBe('bad-request');
    expect(e1.path).toEqual(['options', 'runId']);
    expect(e1.message).toBe(`run ${empty} has no checkpoint to export (it was canceled before its first epoch ended)`);
    const e1c = await refused(backend.call('export', 'check', { options: { runId: empty } }, ctx));
    expect(e1c.message).toBe(e1.message);
    const e2 = await refused(generate('onnx', { runId: 'no-such-run' }));
    expect(e2.message).toBe('no run with id no-such-run');
    const other = tinyNet({ residual: false, size: 8, filters: 4, classes: 3 });
    const e3 = await refused(generate('onnx', { runId }, other));
    expect(e3.message).toMatch(new RegExp(`^this is not the network run ${runId} trained \\(version 1 of "export run"\\)`));
    // the same network, renamed and moved about, is accepted
    const same = JSON.parse(JSON.stringify(trainedDoc)) as GraphDocument;
    same.meta.name = 'renamed';
    for (const n of Object.values(same.nodes)) n.position = { x: n.position.x + 10, y: 0 };
    expect((await generate('onnx', { runId }, same)).run?.epoch).toBe(2);
  });
});

describe('skipwire export --run', () => {
  function capture(): Io & { outs: string[]; errs: string[] } {
    const outs: string[] = [];
    const errs: string[] = [];
    return { outs, errs, out: (l) => outs.push(l), err: (l) => errs.push(l) };
  }

  it('writes the run’s files (FILE left out), says which version and epoch; --json names the run; a missing run is exit 2, one line', async () => {
    const before = process.env.SKIPWIRE_DATA_DIR;
    process.env.SKIPWIRE_DATA_DIR = data.dir;
    try {
      const io = capture();
      const out = join(scratch.dir, 'cli-tfjs');
      expect(await runCli(['export', '--run', runId, '--format', 'tfjs', '--out', out], io)).toBe(0);
      expect(io.outs[0]).toBe(`exported run ${runId} (graph version 1, weights of epoch 2) as tfjs to ${out}:`);
      expect(readdirSync(out).sort()).toEqual(['README.md', 'model.json', 'weights.bin']);
      const j = capture();
      expect(await runCli(['export', '--run', runId, '--format', 'pytorch', '--no-train', '--out', join(scratch.dir, 'cli-py'), '--json'], j)).toBe(0);
      expect(JSON.parse(j.outs[0] ?? '')).toMatchObject({ ok: true, target: 'pytorch', run: { runId, epoch: 2, versionNumber: 1 } });
      const bad = capture();
      expect(await runCli(['export', '--run', 'nope', '--format', 'onnx', '--out', join(scratch.dir, 'cli-x')], bad)).toBe(2);
      expect(bad.errs).toEqual(['skipwire: cannot export run nope: no run with id nope']);
      // FILE with --run: the run's network (renamed) is fine; another network is refused, nothing written
      const renamed = { ...trainedDoc, meta: { ...trainedDoc.meta, name: 'my copy' } };
      const same = join(scratch.dir, 'same.json');
      writeFileSync(same, JSON.stringify(renamed));
      expect(await runCli(['export', same, '--run', runId, '--format', 'onnx', '--out', join(scratch.dir, 'cli-same')], capture())).toBe(0);
      expect(readdirSync(join(scratch.dir, 'cli-same')).sort()).toEqual(['README.md', 'tiny-net.onnx']);
      const other = join(scratch.dir, 'other.json');
      writeFileSync(other, JSON.stringify(tinyNet({ residual: false, size: 8, filters: 4, classes: 3 })));
      const mismatch = capture();
      expect(await runCli(['export', other, '--run', runId, '--format', 'onnx', '--out', join(scratch.dir, 'cli-other')], mismatch)).toBe(2);
      expect(mismatch.errs).toEqual([`skipwire: cannot export ${other}: this is not the network run ${runId} trained (version 1 of "export run"): export the run alone to get its graph`]);
      expect(existsSync(join(scratch.dir, 'cli-other'))).toBe(false);
      const none = capture();
      expect(await runCli(['export', '--format', 'onnx', '--out', join(scratch.dir, 'cli-x')], none)).toBe(2);
      expect(none.errs).toEqual(['skipwire: export needs a FILE, or --run ID to export a training run']);
    } finally {
      if (before === undefined) delete process.env.SKIPWIRE_DATA_DIR;
      else process.env.SKIPWIRE_DATA_DIR = before;
    }
  });
});
