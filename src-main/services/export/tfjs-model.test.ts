import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../src-shared/graph/compile.js';
import { exportGraph, weightsOf } from '../../../src-shared/codegen/index.js';
import { allKindsGraph, repeatedGraph } from '../../../src-shared/codegen/test-graphs.js';
import { templateGraphs } from '../../../src-shared/codegen/test-graphs.js';
import { scratchDir, transpileAndImport, writeFiles } from './testing.js';

/**
 * tfjs model files of a compiled model: model.json + weights.bin load with tf.loadLayersModel (read
 * from disk with a small handler, as plain tfjs in Node has no file://) and give the same outputs;
 * a model with custom layers loads after the exported module's registerCustomLayers(tf).
 */

const scratch = scratchDir('tfjs');

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => scratch.cleanup());

/** tf.loadLayersModel from a folder on disk. */
function fromDisk(dir: string): tf.io.IOHandler {
  return {
    load: () => {
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const paths = manifest.flatMap((g) => g.paths);
        const buffers = paths.map((p) => new Uint8Array(readFileSync(join(dir, p))).buffer);
        return [manifest.flatMap((g) => g.weights), tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}

async function roundTrip(name: string, doc: Parameters<typeof compileGraph>[1]): Promise<string[]> {
  const ref = compileGraph(tf, doc);
  const files = await exportGraph(tf, doc, 'tfjs-model', { weights: weightsOf(ref.model) });
  const dir = join(scratch.dir, name);
  writeFiles(dir, files);
  const names = files.map((f) => f.name);
  const custom = files.find((f) => f.name.endsWith('.ts') && f.name !== 'train.ts');
  if (custom !== undefined) {
    const mod = await transpileAndImport<{ registerCustomLayers(t: typeof tf): void }>(dir, custom.name);
    mod.registerCustomLayers(tf);
  }
  const loaded = await tf.loadLayersModel(fromDisk(dir));
  const { height, width, channels } = doc.input;
  const x = tf.randomNormal([2, height, width, channels], 0, 1, 'float32', 9);
  const a = [ref.model.predict(x)].flat() as tf.Tensor[];
  const b = [loaded.predict(x)].flat() as tf.Tensor[];
  expect(b.length).toBe(a.length);
  a.forEach((t, i) => expect(tf.max(tf.abs(tf.sub(t, b[i] as tf.Tensor))).dataSync()[0]).toBeLessThanOrEqual(1e-6));
  tf.dispose([x, ...a, ...b]);
  ref.model.dispose();
  loaded.dispose();
  return names;
}

describe('tfjs model files', () => {
  it('a template network: model.json + weights.bin load and give the same outputs', async () => {
    const g = templateGraphs().find((t) => t.name === 'plain-8');
    if (g === undefined) throw new Error('missing');
    expect(await roundTrip('plain', g.doc)).toEqual(['model.json', 'weights.bin', 'README.md']);
  });

  it('custom layers (Scale, Gate, Crop, Pad, GroupNorm, grouped conv, …): the exported module registers them, then the files load', async () => {
    const names = await roundTrip('all-kinds', allKindsGraph());
    expect(names).toEqual(['model.json', 'weights.bin', 'all-kinds.ts', 'README.md']);
    const readme = readFileSync(join(scratch.dir, 'all-kinds', 'README.md'), 'utf8');
    expect(readme).toContain("import { registerCustomLayers } from './all-kinds.js';");
  });

  it('repeated blocks (unrolled layers __r2, __r3) round-trip too', async () => {
    await roundTrip('repeated', repeatedGraph());
  });
});
