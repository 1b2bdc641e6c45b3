import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportService } from '../../../src-shared/api/index.js';
import type { ExportedFile } from '../../../src-shared/api/index.js';
import { METRIC, StartReply, StatusEvent } from '../../../src-shared/api/services/training.js';
import { splitIndices } from '../datasets/dataset.js';
import { FASHION_MNIST_DEFAULT_DIR } from '../datasets/fashion-mnist.js';
import { closeBackend, createBackend } from '../registry.js';
import { Store } from '../store/store.js';
import { tempDir, tinyNet, useBundledWorker } from '../trainer/testing.js';
import { runPython, scratchDir, torchPython, writeFiles } from './testing.js';

/**
 * The input contract and the run's recipe, end to end: a small residual network trains two epochs
 * on Fashion-MNIST through the real trainer; its PyTorch export, fed the raw test images through
 * its own preprocess(), scores exactly Skipwire's test accuracy, and nn.CrossEntropyLoss on
 * forward() is Skipwire's test loss (forward() gives logits); train_ddp.py, launched by Debian's
 * torchrun with the --redirects 1 --tee 1 workaround on two gloo processes for one epoch, reaches a
 * training loss within 10 % of Skipwire's first epoch.
 */

const ctx = { transport: 'in-process', clientId: 'test' } as const;
const torch = torchPython();
const fashion = existsSync(join(FASHION_MNIST_DEFAULT_DIR, 't10k-images-idx3-ubyte.gz')) || existsSync(join(FASHION_MNIST_DEFAULT_DIR, 't10k-images-idx3-ubyte'));
const ready = torch.ok && fashion;
if (!fashion) console.warn(`contract checks skipped: no Fashion-MNIST in ${FASHION_MNIST_DEFAULT_DIR}`);

const HYPER = { epochs: 2, batchSize: 32, seed: 7, optimizer: 'momentum', learningRate: 0.05, limit: 1200, validationFraction: 0.1, warmupEpochs: 0.25, schedule: { kind: 'step', milestones: [1], factor: 0.5 } } as const;

const scratch = scratchDir('contract');
let data: { dir: string; cleanup: () => void } | null = null;
let backend: ReturnType<typeof createBackend> | null = null;
let dir = '';
let files: ExportedFile[] = [];
const recorded = { testAccuracy: NaN, testLoss: NaN, testExamples: 0, firstEpochLoss: NaN };

beforeAll(async () => {
  if (!ready) return;
  await useBundledWorker();
  data = tempDir('export-contract');
  backend = createBackend({ mode: 'cli', modeReason: 'test', dataDir: data.dir });
  let done: (status: string) => void = () => undefined;
  const finished = new Promise<string>((r) => (done = r));
  backend.onEvent((f) => {
    if (f.service !== 'training' || f.event !== 'status') return;
    const s = StatusEvent.parse(f.payload).status;
    if (['done', 'failed', 'canceled'].includes(s)) done(s);
  });
  const document = tinyNet({ residual: true, size: 28, channels: 1, filters: 8, classes: 10 });
  const projectId = ((await backend.call('projects', 'create', { name: 'fashion', document }, ctx)) as { id: string }).id;
  const reply = StartReply.parse(await backend.call('training', 'start', { projectId, document, dataset: { kind: 'fashion-mnist' }, engine: 'wasm', hyper: HYPER }, ctx));
  expect(await finished).toBe('done');
  const store = Store.open(data.dir);
  try {
    const { points } = store.readMetrics(reply.runId, { names: [METRIC.testAccuracy, METRIC.testLoss, METRIC.testExamples, METRIC.trainLoss] });
    for (const p of points) {
      if (p.name === METRIC.testAccuracy) recorded.testAccuracy = p.value ?? NaN;
      if (p.name === METRIC.testLoss) recorded.testLoss = p.value ?? NaN;
      if (p.name === METRIC.testExamples) recorded.testExamples = p.value ?? 0;
      if (p.name === METRIC.trainLoss && p.epoch === 1) recorded.firstEpochLoss = p.value ?? NaN;
    }
  } finally {
    store.close();
  }
  const out = exportService.methods.generate.output.parse(await backend.call('export', 'generate', { target: 'pytorch', options: { runId: reply.runId } }, ctx));
  files = out.files;
  dir = join(scratch.dir, 'py');
  writeFiles(
    dir,
    files.map((f) => (f.encoding === 'base64' ? { name: f.name, bytes: new Uint8Array(Buffer.from(f.content, 'base64')) } : { name: f.name, content: f.content })),
  );
}, 300_000);

afterAll(async () => {
  if (backend !== null) await closeBackend(backend);
  scratch.cleanup();
  data?.cleanup();
});

const text = (name: string): string => files.find((f) => f.name === name)?.content ?? '';

describe.skipIf(!ready)('a trained Fashion-MNIST run, exported to PyTorch (Debian python3-torch)', () => {
  it('states the contract: the module’s constants and the model card give (pixel/255 − 0.286)/0.353, the classes and the recipe', () => {
    expect(files.map((f) => f.name)).toEqual(['tiny_net.py', 'tiny_net.safetensors', 'train_ddp.py', 'README.md']);
    const module = text('tiny_net.py');
    expect(module).toContain('MEAN = (0.286,)\nSTD = (0.353,)');
    expect(module).toContain("CLASSES = ('T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot')");
    const card = text('README.md');
    expect(card).toContain('28×28 grayscale images, 8-bit pixels normalized per channel as (pixel/255 − mean)/std, mean (0.286), std (0.353) (Fashion-MNIST)');
    expect(card).toContain('| optimizer | SGD with momentum 0.9 |');
    expect(card).toContain('| learning rate | 0.05, × 0.5 after epochs 1, linear warm-up over 0.25 epochs |');
    expect(card).toContain('| weight decay | 0.0001 on kernels (weights of rank ≥ 2) only, not biases or BatchNorm (L2 added to the gradient) |');
    expect(card).toContain(`- test/accuracy: ${recorded.testAccuracy.toFixed(4)}`);
    // the confusion matrix: one row per class, summing to the test examples
    const rows = [...card.matchAll(/^\| (\d) [^|]+ \|((?: \d+ \|){10})$/gm)].map((m) => (m[2] ?? '').split('|').map((v) => Number(v.trim())).filter((v) => !Number.isNaN(v)));
    expect(rows).toHaveLength(10);
    expect(rows.flat().reduce((a, b) => a + b, 0)).toBe(recorded.testExamples);
    const ddp = text('train_ddp.py');
    expect(ddp).toContain("'optimizer': 'momentum',");
    expect(ddp).toContain("'schedule': {'kind': 'step', 'milestones': [1], 'factor': 0.5},");
    expect(ddp).toContain("'weight_decay': 0.0001,");
    expect(ddp).toContain('torchrun --redirects 1 --tee 1 --standalone --nproc_per_node=2 train_ddp.py --cpu --data PATH');
  });

  it('raw test images through its own preprocess() score exactly Skipwire’s test accuracy; CrossEntropyLoss on forward() is Skipwire’s test loss', () => {
    if (!torch.ok) return;
    const { test } = splitIndices({ train: 60_000, test: 10_000 }, { seed: HYPER.seed, limit: HYPER.limit, validationFraction: HYPER.validationFraction });
    expect(test.length).toBe(recorded.testExamples);
    writeFileSync(join(dir, 'indices.json'), JSON.stringify([...test]));
    const script = [
      'import gzip, json, struct, sys, torch',
      'from torch import nn',
      'import tiny_net',
      'def idx(path):',
      '    data = gzip.open(path).read()',
      '    n = data[3]',
      "    shape = struct.unpack('>' + 'I' * n, data[4:4 + 4 * n])",
      '    return torch.frombuffer(bytearray(data[4 + 4 * n:]), dtype=torch.uint8).reshape(shape)',
      `root = ${JSON.stringify(FASHION_MNIST_DEFAULT_DIR)}`,
      "keep = torch.tensor(json.load(open('indices.json')))",
      "images = idx(root + '/t10k-images-idx3-ubyte.gz')[keep]",
      "labels = idx(root + '/t10k-labels-idx1-ubyte.gz')[keep].long()",
      "model = tiny_net.load_weights(tiny_net.TinyNet(), 'tiny_net.safetensors').eval()",
      'with torch.no_grad():',
      '    x = tiny_net.preprocess(images.numpy())',
      '    logits = model(x)',
      '    probabilities = model.predict(x)',
      '    scaled = model(images.unsqueeze(1).float() / 255)  # what the old train_ddp.py told the reader: [0, 1]',
      'print(json.dumps({',
      "    'correct': int((probabilities.argmax(dim=1) == labels).sum()),",
      "    'n': len(labels),",
      "    'ce': nn.CrossEntropyLoss()(logits, labels).item(),",
      "    'softmax_is_predict': (torch.softmax(logits, dim=1) - probabilities).abs().max().item(),",
      "    'unnormalized_correct': int((scaled.argmax(dim=1) == labels).sum()),",
      '}))',
    ].join('\n');
    const r = JSON.parse(runPython(torch.python, script, dir)) as { correct: number; n: number; ce: number; softmax_is_predict: number; unnormalized_correct: number };
    expect(r.n).toBe(recorded.testExamples);
    expect(r.correct / r.n).toBe(recorded.testAccuracy);
    expect(Math.abs(r.ce - recorded.testLoss)).toBeLessThan(1e-4);
    expect(r.softmax_is_predict).toBeLessThan(1e-6);
    // the contract matters: the same images in [0, 1] score something else
    expect(r.unnormalized_correct).not.toBe(r.correct);
  });

  it('train_ddp.py under torchrun (--redirects 1 --tee 1, two gloo processes), one epoch on the same data and seed: training loss within 10 % of Skipwire’s first epoch', async () => {
    if (!torch.ok) return;
    const out = await new Promise<{ code: number | null; output: string }>((resolveRun) => {
      const env: NodeJS.ProcessEnv = { ...process.env, OMP_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1', PYTHONFAULTHANDLER: '1' };
      for (const k of ['RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_ADDR', 'MASTER_PORT']) delete env[k];
      const child = spawn(
        '/usr/bin/python3',
        ['-m', 'torch.distributed.run', '--redirects', '1', '--tee', '1', '--standalone', '--nproc_per_node=2', 'train_ddp.py', '--cpu', '--data', FASHION_MNIST_DEFAULT_DIR, '--epochs', '1', '--workers', '0'],
        // its own process group: on a timeout the launcher and both workers go together
        { cwd: dir, env, detached: true },
      );
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      // on a timeout: every process's Python stack (faulthandler, SIGABRT), then the whole group goes
      const timer = setTimeout(() => {
        if (child.pid === undefined) return;
        process.kill(-child.pid, 'SIGABRT');
        setTimeout(() => process.kill(-(child.pid ?? 0), 'SIGKILL'), 2_000);
      }, 240_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolveRun({ code, output });
      });
    });
    expect(out.code, out.output).toBe(0);
    const m = /epoch 1\/1 {2}loss (\d+\.\d+)/.exec(out.output);
    expect(m, out.output).not.toBeNull();
    const loss = Number(m?.[1]);
    expect(Math.abs(loss - recorded.firstEpochLoss) / recorded.firstEpochLoss, `train_ddp.py ${loss}, Skipwire ${recorded.firstEpochLoss}`).toBeLessThanOrEqual(0.1);
    expect(out.output).toMatch(/test loss \d+\.\d+ {2}test acc \d+\.\d+/);
    expect(readFileSync(join(dir, 'checkpoint.pt')).byteLength).toBeGreaterThan(1000);
  }, 300_000);
});
