import type { z } from 'zod';
import type { NodeId } from '../graph/document.js';
import type { TemplateBuilder } from './builder.js';

/** Pieces the families share: conv + BN (+ ReLU), shortcuts that match a changed shape, the classifier. */

export interface ConvSpec {
  filters: number;
  kernel: number;
  stride?: number;
  groups?: number;
  padding?: 'same' | 'valid';
  bias?: boolean;
}

export function convParams(c: ConvSpec): Record<string, unknown> {
  const p: Record<string, unknown> = { filters: c.filters, kernel: c.kernel };
  if (c.stride !== undefined && c.stride !== 1) p['stride'] = c.stride;
  if (c.groups !== undefined && c.groups !== 1) p['groups'] = c.groups;
  if (c.padding !== undefined && c.padding !== 'same') p['padding'] = c.padding;
  if (c.bias === true) p['bias'] = true;
  return p;
}

/** `${tag}_conv${i}` → `${tag}_bn${i}` (→ `${tag}_relu${i}`): the post-activation unit. */
export function convBn(b: TemplateBuilder, from: NodeId, tag: string, i: number | string, c: ConvSpec, relu: boolean): NodeId {
  const bn = b.chain(from, `${tag}_`, [`conv${i}`, 'Conv2D', convParams(c)], [`bn${i}`, 'BatchNorm']);
  return relu ? b.add(`${tag}_relu${i}`, 'ReLU', {}, [bn]) : bn;
}

/** `${tag}_bn${i}` → `${tag}_relu${i}` → `${tag}_conv${i}`: the pre-activation unit. */
export function bnReluConv(b: TemplateBuilder, from: NodeId, tag: string, i: number | string, c: ConvSpec): NodeId {
  return b.chain(from, `${tag}_`, [`bn${i}`, 'BatchNorm'], [`relu${i}`, 'ReLU'], [`conv${i}`, 'Conv2D', convParams(c)]);
}

/**
 * How a shortcut reaches a changed shape (cin → cout channels, spatial stride):
 * - `A`: parameter-free — a 1×1 max pool at the stride (subsampling) and zero channels (Pad);
 * - `B`: a 1×1 projection conv at the stride + BN;
 * - `conv`: a 1×1 projection conv alone (pre-activation nets, where the next unit normalizes).
 * Returns `x` itself when nothing changes.
 */
export function matchShortcut(b: TemplateBuilder, x: NodeId, tag: string, cin: number, cout: number, stride: number, how: 'A' | 'B' | 'conv'): NodeId {
  if (cin === cout && stride === 1) return x;
  if (how === 'A') {
    if (cout < cin) throw new Error('template bug: option A cannot reduce channels');
    let h = x;
    if (stride > 1) h = b.add(`${tag}_sub`, 'MaxPool', { pool: 1, stride, padding: 'valid' }, [h]);
    const extra = cout - cin;
    if (extra > 0) {
      const before = Math.floor(extra / 2);
      h = b.add(`${tag}_pad`, 'Pad', { top: 0, bottom: 0, left: 0, right: 0, channelsBefore: before, channelsAfter: extra - before }, [h]);
    }
    return h;
  }
  const proj = b.add(`${tag}_proj`, 'Conv2D', convParams({ filters: cout, kernel: 1, stride }), [x]);
  return how === 'B' ? b.add(`${tag}_proj_bn`, 'BatchNorm', {}, [proj]) : proj;
}

/** GlobalAvgPool → ClassificationHead. */
export function classifier(b: TemplateBuilder, from: NodeId, classes: number): NodeId {
  return b.chain(from, '', ['gap', 'GlobalAvgPool'], ['head', 'ClassificationHead', { classes }]);
}

/** A zod check for depths of the form k·n + offset (n ≥ 1). */
export function depthCheck(k: number, offset: number, examples: string): (depth: number, ctx: z.core.$RefinementCtx) => void {
  return (depth, ctx) => {
    if (depth < k + offset || (depth - offset) % k !== 0) {
      ctx.addIssue({ code: 'custom', path: ['depth'], message: `depth must be ${k}n+${offset} (${examples}); got ${depth}`, input: depth });
    }
  };
}
