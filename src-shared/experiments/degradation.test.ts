import { describe, expect, it } from 'vitest';
import { costReport } from '../graph/cost.js';
import { inferShapes } from '../graph/infer.js';
import { degradationOutcome, degradationPreset } from './degradation.js';
import { row } from './test-rows.js';
import { FASHION_MNIST_INPUT } from './types.js';

const loss = (p20: number, p56: number, r20: number, r56: number) => [
  row('plain-20', { trainLoss: p20 }),
  row('plain-56', { trainLoss: p56 }),
  row('resnet-20', { label: 'ResNet-20', trainLoss: r20 }),
  row('resnet-56', { label: 'ResNet-56', trainLoss: r56 }),
];

describe('degradation preset', () => {
  it('builds plain-20, plain-56, ResNet-20, ResNet-56 with the same layers per depth (plain = ResNet without shortcuts)', () => {
    const nets = degradationPreset.networks(FASHION_MNIST_INPUT);
    expect(nets.map((n) => n.label)).toEqual(['plain-20', 'plain-56', 'ResNet-20', 'ResNet-56']);
    const params = nets.map((n) => costReport(inferShapes(n.document)).totals.params);
    // Option-A shortcuts have no parameters: plain-N and ResNet-N have the same count.
    expect(params[0]).toBe(params[2]);
    expect(params[1]).toBe(params[3]);
    expect(params[1]).toBeGreaterThan(3 * (params[0] ?? 0) - 1);
    const adds = (i: number) => Object.values(nets[i]?.document.nodes ?? {}).filter((n) => n.kind === 'Add').length;
    expect([adds(0), adds(1), adds(2), adds(3)]).toEqual([0, 0, 9, 27]);
  });

  it('says the degradation appeared when plain-56 ends with higher training loss, and that shortcuts fixed it', () => {
    const s = degradationOutcome(loss(0.48, 0.61, 0.45, 0.4));
    expect(s).toContain('plain-56 ended with higher training loss than plain-20 (0.61 vs 0.48): the degradation appeared.');
    expect(s).toContain('ResNet-56 ended with lower training loss than ResNet-20 (0.40 vs 0.45): with shortcuts the deeper network did not train worse');
    expect(s).toContain('At 56 layers the shortcuts helped: plain-56 0.61 vs ResNet-56 0.40.');
  });

  it('says honestly when the degradation did not appear, or the gap is within 3%', () => {
    expect(degradationOutcome(loss(0.6, 0.5, 0.45, 0.4))).toContain('plain-56 ended with lower training loss than plain-20 (0.50 vs 0.60): the degradation did not appear in this run (a short run: 5 epochs');
    expect(degradationOutcome(loss(0.5, 0.51, 0.45, 0.4))).toContain('plain-56 and plain-20 ended with about the same training loss (0.51 vs 0.50): no clear degradation');
    expect(degradationOutcome(loss(0.48, 0.61, 0.3, 0.5))).toContain('ResNet-56 ended with higher training loss than ResNet-20 (0.50 vs 0.30): here the deeper ResNet also trained worse, unlike the paper');
  });

  it('names what is missing while runs are queued, running or failed', () => {
    const rows = [row('plain-20', { trainLoss: 0.5 }), row('plain-56', { status: 'running', epochs: 2, trainLoss: 0.7 }), row('resnet-20', { status: 'failed' })];
    const s = degradationOutcome(rows);
    expect(s).toContain('Plain nets: no result yet — plain-56 is running (epoch 2 done).');
    expect(s).toContain('ResNets: no result yet — ResNet-56 has no run and ResNet-20 failed.');
    expect(s).not.toContain('appeared');
  });
});
