import { z } from 'zod';
import type { GraphDocument } from '../graph/document.js';
import { numLit, pyString, tsString } from '../layers/lib/code.js';

/**
 * The input contract: what the exported weights expect of an image. Skipwire feeds its models
 * 8-bit pixels, channels last, normalized per channel as `(pixel/255 − mean)/std` with the
 * dataset's mean and std; a model trained that way is silently wrong on anything else. Every
 * export states the contract (constants and a `preprocess()` in the generated module, the model
 * card, tfjs model.json's user-defined metadata, ONNX metadata_props), and implements it.
 */

/** What the caller knows about the preprocessing: the run's dataset, or the Train panel's choice. */
export const Preprocessing = z
  .object({
    /** The dataset's name (`Fashion-MNIST`). */
    dataset: z.string().min(1).max(200),
    /** Per-channel mean and standard deviation of pixel/255 (one value: every channel). */
    mean: z.array(z.number()).min(1).max(64),
    std: z.array(z.number().positive()).min(1).max(64),
    /** Class names, by index (classification). */
    classNames: z.array(z.string().max(200)).max(10_000).optional(),
  })
  .strict();
export type Preprocessing = z.infer<typeof Preprocessing>;

/** The contract an export states: the graph's input and, when recorded, the normalization. */
export interface InputContract {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** `L` (one channel, gray), `RGB` (three, in that order) or `any` (another channel count). */
  readonly channelOrder: 'L' | 'RGB' | 'any';
  /** null: none recorded (fresh weights without a dataset chosen). */
  readonly normalization: { readonly dataset: string; readonly mean: readonly number[]; readonly std: readonly number[] } | null;
  readonly classNames: readonly string[] | null;
}

export function inputContract(doc: GraphDocument, pre: Preprocessing | undefined): InputContract {
  const { height, width, channels } = doc.input;
  const perChannel = (v: readonly number[]): number[] => Array.from({ length: channels }, (_, k) => v[k] ?? v[0] ?? 0);
  return {
    height,
    width,
    channels,
    channelOrder: channels === 1 ? 'L' : channels === 3 ? 'RGB' : 'any',
    normalization: pre === undefined ? null : { dataset: pre.dataset, mean: perChannel(pre.mean), std: perChannel(pre.std) },
    classNames: pre?.classNames !== undefined && pre.classNames.length > 0 ? pre.classNames : null,
  };
}

/** One line saying what the weights expect (the model card, file headers). */
export function contractSummary(c: InputContract): string {
  const img = `${c.height}×${c.width} ${c.channelOrder === 'L' ? 'grayscale' : c.channelOrder === 'RGB' ? 'RGB' : `${c.channels}-channel`} images, 8-bit pixels`;
  if (c.normalization === null) return `${img}; no preprocessing recorded (fresh weights and no dataset chosen): scale them as you will train`;
  return `${img} normalized per channel as (pixel/255 − mean)/std, mean ${fmt(c.normalization.mean)}, std ${fmt(c.normalization.std)} (${c.normalization.dataset})`;
}

function fmt(v: readonly number[]): string {
  return `(${v.map(numLit).join(', ')})`;
}

/** The contract as JSON metadata (tfjs model.json `userDefinedMetadata`, ONNX metadata_props). */
export function contractMetadata(c: InputContract, layout: 'nhwc' | 'nchw'): Record<string, unknown> {
  return {
    layout,
    inputSize: [c.height, c.width],
    channels: c.channels,
    channelOrder: c.channelOrder,
    pixelRange: [0, 255],
    normalization: c.normalization === null ? 'none recorded' : { formula: '(pixel / 255 - mean) / std', mean: c.normalization.mean, std: c.normalization.std, dataset: c.normalization.dataset },
    ...(c.classNames !== null ? { classNames: c.classNames } : {}),
  };
}

/** Python: the constants and `preprocess()` of a generated module. */
export function pyContract(c: InputContract, fixedSize: boolean): string {
  const n = c.normalization;
  const tuple = (v: readonly number[]): string => (v.length === 1 ? `(${numLit(v[0] ?? 0)},)` : `(${v.map(numLit).join(', ')})`);
  const lines = [
    '# ── the input contract: what the weights expect ──────────────────────────────────────────────',
    `INPUT_SIZE = (${c.height}, ${c.width})  # height, width${fixedSize ? ' (fixed by the network)' : ' (exported at; fully convolutional, it runs at other sizes too)'}`,
    `INPUT_CHANNELS = ${c.channels}  # ${c.channelOrder === 'L' ? 'grayscale' : c.channelOrder === 'RGB' ? 'R, G, B in this order' : 'as the training data had them'}`,
  ];
  if (n === null) {
    lines.push('# No preprocessing recorded (fresh weights, no dataset chosen): preprocess() only converts the layout.');
    lines.push('MEAN = None');
    lines.push('STD = None');
  } else {
    lines.push(`# ${n.dataset}: (pixel / 255 - MEAN) / STD per channel, as Skipwire normalized every batch`);
    lines.push(`MEAN = ${tuple(n.mean)}`);
    lines.push(`STD = ${tuple(n.std)}`);
  }
  if (c.classNames !== null) lines.push(`CLASSES = (${c.classNames.map(pyString).join(', ')}${c.classNames.length === 1 ? ',' : ''})`);
  lines.push(
    '',
    '',
    'def preprocess(images):',
    '    """8-bit images as stored — (H, W), (H, W, C) or (N, H, W, C), channels last (numpy.asarray of a',
    '    PIL image) — into the float32 NCHW batch the model takes, normalized as the weights expect."""',
    '    x = torch.as_tensor(images)',
    '    if x.dim() == 2 or (x.dim() == 3 and INPUT_CHANNELS == 1 and x.shape[-1] != 1):',
    '        x = x.unsqueeze(-1)',
    '    if x.dim() == 3:',
    '        x = x.unsqueeze(0)',
    '    x = x.permute(0, 3, 1, 2)',
    '    if x.shape[1] != INPUT_CHANNELS:',
    "        raise ValueError(f'expected {INPUT_CHANNELS} channel(s), got images of shape {tuple(images.shape)}')",
  );
  if (fixedSize) {
    lines.push('    if tuple(x.shape[2:]) != INPUT_SIZE:', "        raise ValueError(f'this network takes {INPUT_SIZE[0]}x{INPUT_SIZE[1]} images, got {x.shape[2]}x{x.shape[3]}')");
  }
  if (n === null) {
    lines.push('    return x.to(torch.float32).contiguous()');
  } else {
    lines.push(
      '    # (pixel - 255·mean) · 1/(255·std) in float64, rounded once to float32: the bits Skipwire trained on',
      '    mean = torch.tensor([m * 255 for m in MEAN], dtype=torch.float32).double().view(1, -1, 1, 1)',
      '    inv_std = torch.tensor([1 / (s * 255) for s in STD], dtype=torch.float32).double().view(1, -1, 1, 1)',
      '    return ((x.double() - mean) * inv_std).to(torch.float32).contiguous()',
    );
  }
  return lines.join('\n');
}

/** TypeScript: the constants and `preprocess()` of a generated module (NHWC, as tfjs). */
export function tsContract(c: InputContract): string {
  const n = c.normalization;
  const arr = (v: readonly number[]): string => `[${v.map(numLit).join(', ')}]`;
  const lines = [
    '// ── the input contract: what the weights expect ──',
    '',
  ];
  if (n === null) {
    lines.push('/** No preprocessing recorded (fresh weights, no dataset chosen): preprocess() only converts to float32. */', 'export const MEAN: readonly number[] | null = null;', 'export const STD: readonly number[] | null = null;');
  } else {
    lines.push(`/** ${n.dataset}: (pixel / 255 − MEAN) / STD per channel, as Skipwire normalized every batch. */`, `export const MEAN: readonly number[] | null = ${arr(n.mean)};`, `export const STD: readonly number[] | null = ${arr(n.std)};`);
  }
  if (c.classNames !== null) lines.push('', '/** The class names, by index. */', `export const CLASSES: readonly string[] = [${c.classNames.map(tsString).join(', ')}];`);
  lines.push(
    '',
    `/** 8-bit images [N, H, W, C] (or one [H, W, C]; ${c.channelOrder === 'L' ? 'grayscale' : c.channelOrder === 'RGB' ? 'R, G, B' : `${c.channels} channels`}) → the float32 batch the model takes, normalized as the weights expect. */`,
    'export function preprocess(t: Tf, images: tfjs.Tensor): tfjs.Tensor {',
    '  return t.tidy(() => {',
    '    const x = (images.rank === 3 ? images.expandDims(0) : images).toFloat();',
    '    if (MEAN === null || STD === null) return x;',
    '    return x.sub(t.tensor1d(MEAN.map((m) => m * 255))).mul(t.tensor1d(STD.map((s) => 1 / (s * 255))));',
    '  });',
    '}',
  );
  return lines.join('\n');
}
