import type * as TfModule from '@tensorflow/tfjs';
import type { GraphDocument } from '../graph/document.js';
import type { Tf } from '../layers/types.js';
import { fileStem } from './names.js';
import type { ExportFile } from './types.js';
import { emitTypeScript } from './typescript.js';

type LayersModel = ReturnType<Tf['model']>;
type ModelArtifacts = TfModule.io.ModelArtifacts;

/**
 * A compiled model as tfjs model files: model.json (topology + weights manifest) and weights.bin,
 * what `tf.loadLayersModel` reads in Node and in a browser. A model with custom layers (Scale, Gate,
 * Crop, …) also gets the generated TypeScript module, whose `registerCustomLayers(tf)` must run
 * before loading, and a README saying so.
 */
export async function exportTfjsModel(tf: Tf, doc: GraphDocument, model: LayersModel, weightsFrom?: string): Promise<ExportFile[]> {
  let saved: ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  const artifacts = saved as ModelArtifacts | null;
  if (artifacts === null || artifacts.modelTopology === undefined) throw new Error('tfjs did not hand over the model');
  const weightData = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  const modelJson = {
    format: 'layers-model',
    generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
  };
  const files: ExportFile[] = [
    { name: 'model.json', content: JSON.stringify(modelJson) },
    { name: 'weights.bin', bytes: new Uint8Array(weightData) },
  ];
  const ts = emitTypeScript(doc, { train: false });
  const custom = ts.files[0]?.content.includes('export function registerCustomLayers') === true;
  const stem = fileStem(doc.meta.name);
  const loadLines = custom
    ? [
        '```ts',
        "import * as tf from '@tensorflow/tfjs'; // or @tensorflow/tfjs-node",
        `import { registerCustomLayers } from './${ts.module.replace(/\.ts$/, '.js')}';`,
        '',
        'registerCustomLayers(tf); // this model uses custom layers; register them before loading',
        "const model = await tf.loadLayersModel('file://path/to/model.json'); // tfjs-node; a URL in a browser",
        '```',
      ]
    : [
        '```ts',
        "import * as tf from '@tensorflow/tfjs'; // or @tensorflow/tfjs-node",
        "const model = await tf.loadLayersModel('file://path/to/model.json'); // tfjs-node; a URL in a browser",
        '```',
      ];
  files.push({
    name: 'README.md',
    content: [
      `# ${doc.meta.name.replace(/[\r\n]+/g, ' ') || stem} — tfjs model files`,
      '',
      `Exported by Skipwire: \`model.json\` (topology and weights manifest) and \`weights.bin\`; the input is [N, ${doc.input.height}, ${doc.input.width}, ${doc.input.channels}] (NHWC).`,
      ...(weightsFrom === undefined ? [] : ['', `The weights are trained: ${weightsFrom.replace(/[\r\n]+/g, ' ')}.`]),
      '',
      ...loadLines,
      '',
    ].join('\n'),
  });
  if (custom) files.push(...ts.files);
  return files;
}
