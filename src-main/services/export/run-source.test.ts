import { describe, expect, it } from 'vitest';
import { tinyNet } from '../trainer/testing.js';
import { networkKey, RunNotExportable, weightsByLayer } from './run-source.js';

const t = (key: string, ...values: number[]) => ({ key, shape: [values.length], values: Float32Array.from(values) });

describe('a run’s checkpoint as export weights', () => {
  it('groups the trainer’s <layer>#<index> tensors by layer, in index order', () => {
    const ws = weightsByLayer([t('conv#1', 2), t('bn#0', 3), t('conv#0', 1), t('a#b#0', 4)]);
    expect([...ws.keys()]).toEqual(['conv', 'bn', 'a#b']);
    expect(ws.get('conv')?.map((w) => [...w.data])).toEqual([[1], [2]]);
    expect(ws.get('a#b')?.[0]?.shape).toEqual([1]);
  });

  it('refuses a key that is not <layer>#<index>, or a layer with a gap', () => {
    expect(() => weightsByLayer([t('conv', 1)])).toThrow(new RunNotExportable('the checkpoint has a weight named "conv", not <layer>#<index>'));
    expect(() => weightsByLayer([t('conv#0', 1), t('conv#2', 1)])).toThrow('the checkpoint has no weight 1 of layer "conv"');
  });

  it('the same network: names, labels, positions and collapsed blocks aside; params, edges and the input count', () => {
    const a = tinyNet({ residual: true });
    const b = structuredClone(a);
    b.meta.name = 'other';
    for (const n of Object.values(b.nodes)) {
      n.position = { x: 1, y: 2 };
      n.label = 'x';
    }
    expect(networkKey(b)).toBe(networkKey(a));
    const c = structuredClone(a);
    const conv = c.nodes['stem_conv'];
    if (conv === undefined) throw new Error('stem_conv');
    conv.params = { ...conv.params, filters: 16 };
    expect(networkKey(c)).not.toBe(networkKey(a));
    const d = structuredClone(a);
    d.input = { ...d.input, channels: 1 };
    expect(networkKey(d)).not.toBe(networkKey(a));
    expect(networkKey(tinyNet({ residual: false }))).not.toBe(networkKey(a));
  });
});
