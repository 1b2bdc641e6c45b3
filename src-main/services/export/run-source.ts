import type { DocumentJson, ExportRunSource } from '../../../src-shared/api/index.js';
import { z } from 'zod';
import { DatasetSpec, datasetNormalization } from '../../../src-shared/api/services/datasets.js';
import { METRIC, ResolvedHyperparameters } from '../../../src-shared/api/services/training.js';
import type { Preprocessing, TrainRecipe, WeightSet } from '../../../src-shared/codegen/index.js';
import { canonicalJson } from '../../../src-shared/graph/canonical.js';
import type { GraphDocument } from '../../../src-shared/graph/document.js';
import type { WeightTensor } from '../../../src-shared/layers/printers.js';
import { StoreError } from '../store/errors.js';
import type { Store } from '../store/store.js';
import { decodeCheckpoint } from '../trainer/checkpoint.js';

/**
 * What a training run exports: the graph version it trained (exactly that version's document) and
 * the weights of its last checkpoint (every weight of the model, BatchNorm's moving statistics
 * included; the optimizer's slots are left behind), grouped by tfjs layer name as the trainer keys
 * them (`<layer name>#<index in layer.weights>`).
 */

/** The run cannot be exported: unknown, no checkpoint, an unreadable checkpoint. One line. */
export class RunNotExportable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunNotExportable';
  }
}

export interface RunSource {
  /** The version's document, as stored. */
  readonly document: DocumentJson;
  readonly weights: WeightSet;
  readonly info: ExportRunSource;
  readonly projectName: string;
  /** What the run trained on and how (null for a run whose record this app cannot read). */
  readonly recipe: TrainRecipe | null;
  readonly preprocessing: Preprocessing | null;
}

/** The names of a classification run's confusion matrix entries, when it has one this size. */
const MAX_CARD_CLASSES = 30;

/**
 * The run's recipe, as the trainer recorded it (the resolved hyperparameters and the dataset), and
 * how it ended: the first epoch's mean training loss, the last value of each epoch and test metric,
 * the test confusion matrix.
 */
export function recipeOf(store: Store, run: { id: string; engine: string; hyperparameters: Record<string, unknown> }): { recipe: TrainRecipe | null; preprocessing: Preprocessing | null } {
  // fields of the record that are not hyperparameters
  const { dataset, engineRequested: _e, experiment: _x, ...rest } = run.hyperparameters;
  const hyper = ResolvedHyperparameters.safeParse(rest);
  const ds = RecordedDataset.safeParse(dataset);
  if (!ds.success) return { recipe: null, preprocessing: null };
  const classes = ds.data.classNames.length;
  // one value per channel, or one for every channel (folder, synthetic): the contract spreads it over the input's
  const norm = datasetNormalization(ds.data.spec.kind, 1);
  const preprocessing: Preprocessing = { dataset: ds.data.name, mean: [...norm.mean], std: [...norm.std], ...(classes > 0 ? { classNames: ds.data.classNames } : {}) };
  if (!hyper.success) return { recipe: null, preprocessing };
  const names: string[] = [METRIC.trainLoss, METRIC.trainAccuracy, METRIC.valLoss, METRIC.valAccuracy, METRIC.testLoss, METRIC.testAccuracy, METRIC.meanIou];
  const confusionNames: string[] = [];
  if (ds.data.task === 'classification' && classes > 0 && classes <= MAX_CARD_CLASSES) for (let t = 0; t < classes; t++) for (let q = 0; q < classes; q++) confusionNames.push(`test/confusion/${t}/${q}`);
  const { points } = store.readMetrics(run.id, { names: [...names, ...confusionNames] });
  let firstEpochLoss: number | null = null;
  let epochsDone = 0;
  const last = new Map<string, number>();
  const confusion = confusionNames.length > 0 ? Array.from({ length: classes }, () => Array.from({ length: classes }, () => 0)) : null;
  let sawConfusion = false;
  for (const p of points) {
    if (p.value === null) continue;
    const m = /^test\/confusion\/(\d+)\/(\d+)$/.exec(p.name);
    if (m !== null && confusion !== null) {
      const row = confusion[Number(m[1])];
      if (row !== undefined) row[Number(m[2])] = p.value;
      sawConfusion = true;
      continue;
    }
    if (p.name === METRIC.trainLoss && p.epoch === 1) firstEpochLoss = p.value;
    if (p.name === METRIC.trainLoss) epochsDone = Math.max(epochsDone, p.epoch);
    last.set(p.name, p.value);
  }
  const recipe: TrainRecipe = {
    hyper: hyper.data,
    dataset: ds.data,
    engine: run.engine,
    runId: run.id,
    firstEpochLoss,
    finalMetrics: Object.fromEntries(last),
    confusion: sawConfusion ? confusion : null,
    epochsDone,
  };
  return { recipe, preprocessing };
}

/** The dataset as the trainer records it with a run. */
const RecordedDataset = z.object({ spec: DatasetSpec, name: z.string(), task: z.enum(['classification', 'segmentation']), classNames: z.array(z.string()) });

/** The checkpoint's weight tensors by layer, each layer's in index order (all indexes present). */
export function weightsByLayer(tensors: readonly { key: string; shape: readonly number[]; values: Float32Array }[]): WeightSet {
  const byLayer = new Map<string, Map<number, WeightTensor>>();
  for (const t of tensors) {
    const m = /^(.+)#(\d+)$/.exec(t.key);
    if (m === null || m[1] === undefined || m[2] === undefined) throw new RunNotExportable(`the checkpoint has a weight named "${t.key}", not <layer>#<index>`);
    const layer = byLayer.get(m[1]) ?? new Map<number, WeightTensor>();
    layer.set(Number(m[2]), { shape: [...t.shape], data: t.values });
    byLayer.set(m[1], layer);
  }
  const out = new Map<string, WeightTensor[]>();
  for (const [name, ws] of byLayer) {
    const list: WeightTensor[] = [];
    for (let i = 0; i < ws.size; i++) {
      const w = ws.get(i);
      if (w === undefined) throw new RunNotExportable(`the checkpoint has no weight ${i} of layer "${name}"`);
      list.push(w);
    }
    out.set(name, list);
  }
  return out;
}

function storeLine(err: unknown): never {
  if (err instanceof StoreError && err.kind === 'not-found') throw new RunNotExportable(err.message);
  throw err;
}

/** The run's graph version and last checkpoint; RunNotExportable when there is nothing to export. */
export function readRunSource(store: Store, runId: string, o: { withWeights?: boolean } = {}): RunSource {
  let run;
  try {
    run = store.getRun(runId);
  } catch (err) {
    storeLine(err);
  }
  const checkpoints = store.listCheckpoints(runId);
  const last = checkpoints.reduce<(typeof checkpoints)[number] | undefined>((a, c) => (a === undefined || c.epoch > a.epoch ? c : a), undefined);
  if (last === undefined) {
    const why = run.status === 'failed' && run.error !== null ? `it failed before its first epoch ended: ${run.error.split('\n')[0] ?? ''}` : run.status === 'queued' || run.status === 'running' ? `it is ${run.status} and has not finished an epoch yet` : `it ${run.status === 'canceled' ? 'was canceled' : 'ended'} before its first epoch ended`;
    throw new RunNotExportable(`run ${runId} has no checkpoint to export (${why})`);
  }
  let version;
  let projectName;
  try {
    version = store.getVersion(run.projectId, run.versionId);
    projectName = store.getProject(run.projectId).name;
  } catch (err) {
    storeLine(err);
  }
  let weights: WeightSet = new Map();
  if (o.withWeights !== false) {
    let ck;
    try {
      ck = decodeCheckpoint(new Uint8Array(store.readCheckpoint(runId, last.epoch)));
    } catch (err) {
      if (err instanceof StoreError && err.kind !== 'not-found') throw err;
      throw new RunNotExportable(`run ${runId}'s checkpoint of epoch ${last.epoch} cannot be read: ${err instanceof Error ? err.message : String(err)}`);
    }
    weights = weightsByLayer(ck.weights);
  }
  return {
    document: version.document,
    weights,
    projectName,
    ...recipeOf(store, run),
    info: { runId, projectId: run.projectId, versionId: run.versionId, versionNumber: version.version.number, epoch: last.epoch, status: run.status },
  };
}

/**
 * What makes two documents the same network for weights: the input, every node's id, kind, params
 * and block, the connections (edge ids aside), and the blocks' repeats and nesting. Names, labels,
 * descriptions, positions and collapsed blocks do not matter.
 */
export function networkKey(doc: GraphDocument): string {
  return canonicalJson({
    input: doc.input,
    nodes: Object.values(doc.nodes)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((n) => ({ id: n.id, kind: n.kind, params: n.params, group: n.group ?? null })),
    edges: Object.values(doc.edges)
      .map((e) => `${e.source}>${e.target}:${e.targetPort}`)
      .sort(),
    groups: Object.values(doc.groups)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((g) => ({ id: g.id, repeat: g.repeat, parent: g.parent ?? null })),
  });
}
