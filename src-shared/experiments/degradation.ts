import type { OutcomeRow } from '../api/services/training.js';
import { plainTemplate } from '../templates/plain.js';
import { resnetTemplate } from '../templates/resnet.js';
import { byNetwork, compareLoss, finishedLoss, fmtLoss, pending, shortRunNote } from './format.js';
import type { ExperimentInput, ExperimentNetwork, ExperimentPreset } from './types.js';

const DEPTHS = [20, 56] as const;

function templateInput(i: ExperimentInput): Record<string, number> {
  return { inputHeight: i.height, inputWidth: i.width, inputChannels: i.channels, classes: i.classes };
}

function networks(input: ExperimentInput): ExperimentNetwork[] {
  const out: ExperimentNetwork[] = [];
  for (const depth of DEPTHS) {
    out.push({
      key: `plain-${depth}`,
      label: `plain-${depth}`,
      description: `${depth} layers of 3×3 convs with BatchNorm and ReLU, no shortcuts`,
      document: plainTemplate.generate(plainTemplate.options.parse({ depth, ...templateInput(input) })),
      reference: null,
    });
  }
  for (const depth of DEPTHS) {
    out.push({
      key: `resnet-${depth}`,
      label: `ResNet-${depth}`,
      description: `the same ${depth} layers with identity shortcuts around every two convs`,
      document: resnetTemplate.generate(resnetTemplate.options.parse({ depth, ...templateInput(input) })),
      reference: null,
    });
  }
  return out;
}

/** "a ended with higher training loss than b (x vs y)" and the comparison. */
function pair(rows: readonly OutcomeRow[], deep: string, shallow: string, deepName: string, shallowName: string): { text: string; cmp: 'higher' | 'lower' | 'same' } | { missing: string } {
  const d = byNetwork(rows, deep);
  const s = byNetwork(rows, shallow);
  const dl = finishedLoss(d);
  const sl = finishedLoss(s);
  if (dl === null || sl === null) {
    const why = [dl === null ? pending(d, deepName) : null, sl === null ? pending(s, shallowName) : null].filter((x) => x !== null);
    return { missing: why.join(' and ') };
  }
  const cmp = compareLoss(dl, sl);
  const numbers = `(${fmtLoss(dl)} vs ${fmtLoss(sl)})`;
  const text =
    cmp === 'same'
      ? `${deepName} and ${shallowName} ended with about the same training loss ${numbers}`
      : `${deepName} ended with ${cmp} training loss than ${shallowName} ${numbers}`;
  return { text, cmp };
}

/**
 * What the runs showed: plain-56 against plain-20 (the degradation), ResNet-56 against
 * ResNet-20 (the shortcuts' fix), by final training loss — the paper's point is about training
 * error, so overfitting cannot explain it.
 */
export function degradationOutcome(rows: readonly OutcomeRow[]): string {
  const parts: string[] = [];
  const plain = pair(rows, 'plain-56', 'plain-20', 'plain-56', 'plain-20');
  if ('missing' in plain) parts.push(`Plain nets: no result yet — ${plain.missing}.`);
  else if (plain.cmp === 'higher') parts.push(`${plain.text}: the degradation appeared.`);
  else if (plain.cmp === 'same') parts.push(`${plain.text}: no clear degradation in this run${shortRunNote(rows)}.`);
  else parts.push(`${plain.text}: the degradation did not appear in this run${shortRunNote(rows)}.`);
  const res = pair(rows, 'resnet-56', 'resnet-20', 'ResNet-56', 'ResNet-20');
  if ('missing' in res) parts.push(`ResNets: no result yet — ${res.missing}.`);
  else if (res.cmp === 'higher') parts.push(`${res.text}: here the deeper ResNet also trained worse, unlike the paper${shortRunNote(rows)}.`);
  else parts.push(`${res.text}: with shortcuts the deeper network did not train worse, as the paper found.`);
  const p56 = finishedLoss(byNetwork(rows, 'plain-56'));
  const r56 = finishedLoss(byNetwork(rows, 'resnet-56'));
  if (p56 !== null && r56 !== null) {
    const cmp = compareLoss(p56, r56);
    parts.push(
      cmp === 'higher'
        ? `At 56 layers the shortcuts helped: plain-56 ${fmtLoss(p56)} vs ResNet-56 ${fmtLoss(r56)}.`
        : cmp === 'same'
          ? `At 56 layers plain and ResNet ended close (${fmtLoss(p56)} vs ${fmtLoss(r56)}).`
          : `At 56 layers the plain net ended lower than the ResNet (${fmtLoss(p56)} vs ${fmtLoss(r56)}).`,
    );
  }
  return parts.join(' ');
}

export const degradationPreset: ExperimentPreset = {
  id: 'degradation',
  title: 'Degradation: plain vs ResNet at 20 and 56 layers',
  summary: 'Four networks with the same layers: plain-20 and plain-56 (no shortcuts), ResNet-20 and ResNet-56 (identity shortcuts). Compare their training loss.',
  expected:
    'He et al. (2015) found that the deeper plain network trains worse: plain-56 ends with higher training error than plain-20, so it is not overfitting — the extra layers are simply harder to optimise. With identity shortcuts the problem goes away: ResNet-56 trains at least as well as ResNet-20. The shortcuts let each block start as an identity and keep gradients flowing to the early layers.',
  datasetNote:
    'Fashion-MNIST (28×28 grey) by default, CIFAR-10 (the paper\'s dataset) when you give its folder. The defaults train a 5,000-image subset for 5 epochs: on a CPU engine the 56-layer networks still take a while each (the run shows images/s and ETA); lower the example limit for a quicker look. The paper trained 64k iterations on the full set, and a short run may not show the gap.',
  hyper: { optimizer: 'momentum', learningRate: 0.1, weightDecay: 1e-4, batchSize: 64, epochs: 5, limit: 5000, augment: { cropPadding: 0, flip: false }, probeEvery: 20 },
  networks,
  outcome: degradationOutcome,
};
