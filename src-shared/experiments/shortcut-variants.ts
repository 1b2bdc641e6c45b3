import type { OutcomeRow, PresetReference } from '../api/services/training.js';
import { resnetTemplate, SHORTCUTS } from '../templates/resnet.js';
import type { ShortcutVariant } from '../templates/resnet.js';
import { allEnded, fmtPercent, pending } from './format.js';
import type { ExperimentInput, ExperimentNetwork, ExperimentPreset } from './types.js';

/** The small ResNet every variant is built on. */
export const SHORTCUT_DEPTH = 20;

const NAMES: Readonly<Record<ShortcutVariant, string>> = {
  identity: 'identity',
  scale: 'scale 0.5',
  gate: 'exclusive gating',
  'gate-shortcut': 'shortcut-only gating',
  conv: '1×1 conv shortcut',
  dropout: 'dropout shortcut',
};

const SOURCE = 'He et al. 2016, "Identity Mappings in Deep Residual Networks", Table 1: ResNet-110 on CIFAR-10, test error';

/**
 * The seeds' ResNet-110 CIFAR-10 test error of a variant, read from the resnet template's
 * option labels (one source for the numbers): "… (6.61% on ResNet-110)", "… (> 20%)".
 */
export function shortcutReference(variant: ShortcutVariant): PresetReference {
  const label = resnetTemplate.ui.shortcut.options?.[variant] ?? '';
  const m = /\(([>< ]*)(\d+(?:\.\d+)?)%/.exec(label);
  if (m === null) return { testErrorPercent: null, text: 'not reported', source: SOURCE };
  const bound = (m[1] ?? '').trim();
  return { testErrorPercent: Number(m[2]), text: `${bound === '' ? '' : `${bound} `}${m[2]}%`, source: SOURCE };
}

function networks(input: ExperimentInput): ExperimentNetwork[] {
  return SHORTCUTS.map((shortcut) => ({
    key: `shortcut-${shortcut}`,
    label: NAMES[shortcut],
    description: resnetTemplate.ui.shortcut.options?.[shortcut] ?? shortcut,
    document: resnetTemplate.generate(
      resnetTemplate.options.parse({ depth: SHORTCUT_DEPTH, shortcut, inputHeight: input.height, inputWidth: input.width, inputChannels: input.channels, classes: input.classes }),
    ),
    reference: shortcutReference(shortcut),
  }));
}

/** The error of a row: test error, else validation error (the evaluated split). */
function errorOf(r: OutcomeRow): number | null {
  if (r.status !== 'done') return null;
  const e = r.testErrorPercent ?? r.valErrorPercent;
  return e !== null && Number.isFinite(e) ? e : null;
}

/**
 * Ranks the finished variants by test error and sets the ranking beside the paper's, saying
 * plainly where this run agrees and where it does not.
 */
export function shortcutOutcome(rows: readonly OutcomeRow[]): string {
  const done = rows.map((r) => ({ r, e: errorOf(r) })).filter((x): x is { r: OutcomeRow; e: number } => x.e !== null).sort((a, b) => a.e - b.e);
  const waiting = rows.filter((r) => errorOf(r) === null).map((r) => pending(r, r.label));
  if (done.length === 0) return `No variant has finished yet${waiting.length > 0 ? ` (${waiting.join('; ')})` : ''}.`;
  const ranking = done.map((x) => `${x.r.label} ${fmtPercent(x.e)}`).join(', ');
  const parts = [`Test error in this run, best first: ${ranking}.`];
  const identity = done.find((x) => x.r.network === 'shortcut-identity');
  const best = done[0];
  if (best !== undefined && identity !== undefined && done.length > 1) {
    const gap = identity.e - best.e;
    if (best.r.network === 'shortcut-identity') parts.push('The identity shortcut was best, as in the paper (6.61% on ResNet-110).');
    else if (gap <= 1) parts.push(`${best.r.label} edged out identity by ${gap.toFixed(1)} points — within what a different seed can change; the paper has identity best.`);
    else parts.push(`Unlike the paper, ${best.r.label} beat identity by ${gap.toFixed(1)} points in this short run on a small network.`);
  }
  const dropout = done.find((x) => x.r.network === 'shortcut-dropout');
  const worst = done[done.length - 1];
  if (dropout !== undefined && worst !== undefined && done.length > 1) {
    parts.push(
      worst.r.network === 'shortcut-dropout'
        ? 'The dropout shortcut was worst, as in the paper (> 20%): dropping the shortcut blocks the signal it should carry.'
        : `The dropout shortcut (${fmtPercent(dropout.e)}) was not the worst here; the paper has it worst (> 20%).`,
    );
  }
  if (!allEnded(rows) && waiting.length > 0) parts.push(`Still to come: ${waiting.join('; ')}.`);
  return parts.join(' ');
}

export const shortcutVariantsPreset: ExperimentPreset = {
  id: 'shortcut-variants',
  title: 'Shortcut variants on a small ResNet',
  summary: `ResNet-${SHORTCUT_DEPTH} six times, changing only what the shortcut does: identity, ×0.5, exclusive gating, shortcut-only gating, a 1×1 conv, dropout. Compare final training and test error with the paper's ResNet-110 numbers.`,
  expected:
    'He et al. (2016) found the plain identity shortcut best (6.61% test error on ResNet-110, CIFAR-10). Anything that scales or blocks the shortcut makes training harder, because the signal and the gradient are multiplied along every block: scaling by 0.5 (12.35%), a 1×1 conv (12.22%), exclusive gating (8.70%) and dropout (> 20%) all did worse; gating only the shortcut came close (6.91%). The shallower network here should show the same order more weakly.',
  datasetNote:
    'Fashion-MNIST (28×28 grey) by default, CIFAR-10 (the paper\'s dataset) when you give its folder. The paper\'s numbers are for ResNet-110 on CIFAR-10 after full training; these short runs on a smaller network are for the direction, not the figures.',
  hyper: { optimizer: 'momentum', learningRate: 0.1, weightDecay: 1e-4, batchSize: 64, epochs: 5, limit: 5000, probeEvery: 20 },
  networks,
  outcome: shortcutOutcome,
};
