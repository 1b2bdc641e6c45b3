import type * as TfModule from '@tensorflow/tfjs';
import type { GraphDocument } from '../graph/document.js';
import type { Tf } from '../layers/types.js';
import type { ExportFile } from './types.js';
import { emitTypeScript } from './typescript.js';

type LayersModel = ReturnType<Tf['model']>;
type ModelArtifacts = TfModule.io.ModelArtifacts;

/**
 * A compiled model as tfjs model files: model.json (topology + weights manifest) and weights.bin,
 * what `tf.loadLayersModel` reads in Node and in a browser. A model with custom layers (Scale, Gate,
 * Crop, …) also gets the generated TypeScript module, whose `registerCustomLayers(tf)` must run
 * before loading. model.json's userDefinedMetadata carries the input contract.
 */
export async function exportTfjsModel(tf: Tf, doc: GraphDocument, model: LayersModel, contract: Readonly<Record<string, unknown>>): Promise<ExportFile[]> {
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
    // tf.loadLayersModel keeps it: model.getUserDefinedMetadata() gives the input contract back
    userDefinedMetadata: { skipwire: { input: contract } },
  };
  const files: ExportFile[] = [
    { name: 'model.json', content: JSON.stringify(modelJson) },
    { name: 'weights.bin', bytes: new Uint8Array(weightData) },
  ];
  // a model with custom layers needs the module whose registerCustomLayers(tf) runs before loading
  const ts = emitTypeScript(doc, { train: false });
  const custom = ts.files[0]?.content.includes('export function registerCustomLayers') === true;
  if (custom) files.push(...ts.files);
  return files;
}
