import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../src-shared/graph/compile.js';
import { emitTypeScript } from '../../../src-shared/codegen/index.js';
import { exportTestGraphs, hostileGraph } from '../../../src-shared/codegen/test-graphs.js';
import { scratchDir, transpileAndImport, typecheck, writeFiles } from './testing.js';
import { join } from 'node:path';
import ts from 'typescript';

interface GeneratedModule {
  buildModel(t: typeof tf): tf.LayersModel;
}

interface GeneratedTrain {
  train(t: typeof tf, xs: tf.Tensor, ys: tf.Tensor | tf.Tensor[], options?: Record<string, unknown>): Promise<{ model: tf.LayersModel; history: tf.History }>;
  defaults: { epochs: number; learningRate: number; optimizer: string };
}

const graphs = exportTestGraphs();
const scratch = scratchDir('ts');
const dirs = new Map<string, { dir: string; module: string; files: readonly { name: string; content: string }[] }>();
let tsc: { ok: boolean; output: string };

beforeAll(async () => {
  await tf.setBackend('cpu');
  graphs.forEach((g, i) => {
    const out = emitTypeScript(g.doc);
    const dir = join(scratch.dir, `g${i}`);
    writeFiles(dir, out.files);
    dirs.set(g.name, { dir, module: out.module, files: out.files });
  });
  // one tsc run over every generated module and train.ts (tsc's start-up dominates)
  tsc = typecheck(scratch.dir);
}, 120_000);

afterAll(() => scratch.cleanup());

describe('TypeScript export', () => {
  it('compiles under tsc --strict (no unused names) for every graph', () => {
    expect(tsc.output).toBe('');
    expect(tsc.ok).toBe(true);
  });

  it.each(graphs.map((g) => [g.name, g] as const))('%s: same parameters and, with the weights copied, the same outputs as the compiled model', async (_name, g) => {
    const d = dirs.get(g.name);
    if (d === undefined) throw new Error('not generated');
    const mod = await transpileAndImport<GeneratedModule>(d.dir, d.module);
    const ref = compileGraph(tf, g.doc);
    const gen = mod.buildModel(tf);
    try {
      expect(gen.countParams()).toBe(ref.model.countParams());
      const refNames = ref.model.layers.filter((l) => l.countParams() > 0).map((l) => l.name).sort();
      const genNames = gen.layers.filter((l) => l.countParams() > 0).map((l) => l.name).sort();
      expect(genNames).toEqual(refNames);
      expect(gen.layers.map((l) => l.name).sort()).toEqual(ref.model.layers.map((l) => l.name).sort());
      for (const name of refNames) gen.getLayer(name).setWeights(ref.model.getLayer(name).getWeights());
      const { height, width, channels } = g.doc.input;
      const x = tf.randomNormal([2, height, width, channels], 0, 1, 'float32', 7);
      const a = [ref.model.predict(x)].flat() as tf.Tensor[];
      const b = [gen.predict(x)].flat() as tf.Tensor[];
      expect(b.length).toBe(a.length);
      a.forEach((t, i) => {
        const u = b[i] as tf.Tensor;
        expect(u.shape).toEqual(t.shape);
        const diff = tf.max(tf.abs(tf.sub(t, u))).dataSync()[0] ?? Infinity;
        expect(diff).toBeLessThanOrEqual(1e-5);
      });
      tf.dispose([x, ...a, ...b]);
    } finally {
      ref.model.dispose();
      gen.dispose();
    }
  });
});

/** Every identifier in a TypeScript source (identifiers only occur in code: never in comments or strings). */
function identifiers(source: string): Set<string> {
  const out = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) out.add(n.text);
    ts.forEachChild(n, visit);
  };
  visit(ts.createSourceFile('x.ts', source, ts.ScriptTarget.ES2022, true));
  return out;
}

describe('TypeScript export: train.ts', () => {
  it('trains the generated model on tensors passed in, with the heads\' losses (three heads: classification, regression, segmentation)', async () => {
    const g = graphs.find((x) => x.name === 'three heads');
    const d = g === undefined ? undefined : dirs.get(g.name);
    if (g === undefined || d === undefined) throw new Error('not generated');
    await transpileAndImport<GeneratedModule>(d.dir, d.module);
    const { train, defaults } = await transpileAndImport<GeneratedTrain>(d.dir, 'train.ts');
    expect(defaults).toMatchObject({ optimizer: 'momentum', learningRate: 0.1 });
    const { height, width, channels } = g.doc.input;
    const xs = tf.randomUniform([4, height, width, channels], 0, 1, 'float32', 3);
    const ys = [tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 5), tf.randomNormal([4, 2]), tf.oneHot(tf.zeros([4, 8, 8], 'int32'), 3)];
    const { model, history } = await train(tf, xs, ys, { epochs: 2, batchSize: 2, validationSplit: 0, learningRate: 0.01 });
    const loss = history.history['loss'] as number[];
    expect(loss).toHaveLength(2);
    for (const l of loss) expect(Number.isFinite(l)).toBe(true);
    model.dispose();
    tf.dispose([xs, ...ys]);
  });
});

describe('TypeScript export: readable and harmless', () => {
  it('keeps hostile labels and names inert: they become identifiers, comments and escaped strings, never code', () => {
    const { files } = emitTypeScript(hostileGraph());
    for (const f of files) {
      const ids = identifiers(f.content);
      for (const bad of ['process', 'exit', 'os', 'system', 'eval', 'require']) expect(ids.has(bad), `${f.name} uses ${bad}`).toBe(false);
      expect(f.content).not.toMatch(/[\u2028\u2029]/);
      // the label text survives only inside comments
      for (const line of f.content.split('\n')) if (line.includes('process.exit(')) expect(line).toMatch(/^\s*(\/\/|\*|\/\*\*)|\/\/ "/);
    }
    const model = files[0]?.content ?? '';
    expect(model).toContain('const xProcessExit1 = apply(tf.layers.conv2d(');
    expect(model).toContain("tf.layers.batchNormalization({ name: 'batchnorm_4'");
  });

  it('reads like code a person would write: shapes in comments, blocks under headings, a loop for a repeated block', () => {
    const repeated = exportTestGraphs().find((g) => g.name === 'repeated blocks');
    if (repeated === undefined) throw new Error('missing graph');
    const src = emitTypeScript(repeated.doc).files[0]?.content ?? '';
    expect(src).toContain('// ── stage 1: repeated 3 times');
    expect(src).toMatch(/for \(let k = 1; k <= 3; k\+\+\) \{\n\s+const copy = k === 1 \? '' : `__r\$\{k\}`;/);
    expect(src).toContain("name: `conv2d_4${copy}`");
    expect(src).toMatch(/const uConv = apply\(tf\.layers\.conv2d\(.*\), stage1\); \/\/ "u_conv" \[8, 8, 4\]/);
    expect(src).toContain('// ── unit ──');
  });
});
