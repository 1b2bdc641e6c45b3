import { describe, expect, it } from 'vitest';
import { SHORTCUTS } from '../templates/resnet.js';
import { shortcutOutcome, shortcutReference, shortcutVariantsPreset, SHORTCUT_DEPTH } from './shortcut-variants.js';
import { row } from './test-rows.js';
import { FASHION_MNIST_INPUT } from './types.js';

const v = (key: string, label: string, test: number | null, o = {}) => row(`shortcut-${key}`, { label, testErrorPercent: test, ...o });

describe('shortcut variants preset', () => {
  it('builds the same ResNet with each of the six shortcuts, with the seeds\' ResNet-110 numbers', () => {
    const nets = shortcutVariantsPreset.networks(FASHION_MNIST_INPUT);
    expect(nets.map((n) => n.key)).toEqual(SHORTCUTS.map((s) => `shortcut-${s}`));
    expect(nets.map((n) => n.reference?.text)).toEqual(['6.61%', '12.35%', '8.70%', '6.91%', '12.22%', '> 20%']);
    expect(shortcutReference('identity')).toMatchObject({ testErrorPercent: 6.61 });
    expect(shortcutReference('dropout')).toMatchObject({ testErrorPercent: 20 });
    const kinds = (i: number) => new Set(Object.values(nets[i]?.document.nodes ?? {}).map((n) => n.kind));
    expect(kinds(1).has('Scale')).toBe(true);
    expect(kinds(2).has('Gate')).toBe(true);
    expect(kinds(5).has('ShortcutDropout')).toBe(true);
    expect(nets[0]?.document.meta.name).toBe(`ResNet-${SHORTCUT_DEPTH}`);
  });

  it('ranks the finished variants and agrees with the paper when identity is best and dropout worst', () => {
    const s = shortcutOutcome([v('identity', 'identity', 9.5), v('scale', 'scale 0.5', 12.1), v('dropout', 'dropout shortcut', 30.2)]);
    expect(s).toContain('Test error in this run, best first: identity 9.50%, scale 0.5 12.1%, dropout shortcut 30.2%.');
    expect(s).toContain('The identity shortcut was best, as in the paper');
    expect(s).toContain('The dropout shortcut was worst, as in the paper');
  });

  it('says so when this run disagrees with the paper, and what is still to come', () => {
    const s = shortcutOutcome([v('identity', 'identity', 14), v('conv', '1×1 conv shortcut', 11), v('dropout', 'dropout shortcut', 12), v('gate', 'exclusive gating', null, { status: 'queued', epochs: 0 })]);
    expect(s).toContain('Unlike the paper, 1×1 conv shortcut beat identity by 3.0 points');
    expect(s).toContain('The dropout shortcut (12.0%) was not the worst here');
    expect(s).toContain('Still to come: exclusive gating is queued.');
    expect(shortcutOutcome([v('identity', 'identity', 10), v('conv', '1×1 conv shortcut', 9.5)])).toContain('edged out identity by 0.5 points');
    expect(shortcutOutcome([v('identity', 'identity', null, { status: 'running', epochs: 1 })])).toBe('No variant has finished yet (identity is running (epoch 1 done)).');
  });
});
