import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GraphDocument } from '../graph/document.js';
import { generateTemplate } from '../templates/registry.js';
import { exportGraph, isBinary, type ExportFile, type ExportTarget } from './index.js';

/** exportGraph: reproducible files with --seed, the input contract in tfjs model.json, a model card everywhere. */

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function doc(): GraphDocument {
  const r = generateTemplate('resnet', { depth: 8, width: 4, inputHeight: 8, inputWidth: 8, inputChannels: 1, classes: 3 });
  if (!r.ok) throw new Error(r.error.message);
  return r.doc;
}

const bytes = (f: ExportFile): Uint8Array => (isBinary(f) ? f.bytes : new TextEncoder().encode(f.content));
const TARGETS: ExportTarget[] = ['typescript', 'tfjs-model', 'pytorch', 'onnx'];
const FASHION = { dataset: 'Fashion-MNIST', mean: [0.286], std: [0.353], classNames: ['a', 'b', 'c'] };

describe('exportGraph', () => {
  it.each(TARGETS)('%s: the same graph, seed and options give byte-identical files; another seed other weights', async (target) => {
    const a = await exportGraph(tf, doc(), target, { seed: 5, preprocessing: FASHION });
    const b = await exportGraph(tf, doc(), target, { seed: 5, preprocessing: FASHION });
    const c = await exportGraph(tf, doc(), target, { seed: 6, preprocessing: FASHION });
    expect(a.map((f) => f.name)).toEqual(b.map((f) => f.name));
    a.forEach((f, i) => expect(bytes(f), f.name).toEqual(bytes(b[i] as ExportFile)));
    expect(a.map((f) => f.name)).toContain('README.md');
    const card = a.find((f) => f.name === 'README.md');
    expect(card !== undefined && !isBinary(card) ? card.content : '').toContain('with seed 5 (`--seed 5` re-exports the same bytes)');
    // TypeScript without weights has none to differ; every other target carries the drawn weights
    const same = (x: Uint8Array, y: Uint8Array): boolean => x.length === y.length && x.every((v, k) => v === y[k]);
    const differs = a.some((f, i) => f.name !== 'README.md' && !same(bytes(f), bytes(c[i] as ExportFile)));
    expect(differs).toBe(target !== 'typescript');
  });

  it('tfjs model.json carries the input contract as user-defined metadata (tf.loadLayersModel keeps it)', async () => {
    const files = await exportGraph(tf, doc(), 'tfjs-model', { seed: 1, preprocessing: FASHION });
    const json = files.find((f) => f.name === 'model.json');
    const meta = JSON.parse(json !== undefined && !isBinary(json) ? json.content : '{}') as { userDefinedMetadata?: unknown };
    expect(meta.userDefinedMetadata).toEqual({
      skipwire: {
        input: {
          layout: 'nhwc',
          inputSize: [8, 8],
          channels: 1,
          channelOrder: 'L',
          pixelRange: [0, 255],
          normalization: { formula: '(pixel / 255 - mean) / std', mean: [0.286], std: [0.353], dataset: 'Fashion-MNIST' },
          classNames: ['a', 'b', 'c'],
        },
      },
    });
    const none = await exportGraph(tf, doc(), 'tfjs-model', { seed: 1 });
    const j2 = none.find((f) => f.name === 'model.json');
    expect(JSON.parse(j2 !== undefined && !isBinary(j2) ? j2.content : '{}')).toMatchObject({ userDefinedMetadata: { skipwire: { input: { normalization: 'none recorded' } } } });
  });
});
