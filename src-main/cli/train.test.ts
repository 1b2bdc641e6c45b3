import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTemplate } from '../../src-shared/templates/registry.js';
import { Store } from '../services/store/store.js';
import { tempDir, tinyNet, useBundledWorker } from '../services/trainer/testing.js';
import type { Io } from './output.js';
import { CliError } from './output.js';
import { run } from './program.js';
import { train } from './train.js';

function capture(onOut?: (line: string) => void): Io & { outs: string[]; errs: string[] } {
  const outs: string[] = [];
  const errs: string[] = [];
  return {
    outs,
    errs,
    out: (l) => {
      outs.push(l);
      onOut?.(l);
    },
    err: (l) => errs.push(l),
  };
}

const FASHION = '/usr/share/datasets/fashion-mnist';
const hasFashion = existsSync(join(FASHION, 'train-images-idx3-ubyte.gz')) || existsSync(join(FASHION, 'train-images-idx3-ubyte'));
const saved = process.env.SKIPWIRE_DATA_DIR;
let dir = '';
let cleanup: () => void = () => undefined;
let tiny = '';

beforeAll(async () => {
  await useBundledWorker();
  ({ dir, cleanup } = tempDir('cli-train'));
  process.env.SKIPWIRE_DATA_DIR = join(dir, 'data');
  tiny = join(dir, 'tiny.json');
  writeFileSync(tiny, JSON.stringify(tinyNet({ residual: true })));
  writeFileSync(join(dir, 'dilated.json'), JSON.stringify(tinyNet({ dilation: 2 })));
}, 60_000);
afterAll(() => {
  if (saved === undefined) delete process.env.SKIPWIRE_DATA_DIR;
  else process.env.SKIPWIRE_DATA_DIR = saved;
  cleanup();
});

describe('skipwire train', () => {
  it.skipIf(!hasFashion)(
    `ResNet-20 (28×28×1) on a real Fashion-MNIST subset, wasm engine, --json: clearly better than chance${hasFashion ? '' : ` (skipped: ${FASHION} is absent — install Debian's dataset-fashion-mnist)`}`,
    async () => {
      const g = generateTemplate('resnet', { depth: 20, inputHeight: 28, inputWidth: 28, inputChannels: 1, classes: 10 });
      if (!g.ok) throw new Error(g.error.message);
      const file = join(dir, 'resnet20-fmnist.json');
      writeFileSync(file, JSON.stringify(g.doc));
      const io = capture();
      const args = ['train', file, '--dataset', 'fashion-mnist', '--limit', '512', '--epochs', '2', '--batch', '16', '--optimizer', 'adam', '--lr', '0.001', '--engine', 'wasm', '--seed', '3', '--json'];
      expect(await run(args, io), io.errs.join('\n')).toBe(0);
      const lines = io.outs.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines[0]).toMatchObject({ event: 'start', engine: 'wasm', persisted: true, hyper: { optimizer: 'adam', limit: 512, seed: 3 } });
      expect(lines.filter((l) => l.event === 'epoch').map((l) => l.epoch)).toEqual([1, 2]);
      expect(lines.filter((l) => l.event === 'probe').length).toBeGreaterThan(0);
      const evaluation = lines.find((l) => l.event === 'evaluation') as { accuracy: number; examples: number; classNames: string[] };
      expect(evaluation.examples).toBe(512);
      expect(evaluation.classNames[0]).toBe('T-shirt/top');
      const done = lines[lines.length - 1] as { event: string; status: string; engine: string; epochs: number; trainLoss: number; valLoss: number; valAccuracy: number; testAccuracy: number; imagesPerSecond: number };
      expect(done).toMatchObject({ event: 'done', status: 'done', engine: 'wasm', epochs: 2 });
      // chance is 0.1
      expect(done.valAccuracy).toBeGreaterThan(0.3);
      expect(done.testAccuracy).toBeGreaterThan(0.3);
      expect(done.trainLoss).toBeLessThan(Math.log(10));
      expect(done.imagesPerSecond).toBeGreaterThan(0);
      process.stderr.write(`ResNet-20 on Fashion-MNIST (limit 512, 2 epochs, wasm): ${JSON.stringify(done)}\n`);
      // saved in a project named after the file, with its metrics
      const store = Store.open(join(dir, 'data'));
      const project = store.listProjects().find((p) => p.name === 'resnet20-fmnist.json');
      expect(project).toBeDefined();
      const runs = store.listRuns(project?.id ?? '');
      expect(runs.map((r) => [r.status, r.engine])).toEqual([['done', 'wasm']]);
      expect(store.listCheckpoints(runs[0]?.id ?? '').map((c) => c.epoch)).toEqual([1, 2]);
      store.close();
    },
    120_000,
  );

  it('a network without normalization whose loss becomes NaN/Infinity: the run stops, exit 1 with one line naming the step', async () => {
    const file = join(dir, 'overflow.json');
    writeFileSync(file, JSON.stringify(tinyNet({ overflow: 13 })));
    const io = capture();
    expect(await run(['train', file, '--dataset', 'synthetic', '--epochs', '2', '--batch', '16', '--engine', 'wasm', '--seed', '1', '--no-save'], io)).toBe(1);
    expect(io.errs).toEqual([expect.stringMatching(/^skipwire: training failed: the loss became (NaN|[+-]Infinity) \(a non-finite network output or loss\) at step 1 \(epoch 1, batch 1 of \d+\) with learning rate 0\.1: training stopped — lower the learning rate or add normalization/)]);
  }, 60_000);

  it('a folder dataset with undecodable images is refused before training (listed, exit 2), or trained without them with --skip-bad-images', async () => {
    const images = join(dir, 'images');
    for (const [cls, v] of [
      ['a', 20],
      ['b', 220],
    ] as const) {
      mkdirSync(join(images, cls), { recursive: true });
      for (let i = 0; i < 8; i++) {
        await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: v, g: (i * 9) % 255, b: v } } }).png().toFile(join(images, cls, `${i}.png`));
      }
    }
    writeFileSync(join(images, 'b', 'corrupt.png'), Buffer.from('\x89PNG\r\n\x1a\nnot really a png'));
    const two = join(dir, 'two-classes.json');
    writeFileSync(two, JSON.stringify(tinyNet({ classes: 2 })));
    const refused = capture();
    expect(await run(['train', two, '--dataset', `folder:${images}`, '--epochs', '1', '--batch', '4', '--engine', 'wasm', '--no-save'], refused)).toBe(2);
    expect(refused.errs).toEqual([expect.stringMatching(/^skipwire: 1 of 17 images in .*images cannot be decoded: b\/corrupt\.png \(.+\) — fix or remove them, or skip them \(--skip-bad-images\)$/)]);
    expect(refused.outs).toEqual([]);

    const io = capture();
    expect(await run(['train', two, '--dataset', `folder:${images}`, '--skip-bad-images', '--epochs', '1', '--batch', '4', '--engine', 'wasm', '--seed', '1', '--json'], io), io.errs.join('\n')).toBe(0);
    const lines = io.outs.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toContainEqual({ event: 'skipped-images', count: 1, files: [join(images, 'b', 'corrupt.png')] });
    expect(lines.at(-1)).toMatchObject({ event: 'done', status: 'done', epochs: 1 });
    // the run keeps which images it left out
    const store = Store.open(join(dir, 'data'));
    const run1 = store.getRun((lines[0] as { runId: string }).runId);
    expect((run1.hyperparameters as { dataset: { spec: unknown } }).dataset.spec).toEqual({ kind: 'folder', path: images, skipBadImages: true, exclude: [join(images, 'b', 'corrupt.png')] });
    store.close();
  }, 60_000);

  it('prints one line per epoch when not on a terminal, and redraws a progress bar on one', async () => {
    const io = capture();
    expect(await run(['train', tiny, '--dataset', 'synthetic', '--epochs', '2', '--batch', '16', '--engine', 'wasm', '--seed', '1', '--no-save'], io), io.errs.join('\n')).toBe(0);
    expect(io.outs[0]).toMatch(/^training tiny net \([\d.]+k? params\) on synthetic with wasm: /);
    expect(io.outs[1]).toMatch(/momentum, lr 0\.1, batch 16, 2 epochs, seed 1 — not saved$/);
    expect(io.outs.filter((l) => /^epoch \d\/2: train loss [\d.]+ acc [\d.]+% · val loss [\d.]+ acc [\d.]+% · [\d.]+ img\/s/.test(l))).toHaveLength(2);
    expect(io.outs.some((l) => /^test accuracy [\d.]+% on \d+ examples/.test(l))).toBe(true);
    expect(io.outs[io.outs.length - 1]).toMatch(/^done: 2 epochs in \d+s$/);
    expect(io.outs.some((l) => l.includes('['))).toBe(false);

    const drawn: string[] = [];
    const tty = capture();
    await train(tiny, { dataset: 'synthetic', epochs: '1', batch: '16', engine: 'wasm', seed: '1', save: false }, tty, { tty: (s) => drawn.push(s) });
    const bars = drawn.filter((s) => s.startsWith('\r\x1b[2Kepoch 1/1 ['));
    expect(bars.length).toBeGreaterThan(0);
    expect(bars[bars.length - 1]).toMatch(/\[#{20}\] \d+\/\d+ {2}loss [\d.]+ {2}acc [\d.]+% {2}[\d.]+ img\/s {2}ETA \d+s$/);
  }, 60_000);

  it('Ctrl-C cancels after the current batch and keeps the finished epochs (exit 130)', async () => {
    const signals = new EventEmitter();
    const io = capture((line) => {
      if (line.startsWith('epoch 1/')) signals.emit('SIGINT');
    });
    const err = await train(tiny, { dataset: 'synthetic', epochs: '20', batch: '8', engine: 'wasm', seed: '2', project: undefined }, io, { signals }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(130);
    expect((err as CliError).message).toMatch(/^canceled after \d+ epochs? \(they are kept — run [\w-]+ in project "tiny\.json"\)$/);
    expect(io.errs.join('\n')).toMatch(/canceling after the current batch/);
    expect(signals.listenerCount('SIGINT')).toBe(0);
    const store = Store.open(join(dir, 'data'));
    const project = store.listProjects().find((p) => p.name === 'tiny.json');
    const r = store.listRuns(project?.id ?? '')[0];
    expect(r?.status).toBe('canceled');
    const kept = store.listCheckpoints(r?.id ?? '').map((c) => c.epoch);
    expect(kept[0]).toBe(1);
    expect(kept.length).toBeLessThan(20);
    store.close();
  }, 60_000);

  it('--queue stores the run as queued in its project (checked first); the app trains it later', async () => {
    const io = capture();
    expect(await run(['train', tiny, '--dataset', 'synthetic', '--engine', 'wasm', '--epochs', '1', '--queue', '--label', 'later', '--json'], io), io.errs.join('\n')).toBe(0);
    expect(io.outs).toHaveLength(1);
    const line = JSON.parse(io.outs[0] ?? '{}') as { event: string; runId: string; position: number };
    expect(line).toMatchObject({ event: 'queued', position: 0 });
    const store = Store.open(join(dir, 'data'));
    expect(store.getRun(line.runId)).toMatchObject({ status: 'queued', label: 'later', engine: 'wasm' });
    store.close();
    const refused = capture();
    expect(await run(['train', tiny, '--dataset', 'synthetic', '--queue', '--no-save'], refused)).toBe(2);
    expect(refused.errs[0]).toMatch(/--queue keeps the run in a project: drop --no-save/);
    const bad = capture();
    expect(await run(['train', join(dir, 'dilated.json'), '--dataset', 'synthetic', '--engine', 'wasm', '--queue'], bad)).toBe(2);
    expect(bad.errs[0]).toMatch(/has dilation 2/);
  }, 30_000);

  it('refuses bad input with one line and exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['train', tiny], /required option '--dataset <spec>'/],
      [['train', tiny, '--dataset', 'imagenet'], /--dataset: unknown dataset "imagenet"/],
      [['train', tiny, '--dataset', 'synthetic', '--optimizer', 'rmsprop'], /--optimizer: /],
      [['train', tiny, '--dataset', 'synthetic', '--lr', 'fast'], /--lr must be a number/],
      [['train', tiny, '--dataset', 'synthetic', '--engine', 'tpu'], /--engine must be auto, /],
      [['train', tiny, '--dataset', 'synthetic', '--schedule', 'linear'], /--schedule takes constant, cosine or step/],
      [['train', join(dir, 'missing.json'), '--dataset', 'synthetic'], /cannot read .*missing\.json: no such file/],
      [['train', tiny, '--dataset', 'synthetic:shape', '--engine', 'wasm'], /synthetic takes "classification" or "segmentation"/],
    ];
    for (const [args, message] of cases) {
      const io = capture();
      expect(await run(args, io), args.join(' ')).toBe(2);
      expect(io.errs).toHaveLength(1);
      expect(io.errs[0]).toMatch(message);
    }
    const dilated = join(dir, 'dilated.json');
    writeFileSync(dilated, JSON.stringify(tinyNet({ dilation: 2 })));
    const io = capture();
    expect(await run(['train', dilated, '--dataset', 'synthetic', '--engine', 'wasm', '--no-save'], io)).toBe(2);
    expect(io.errs[0]).toMatch(/^skipwire: Conv2D "stem_conv" has dilation 2: tfjs has no gradient/);
  }, 30_000);
});
