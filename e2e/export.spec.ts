import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIRequestContext, Download, Page } from '@playwright/test';
import * as tf from '@tensorflow/tfjs';
import Database from 'better-sqlite3';
import { unzipSync } from 'fflate';
import { compileGraph } from '../src-shared/graph/compile.js';
import { migrateDocument } from '../src-shared/graph/migrations.js';
import { decodeCheckpoint } from '../src-main/services/trainer/checkpoint.js';
import { expect, test } from './app.js';
import type { RunningApp } from './app.js';
import { openEditor } from './editor-helpers.js';

/**
 * Export code from the app, as a person does: the top bar's "Export code…" opens the dialog; in the
 * browser host the files download (as a zip of a folder: every export has its model card). A graph with
 * errors is refused with its diagnostics. A trained run's tfjs model files, downloaded from the
 * dialog, load in Chromium with tf.loadLayersModel and give the run's outputs.
 */

test.use({ viewport: { width: 1400, height: 900 } });

const REPO = join(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'skipwire-e2e-export-'));

async function api<T>(request: APIRequestContext, app: RunningApp, service: string, method: string, data: unknown): Promise<T> {
  const r = await request.post(`${app.origin}/api/${service}/${method}`, { headers: { Authorization: `Bearer ${app.token}` }, data });
  const body = (await r.json()) as { value?: T; error?: { message: string } };
  if (body.value === undefined) throw new Error(`${service}.${method}: ${body.error?.message ?? r.status()}`);
  return body.value;
}

type Doc = Record<string, unknown> & { meta: { name: string }; nodes: Record<string, { params: Record<string, unknown> }> };

async function template(request: APIRequestContext, app: RunningApp, options: Record<string, number | string | boolean>): Promise<Doc> {
  return (await api<{ document: Doc }>(request, app, 'graph', 'fromTemplate', { id: 'resnet', options })).document;
}

/** Opens a document through the Open button's file picker. */
async function open(page: Page, name: string, doc: unknown): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await (await chooser).setFiles({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
}

/** Clicks Export in the dialog and returns the download's name and bytes. */
async function exportDownload(page: Page): Promise<{ name: string; bytes: Uint8Array }> {
  const downloading = page.waitForEvent('download');
  await page.getByTestId('export-run').click();
  const d: Download = await downloading;
  const path = join(scratch, d.suggestedFilename());
  await d.saveAs(path);
  return { name: d.suggestedFilename(), bytes: new Uint8Array(readFileSync(path)) };
}

const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);

test('export TypeScript, PyTorch and ONNX from the dialog: zips of a folder with the files and a model card', async ({ page, app, request }) => {
  await openEditor(page, app.url);
  await open(page, 'resnet-8.skipwire.json', await template(request, app, { depth: 8, width: 4, inputHeight: 16, inputWidth: 16, classes: 3 }));
  await expect(page.getByTestId('doc-title')).toHaveText('ResNet-8');

  await page.getByTestId('export-code').click();
  const dialog = page.getByTestId('export-dialog');
  await expect(dialog.getByTestId('export-status')).toHaveText('“ResNet-8” as it is in the editor, with freshly initialized weights.');
  await expect(dialog.getByLabel('TypeScript')).toBeChecked();
  await expect(dialog.getByLabel('Include train.ts (trains the model on tensors you pass)')).toBeChecked();
  await page.screenshot({ path: join(tmpdir(), 'skipwire-export-dialog.png') });
  const ts = await exportDownload(page);
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('notice')).toContainText('Downloaded resnet-8-ts.zip: 3 files');
  expect(ts.name).toBe('resnet-8-ts.zip');
  const tsFiles = unzipSync(ts.bytes);
  expect(Object.keys(tsFiles).sort()).toEqual(['resnet-8-ts/README.md', 'resnet-8-ts/resnet-8.ts', 'resnet-8-ts/train.ts']);
  const module = text(tsFiles['resnet-8-ts/resnet-8.ts']);
  expect(module).toContain("import type * as tfjs from '@tensorflow/tfjs';");
  expect(module).toContain('export function buildModel(tf: Tf): tfjs.LayersModel {');
  expect(module).toContain("const stemConv1 = apply(tf.layers.conv2d({ name: 'stem_conv1', filters: 4, kernelSize: 3, padding: 'same'");
  expect(module).toContain('const residualBlock = (x: SymbolicTensor, prefix: string): SymbolicTensor => {');
  expect(module).toContain('export function preprocess(t: Tf, images: tfjs.Tensor): tfjs.Tensor {');
  expect(module).toMatch(/\/\/ \[16, 16, 4\]\n/);
  expect(text(tsFiles['resnet-8-ts/README.md'])).toContain('# ResNet-8');
  expect(module.length).toBeGreaterThan(2000);
  expect(text(tsFiles['resnet-8-ts/train.ts'])).toContain("import { buildModel } from './resnet-8.js';");

  await page.getByTestId('export-code').click();
  await dialog.getByLabel('PyTorch (+DDP script)').check();
  await expect(dialog.getByLabel('Include train_ddp.py (DistributedDataParallel, torchrun)')).toBeChecked();
  const py = await exportDownload(page);
  expect(py.name).toBe('resnet-8-pytorch.zip');
  const pyFiles = unzipSync(py.bytes);
  expect(Object.keys(pyFiles).sort()).toEqual(['resnet-8-pytorch/README.md', 'resnet-8-pytorch/resnet_8.py', 'resnet-8-pytorch/resnet_8.safetensors', 'resnet-8-pytorch/train_ddp.py']);
  const pyModule = text(pyFiles['resnet-8-pytorch/resnet_8.py']);
  expect(pyModule).toContain('class ResNet8(nn.Module):');
  expect(pyModule).toContain('class ResidualBlock(nn.Module):');
  expect(pyModule).toContain('    def predict(self, input_):');
  expect(text(pyFiles['resnet-8-pytorch/README.md'])).toContain('forward() returns logits');
  expect(text(pyFiles['resnet-8-pytorch/train_ddp.py'])).toContain('DistributedDataParallel');
  // safetensors: a u64 header length, the JSON header, then every tensor's float32 data
  const st = pyFiles['resnet-8-pytorch/resnet_8.safetensors'] ?? new Uint8Array();
  const headerLength = Number(new DataView(st.buffer, st.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(text(st.subarray(8, 8 + headerLength))) as Record<string, { dtype?: string; data_offsets?: [number, number] }>;
  const dataBytes = Math.max(...Object.values(header).map((t) => t.data_offsets?.[1] ?? 0));
  expect(st.byteLength).toBe(8 + headerLength + dataBytes);
  expect(dataBytes).toBeGreaterThan(4 * 4000);

  await page.getByTestId('export-code').click();
  await dialog.getByLabel('ONNX').check();
  await dialog.getByLabel('Layout').selectOption('nchw');
  await dialog.getByLabel('Outputs').selectOption('logits');
  const onnx = await exportDownload(page);
  expect(onnx.name).toBe('resnet-8-onnx.zip');
  await expect(page.getByTestId('notice')).toContainText('Downloaded resnet-8-onnx.zip: 2 files');
  const onnxFiles = unzipSync(onnx.bytes);
  expect(Object.keys(onnxFiles).sort()).toEqual(['resnet-8-onnx/README.md', 'resnet-8-onnx/resnet-8.onnx']);
  expect(onnxFiles['resnet-8-onnx/resnet-8.onnx']?.byteLength).toBeGreaterThan(4 * 4000);
  expect(text(onnxFiles['resnet-8-onnx/README.md'])).toContain('| output | logits (the scores before softmax / sigmoid; exported with outputs=logits) |');
});

test('a graph with errors is refused in the dialog, its diagnostics listed; nothing downloads', async ({ page, app, request }) => {
  await openEditor(page, app.url);
  const doc = await template(request, app, { depth: 8, width: 4, inputHeight: 16, inputWidth: 16, classes: 3 });
  const conv = doc.nodes['s1b1_conv2'];
  if (conv === undefined) throw new Error('s1b1_conv2');
  conv.params = { ...conv.params, filters: 8 };
  await open(page, 'broken.skipwire.json', doc);
  await expect(page.getByTestId('error-count')).toHaveText(/ 1 error/);
  let downloads = 0;
  page.on('download', () => downloads++);
  await page.getByTestId('export-code').click();
  const dialog = page.getByTestId('export-dialog');
  const refused = dialog.getByTestId('export-refused');
  await expect(refused).toContainText('Cannot export: the graph has 1 error. Fix it first');
  await expect(refused.locator('li')).toHaveCount(1);
  await expect(refused.locator('li')).toHaveText('s1b1_add Add "s1b1_add": inputs differ — [16,16,8] from "s1b1_bn2" vs [16,16,4] from "stem_relu1"');
  await expect(dialog.getByTestId('export-run')).toBeDisabled();
  await dialog.getByLabel('ONNX').check();
  await expect(dialog.getByTestId('export-run')).toBeDisabled();
  await page.screenshot({ path: join(tmpdir(), 'skipwire-export-refused.png') });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  expect(downloads).toBe(0);
});

test('a trained run’s tfjs model files, downloaded from the dialog, load in Chromium with the run’s outputs (≤ 1e-5)', async ({ page, app, request, context }) => {
  test.setTimeout(120_000);
  await openEditor(page, app.url);
  // option B shortcuts (1×1 projections): standard tfjs layers only, so plain tfjs loads the files
  const doc = await template(request, app, { depth: 8, width: 4, inputHeight: 8, inputWidth: 8, classes: 3, downsample: 'B' });
  await open(page, 'small.skipwire.json', doc);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByTestId('notice')).toContainText('Saved');
  const { projects } = await api<{ projects: { id: string }[] }>(request, app, 'projects', 'list', {});
  const projectId = projects[0]?.id ?? '';
  // a short run through the app's trainer (worker, wasm engine, synthetic data)
  const start = await api<{ runId: string; versionId: string }>(request, app, 'training', 'start', {
    projectId,
    document: doc,
    dataset: { kind: 'synthetic', task: 'classification', trainSize: 32, testSize: 8 },
    engine: 'wasm',
    hyper: { epochs: 1, batchSize: 16, seed: 2, optimizer: 'adam', learningRate: 0.05 },
  });
  await expect
    .poll(async () => (await api<{ run: { status: string } }>(request, app, 'training', 'get', { runId: start.runId })).run.status, { timeout: 90_000 })
    .toBe('done');

  // the dialog lists the project's finished run; the export takes its version and last checkpoint
  await page.getByTestId('export-code').click();
  const dialog = page.getByTestId('export-dialog');
  await dialog.getByLabel('tfjs model').check();
  await dialog.getByTestId('export-source').selectOption(start.runId);
  await expect(dialog.getByTestId('export-status')).toHaveText(`“ResNet-8” as run ${start.runId.slice(0, 8)} trained it (graph version 1), with the weights of its last checkpoint (epoch 1).`);
  await page.screenshot({ path: join(tmpdir(), 'skipwire-export-run.png') });
  const zip = await exportDownload(page);
  expect(zip.name).toBe('resnet-8-epoch1-tfjs.zip');
  const files = unzipSync(zip.bytes);
  expect(Object.keys(files).sort()).toEqual(['resnet-8-epoch1-tfjs/README.md', 'resnet-8-epoch1-tfjs/model.json', 'resnet-8-epoch1-tfjs/weights.bin']);

  // the run's model, rebuilt in Node from the store as the trainer keyed its checkpoint
  const db = new Database(join(app.dataDir, 'skipwire.db'), { readonly: true, fileMustExist: true });
  const row = db.prepare('SELECT weights FROM checkpoints WHERE run_id = ? ORDER BY epoch DESC LIMIT 1').get(start.runId) as { weights: Buffer };
  db.close();
  const ck = decodeCheckpoint(new Uint8Array(row.weights));
  const m = migrateDocument(doc);
  if (!m.ok) throw new Error(m.error.message);
  await tf.setBackend('cpu');
  const compiled = compileGraph(tf, m.doc);
  const byKey = new Map(ck.weights.map((w) => [w.key, w]));
  for (const layer of compiled.model.layers) {
    const ws = layer.weights.map((_, i) => {
      const w = byKey.get(`${layer.name}#${i}`);
      if (w === undefined) throw new Error(`${layer.name}#${i}`);
      return tf.tensor(w.values, [...w.shape]);
    });
    if (ws.length > 0) layer.setWeights(ws);
  }
  const shape = [2, 8, 8, 3];
  const x = Array.from({ length: 2 * 8 * 8 * 3 }, (_, i) => Math.sin(i * 0.37));
  const want = Array.from((compiled.model.predict(tf.tensor(x, shape)) as tf.Tensor).dataSync());

  // Chromium: the files served over HTTP, loaded with tfjs's browser build
  const served = new Map<string, { body: Buffer; type: string }>([
    ['/model/model.json', { body: Buffer.from(files['resnet-8-epoch1-tfjs/model.json'] ?? []), type: 'application/json' }],
    ['/model/weights.bin', { body: Buffer.from(files['resnet-8-epoch1-tfjs/weights.bin'] ?? []), type: 'application/octet-stream' }],
    ['/tf.min.js', { body: readFileSync(join(REPO, 'node_modules/@tensorflow/tfjs/dist/tf.min.js')), type: 'text/javascript' }],
    ['/', { body: Buffer.from('<!doctype html><title>tfjs</title><script src="/tf.min.js"></script>'), type: 'text/html' }],
  ]);
  const browserPage = await context.newPage();
  await browserPage.route('http://models.test/**', (route) => {
    const f = served.get(new URL(route.request().url()).pathname);
    return f === undefined ? route.fulfill({ status: 404 }) : route.fulfill({ status: 200, body: f.body, contentType: f.type });
  });
  await browserPage.goto('http://models.test/');
  const got = await browserPage.evaluate(
    async ({ x, shape }) => {
      const t = (globalThis as unknown as { tf: typeof tf }).tf;
      await t.setBackend('cpu');
      const model = await t.loadLayersModel('/model/model.json');
      const y = model.predict(t.tensor(x, shape)) as tf.Tensor;
      return Array.from(await y.data());
    },
    { x, shape },
  );
  expect(got).toHaveLength(want.length);
  const diff = Math.max(...got.map((v, i) => Math.abs(v - (want[i] ?? NaN))));
  expect(diff).toBeLessThanOrEqual(1e-5);
  writeFileSync(join(scratch, 'diff.txt'), String(diff));
  compiled.model.dispose();
});
