import { freemem } from 'node:os';
import type { DatasetDescription, DatasetSpec } from '../../../src-shared/api/services/datasets.js';
import type { EngineChoice, ResolvedHyperparameters } from '../../../src-shared/api/services/training.js';
import { costReport, formatBytes, trainingMemory } from '../../../src-shared/graph/cost.js';
import type { TrainingMemory } from '../../../src-shared/graph/cost.js';
import type { GraphDocument } from '../../../src-shared/graph/document.js';
import { inferShapes } from '../../../src-shared/graph/infer.js';
import type { ShapeAnalysis } from '../../../src-shared/graph/infer.js';
import { migrateDocument } from '../../../src-shared/graph/migrations.js';
import { fmtShape } from '../../../src-shared/layers/lib/shape.js';
import { nodeTitle } from '../../../src-shared/graph/diagnostics.js';
import { describeDataset } from '../datasets/spec.js';
import { badImagesLine, scanFolder } from '../datasets/folder.js';
import { installDawn } from '../engines/webgpu.js';
import { checkCompatible, graphFacts, TrainingRefused } from './graph-facts.js';
import type { GraphFacts } from './graph-facts.js';

/** tfjs-backend-wasm's heap limit (its getHeapMax(): 4 GiB − 64 KiB, wasm32). */
export const WASM_HEAP_MAX = 4294901760;

/** What a WebGPU adapter allows (the parts that bound a training step). */
export interface AdapterLimits {
  readonly description: string;
  readonly maxBufferSize: number;
  readonly maxStorageBufferBindingSize: number;
}

export interface PreflightOptions {
  /** Free memory in bytes (default os.freemem: MemAvailable on Linux). */
  readonly freeMemory?: () => number;
  /** The WebGPU adapter's limits, or null when unknown (default: ask Dawn). */
  readonly adapterLimits?: () => Promise<AdapterLimits | null>;
}

export interface Preflight {
  readonly document: GraphDocument;
  readonly analysis: ShapeAnalysis;
  readonly facts: GraphFacts;
  readonly dataset: DatasetDescription;
  /** The dataset spec to train with: the one asked for, with a folder's undecodable images listed in `exclude` when they are skipped. */
  readonly datasetSpec: DatasetSpec;
  readonly memory: TrainingMemory;
  readonly freeBytes: number;
}

/** Dawn's adapter limits, asked in this thread (the engines probe loads Dawn here too). */
export async function dawnAdapterLimits(timeoutMs = 5000): Promise<AdapterLimits | null> {
  try {
    const gpu = (await installDawn()) as unknown as {
      requestAdapter(o?: object): Promise<{ limits?: Record<string, unknown>; info?: { description?: string; device?: string } } | null>;
    };
    const adapter = await Promise.race([
      gpu.requestAdapter({ powerPreference: 'high-performance' }),
      new Promise<null>((r) => setTimeout(() => r(null), timeoutMs).unref()),
    ]);
    const limits = adapter?.limits;
    const buf = limits?.['maxBufferSize'];
    const bind = limits?.['maxStorageBufferBindingSize'];
    if (typeof buf !== 'number' || typeof bind !== 'number') return null;
    return { description: adapter?.info?.description || adapter?.info?.device || 'the WebGPU adapter', maxBufferSize: buf, maxStorageBufferBindingSize: bind };
  } catch {
    return null;
  }
}

/**
 * Everything that can be checked before a worker starts, so a run that cannot work is refused at
 * once with a reason (TrainingRefused): the document reads and validates, the graph can train
 * (graphFacts), the dataset exists and fits the graph, and the training-memory estimate
 * (src-shared/graph/cost.ts: weights + gradients + optimizer state + activations × batch) fits
 * in free memory (and, on wasm, in WebAssembly's 4 GiB) and, for WebGPU, each batch's largest
 * activation fits the adapter's buffers.
 */
export async function preflight(
  input: { readonly document: unknown; readonly dataset: DatasetSpec; readonly engine: EngineChoice; readonly hyper: ResolvedHyperparameters },
  o: PreflightOptions = {},
): Promise<Preflight> {
  const migrated = migrateDocument(input.document);
  if (!migrated.ok) throw new TrainingRefused('graph', `the document cannot be read: ${migrated.error.message}`);
  const document = migrated.doc;
  const analysis = inferShapes(document);
  const facts = graphFacts(analysis);

  let dataset: DatasetDescription;
  try {
    dataset = await describeDataset(input.dataset, { shape: facts.inputShape, classes: facts.datasetClasses });
  } catch (err) {
    throw new TrainingRefused('dataset', (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim());
  }
  checkCompatible(facts, dataset);

  // A folder's images are all decoded once now: an undecodable one refuses the run here (listed),
  // or, with skipBadImages, is left out of it (the run's dataset spec keeps the list).
  let datasetSpec = input.dataset;
  if (input.dataset.kind === 'folder') {
    const spec = input.dataset;
    const scan = await scanFolder(spec.path, spec.shape ?? facts.inputShape).catch((err: unknown) => {
      throw new TrainingRefused('dataset', (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim());
    });
    if (scan.bad.length > 0 && spec.skipBadImages !== true) throw new TrainingRefused('dataset', badImagesLine(spec.path, scan.bad, scan.checked));
    if (scan.bad.length > 0) datasetSpec = { ...spec, exclude: scan.bad.map((b) => b.file) };
    else if (spec.exclude !== undefined) {
      const { exclude: _none, ...rest } = spec;
      datasetSpec = rest;
    }
  }

  const h = input.hyper;
  const memory = trainingMemory(analysis, { batchSize: h.batchSize, optimizer: h.optimizer === 'adamw' ? 'adam' : h.optimizer });
  const freeBytes = (o.freeMemory ?? freemem)();
  if (input.engine === 'wasm' && memory.totalBytes > WASM_HEAP_MAX) {
    throw new TrainingRefused(
      'memory',
      `too big for the wasm engine: training with batch ${h.batchSize} needs about ${formatBytes(memory.totalBytes)} (activations ${formatBytes(memory.activationsBytes)}) but WebAssembly addresses at most ${formatBytes(WASM_HEAP_MAX)} — lower the batch size or use another engine`,
    );
  }
  if (memory.totalBytes > freeBytes) {
    throw new TrainingRefused(
      'memory',
      `not enough memory: training with batch ${h.batchSize} needs about ${formatBytes(memory.totalBytes)} (weights ${formatBytes(memory.paramsBytes)}, gradients ${formatBytes(memory.gradientsBytes)}, optimizer state ${formatBytes(memory.optimizerBytes)}, activations ${formatBytes(memory.activationsBytes)}) but ${formatBytes(freeBytes)} is free — lower the batch size (activations grow with it) or free memory`,
    );
  }
  if (input.engine === 'webgpu') {
    const limits = await (o.adapterLimits ?? dawnAdapterLimits)();
    if (limits !== null) {
      const costs = costReport(analysis).nodes;
      let worst: { id: string; bytes: number } | null = null;
      for (const [id, c] of costs) if (worst === null || c.activationBytes > worst.bytes) worst = { id, bytes: c.activationBytes };
      const cap = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
      if (worst !== null && worst.bytes * h.batchSize > cap) {
        const info = analysis.nodes.get(worst.id);
        const what = info ? `${nodeTitle(info.node)} ${info.shape ? fmtShape(info.shape) : ''}` : worst.id;
        throw new TrainingRefused(
          'memory',
          `the largest activation, ${what} × batch ${h.batchSize} = ${formatBytes(worst.bytes * h.batchSize)}, does not fit ${limits.description}'s largest storage buffer (${formatBytes(cap)}) — lower the batch size to at most ${Math.max(1, Math.floor(cap / worst.bytes))}`,
        );
      }
    }
  }
  return { document, analysis, facts, dataset, datasetSpec, memory, freeBytes };
}
