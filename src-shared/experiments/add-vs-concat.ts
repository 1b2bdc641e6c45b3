import type { OutcomeRow } from '../api/services/training.js';
import type { GraphDocument, NodeId } from '../graph/document.js';
import { TemplateBuilder } from '../templates/builder.js';
import { classifier, convBn } from '../templates/blocks.js';
import { byNetwork, compareLoss, finishedLoss, fmtLoss, fmtPercent, pending } from './format.js';
import type { ExperimentInput, ExperimentNetwork, ExperimentPreset } from './types.js';

const WIDTH = 16;

/**
 * A small network with one short skip: stem conv → [conv-BN-ReLU-conv-BN] merged with its input
 * by Add (F(x) + x, 16 channels) or by Concat ([F(x), x], 32 channels) → ReLU → a strided conv
 * stage → global average pooling → classifier. Everything else is the same, so the difference in
 * parameters is the wider conv after the concatenation.
 */
export function skipNet(input: ExperimentInput, merge: 'add' | 'concat'): GraphDocument {
  const b = new TemplateBuilder({ height: input.height, width: input.width, channels: input.channels });
  let h: NodeId = b.add('input', 'Input');
  h = convBn(b, h, 'stem', 1, { filters: WIDTH, kernel: 3 }, true);
  const x = h;
  h = b.block('skip', merge === 'add' ? 'skip (add)' : 'skip (concat)', () => {
    let f = convBn(b, x, 'skip', 1, { filters: WIDTH, kernel: 3 }, true);
    f = convBn(b, f, 'skip', 2, { filters: WIDTH, kernel: 3 }, false);
    const joined = merge === 'add' ? b.add('skip_add', 'Add', {}, [f, x]) : b.add('skip_concat', 'Concat', {}, [f, x]);
    return b.add('skip_out', 'ReLU', {}, [joined]);
  });
  h = convBn(b, h, 'down', 1, { filters: 2 * WIDTH, kernel: 3, stride: 2 }, true);
  h = convBn(b, h, 'down', 2, { filters: 2 * WIDTH, kernel: 3 }, true);
  classifier(b, h, input.classes);
  return b.build({
    name: merge === 'add' ? 'Short skip merged by Add' : 'Short skip merged by Concat',
    description:
      merge === 'add'
        ? 'One residual block whose output is F(x) + x (channels stay 16).'
        : 'The same block whose output is the concatenation [F(x), x] (channels double to 32).',
    task: 'classification',
  });
}

function networks(input: ExperimentInput): ExperimentNetwork[] {
  return [
    { key: 'add', label: 'add', description: 'F(x) + x: same channels, no extra parameters at the merge', document: skipNet(input, 'add'), reference: null },
    { key: 'concat', label: 'concat', description: '[F(x), x]: channels double, the next conv is twice as wide', document: skipNet(input, 'concat'), reference: null },
  ];
}

function ratio(a: number | null, b: number | null): string | null {
  return a === null || b === null || b === 0 ? null : `${(a / b).toFixed(2)}×`;
}

/** Size and cost side by side (known before training), then the final losses and errors. */
export function addConcatOutcome(rows: readonly OutcomeRow[]): string {
  const add = byNetwork(rows, 'add');
  const cat = byNetwork(rows, 'concat');
  const parts: string[] = [];
  const pr = ratio(cat?.params ?? null, add?.params ?? null);
  const fr = ratio(cat?.flops ?? null, add?.flops ?? null);
  if (pr !== null && fr !== null && add !== undefined && cat !== undefined) {
    parts.push(`Concat has ${pr} the parameters (${cat.params} vs ${add.params}) and ${fr} the FLOPs of add, from the wider conv after the merge.`);
  }
  const al = finishedLoss(add);
  const cl = finishedLoss(cat);
  if (al === null || cl === null) {
    const why = [al === null ? pending(add, 'add') : null, cl === null ? pending(cat, 'concat') : null].filter((x) => x !== null);
    parts.push(`No comparison of training yet: ${why.join(' and ')}.`);
    return parts.join(' ');
  }
  const cmp = compareLoss(cl, al);
  parts.push(
    cmp === 'same'
      ? `Both ended with about the same training loss (concat ${fmtLoss(cl)}, add ${fmtLoss(al)}).`
      : `Concat ended with ${cmp} training loss than add (${fmtLoss(cl)} vs ${fmtLoss(al)}).`,
  );
  const ae = add?.testErrorPercent ?? add?.valErrorPercent ?? null;
  const ce = cat?.testErrorPercent ?? cat?.valErrorPercent ?? null;
  if (ae !== null && ce !== null) {
    const d = Math.abs(ae - ce);
    parts.push(
      d < 1
        ? `Test error ${fmtPercent(ce)} (concat) vs ${fmtPercent(ae)} (add): within a point, no clear winner — the extra parameters bought little.`
        : `Test error ${fmtPercent(ce)} (concat) vs ${fmtPercent(ae)} (add): ${ce < ae ? 'concat' : 'add'} did better by ${d.toFixed(1)} points.`,
    );
  }
  return parts.join(' ');
}

export const addVsConcatPreset: ExperimentPreset = {
  id: 'add-vs-concat',
  title: 'Add vs concat: one short skip, two ways to merge',
  summary: 'The same small network with one short skip, merged by addition (ResNet) or by concatenation (DenseNet, U-Net). Parameters, FLOPs and curves side by side.',
  expected:
    'Adding keeps the channel count and costs nothing at the merge; the sum gives the gradient a direct path back through the block, which is why short skips in deep stacks add. Concatenating keeps both feature maps apart, so later layers can use the earlier features as they are, at the price of more channels — the next layer gets wider and the network bigger. That is why long skips (U-Net) and dense blocks concatenate. In a network this small, expect similar accuracy, with concat larger and slower.',
  datasetNote: 'Fashion-MNIST (28×28 grey) by default, CIFAR-10 when you give its folder. The networks are small: the defaults train a 10,000-image subset for 5 epochs.',
  hyper: { optimizer: 'adam', learningRate: 1e-3, batchSize: 64, epochs: 5, limit: 10000, probeEvery: 20 },
  networks,
  outcome: addConcatOutcome,
};
