import { compileGraph } from '../graph/compile.js';
import type { GraphDocument } from '../graph/document.js';
import type { Tf } from '../layers/types.js';
import { fileStem } from './names.js';
import { exportOnnx } from './onnx/export.js';
import { emitPyTorch } from './pytorch.js';
import { exportTfjsModel } from './tfjs-model.js';
import type { ExportFile } from './types.js';
import { emitTypeScript } from './typescript.js';
import { emitTsWeights } from './ts-weights.js';
import { matchWeights, weightsOf, type WeightSet } from './weights.js';
import { contractMetadata, inputContract, type InputContract, type Preprocessing } from './contract.js';
import { modelCard, type CardInput } from './model-card.js';
import type { TrainRecipe } from './recipe.js';
import { numLit } from '../layers/lib/code.js';

export { emitTypeScript } from './typescript.js';
export type { TypeScriptExport, TypeScriptExportOptions } from './typescript.js';
export { emitPyTorch } from './pytorch.js';
export type { PyTorchExport, PyTorchExportOptions } from './pytorch.js';
export { exportOnnx, ONNX_IR_VERSION, ONNX_OPSET } from './onnx/export.js';
export type { OnnxExport, OnnxExportOptions } from './onnx/export.js';
export { exportTfjsModel } from './tfjs-model.js';
export { planCode } from './plan.js';
export type { CodePlan } from './plan.js';
export { matchWeights, weightsOf, WeightsMismatch } from './weights.js';
export type { LayerWeights, WeightSet } from './weights.js';
export { emitTsWeights, tsWeightsModule, TS_WEIGHTS_BIN } from './ts-weights.js';
export { isBinary } from './types.js';
export type { BinaryFile, ExportFile, TextFile } from './types.js';

/** What a graph exports to. */
export type ExportTarget = 'typescript' | 'tfjs-model' | 'pytorch' | 'onnx';

export { Preprocessing, inputContract, contractMetadata } from './contract.js';
export type { InputContract } from './contract.js';
export { TrainRecipe } from './recipe.js';
export { modelCard } from './model-card.js';

export interface ExportOptions {
  /** typescript / pytorch: also emit the training script (train.ts, train_ddp.py); default true. */
  readonly train?: boolean;
  /** onnx: the layout of the input and spatial outputs (default nhwc, as tfjs). */
  readonly layout?: 'nhwc' | 'nchw';
  /**
   * Weights to export (a trained run's); default: a freshly compiled model's initial weights. Every
   * layer of the model must be there with its shapes (else an Error names the layer). TypeScript
   * then gets weights.bin and a module whose loadWeights/buildTrainedModel rebuild the trained model.
   */
  readonly weights?: WeightSet;
  /** Where the weights come from, for the files that say so (e.g. `run 3f2a…, epoch 5`). */
  readonly weightsFrom?: string;
  /** Written into the files that record a producer version. */
  readonly producerVersion?: string;
  /** The preprocessing the weights expect (a run's dataset, or the Train panel's choice); absent: none recorded. */
  readonly preprocessing?: Preprocessing;
  /** A run's recipe (train_ddp.py reproduces it; the model card reports it). */
  readonly recipe?: TrainRecipe;
  /** Fresh weights drawn with this seed: the same graph, seed and options give byte-identical files. */
  readonly seed?: number;
  /** onnx: the heads output probabilities (default, as tfjs) or logits. */
  readonly outputs?: 'probabilities' | 'logits';
}

/**
 * Every export target behind one call: `tf` is passed in (the weights come from compiling the
 * document with it unless given). A graph with errors throws CompileError with its diagnostics;
 * weights that do not fit the graph throw an Error naming the layer.
 */
export async function exportGraph(tf: Tf, doc: GraphDocument, target: ExportTarget, options: ExportOptions = {}): Promise<ExportFile[]> {
  const contract = inputContract(doc, options.preprocessing);
  const card = (files: readonly ExportFile[], usage: CardInput['usage'], outputs: string, extra?: CardInput['extra']): ExportFile => ({
    name: 'README.md',
    content: modelCard({
      doc,
      target,
      contract,
      files: files.map((f) => [f.name, describeFile(f.name)] as const),
      outputs,
      seed: options.seed ?? null,
      usage,
      ...(options.weightsFrom !== undefined ? { weightsFrom: options.weightsFrom } : {}),
      ...(options.recipe !== undefined ? { recipe: options.recipe } : {}),
      ...(extra !== undefined ? { extra } : {}),
    }),
  });
  if (target === 'typescript' && options.weights === undefined) {
    const ts = emitTypeScript(doc, { train: options.train !== false, contract });
    return [...ts.files, card(ts.files, tsUsage(ts.module, false, options.train !== false), TS_OUTPUTS)];
  }
  // compiled for fresh weights (seeded when asked), and to check given ones against the model's layers and shapes
  const compiled = withSeed(options.seed, () => compileGraph(tf, doc));
  try {
    const matched = options.weights === undefined ? null : matchWeights(compiled.model, options.weights);
    if (target === 'typescript') {
      const ts = emitTypeScript(doc, { train: options.train !== false, contract });
      const files = [...ts.files, ...emitTsWeights(ts.module, matched ?? [], options.weightsFrom !== undefined ? { from: options.weightsFrom } : {})];
      return [...files, card(files, tsUsage(ts.module, true, options.train !== false), TS_OUTPUTS)];
    }
    if (target === 'tfjs-model') {
      for (const m of matched ?? []) {
        const tensors = m.tensors.map((w) => tf.tensor(w.data, [...w.shape], 'float32'));
        try {
          compiled.model.getLayer(m.layer).setWeights(tensors);
        } finally {
          tf.dispose(tensors);
        }
      }
      const files = await exportTfjsModel(tf, doc, compiled.model, contractMetadata(contract, 'nhwc'));
      const custom = files.find((f) => f.name.endsWith('.ts') && f.name !== 'model.json');
      return [...files, card(files, tfjsUsage(custom?.name ?? null, contract), TS_OUTPUTS, [RETRAIN_ELSEWHERE])];
    }
    const weights = options.weights ?? weightsOf(compiled.model);
    if (target === 'pytorch') {
      const py = emitPyTorch(doc, weights, {
        train: options.train !== false,
        ...(options.preprocessing !== undefined ? { preprocessing: options.preprocessing } : {}),
        ...(options.recipe !== undefined ? { recipe: options.recipe } : {}),
      });
      const keys = [...py.stateDict.keys()];
      const extra: CardInput['extra'] = [
        [
          'state_dict keys',
          `\`load_weights\` loads \`${py.module.replace(/\.py$/, '.safetensors')}\` strictly. Keys follow the module tree (a layer outside blocks by its graph name, a block by its name and layer, a stage of blocks by index), the same on every export of this graph: ${keys.length} tensors, from \`${keys[0] ?? ''}\` to \`${keys[keys.length - 1] ?? ''}\`.`,
        ],
      ];
      return [...py.files, card(py.files, pyUsage(py.module, py.className, contract, options.train !== false), PY_OUTPUTS, extra)];
    }
    const onnx = exportOnnx(doc, weights, {
      layout: options.layout ?? 'nhwc',
      outputs: options.outputs ?? 'probabilities',
      metadata: { input_contract: JSON.stringify(contractMetadata(contract, options.layout ?? 'nhwc')) },
      ...(options.producerVersion !== undefined ? { producerVersion: options.producerVersion } : {}),
    });
    const files: ExportFile[] = [{ name: `${onnxStem(doc)}.onnx`, bytes: onnx.bytes }];
    const outputs = options.outputs === 'logits' ? 'logits (the scores before softmax / sigmoid; exported with outputs=logits)' : 'probabilities (softmax / sigmoid, as the tfjs model; export with outputs=logits for the scores before)';
    return [...files, card(files, onnxUsage(files[0]?.name ?? '', contract, options.layout ?? 'nhwc'), outputs, [RETRAIN_ELSEWHERE])];
  } finally {
    compiled.model.dispose();
  }
}

/** tfjs model files and ONNX hold a model to run: training goes through the code exports. */
const RETRAIN_ELSEWHERE: readonly [string, string] = [
  'Retrain it',
  'These files run the model. To train it, export the same source as PyTorch (`train_ddp.py`, the run’s recipe by default) or TypeScript (`train.ts`): `skipwire export FILE --format pytorch --out DIR`, or `skipwire export --run ID --format pytorch --out DIR` for a run.',
];

const TS_OUTPUTS = "probabilities: the head's softmax (or sigmoid) is part of the tfjs model, as tfjs's losses expect";
const PY_OUTPUTS = "forward() returns logits (F.cross_entropy / nn.CrossEntropyLoss take them); predict() gives probabilities";

/** Runs `f` with Math.random (where tfjs's initializers draw their seeds) replaced by a seeded generator. */
function withSeed<T>(seed: number | undefined, f: () => T): T {
  if (seed === undefined) return f();
  const saved = Math.random;
  let state = (seed ^ 0x5eed1417) >>> 0;
  // mulberry32: small, fast, and the same numbers everywhere
  Math.random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  try {
    return f();
  } finally {
    Math.random = saved;
  }
}

function describeFile(name: string): string {
  if (name === 'README.md') return 'this model card';
  if (name === 'train_ddp.py') return 'DistributedDataParallel training under torchrun: the run\'s recipe by default (a fresh export: Skipwire\'s defaults)';
  if (name === 'train.ts') return 'trains the TypeScript model on tensors you pass';
  if (name === 'trained.ts') return 'rebuilds the trained model from weights.bin';
  if (name === 'weights.bin') return 'the weights, float32 little-endian';
  if (name === 'model.json') return 'the tfjs topology, weights manifest and the input contract (userDefinedMetadata)';
  if (name.endsWith('.safetensors')) return 'the weights in PyTorch layouts (safetensors)';
  if (name.endsWith('.py')) return 'the nn.Module, its input contract (constants, preprocess()) and load_weights()';
  if (name.endsWith('.onnx')) return 'the ONNX model (opset 13); metadata_props hold the input contract';
  if (name.endsWith('.ts')) return 'the tfjs module: buildModel(tf), its input contract (constants, preprocess())';
  return '';
}

function imageMode(c: InputContract): string {
  return c.channels === 1 ? ".convert('L')" : c.channels === 3 ? ".convert('RGB')" : '';
}

function pyUsage(module: string, className: string, c: InputContract, train: boolean): CardInput['usage'] {
  const stem = module.replace(/\.py$/, '');
  const usage: [string, string, string][] = [
    [
      'Load it and run it on an image',
      'python',
      [
        'import numpy',
        'from PIL import Image',
        `from ${stem} import ${className}, load_weights, preprocess`,
        '',
        `model = load_weights(${className}(), '${stem}.safetensors').eval()`,
        `image = numpy.asarray(Image.open('image.png')${imageMode(c)})  # ${c.height}×${c.width}, 8-bit`,
        'probabilities = model.predict(preprocess(image))',
        'print(probabilities.argmax(dim=1))',
      ].join('\n'),
    ],
  ];
  if (train) {
    usage.push([
      'Retrain it',
      'sh',
      [
        '# one machine, every GPU (the run\'s recipe is the default; --help lists the knobs)',
        'torchrun --standalone --nproc_per_node=gpu train_ddp.py --data PATH',
        '# CPU, two processes, gloo',
        'torchrun --standalone --nproc_per_node=2 train_ddp.py --cpu --data PATH',
        "# Debian's python3-torch 1.13 on Python 3.11: plain torchrun crashes before the script starts; add",
        'torchrun --redirects 1 --tee 1 --standalone --nproc_per_node=2 train_ddp.py --cpu --data PATH',
      ].join('\n'),
    ]);
  }
  return usage;
}

function tsUsage(module: string, trained: boolean, train: boolean): CardInput['usage'] {
  const mod = `./${module.replace(/\.ts$/, '.js')}`;
  const retrain: CardInput['usage'] = train
    ? [
        [
          'Retrain it',
          'ts',
          [
            "import * as tf from '@tensorflow/tfjs-node';",
            `import { preprocess } from '${mod}';`,
            "import { train } from './train.js';",
            '',
            '// images: 8-bit [N, H, W, C] as stored; labels: one-hot [N, classes]',
            'const { model } = await train(tf, preprocess(tf, images), labels, { epochs: 10 });',
            "await model.save('file://./trained');",
          ].join('\n'),
        ],
      ]
    : [];
  return [
    [
      'Load it and run it on an image',
      'ts',
      [
        "import * as tf from '@tensorflow/tfjs-node';",
        "import { readFileSync } from 'node:fs';",
        `import { ${trained ? 'preprocess' : 'buildModel, preprocess'} } from '${mod}';`,
        ...(trained ? ["import { buildTrainedModel } from './trained.js';", '', "const model = buildTrainedModel(tf, readFileSync('weights.bin'));"] : ['', 'const model = buildModel(tf); // fresh weights']),
        "const image = tf.node.decodeImage(readFileSync('image.png'));",
        'const probabilities = model.predict(preprocess(tf, image)) as tf.Tensor;',
        'probabilities.argMax(-1).print();',
      ].join('\n'),
    ],
    ...retrain,
  ];
}

function tfjsUsage(custom: string | null, c: InputContract): CardInput['usage'] {
  const norm = c.normalization;
  return [
    [
      'Load it and run it on an image',
      'ts',
      [
        "import * as tf from '@tensorflow/tfjs-node';",
        "import { readFileSync } from 'node:fs';",
        ...(custom !== null ? [`import { registerCustomLayers } from './${custom.replace(/\.ts$/, '.js')}';`, '', 'registerCustomLayers(tf); // this model uses custom layers: register them before loading'] : ['']),
        "const model = await tf.loadLayersModel('file://model.json');",
        "const image = tf.node.decodeImage(readFileSync('image.png')).expandDims(0).toFloat();",
        norm === null
          ? 'const x = image; // no preprocessing recorded'
          : `const x = image.sub(tf.tensor1d([${norm.mean.map((m) => numLit(m * 255)).join(', ')}])).div(tf.tensor1d([${norm.std.map((s) => numLit(s * 255)).join(', ')}])); // (pixel − 255·mean) / (255·std)`,
        '(model.predict(x) as tf.Tensor).argMax(-1).print();',
      ].join('\n'),
    ],
  ];
}

function onnxUsage(file: string, c: InputContract, layout: 'nhwc' | 'nchw'): CardInput['usage'] {
  const norm = c.normalization;
  return [
    [
      'Load it and run it on an image (onnxruntime)',
      'python',
      [
        'import numpy, onnxruntime',
        'from PIL import Image',
        '',
        `session = onnxruntime.InferenceSession('${file}')`,
        `image = numpy.asarray(Image.open('image.png')${imageMode(c)}, dtype=numpy.float32).reshape(${c.height}, ${c.width}, ${c.channels})`,
        norm === null ? 'x = image  # no preprocessing recorded' : `x = (image / 255 - numpy.array([${norm.mean.map(numLit).join(', ')}])) / numpy.array([${norm.std.map(numLit).join(', ')}])`,
        `x = x${layout === 'nchw' ? '.transpose(2, 0, 1)' : ''}[None].astype(numpy.float32)  # ${layout.toUpperCase()}`,
        'outputs = session.run(None, {session.get_inputs()[0].name: x})',
        'print(outputs[0].argmax(axis=-1 if outputs[0].ndim == 2 else ' + (layout === 'nchw' ? '1' : '-1') + '))',
      ].join('\n'),
    ],
  ];
}

function onnxStem(doc: GraphDocument): string {
  return fileStem(doc.meta.name);
}
