import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GraphDocument } from '../../../src-shared/graph/document.js';
import { TemplateBuilder } from '../../../src-shared/templates/builder.js';
import { bundleWorker } from './bundle-worker.js';

/** Test support (not part of the app): small graphs, the bundled worker, temporary folders. */

export interface TinyNetOptions {
  /** Image size (default 8×8×3). */
  readonly size?: number;
  readonly channels?: number;
  readonly classes?: number;
  /** Add a residual block (conv-BN-ReLU-conv-BN + identity shortcut, then ReLU). */
  readonly residual?: boolean;
  /** Dilation of the first conv. */
  readonly dilation?: number;
  /** Multiply by 1000 this many times before the head: the forward pass overflows to Infinity. */
  readonly overflow?: number;
  readonly filters?: number;
}

/** Input → conv-BN-ReLU [→ residual block] → global average pool → classifier. */
export function tinyNet(o: TinyNetOptions = {}): GraphDocument {
  const size = o.size ?? 8;
  const f = o.filters ?? 8;
  const b = new TemplateBuilder({ height: size, width: size, channels: o.channels ?? 3 });
  let h = b.add('input', 'Input');
  h = b.chain(h, 'stem_', ['conv', 'Conv2D', { filters: f, kernel: 3, dilation: o.dilation ?? 1 }], ['bn', 'BatchNorm'], ['relu', 'ReLU']);
  if (o.residual === true) {
    const x = h;
    const fx = b.chain(x, 'block_', ['conv1', 'Conv2D', { filters: f, kernel: 3, bias: false }], ['bn1', 'BatchNorm'], ['relu1', 'ReLU'], ['conv2', 'Conv2D', { filters: f, kernel: 3, bias: false }], ['bn2', 'BatchNorm']);
    h = b.add('block_add', 'Add', {}, [fx, x]);
    h = b.add('block_relu', 'ReLU', {}, [h]);
  }
  for (let i = 0; i < (o.overflow ?? 0); i++) h = b.add(`scale${i}`, 'Scale', { factor: 1000 }, [h]);
  h = b.add('pool', 'GlobalAvgPool', {}, [h]);
  b.add('head', 'ClassificationHead', { classes: o.classes ?? 4 }, [h]);
  return b.build({ name: 'tiny net' });
}

/** Input → conv-BN-ReLU ×2 → a SegmentationHead of `classes` (1: a sigmoid mask). */
export function tinySegNet(classes: number, size = 8): GraphDocument {
  const b = new TemplateBuilder({ height: size, width: size, channels: 3 });
  let h = b.add('input', 'Input');
  h = b.chain(h, 'a_', ['conv', 'Conv2D', { filters: 8, kernel: 3 }], ['bn', 'BatchNorm'], ['relu', 'ReLU']);
  h = b.chain(h, 'b_', ['conv', 'Conv2D', { filters: 8, kernel: 3 }], ['bn', 'BatchNorm'], ['relu', 'ReLU']);
  b.add('mask', 'SegmentationHead', { classes }, [h]);
  return b.build({ name: 'tiny segmentation net' });
}

/** Bundles the worker (cached) and points SKIPWIRE_TRAINER_WORKER at it, as the app's built file would be found. */
export async function useBundledWorker(): Promise<string> {
  const path = await bundleWorker();
  process.env.SKIPWIRE_TRAINER_WORKER = path;
  return path;
}

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `sw-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** tfjs's cpu backend, without its "install tfjs-node" banner (in-process unit tests). */
export async function useCpuBackend(tf: { setBackend(name: string): Promise<boolean>; findBackend(name: string): unknown }): Promise<void> {
  await tf.setBackend('cpu');
  const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu !== null && typeof cpu.firstUse === 'boolean') cpu.firstUse = false;
}
