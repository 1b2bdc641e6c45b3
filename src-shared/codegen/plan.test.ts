import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CompileError, compileGraph } from '../graph/compile.js';
import type { GraphDocument } from '../graph/document.js';
import { buildGraph } from '../graph/sample-graphs.js';
import { planCode } from './plan.js';
import type { PlanItem } from './plan.js';
import { repeatedGraph, templateGraphs } from './test-graphs.js';
import { emitTypeScript } from './typescript.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function compilerNames(doc: GraphDocument): string[] {
  const c = compileGraph(tf, doc);
  const names = [...c.layerNames.values()].sort();
  c.model.dispose();
  return names;
}

function blocksOf(items: readonly PlanItem[], out: { label: string; ids: string[]; loop: boolean }[] = []): typeof out {
  for (const it of items) {
    if (it.type !== 'block') continue;
    const ids: string[] = [];
    const collect = (list: readonly PlanItem[]): void => {
      for (const x of list) {
        if (x.type === 'node') ids.push(x.node.id);
        else collect(x.items);
      }
    };
    collect(it.items);
    out.push({ label: it.label, ids, loop: it.loop !== null });
    blocksOf(it.items, out);
  }
  return out;
}

describe('code plan', () => {
  it('names every layer as the compiler does, and prints each block’s nodes together, in dependency order', () => {
    for (const { name, doc } of templateGraphs().slice(0, 6)) {
      const plan = planCode(doc);
      expect(plan.copies.map((c) => c.layerName).sort(), name).toEqual(compilerNames(doc));
      const position = new Map(plan.sequence.map((n, i) => [n.id, i]));
      for (const n of plan.sequence) for (const src of n.inputIds) expect(position.get(src)).toBeLessThan(position.get(n.id) ?? -1);
      for (const b of blocksOf(plan.items)) {
        const members = Object.values(doc.nodes).filter((n) => {
          for (let g = n.group; g !== undefined; g = doc.groups[g]?.parent) if (doc.groups[g]?.label === b.label) return true;
          return false;
        });
        expect(b.ids.length, `${name}: ${b.label}`).toBe(members.length);
      }
    }
  });

  it('makes a repeated block a loop whose copies carry the compiler’s names', () => {
    const doc = repeatedGraph();
    const plan = planCode(doc);
    expect(plan.loops.map((l) => [l.label, l.repeat])).toEqual([
      ['stage 1', 3],
      ['stage 2', 2],
    ]);
    expect(plan.copies.map((c) => c.layerName).sort()).toEqual(compilerNames(doc));
    expect(plan.copies.filter((c) => c.node.id === 'u_add').map((c) => c.layerName)).toEqual(['u_add', 'u_add__r2', 'u_add__r3']);
  });

  it('unrolls a repeated block whose copies the compiler names otherwise (a clash), and prints it without a loop', () => {
    // "p:_r2" (upstream, so named first) sanitizes to p__r2, the name the loop's second copy of "p" would have
    const doc = buildGraph({ height: 4, width: 4, channels: 2 }, (b) => {
      const x = b.add('Input', {}, { id: 'input' });
      const q = b.add('ReLU', {}, { id: 'p:_r2' });
      b.connect(x, q);
      const p = b.add('Conv2D', { filters: 2, kernel: 1 }, { id: 'p' });
      b.connect(q, p);
      b.chain(p, ['GlobalAvgPool'], ['ClassificationHead', { classes: 2 }]);
    });
    const looped: GraphDocument = {
      ...doc,
      nodes: { ...doc.nodes, p: { ...(doc.nodes.p as GraphDocument['nodes'][string]), group: 'g' } },
      groups: { g: { id: 'g', label: 'twice', collapsed: false, repeat: 2 } },
    };
    const plan = planCode(looped);
    expect(plan.loops).toEqual([]);
    expect(plan.copies.map((c) => c.layerName).sort()).toEqual(compilerNames(looped));
    expect(plan.copies.map((c) => c.layerName)).toContain('p__r2_2');
    expect(emitTypeScript(looped).files[0]?.content).not.toContain('for (let');
  });

  it('refuses a graph with errors, with the diagnostics', () => {
    const doc = buildGraph({ height: 4, width: 4, channels: 2 }, (b) => {
      const x = b.add('Input');
      const s = b.add('Add');
      b.connect(b.chain(x, ['Conv2D', { filters: 3, kernel: 1 }]), s, 0);
      b.connect(x, s, 1);
    });
    expect(() => planCode(doc)).toThrow(CompileError);
    try {
      planCode(doc);
    } catch (e) {
      expect((e as CompileError).diagnostics.some((d) => d.severity === 'error' && d.message.includes('[4,4,3]'))).toBe(true);
    }
  });
});
