import { freemem } from 'node:os';
import type { DatasetSpec } from '../../../src-shared/api/services/datasets.js';
import type { EngineChoice, PreflightReply, ResolvedHyperparameters } from '../../../src-shared/api/services/training.js';
import { trainingMemory } from '../../../src-shared/graph/cost.js';
import { inferShapes } from '../../../src-shared/graph/infer.js';
import { migrateDocument } from '../../../src-shared/graph/migrations.js';
import { describeDataset } from '../datasets/spec.js';
import type { ProbeReport } from '../engines/probe.js';
import { graphFacts, TrainingRefused } from './graph-facts.js';
import type { GraphFacts } from './graph-facts.js';
import { preflight } from './preflight.js';
import type { PreflightOptions } from './preflight.js';

export interface PreflightReportOptions extends PreflightOptions {
  /** The engines probe (the engines service's cached one in the app). */
  readonly probe: () => Promise<ProbeReport>;
}

const oneLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim();

/**
 * What `training.start` would do with these settings, without starting anything: the engine it
 * would train on and why (the probe's reason for auto; why not for an unavailable engine), the
 * training-memory estimate against free memory, the graph's input and classes, the dataset found,
 * and the first reason start would refuse (the same checks as start: `preflight`).
 */
export async function preflightReport(
  input: { readonly document: unknown; readonly dataset: DatasetSpec; readonly engine: EngineChoice; readonly hyper: ResolvedHyperparameters },
  o: PreflightReportOptions,
): Promise<PreflightReply> {
  let refusal: PreflightReply['refusal'] = null;
  const refuse = (kind: NonNullable<PreflightReply['refusal']>['kind'], message: string): void => {
    refusal ??= { kind, message };
  };

  // Engine: what the probe says about the one asked for (auto: its pick and reason).
  let engine: PreflightReply['engine'] = null;
  try {
    const report = await o.probe();
    if (input.engine === 'auto') {
      engine = { id: report.auto, reason: report.autoReason };
    } else {
      const p = report.engines.find((e) => e.id === input.engine);
      if (p === undefined || !p.available) {
        refuse('engine', `${input.engine} is not available: ${p?.detail ?? 'not probed'}${p?.fix !== undefined ? ` — ${p.fix}` : ''}`);
      } else {
        engine = { id: p.id, reason: `asked for by name: ${p.detail}` };
      }
    }
  } catch (err) {
    refuse('engine', `the engines could not be probed: ${oneLine(err)}`);
  }

  // Graph and memory (even when the dataset is missing), then the dataset.
  let graph: PreflightReply['graph'] = null;
  let memory: PreflightReply['memory'] = null;
  let facts: GraphFacts | null = null;
  const migrated = migrateDocument(input.document);
  if (!migrated.ok) {
    refuse('graph', `the document cannot be read: ${migrated.error.message}`);
  } else {
    const analysis = inferShapes(migrated.doc);
    try {
      facts = graphFacts(analysis);
      graph = { inputShape: [...facts.inputShape], task: facts.task, classes: facts.datasetClasses };
      const h = input.hyper;
      const m = trainingMemory(analysis, { batchSize: h.batchSize, optimizer: h.optimizer === 'adamw' ? 'adam' : h.optimizer });
      memory = {
        estimatedBytes: m.totalBytes,
        freeBytes: (o.freeMemory ?? freemem)(),
        paramsBytes: m.paramsBytes,
        gradientsBytes: m.gradientsBytes,
        optimizerBytes: m.optimizerBytes,
        activationsBytes: m.activationsBytes,
      };
    } catch (err) {
      refuse(err instanceof TrainingRefused ? (err.kind === 'store' ? 'run' : err.kind) : 'graph', oneLine(err));
    }
  }
  let dataset: PreflightReply['dataset'] = null;
  try {
    const d = await describeDataset(input.dataset, facts === null ? {} : { shape: facts.inputShape, classes: facts.datasetClasses });
    dataset = {
      name: d.name,
      task: d.task,
      shape: [...d.shape],
      classes: d.classes,
      classNames: [...d.classNames],
      trainSize: d.trainSize,
      testSize: d.testSize,
      location: d.location,
    };
  } catch (err) {
    refuse('dataset', oneLine(err));
  }
  // Everything start checks, in its order (shape match with the dataset, memory against free memory, adapter buffers).
  if (refusal === null) {
    try {
      await preflight(input, o);
    } catch (err) {
      refuse(err instanceof TrainingRefused && err.kind !== 'store' ? err.kind : 'run', oneLine(err));
    }
  }
  return { ok: refusal === null, refusal, engine, memory, graph, dataset, hyper: input.hyper };
}
