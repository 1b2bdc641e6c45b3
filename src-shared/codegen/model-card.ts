import { costReport } from '../graph/cost.js';
import type { GraphDocument } from '../graph/document.js';
import { inferShapes } from '../graph/infer.js';
import { numLit } from '../layers/lib/code.js';
import { contractSummary, type InputContract } from './contract.js';
import type { TrainRecipe } from './recipe.js';

/**
 * The model card, README.md in every export folder: what the network is, where it came from, what
 * its input must be, how (and how well) it was trained, and the exact commands to load it, run it
 * on an image and retrain it. Markdown, deterministic (no dates): the same export, the same bytes.
 */

export type CardTarget = 'typescript' | 'tfjs-model' | 'pytorch' | 'onnx';

export interface CardInput {
  readonly doc: GraphDocument;
  readonly target: CardTarget;
  readonly contract: InputContract;
  /** The files beside it, with one line each on what they are. */
  readonly files: readonly (readonly [string, string])[];
  /** What the output heads give in this format (logits or probabilities). */
  readonly outputs: string;
  /** Fresh weights: the seed they were drawn with (null: unseeded); ignored for a run. */
  readonly seed: number | null;
  /** For a run: where the weights come from (`run 3f2a… of project …, epoch 5`) and its recipe when known. */
  readonly weightsFrom?: string;
  readonly recipe?: TrainRecipe;
  /** How to load and run it, and retrain it: fenced code blocks, by heading. */
  readonly usage: readonly (readonly [string, string, string])[];
  /** Extra sections (heading, markdown). */
  readonly extra?: readonly (readonly [string, string])[];
}

const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ').trim();
const count = (n: number): string => n.toLocaleString('en-US');

function flops(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} K`;
  return String(n);
}

export function modelCard(c: CardInput): string {
  const doc = c.doc;
  const analysis = inferShapes(doc);
  const totals = costReport(analysis).totals;
  const weightLayers = [...analysis.nodes.values()].filter((n) => n.def?.kind === 'Conv2D' || n.def?.kind === 'Dense' || n.def?.kind === 'DepthwiseConv2D' || n.def?.kind === 'ConvTranspose2D' || n.def?.head !== undefined).length;
  const name = oneLine(doc.meta.name) || 'Untitled network';
  const t = doc.meta.template;
  const out: string[] = [`# ${name}`, ''];
  if (doc.meta.description !== undefined && doc.meta.description.trim() !== '') out.push(oneLine(doc.meta.description), '');
  const format = { typescript: 'TypeScript (tfjs)', 'tfjs-model': 'tfjs model files', pytorch: 'PyTorch', onnx: 'ONNX' }[c.target];
  out.push(`Exported by Skipwire as ${format}.`, '');

  out.push('## The network', '');
  out.push(`| | |`, `| --- | --- |`);
  if (t !== undefined) {
    const opts = Object.entries(t.options)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ');
    out.push(`| family | ${t.id} template (${opts}) |`);
  } else out.push('| family | drawn by hand in Skipwire (no template) |');
  out.push(`| depth | ${weightLayers} weight layers (convolutions and dense layers) |`);
  out.push(`| parameters | ${count(totals.params)} trainable, ${count(totals.nonTrainable)} non-trainable (BatchNorm statistics) |`);
  out.push(`| FLOPs | ${flops(totals.flops)} multiply-adds per image |`);
  out.push(`| input | ${doc.input.height}×${doc.input.width}×${doc.input.channels} |`);
  out.push(`| output | ${c.outputs} |`);
  out.push('');

  out.push('## Where it came from', '');
  if (c.weightsFrom !== undefined) out.push(`Trained weights: ${oneLine(c.weightsFrom)}.`);
  else out.push(`Fresh weights, as Skipwire initializes them${c.seed !== null ? ` with seed ${c.seed} (\`--seed ${c.seed}\` re-exports the same bytes)` : ' (no seed: another export draws others)'}; not trained.`);
  out.push('');

  out.push('## The input contract', '');
  out.push(`${contractSummary(c.contract)}.`, '');
  if (c.contract.classNames !== null) out.push(`Classes, by index: ${c.contract.classNames.map((n, i) => `${i} ${oneLine(n)}`).join(', ')}.`, '');

  const r = c.recipe;
  if (r !== undefined) {
    const h = r.hyper;
    out.push('## How it was trained', '');
    out.push(`| | |`, `| --- | --- |`);
    out.push(`| run | ${r.runId} (engine ${r.engine}), ${r.epochsDone} of ${h.epochs} epochs |`);
    out.push(`| dataset | ${oneLine(r.dataset.name)} (${r.dataset.spec.kind}); validation: ${numLit(h.validationFraction * 100)} % of the training images held out${h.limit !== undefined ? `; at most ${h.limit} images` : ''} |`);
    out.push(`| optimizer | ${optimizerText(h)} |`);
    out.push(`| learning rate | ${numLit(h.learningRate)}, ${scheduleText(h)}${h.warmupEpochs > 0 ? `, linear warm-up over ${numLit(h.warmupEpochs)} epochs` : ''} |`);
    out.push(`| weight decay | ${numLit(h.weightDecay)} on kernels (weights of rank ≥ 2) only, not biases or BatchNorm${h.optimizer === 'adamw' ? ' (decoupled, AdamW)' : ' (L2 added to the gradient)'} |`);
    out.push(`| batch | ${h.batchSize} |`);
    out.push(`| augmentation | ${h.augment.cropPadding > 0 ? `random crop after ${h.augment.cropPadding}-pixel zero padding` : 'no crop'}, ${h.augment.flip ? 'horizontal flips' : 'no flips'} |`);
    out.push(`| seed | ${h.seed} |`);
    out.push('');
    const metrics = Object.entries(r.finalMetrics).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (metrics.length > 0) {
      out.push('Final metrics:', '');
      for (const [k, v] of metrics) out.push(`- ${k}: ${Number.isInteger(v) ? v : v.toFixed(4)}`);
      out.push('');
    }
    if (r.confusion !== null && r.confusion.length > 0) {
      const names = r.dataset.classNames;
      out.push('Confusion matrix on the test set (rows: true class, columns: predicted):', '');
      out.push(`| | ${r.confusion.map((_, k) => String(k)).join(' | ')} |`);
      out.push(`| --- | ${r.confusion.map(() => '---:').join(' | ')} |`);
      r.confusion.forEach((row, k) => out.push(`| ${k}${names[k] !== undefined ? ` ${oneLine(names[k] ?? '')}` : ''} | ${row.join(' | ')} |`));
      out.push('');
    }
  }

  out.push('## Files', '');
  for (const [f, what] of c.files) out.push(`- \`${f}\`: ${what}`);
  out.push('');
  for (const [heading, lang, code] of c.usage) out.push(`## ${heading}`, '', `\`\`\`${lang}`, code, '```', '');
  for (const [heading, md] of c.extra ?? []) out.push(`## ${heading}`, '', md, '');
  return out.join('\n');
}

function optimizerText(h: TrainRecipe['hyper']): string {
  switch (h.optimizer) {
    case 'sgd':
      return 'SGD';
    case 'momentum':
      return `SGD with momentum ${numLit(h.momentum)}${h.nesterov ? ' (Nesterov)' : ''}`;
    case 'adam':
      return `Adam (β1 ${numLit(h.beta1)}, β2 ${numLit(h.beta2)}, ε ${numLit(h.epsilon)})`;
    case 'adamw':
      return `AdamW (β1 ${numLit(h.beta1)}, β2 ${numLit(h.beta2)}, ε ${numLit(h.epsilon)})`;
  }
}

function scheduleText(h: TrainRecipe['hyper']): string {
  const s = h.schedule;
  switch (s.kind) {
    case 'constant':
      return 'constant';
    case 'step':
      return `× ${numLit(s.factor)} after epochs ${s.milestones.join(', ')}`;
    case 'cosine':
      return `cosine decay to ${numLit(s.minLearningRate)}`;
  }
}
