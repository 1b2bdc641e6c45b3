import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { DatasetSpec } from '../../../src-shared/api/services/datasets.js';
import { Hyperparameters } from '../../../src-shared/api/services/training.js';
import type {
  EngineChoice,
  ExperimentPresetInfo,
  OutcomeRow,
  PresetHyperOverrides,
  PresetOutcome,
  StartPresetReply,
} from '../../../src-shared/api/services/training.js';
import { EXPERIMENT_PRESETS, findPreset } from '../../../src-shared/experiments/registry.js';
import { FASHION_MNIST_INPUT, inputFor } from '../../../src-shared/experiments/types.js';
import type { ExperimentPreset } from '../../../src-shared/experiments/types.js';
import { costReport } from '../../../src-shared/graph/cost.js';
import { inferShapes } from '../../../src-shared/graph/infer.js';
import { migrateDocument } from '../../../src-shared/graph/migrations.js';
import type { Store } from '../store/store.js';
import { TrainingRefused } from './graph-facts.js';
import { ExperimentRecord } from './manager.js';
import type { Trainer, TrainerOptions } from './manager.js';

const DEFAULT_DATASET: DatasetSpec = { kind: 'fashion-mnist' };

function cost(doc: unknown): { params: number; flops: number } | null {
  const m = migrateDocument(doc);
  if (!m.ok) return null;
  const t = costReport(inferShapes(m.doc)).totals;
  return { params: t.params, flops: t.flops };
}

/** The presets as the contract lists them (networks' params and FLOPs for Fashion-MNIST's input). */
export function listPresets(): ExperimentPresetInfo[] {
  return EXPERIMENT_PRESETS.map((p) => ({
    id: p.id,
    title: p.title,
    summary: p.summary,
    expected: p.expected,
    networks: p.networks(FASHION_MNIST_INPUT).map((n) => {
      const c = cost(n.document);
      return { key: n.key, label: n.label, description: n.description, params: c?.params ?? 0, flops: c?.flops ?? 0, reference: n.reference };
    }),
    dataset: DEFAULT_DATASET,
    datasetNote: p.datasetNote,
    hyper: Hyperparameters.parse(p.hyper),
  }));
}

function presetOrRefuse(id: string): ExperimentPreset {
  const p = findPreset(id);
  if (p === undefined) throw new TrainingRefused('run', `no experiment preset "${id}" (known: ${EXPERIMENT_PRESETS.map((x) => x.id).join(', ')})`);
  return p;
}

function openStore(o: TrainerOptions): Store {
  if (o.store === undefined) throw new TrainingRefused('run', 'experiments are saved in the project store, which this host does not have');
  try {
    return o.store();
  } catch (err) {
    throw new TrainingRefused('run', err instanceof Error ? err.message : String(err));
  }
}

/** A group id: the preset and a random part (ids use letters, digits and _ . : -). */
function newGroup(preset: string): string {
  return `${preset}:${randomUUID()}`;
}

/**
 * Creates the experiment's project (named after it; or uses `projectId`), saves one version per
 * network (message = the network's name) and queues one run per network under one group id.
 * Every network is checked against the dataset before anything is queued.
 */
export async function startPreset(
  trainer: Trainer,
  o: TrainerOptions,
  input: { preset: string; projectId?: string | undefined; dataset?: DatasetSpec | undefined; engine?: EngineChoice | undefined; hyper?: z.infer<typeof PresetHyperOverrides> | undefined },
): Promise<StartPresetReply> {
  const preset = presetOrRefuse(input.preset);
  const dataset = input.dataset ?? DEFAULT_DATASET;
  const networks = preset.networks(inputFor(dataset));
  const first = networks[0];
  if (first === undefined) throw new TrainingRefused('run', `preset ${preset.id} has no networks`);
  const hyper = { ...preset.hyper, ...Object.fromEntries(Object.entries(input.hyper ?? {}).filter(([, v]) => v !== undefined)) };
  const store = openStore(o);
  // Check every network with the dataset (graph, classes, shapes, memory) before creating anything.
  for (const n of networks) await trainer.check({ document: n.document, dataset, engine: input.engine ?? 'auto', hyper });
  let projectId = input.projectId;
  try {
    if (projectId === undefined) projectId = store.createProject(preset.title, first.document).id;
    else store.getProject(projectId);
  } catch (err) {
    throw new TrainingRefused('run', err instanceof Error ? err.message : String(err));
  }
  const group = newGroup(preset.id);
  const runs: StartPresetReply['runs'] = [];
  for (const n of networks) {
    const r = await trainer.enqueue({
      projectId,
      document: n.document,
      dataset,
      engine: input.engine ?? 'auto',
      hyper,
      label: n.label,
      group,
      versionMessage: n.label,
      experiment: { preset: preset.id, network: n.key },
    });
    runs.push({ runId: r.runId, versionId: r.versionId, label: n.label, network: n.key });
  }
  return { projectId, group, runs };
}

const percent = (accuracy: number | null): number | null => (accuracy === null || !Number.isFinite(accuracy) ? null : (1 - accuracy) * 100);

/** The experiment's runs with their final numbers, and the preset's statement of what they showed. */
export function presetOutcome(trainer: Trainer, o: TrainerOptions, group: string): PresetOutcome {
  const store = openStore(o);
  let stored;
  try {
    stored = store.listRunsByGroup(group);
  } catch (err) {
    throw new TrainingRefused('run', err instanceof Error ? err.message : String(err));
  }
  if (stored.length === 0) throw new TrainingRefused('run', `no runs in group ${group}`);
  const experiments = stored.map((r) => ExperimentRecord.safeParse(r.hyperparameters['experiment']));
  const presetId = experiments.find((e) => e.success)?.data?.preset;
  if (presetId === undefined) throw new TrainingRefused('run', `group ${group} is not an experiment preset's (its runs name no preset)`);
  const preset = presetOrRefuse(presetId);
  const documents = new Map<string, unknown>();
  const references = new Map(preset.networks(FASHION_MNIST_INPUT).map((n) => [n.key, n.reference]));
  const rows: OutcomeRow[] = stored.map((r, i) => {
    const { epochs, evaluation } = trainer.get(r.id);
    const last = epochs[epochs.length - 1];
    let doc = documents.get(r.versionId);
    if (doc === undefined) {
      doc = store.getVersion(r.projectId, r.versionId).document;
      documents.set(r.versionId, doc);
    }
    const c = cost(doc);
    const exp = experiments[i];
    const network = exp?.success === true ? exp.data.network : (r.label ?? r.id);
    const reference = references.get(network) ?? null;
    return {
      runId: r.id,
      network,
      label: r.label ?? network,
      status: trainer.statusOf(r.id) ?? r.status,
      epochs: last?.epoch ?? 0,
      trainLoss: last?.trainLoss ?? null,
      trainErrorPercent: percent(last?.trainAccuracy ?? null),
      valLoss: last?.valLoss ?? null,
      valErrorPercent: percent(last?.valAccuracy ?? null),
      testErrorPercent: evaluation?.task === 'classification' ? percent(evaluation.accuracy) : null,
      params: c?.params ?? null,
      flops: c?.flops ?? null,
      reference,
    };
  });
  const finished = rows.every((r) => r.status === 'done' || r.status === 'failed' || r.status === 'canceled');
  return { preset: preset.id, title: preset.title, group, expected: preset.expected, finished, statement: preset.outcome(rows), rows };
}
