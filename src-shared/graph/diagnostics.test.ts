import { describe, expect, it } from 'vitest';
import { bySeverity, countBySeverity, hasErrors, type Diagnostic } from './diagnostics.js';
import type { GraphDocument } from './document.js';
import { diagnosticsOf, inferShapes, validate } from './infer.js';
import { buildGraph, type GraphBuilder } from './sample-graphs.js';

const IN = { height: 32, width: 32, channels: 3 };

function diags(doc: GraphDocument): readonly Diagnostic[] {
  return diagnosticsOf(inferShapes(doc));
}

function only(doc: GraphDocument, code: string): Diagnostic {
  const found = diags(doc).filter((d) => d.code === code);
  expect(found, `${code} in ${JSON.stringify(diags(doc).map((d) => d.code))}`).toHaveLength(1);
  return found[0] as Diagnostic;
}

/** Input → … → GlobalAvgPool → head, with `body` in between. */
function net(body: (b: GraphBuilder, x: string) => string): GraphDocument {
  return buildGraph(IN, (b) => {
    const x = b.add('Input', {}, { id: 'input' });
    const y = body(b, x);
    b.chain(y, ['GlobalAvgPool', {}, 'gap'], ['ClassificationHead', { classes: 10 }, 'head']);
  });
}

describe('shape mismatch diagnostics name the node, both inputs and both shapes', () => {
  it('Add: the issue example, with edges and shapes for a quick fix', () => {
    let e0 = '';
    let e1 = '';
    const doc = net((b, x) => {
      const conv2b = b.chain(x, ['Conv2D', { filters: 32, stride: 2 }, 'conv2b']);
      const block1 = b.chain(x, ['Conv2D', { filters: 16 }, 'block1_out']);
      const add = b.add('Add', {}, { id: 'add_7', label: 'block2_add' });
      e0 = b.connect(conv2b, add, 0);
      e1 = b.connect(block1, add, 1);
      return add;
    });
    const d = only(doc, 'merge-shape-mismatch');
    expect(d.message).toBe('Add "block2_add": inputs differ — [16,16,32] from "conv2b" vs [32,32,16] from "block1_out"');
    expect(d.severity).toBe('error');
    expect(d.nodeId).toBe('add_7');
    expect(d.kind).toBe('Add');
    expect(d.edgeIds).toEqual([e0, e1]);
    expect(d.inputs?.map((i) => i.shape)).toEqual([
      [16, 16, 32],
      [32, 32, 16],
    ]);
    expect(d.inputs?.map((i) => i.port)).toEqual([0, 1]);
    expect(d.inputs?.[0]?.sourceId).toBe(Object.values(doc.nodes).find((n) => n.label === 'conv2b')?.id);
  });

  it('Add with three inputs names the first that differs', () => {
    const doc = net((b, x) => {
      const a = b.chain(x, ['ReLU', {}, 'a']);
      const c = b.chain(x, ['ReLU', {}, 'c']);
      const p = b.chain(x, ['MaxPool', {}, 'p']);
      const add = b.add('Add', {}, { label: 'sum' });
      b.connect(a, add, 0);
      b.connect(c, add, 1);
      b.connect(p, add, 2);
      return add;
    });
    const d = only(doc, 'merge-shape-mismatch');
    expect(d.message).toBe('Add "sum": inputs differ — [32,32,3] from "a" vs [16,16,3] from "p"');
    expect(d.inputs?.map((i) => i.port)).toEqual([0, 2]);
  });

  it('Concat spatial mismatch (U-Net without crop), label falls back to id', () => {
    const doc = net((b, x) => {
      const enc = b.chain(x, ['Conv2D', { filters: 8, padding: 'valid' }, 'enc']);
      const dec = b.chain(x, ['Conv2D', { filters: 8, padding: 'valid' }], ['Conv2D', { filters: 8, padding: 'valid' }, 'dec']);
      const cat = b.add('Concat', {}, { id: 'cat' });
      b.connect(enc, cat, 0);
      b.connect(dec, cat, 1);
      return cat;
    });
    expect(only(doc, 'concat-spatial-mismatch').message).toBe(
      'Concat "cat": spatial sizes differ — [30,30,8] from "enc" vs [28,28,8] from "dec"; Concat joins channels, so H and W must match (crop, pad or resize one)',
    );
  });

  it('Gate and Crop name their ports', () => {
    const gateDoc = net((b, x) => {
      const f = b.chain(x, ['Conv2D', { filters: 8 }, 'F']);
      const g = b.add('Gate', {}, { label: 'gate' });
      b.connect(x, g, 0);
      b.connect(f, g, 1);
      return g;
    });
    expect(only(gateDoc, 'merge-shape-mismatch').message).toBe('Gate "gate": shortcut x [32,32,3] from "input" and residual F [32,32,8] from "F" differ');
    const cropDoc = net((b, x) => {
      const small = b.chain(x, ['MaxPool', {}, 'small']);
      const c = b.add('Crop', {}, { label: 'crop' });
      b.connect(small, c, 0);
      b.connect(x, c, 1);
      return c;
    });
    const d = only(cropDoc, 'crop-larger');
    expect(d.message).toBe('Crop "crop": reference [32,32,3] from "input" is larger than x [16,16,3] from "small"; Crop can only shrink (pad or resize instead)');
    expect(d.inputs?.map((i) => i.portName)).toEqual(['x', 'reference']);
  });

  it('single-input problems carry the input and its shape', () => {
    const doc = net((b, x) => b.chain(x, ['Conv2D', { filters: 8, groups: 2 }, 'grouped']));
    const d = only(doc, 'groups-mismatch');
    expect(d.message).toBe('Conv2D "grouped": input channels of [32,32,3] from "input" (3) are not divisible by groups 2');
    expect(d.port).toBe(0);
    expect(d.inputs?.[0]?.shape).toEqual([32, 32, 3]);
    const flat = buildGraph(IN, (b) => {
      b.chain(b.add('Input', {}, { id: 'input' }), ['Dense', { units: 10 }, 'fc'], ['ClassificationHead', {}, 'head']);
    });
    expect(only(flat, 'expects-flat').message).toBe('Dense "fc": expects flat features [F]; got [32,32,3] from "input" — insert GlobalAvgPool or Flatten before it');
    const big = net((b, x) => b.chain(x, ['MaxPool', { pool: 2, stride: 2 }], ['MaxPool', {}], ['MaxPool', {}], ['MaxPool', {}], ['MaxPool', {}], ['Conv2D', { kernel: 3, padding: 'valid' }, 'late']));
    expect(only(big, 'window-too-large').message).toBe(
      'Conv2D "late": window 3×3 does not fit input [1,1,3] from "maxpool_5" with valid padding — use padding same or a smaller kernel',
    );
  });
});

describe('structural diagnostics', () => {
  it('missing input names the port, and the port name when the kind has one', () => {
    const doc = net((b, x) => {
      const g = b.add('Gate', {}, { label: 'gate' });
      b.connect(x, g, 0);
      return g;
    });
    const d = only(doc, 'missing-input');
    expect(d.message).toBe('Gate "gate": input 1 (F) is not connected (it takes 2 inputs, 1 connected)');
    expect(d.port).toBe(1);
    const addDoc = net((b, x) => {
      const a = b.add('Add', {}, { label: 'sum' });
      b.connect(x, a, 0);
      b.connect(x, a, 2);
      return a;
    });
    expect(only(addDoc, 'missing-input').message).toBe('Add "sum": input 1 is not connected (it takes at least 2 inputs, 2 connected)');
  });

  it('too many inputs, port conflicts, unknown kinds, invalid params', () => {
    const doc = net((b, x) => {
      const r = b.add('ReLU', {}, { label: 'r' });
      b.connect(x, r, 0);
      const e = b.connect(x, r, 1);
      expect(e).toBeTruthy();
      return r;
    });
    expect(only(doc, 'too-many-inputs').message).toBe('ReLU "r": takes 1 input; extra: "input" on input 1');
    const conflict = net((b, x) => {
      const m = b.chain(x, ['MaxPool', {}, 'm']);
      const r = b.add('ReLU', {}, { label: 'r' });
      b.connect(x, r, 0);
      b.connect(m, r, 0);
      return r;
    });
    const c = only(conflict, 'port-conflict');
    expect(c.message).toBe('ReLU "r": input 0 has 2 edges (from "input", from "m"); keep one');
    expect(c.edgeIds).toHaveLength(2);
    const unknown = net((b, x) => b.chain(x, ['Conv2d', {}, 'typo']));
    expect(only(unknown, 'unknown-kind').message).toBe('Conv2d "typo": unknown layer kind "Conv2d" — did you mean Conv2D?');
    const bad = net((b, x) => b.chain(x, ['Conv2D', { filters: 0, padding: 'full' }, 'c']));
    const ds = diags(bad).filter((d) => d.code === 'invalid-params');
    expect(ds.map((d) => d.paramPath)).toEqual([['filters'], ['padding']]);
    expect(ds[0]?.message).toMatch(/^Conv2D "c": param "filters" \(is 0\): /);
    expect(ds[1]?.message).toMatch(/^Conv2D "c": param "padding" \(is "full"\): /);
  });

  it('dangling edges, no head, no input, several inputs, disconnected pieces, unused outputs', () => {
    const raw = buildGraph(IN, (b) => {
      const x = b.add('Input', {}, { id: 'input' });
      const r = b.chain(x, ['ReLU', {}, 'r']);
      b.connect(r, 'ghost', 0);
    });
    expect(only(raw, 'dangling-edge').message).toBe('Edge "e2" from ReLU "r" is dangling: its target "ghost" is missing');
    const noHead = only(raw, 'no-output-head');
    expect(noHead.severity).toBe('warning');
    expect(noHead.nodeId).toBe(Object.values(raw.nodes).find((n) => n.label === 'r')?.id);
    expect(noHead.message).toBe('No output head: add a ClassificationHead, SegmentationHead or RegressionHead (e.g. after ReLU "r") to train the network');

    const pieces = buildGraph(IN, (b) => {
      const x = b.add('Input', {}, { id: 'input' });
      b.chain(x, ['GlobalAvgPool', {}, 'gap'], ['ClassificationHead', {}, 'head']);
      b.add('Input', {}, { id: 'input2' });
      const lonely = b.add('Conv2D', {}, { label: 'lonely' });
      b.chain(lonely, ['ReLU', {}, 'lonely_relu']);
    });
    const ds = diags(pieces);
    expect(ds.map((d) => d.code).sort()).toEqual(['disconnected', 'disconnected', 'missing-input', 'multiple-inputs', 'unused-output', 'unused-output']);
    const disc = ds.filter((d) => d.code === 'disconnected').map((d) => d.message);
    expect(disc).toContain('Node "input2" is not connected to the network (the graph has 3 separate pieces)');
    expect(disc).toContain('2 nodes "lonely", "lonely_relu" are not connected to the network (the graph has 3 separate pieces)');
    expect(ds.every((d) => d.code === 'missing-input' || d.severity !== 'error')).toBe(true);

    const noInput = buildGraph(IN, (b) => {
      b.chain(b.add('Conv2D', {}, { label: 'c' }), ['GlobalAvgPool', {}], ['ClassificationHead', {}]);
    });
    expect(diags(noInput).map((d) => d.code).sort()).toEqual(['missing-input', 'no-input']);
    expect(diags(buildGraph(IN, () => undefined)).map((d) => d.code)).toEqual(['empty-graph']);
  });

  it('ids that are Object.prototype names are ordinary ids', () => {
    const doc = buildGraph(IN, (b) => {
      const x = b.add('Input', {}, { id: 'constructor' });
      const r = b.chain(x, ['GlobalAvgPool', {}, 'gap'], ['ClassificationHead', {}, 'head']);
      b.connect(r, 'toString', 0);
    });
    const d = only({ ...doc, nodes: { ...doc.nodes } }, 'dangling-edge');
    expect(d.message).toMatch(/its target "toString" is missing$/);
    expect(inferShapes(doc).nodes.get('constructor')?.shape).toEqual([32, 32, 3]);
  });

  it('validate sums up; helpers order and count', () => {
    const doc = net((b, x) => b.chain(x, ['Conv2D', { filters: 8 }, 'c']));
    expect(validate(doc).ok).toBe(true);
    const broken = net((b, x) => b.chain(x, ['Dense', {}, 'fc']));
    const v = validate(broken);
    expect(v.ok).toBe(false);
    expect(hasErrors(v.diagnostics)).toBe(true);
    const mixed: Diagnostic[] = [
      { severity: 'info', code: 'a', message: 'a', edgeIds: [] },
      { severity: 'error', code: 'b', message: 'b', edgeIds: [] },
      { severity: 'warning', code: 'c', message: 'c', edgeIds: [] },
    ];
    expect(bySeverity(mixed).map((d) => d.code)).toEqual(['b', 'c', 'a']);
    expect(countBySeverity(mixed)).toEqual({ error: 1, warning: 1, info: 1 });
  });
});
