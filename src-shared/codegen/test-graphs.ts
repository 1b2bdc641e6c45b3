import type { GraphDocument, GraphGroup } from '../graph/document.js';
import { buildGraph, cifarResNet } from '../graph/sample-graphs.js';
import { generateTemplate } from '../templates/registry.js';

/**
 * The graphs the export tests run over (test support, not the app's API): every template family at
 * small sizes (each shortcut variant, each ResNeXt form, U-Net valid and same, the FCN variants),
 * hand-built graphs that use every layer kind with the awkward cases (TF 'same' padding with an
 * odd extra pixel, transposed convolutions that crop or grow, non-square inputs, several heads),
 * repeated blocks (a loop, nested loops) and hostile labels.
 */
export interface TestGraph {
  readonly name: string;
  readonly doc: GraphDocument;
}

function template(id: string, options: Record<string, unknown>): GraphDocument {
  const r = generateTemplate(id, options);
  if (!r.ok) throw new Error(`${id}: ${r.error.message}`);
  return r.doc;
}

const small = { inputHeight: 16, inputWidth: 16, inputChannels: 3, classes: 5 };

export function templateGraphs(): TestGraph[] {
  const list: [string, string, Record<string, unknown>][] = [
    ['plain-8', 'plain', { depth: 8, width: 4, ...small }],
    ['resnet-8-A', 'resnet', { depth: 8, width: 4, downsample: 'A', ...small }],
    ['resnet-8-B-scale', 'resnet', { depth: 8, width: 4, downsample: 'B', shortcut: 'scale', ...small }],
    ['resnet-8-gate', 'resnet', { depth: 8, width: 4, shortcut: 'gate', ...small }],
    ['resnet-8-gate-shortcut', 'resnet', { depth: 8, width: 4, shortcut: 'gate-shortcut', ...small }],
    ['resnet-8-conv', 'resnet', { depth: 8, width: 4, shortcut: 'conv', ...small }],
    ['resnet-8-dropout', 'resnet', { depth: 8, width: 4, shortcut: 'dropout', ...small }],
    ['preact-11-bottleneck', 'preact-resnet', { depth: 11, block: 'bottleneck', width: 4, ...small }],
    ['preact-14-basic', 'preact-resnet', { depth: 14, block: 'basic', width: 4, ...small }],
    ['wrn-10-1', 'wrn', { depth: 10, width: 1, dropout: 0.3, ...small }],
    ['resnext-11-a', 'resnext', { depth: 11, cardinality: 2, width: 2, base: 4, form: 'a', ...small }],
    ['resnext-11-b', 'resnext', { depth: 11, cardinality: 2, width: 2, base: 4, form: 'b', ...small }],
    ['resnext-11-c', 'resnext', { depth: 11, cardinality: 2, width: 2, base: 4, form: 'c', ...small }],
    ['densenet-bc-10', 'densenet-bc', { depth: 10, growth: 4, ...small }],
    ['unet-2-valid', 'unet', { depth: 2, width: 4, padding: 'valid', inputHeight: 44, inputWidth: 44, inputChannels: 1, classes: 2 }],
    ['unet-2-same-bn', 'unet', { depth: 2, width: 4, padding: 'same', batchNorm: true, inputHeight: 16, inputWidth: 16, inputChannels: 3, classes: 1 }],
    ['fcn-8s', 'fcn', { variant: '8s', width: 2, fcWidth: 8, inputHeight: 32, inputWidth: 32, inputChannels: 3, classes: 3 }],
    ['fcn-32s', 'fcn', { variant: '32s', width: 2, fcWidth: 8, inputHeight: 32, inputWidth: 32, inputChannels: 3, classes: 3 }],
  ];
  return list.map(([name, id, o]) => ({ name, doc: template(id, o) }));
}

/** Every layer kind, with the cases where tfjs, PyTorch and ONNX differ. Three heads. */
export function allKindsGraph(): GraphDocument {
  return buildGraph(
    { height: 16, width: 16, channels: 3 },
    (b) => {
      const x = b.add('Input', {}, { id: 'input' });
      // stride 2 'same' on an even size: TF pads 0 top / 1 bottom
      const c1 = b.chain(x, ['Conv2D', { filters: 8, kernel: 3, stride: 2, padding: 'same', bias: true }, 'c1'], ['BatchNorm', { momentum: 0.99, epsilon: 1e-3 }, 'bn1'], ['ReLU', {}, 'r1']);
      const dw = b.chain(c1, ['DepthwiseConv2D', { kernel: 3, depthMultiplier: 2, bias: true }, 'dw'], ['GroupNorm', { groups: 4 }, 'gn'], ['LeakyReLU', { alpha: 0.2 }, 'lrelu']);
      const gc = b.chain(dw, ['Conv2D', { filters: 16, kernel: 3, padding: 1, groups: 4, bias: true }, 'grouped'], ['ELU', {}, 'elu'], ['Conv2D', { filters: 16, kernel: 3, dilation: 2 }, 'dilated']);
      const gate = b.add('Gate', { mode: 'exclusive', biasInit: -1 }, { label: 'gate' });
      b.connect(dw, gate, 0);
      b.connect(gc, gate, 1);
      const scale = b.chain(gate, ['Scale', { factor: 0.5 }, 'scale']);
      const sd = b.chain(gate, ['ShortcutDropout', { rate: 0.3 }, 'sdrop']);
      const sum = b.add('Add', {}, { label: 'sum' });
      b.connect(scale, sum, 0);
      b.connect(sd, sum, 1);
      const prod = b.add('Multiply', {}, { label: 'prod' });
      b.connect(sum, prod, 0);
      b.connect(gate, prod, 1);
      const mp = b.chain(prod, ['MaxPool', { pool: 3, stride: 2, padding: 'same' }, 'maxpool']);
      const ap = b.chain(prod, ['AvgPool', { pool: 3, stride: 2, padding: 'same' }, 'avgpool']);
      const cat = b.add('Concat', {}, { label: 'cat' });
      b.connect(mp, cat, 0);
      b.connect(ap, cat, 1);
      const up = b.chain(cat, ['Upsample', { factor: 2, mode: 'bilinear' }, 'up_bilinear']);
      // 3×3 stride 2 'same' transposed: the full 9×9 is cropped 0 top / 1 bottom
      const ct = b.chain(cat, ['ConvTranspose2D', { filters: 8, kernel: 3, stride: 2, padding: 'same' }, 'upconv']);
      const cat2 = b.add('Concat', {}, { label: 'cat2' });
      b.connect(up, cat2, 0);
      b.connect(ct, cat2, 1);
      const acts = b.chain(cat2, ['GELU', {}, 'gelu'], ['SiLU', {}, 'silu'], ['Tanh', {}, 'tanh'], ['Sigmoid', {}, 'sigmoid'], ['Pad', { top: 1, bottom: 2, left: 0, right: 1, channelsBefore: 1, channelsAfter: 2 }, 'pad']);
      const crop = b.add('Crop', {}, { label: 'crop' });
      b.connect(acts, crop, 0);
      b.connect(up, crop, 1);
      const fm = b.chain(crop, ['Softmax', {}, 'softmax'], ['Identity', {}, 'ident'], ['Dropout', { rate: 0.2 }, 'drop'], ['Upsample', { factor: 2, mode: 'nearest' }, 'up_nearest'], ['MaxPool', { pool: 2, stride: 2 }, 'pool_valid']);
      b.chain(fm, ['SegmentationHead', { classes: 3 }, 'seg']);
      const flat = b.chain(fm, ['AvgPool', { pool: 4, stride: 4 }, 'avg_valid'], ['Flatten', {}, 'flatten'], ['Dense', { units: 12 }, 'fc'], ['BatchNorm', {}, 'bn_flat']);
      const gnf = b.chain(flat, ['GroupNorm', { groups: 3 }, 'gn_flat']);
      const g2 = b.add('Gate', { mode: 'shortcut-only' }, { label: 'gate_flat' });
      b.connect(flat, g2, 0);
      b.connect(gnf, g2, 1);
      b.chain(g2, ['Dense', { units: 6, bias: false }, 'fc2'], ['ClassificationHead', { classes: 4 }, 'cls']);
      b.chain(fm, ['GlobalAvgPool', {}, 'gap'], ['RegressionHead', { outputs: 2, loss: 'mae' }, 'reg']);
    },
    'All kinds',
  );
}

/** Odd, non-square sizes: transposed convolutions that crop or grow, even kernels, valid windows; a spatial regression head. */
export function oddSizesGraph(): GraphDocument {
  return buildGraph(
    { height: 7, width: 6, channels: 2 },
    (b) => {
      const x = b.add('Input', {}, { id: 'input' });
      const y = b.chain(
        x,
        ['ConvTranspose2D', { filters: 4, kernel: 3, stride: 2, padding: 'valid', bias: false }, 'tv3'],
        ['ConvTranspose2D', { filters: 3, kernel: 2, stride: 2, padding: 'same' }, 'ts2'],
        ['Conv2D', { filters: 4, kernel: 4, stride: 3, padding: 'same', bias: true }, 'c4s3'],
        ['ConvTranspose2D', { filters: 3, kernel: 1, stride: 2, padding: 'valid' }, 'tk1'],
        ['ConvTranspose2D', { filters: 3, kernel: 4, stride: 3, padding: 'same' }, 'tk4s3'],
        ['MaxPool', { pool: 2, stride: 1, padding: 'same' }, 'mp2'],
        ['AvgPool', { pool: 2, stride: 2, padding: 'same' }, 'ap2'],
        ['DepthwiseConv2D', { kernel: 2, stride: 2, padding: 'same' }, 'dw2'],
        ['Conv2D', { filters: 5, kernel: 2, padding: 'valid', bias: true }, 'cvalid'],
        ['Upsample', { factor: 3, mode: 'bilinear' }, 'up3'],
      );
      b.chain(y, ['SegmentationHead', { classes: 1 }, 'mask']);
      b.chain(y, ['RegressionHead', { outputs: 2 }, 'depth']);
    },
    'Odd sizes',
  );
}

/** Three heads of different ranks on one trunk: classification [5], regression [2], segmentation [8, 8, 3]. */
export function multiHeadGraph(): GraphDocument {
  return buildGraph(
    { height: 8, width: 8, channels: 3 },
    (b) => {
      const x = b.add('Input', {}, { id: 'input' });
      const t = b.chain(x, ['Conv2D', { filters: 6, kernel: 3 }, 'trunk'], ['BatchNorm', {}, 'trunk_bn'], ['ReLU', {}, 'trunk_relu']);
      const gap = b.chain(t, ['GlobalAvgPool', {}, 'gap']);
      b.chain(gap, ['ClassificationHead', { classes: 5 }, 'label']);
      b.chain(gap, ['RegressionHead', { outputs: 2 }, 'box']);
      b.chain(t, ['SegmentationHead', { classes: 3 }, 'mask']);
    },
    'Three heads',
  );
}

/**
 * A ResNet whose stages are blocks repeated ×N (loops), the second with a block inside it. (Nested
 * repeats are left out: the compiler's unrolling names inner and outer copies alike, see report.)
 */
export function repeatedGraph(): GraphDocument {
  const doc = buildGraph(
    { height: 8, width: 8, channels: 3 },
    (b) => {
      const x = b.add('Input', {}, { id: 'input' });
      const stem = b.chain(x, ['Conv2D', { filters: 4, kernel: 3 }, 'stem'], ['BatchNorm', {}, 'stem_bn'], ['ReLU', {}, 'stem_relu']);
      // stage 1: a unit repeated 3 times
      const a = b.chain(stem, ['Conv2D', { filters: 4, kernel: 3 }, 'u_conv'], ['BatchNorm', {}, 'u_bn'], ['ReLU', {}, 'u_relu']);
      const add = b.add('Add', {}, { id: 'u_add', label: 'u_add' });
      b.connect(a, add, 0);
      b.connect(stem, add, 1);
      const down = b.chain(add, ['Conv2D', { filters: 6, kernel: 3, stride: 2 }, 'down']);
      // stage 2: (a unit block, then a scale) ×2
      const v = b.chain(down, ['Conv2D', { filters: 6, kernel: 3, bias: true }, 'v_conv'], ['GroupNorm', { groups: 2 }, 'v_gn']);
      const vadd = b.add('Add', {}, { id: 'v_add', label: 'v_add' });
      b.connect(v, vadd, 0);
      b.connect(down, vadd, 1);
      const w = b.chain(vadd, ['Scale', { factor: 0.9 }, 'w_scale']);
      b.chain(w, ['GlobalAvgPool', {}, 'gap'], ['ClassificationHead', { classes: 3 }, 'head']);
    },
    'Repeated blocks',
  );
  const ids = (pred: (label: string) => boolean): string[] => Object.values(doc.nodes).filter((n) => pred(n.label ?? n.id)).map((n) => n.id);
  const groups: Record<string, GraphGroup> = {
    stage1: { id: 'stage1', label: 'stage 1', collapsed: false, repeat: 3 },
    stage2: { id: 'stage2', label: 'stage 2', collapsed: false, repeat: 2 },
    unit2: { id: 'unit2', label: 'unit', collapsed: false, repeat: 1, parent: 'stage2' },
  };
  const nodes = { ...doc.nodes };
  for (const id of ids((l) => l.startsWith('u_'))) nodes[id] = { ...(nodes[id] as GraphDocument['nodes'][string]), group: 'stage1' };
  for (const id of ids((l) => l.startsWith('v_'))) nodes[id] = { ...(nodes[id] as GraphDocument['nodes'][string]), group: 'unit2' };
  for (const id of ids((l) => l.startsWith('w_'))) nodes[id] = { ...(nodes[id] as GraphDocument['nodes'][string]), group: 'stage2' };
  return { ...doc, nodes, groups };
}

/** Labels and a name that try to break out of strings, comments and identifiers. */
export function hostileGraph(): GraphDocument {
  const evil = 'x"); process.exit(1); ("';
  const doc = buildGraph(
    { height: 8, width: 8, channels: 3 },
    (b) => {
      const x = b.add('Input', {}, { id: 'input', label: "'); import os; os.system('echo pwned') #" });
      const y = b.chain(
        x,
        ['Conv2D', { filters: 4, kernel: 3 }, evil],
        ['ReLU', {}, '*/ process.exit(2); /*\n\u2028 """ \\ ${x}'],
        ['Conv2D', { filters: 4, kernel: 3 }, evil],
        ['BatchNorm', {}, 'constructor'],
        ['ReLU', {}, 'self'],
        ['Scale', { factor: 2 }, '__proto__'],
        ['ReLU', {}, 'forward'],
        ['ReLU', {}, '1st layer'],
        ['ReLU', {}, 'класс 🚀'],
      );
      b.chain(y, ['GlobalAvgPool', {}, 'tf'], ['ClassificationHead', { classes: 2 }, 'return']);
    },
    `${evil} */ \` \${process.exit(3)} """`,
  );
  return { ...doc, meta: { ...doc.meta, description: 'line one\n*/ process.exit(4); /*\n""" import os' } };
}

/** Every graph the export tests check. */
export function exportTestGraphs(): TestGraph[] {
  return [
    ...templateGraphs(),
    { name: 'resnet-8 (sample)', doc: cifarResNet(1, { height: 8, width: 8, channels: 3 }) },
    { name: 'all kinds', doc: allKindsGraph() },
    { name: 'odd sizes', doc: oddSizesGraph() },
    { name: 'three heads', doc: multiHeadGraph() },
    { name: 'repeated blocks', doc: repeatedGraph() },
    { name: 'hostile labels', doc: hostileGraph() },
  ];
}
