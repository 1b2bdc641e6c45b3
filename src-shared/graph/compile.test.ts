import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CompileError, compileGraph, layerNameFor } from './compile.js';
import { costReport } from './cost.js';
import { inferShapes, isValid } from './infer.js';
import type { GraphDocument } from './document.js';
import { buildGraph, cifarResNet } from './sample-graphs.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** What the compiler must agree with the shared model on: every node's shape, and the parameter counts. */
function expectAgreement(doc: GraphDocument): void {
  const a = inferShapes(doc);
  expect(isValid(a)).toBe(true);
  const c = compileGraph(tf, doc, a);
  try {
    for (const id of a.order) {
      expect(c.tensors.get(id)?.shape.slice(1), `shape of ${id}`).toEqual([...(a.nodes.get(id)?.shape ?? [])]);
    }
    const { totals } = costReport(a);
    const trainable = c.model.trainableWeights.reduce((n, w) => n + w.shape.reduce<number>((x, y) => x * (y ?? 1), 1), 0);
    expect(trainable).toBe(totals.params);
    expect(c.model.countParams()).toBe(totals.totalParams);
  } finally {
    c.model.dispose();
  }
}

describe('compileGraph', () => {
  it('builds ResNet-20 with the shared model’s shapes and parameter counts, heads first-class', () => {
    const doc = cifarResNet(3);
    expectAgreement(doc);
    const c = compileGraph(tf, doc);
    expect(c.heads).toHaveLength(1);
    expect(c.heads[0]?.loss).toBe('categoricalCrossentropy');
    expect(c.model.outputs[0]?.shape).toEqual([null, 10]);
    const y = c.model.predict(tf.zeros([2, 32, 32, 3])) as tf.Tensor;
    expect(y.shape).toEqual([2, 10]);
    const sums = y.sum(1).arraySync() as number[];
    for (const s of sums) expect(s).toBeCloseTo(1, 5);
    y.dispose();
    c.model.dispose();
  });

  it('refuses a graph with errors, carrying its located diagnostics', () => {
    const doc = buildGraph({ height: 8, width: 8, channels: 3 }, (b) => {
      const x = b.add('Input');
      const c = b.chain(x, ['Conv2D', { filters: 4, stride: 2 }]);
      const s = b.add('Add');
      b.connect(c, s, 0);
      b.connect(x, s, 1);
    });
    let err: unknown;
    try {
      compileGraph(tf, doc);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CompileError);
    expect((err as CompileError).message).toMatch(/\[4,4,4\].*\[8,8,3\]|\[8,8,3\].*\[4,4,4\]/);
    expect((err as CompileError).diagnostics.length).toBeGreaterThan(0);
  });

  it('sanitizes node ids into unique tfjs layer names', () => {
    const taken = new Set<string>();
    expect(layerNameFor('conv:1', taken)).toBe('conv_1');
    expect(layerNameFor('conv.1', taken)).toBe('conv_1_2');
    expect(layerNameFor('1x1', taken)).toBe('n_1x1');
  });

  it('agrees with the shared model on random valid graphs (shapes and parameter counts)', () => {
    type Step = { op: number; a: number; b: number; c: number };
    const step = fc.record({ op: fc.integer({ min: 0, max: 9 }), a: fc.integer({ min: 0, max: 99 }), b: fc.integer({ min: 0, max: 99 }), c: fc.integer({ min: 0, max: 99 }) });
    let checked = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 2, maxLength: 9 }), fc.integer({ min: 1, max: 3 }), (steps: Step[], ch: number) => {
        const doc = buildGraph({ height: 8, width: 8, channels: ch }, (b) => {
          const made: string[] = [b.add('Input')];
          const last = (): string => made[made.length - 1] ?? '';
          for (const s of steps) {
            const pick = made[s.a % made.length] ?? last();
            switch (s.op) {
              case 0:
                made.push(b.chain(last(), ['Conv2D', { filters: 1 + (s.b % 6), kernel: [1, 3][s.c % 2], stride: 1 + (s.c % 2), groups: 1 }]));
                break;
              case 1:
                made.push(b.chain(last(), ['BatchNorm', {}]));
                break;
              case 2:
                made.push(b.chain(last(), [['ReLU', 'ELU', 'SiLU', 'Tanh', 'Sigmoid'][s.b % 5] ?? 'ReLU', {}]));
                break;
              case 3:
                made.push(b.chain(last(), ['MaxPool', { pool: 2, stride: 2 }]));
                break;
              case 4: {
                const m = b.add(s.b % 2 === 0 ? 'Add' : 'Concat');
                b.connect(last(), m, 0);
                b.connect(pick, m, 1);
                made.push(m);
                break;
              }
              case 5:
                made.push(b.chain(last(), ['Upsample', { factor: 2 }]));
                break;
              case 6:
                made.push(b.chain(last(), ['Scale', { factor: 0.5 }]));
                break;
              case 7: {
                const g = b.add('Gate', { mode: s.b % 2 === 0 ? 'exclusive' : 'shortcut-only' });
                b.connect(pick, g, 0);
                b.connect(last(), g, 1);
                made.push(g);
                break;
              }
              case 8:
                made.push(b.chain(last(), ['DepthwiseConv2D', {}]));
                break;
              default:
                made.push(b.chain(last(), ['Identity', {}]));
            }
          }
          b.chain(last(), ['GlobalAvgPool', {}], ['ClassificationHead', { classes: 3 }]);
        });
        if (!isValid(inferShapes(doc))) return; // only valid graphs are compiled
        checked++;
        expectAgreement(doc);
      }),
      { numRuns: 40, seed: 42 },
    );
    expect(checked).toBeGreaterThan(8);
  });
});
