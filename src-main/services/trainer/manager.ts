import { randomInt, randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import type { MetricPoint } from '../../../src-shared/api/services/projects.js';
import { DatasetSpec } from '../../../src-shared/api/services/datasets.js';
import {
  EngineChoice as EngineChoiceSchema,
  EngineId,
  formatDatasetSpec,
  METRIC,
  nodeMetric,
  ResolvedHyperparameters,
  resolveHyperparameters,
  SamplePrediction,
} from '../../../src-shared/api/services/training.js';
import type {
  EngineChoice,
  EnqueueReply,
  EpochEvent,
  Evaluation,
  HyperparametersInput,
  LiveState,
  RunStatus,
  StartReply,
  trainingService,
  TrainingRun,
} from '../../../src-shared/api/services/training.js';
import type { GraphDocument } from '../../../src-shared/graph/document.js';
import type { RunSummary } from '../../../src-shared/api/services/projects.js';
import type { Store } from '../store/store.js';
import { StoreError } from '../store/errors.js';
import { INTERRUPTED, markDeadRunsInterrupted, ownerAlive, processOwner } from '../store/dead-runs.js';
import { TrainingRefused } from './graph-facts.js';
import { preflight } from './preflight.js';
import type { PreflightOptions } from './preflight.js';
import { FromWorker, parseMessage } from './protocol.js';
import type { FromWorkerOf, StartMessage } from './protocol.js';
import { resolveWorkerPath } from './worker-path.js';

type EventSchemas = (typeof trainingService)['events'];
/** The training contract's events, by name (what `emit` sends; the service adds nothing). */
export type TrainingEvents = { [K in keyof EventSchemas]: z.input<EventSchemas[K]> };
export type EmitFn = <K extends keyof TrainingEvents>(event: K, payload: TrainingEvents[K]) => void;

export interface TrainerOptions extends PreflightOptions {
  /** The project store, for runs started with a project (throws when it cannot open). */
  readonly store?: () => Store;
  readonly emit: EmitFn;
  /** A problem worth telling the user that is not a run's failure (metrics that could not be saved). */
  readonly notice?: (level: 'warning' | 'error', message: string) => void;
  /** The worker script (default: resolveWorkerPath()). */
  readonly workerPath?: () => string;
  /** Metric samples are written to the store at most this often (ms; epochs and the end flush at once). */
  readonly flushMs?: number;
  /** Progress messages from the worker at most this often (ms). */
  readonly progressMs?: number;
  /** After cancel, how long a worker may take to stop before it is terminated (ms). */
  readonly cancelGraceMs?: number;
  /** At shutdown (close), how long a worker may take to stop before it is terminated (ms; default 10 s). */
  readonly closeGraceMs?: number;
  /** Sees each run's worker (tests kill one to check crash handling). */
  readonly onWorker?: (runId: string, worker: Worker) => void;
  readonly now?: () => number;
  /**
   * Train queued runs here (long-running hosts: browser host, Electron). The CLI only queues:
   * a `skipwire projects list` must not start training. Default true.
   */
  readonly runQueue?: boolean;
  /** This process as written on the runs it trains (default host:pid). */
  readonly owner?: string;
  /** How often an idle queue looks for runs queued by another process (the CLI), in ms (default 2000; 0: never). */
  readonly queuePollMs?: number;
  /** Whether the process that wrote `owner` on a run is alive (default: same host and the pid exists). */
  readonly ownerAlive?: (owner: string) => boolean;
}

export { INTERRUPTED, ownerAlive, processOwner };

export type EpochRow = Omit<EpochEvent, 'runId' | 'etaSeconds'>;

interface CheckpointMeta {
  epoch: number;
  createdAt: number;
  bytes: number;
}

/** A run this process started (running, or finished and kept for `get`). */
interface Run {
  id: string;
  label: string | null;
  group: string | null;
  projectId: string | null;
  versionId: string | null;
  dataset: string;
  hyperparameters: Record<string, unknown>;
  hyper: z.infer<typeof ResolvedHyperparameters>;
  engine: EngineId | null;
  detail: string;
  status: RunStatus;
  error: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  worker: Worker | null;
  workerError: string | null;
  live: LiveState;
  classNames: string[];
  epochs: EpochRow[];
  evaluation: Evaluation | null;
  checkpoints: CheckpointMeta[];
  pending: MetricPoint[];
  settled: Promise<RunStatus>;
  settle: (s: RunStatus) => void;
  cancelTimer: NodeJS.Timeout | null;
  /** Stopped because the host shuts down: ends failed with INTERRUPTED, not canceled. */
  interrupted: boolean;
}

const TERMINAL: ReadonlySet<RunStatus> = new Set(['done', 'failed', 'canceled']);
const KEEP_FINISHED = 50;
const MAX_CONFUSION_CLASSES = 100;

/** What a stored run's hyperparameters record holds besides the resolved hyperparameters. */
const DatasetRecord = z.object({
  spec: DatasetSpec,
  name: z.string(),
  task: z.enum(['classification', 'segmentation']),
  classNames: z.array(z.string()),
});

/** A run of an experiment preset: which preset and which of its networks. */
export const ExperimentRecord = z.object({ preset: z.string(), network: z.string() });
export type ExperimentRecord = z.infer<typeof ExperimentRecord>;

function toRecord(
  hyper: z.infer<typeof ResolvedHyperparameters>,
  dataset: z.infer<typeof DatasetRecord>,
  engineRequested: EngineChoice,
  experiment?: ExperimentRecord,
): Record<string, unknown> {
  return { ...hyper, dataset, engineRequested, ...(experiment !== undefined ? { experiment } : {}) };
}

function fromRecord(record: Record<string, unknown>): { hyper: z.infer<typeof ResolvedHyperparameters>; dataset: z.infer<typeof DatasetRecord> } {
  const { dataset, engineRequested: _engineRequested, experiment: _experiment, ...rest } = record;
  return { hyper: ResolvedHyperparameters.parse(rest), dataset: DatasetRecord.parse(dataset) };
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

/**
 * Runs training in worker threads (one per run, so a crash takes only its run down) and keeps the
 * record: the run, its metrics and its per-epoch checkpoints go to the project store when the run
 * has a project, and every event goes to `emit`. Used by the `training` service and so by the CLI.
 */
export class Trainer {
  private readonly o: TrainerOptions;
  private readonly runs = new Map<string, Run>();
  private flushTimer: NodeJS.Timeout | null = null;
  /** The queued run being started now (claimed, engine not up yet), and whether it was canceled meanwhile. */
  private starting: { id: string; canceled: boolean; done: Promise<void> } | null = null;
  private closed = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private queueError: string | null = null;
  /** recover() was asked for but the store could not be read yet. */
  private recoveryDue = false;
  private readonly owner: string;

  constructor(o: TrainerOptions) {
    this.o = o;
    this.owner = o.owner ?? processOwner();
  }

  /** Emits an event; a listener that throws (or a payload the contract refuses) must not take the run or the process down. */
  private emit<K extends keyof TrainingEvents>(event: K, payload: TrainingEvents[K]): void {
    try {
      this.o.emit(event, payload);
    } catch (err) {
      this.o.notice?.('error', `training event ${event} could not be sent: ${oneLine(err instanceof Error ? err.message : String(err))}`);
    }
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  private refuse(err: unknown): never {
    if (err instanceof TrainingRefused) throw err;
    // The machine's failures (a full or read-only disk, a damaged or newer store) are not the
    // caller's to fix: they fail the call (exit 1 in the CLI), with the store's one line and path.
    if (err instanceof StoreError && err.kind !== 'not-found' && err.kind !== 'invalid') throw new TrainingRefused('store', err.message);
    throw new TrainingRefused('run', oneLine(err instanceof Error ? err.message : String(err)));
  }

  // ---- starting --------------------------------------------------------------------------------

  /** Checks, starts the engine in a worker, records the run; resolves once the engine is up. */
  async start(input: {
    projectId?: string | undefined;
    document: unknown;
    dataset: z.infer<typeof DatasetSpec>;
    engine?: EngineChoice | undefined;
    hyper?: HyperparametersInput | undefined;
  }): Promise<StartReply> {
    const hyper = resolveHyperparameters(input.hyper ?? {}, randomInt(0, 2 ** 31 - 1));
    const engine = input.engine ?? 'auto';
    const pre = await preflight({ document: input.document, dataset: input.dataset, engine, hyper }, this.o);
    const store = input.projectId === undefined ? null : this.openStore();
    if (store !== null && input.projectId !== undefined) {
      try {
        store.getProject(input.projectId);
      } catch (err) {
        this.refuse(err);
      }
    }
    const datasetRecord = { spec: pre.datasetSpec, name: pre.dataset.name, task: pre.facts.task, classNames: pre.dataset.classNames };
    return this.launch({
      projectId: input.projectId ?? null,
      store,
      document: pre.document,
      dataset: pre.datasetSpec,
      datasetRecord,
      engine,
      hyper,
      existing: null,
      checkpoint: null,
      memory: { estimatedBytes: pre.memory.totalBytes, freeBytes: pre.freeBytes },
    });
  }

  /** The checks start makes (graph, dataset, memory), without starting anything; throws TrainingRefused. */
  async check(input: { document: unknown; dataset: z.infer<typeof DatasetSpec>; engine?: EngineChoice | undefined; hyper?: HyperparametersInput | undefined }): Promise<void> {
    const hyper = resolveHyperparameters(input.hyper ?? {}, 0);
    await preflight({ document: input.document, dataset: input.dataset, engine: input.engine ?? 'auto', hyper }, this.o);
  }

  /** The status of a run this process knows (live or recently finished), or null. */
  statusOf(runId: string): RunStatus | null {
    return this.runs.get(runId)?.status ?? null;
  }

  // ---- the queue ---------------------------------------------------------------------------------

  /**
   * Checks a run (graph, dataset, memory) and stores it as queued against its project version;
   * queued runs train one after another, oldest first, while nothing else trains in this process.
   */
  async enqueue(input: {
    projectId: string;
    document: unknown;
    dataset: z.infer<typeof DatasetSpec>;
    engine?: EngineChoice | undefined;
    hyper?: HyperparametersInput | undefined;
    label?: string | undefined;
    group?: string | undefined;
    /** The version's message when a new one is saved for the document. */
    versionMessage?: string | undefined;
    /** A preset's run (kept in its settings record for presetOutcome). */
    experiment?: ExperimentRecord | undefined;
  }): Promise<EnqueueReply> {
    if (this.closed) throw new TrainingRefused('run', 'training is shutting down');
    const hyper = resolveHyperparameters(input.hyper ?? {}, randomInt(0, 2 ** 31 - 1));
    const engine = input.engine ?? 'auto';
    const pre = await preflight({ document: input.document, dataset: input.dataset, engine, hyper }, this.o);
    const store = this.openStore();
    const datasetRecord = { spec: input.dataset, name: pre.dataset.name, task: pre.facts.task, classNames: pre.dataset.classNames };
    const dataset = formatDatasetSpec(input.dataset);
    let rec;
    try {
      store.getProject(input.projectId);
      const version = store.versionFor(input.projectId, pre.document, input.versionMessage ?? input.label ?? `queued on ${dataset}`);
      rec = store.createRun({
        projectId: input.projectId,
        versionId: version.id,
        dataset,
        engine,
        hyperparameters: toRecord(hyper, datasetRecord, engine, input.experiment),
        status: 'queued',
        label: input.label ?? null,
        group: input.group ?? null,
      });
    } catch (err) {
      this.refuse(err);
    }
    this.emit('status', { runId: rec.id, status: 'queued', detail: `queued on ${engine === 'auto' ? 'the best engine found' : engine}` });
    const position = this.queuedIds().indexOf(rec.id) + (this.busy() ? 1 : 0);
    this.emitQueue();
    this.pump();
    return { runId: rec.id, versionId: rec.versionId, position: Math.max(0, position), hyper };
  }

  /** Ids of the stored queued runs, in the order they run ([] when the store cannot open). */
  private queuedIds(): string[] {
    try {
      return this.openStore().listRunsByStatus(['queued']).map((r) => r.id);
    } catch {
      return [];
    }
  }

  /** A run of this process is training or being started. */
  private busy(): boolean {
    if (this.starting !== null) return true;
    for (const r of this.runs.values()) if (r.worker !== null && !TERMINAL.has(r.status)) return true;
    return false;
  }

  private runningId(): string | null {
    if (this.starting !== null) return this.starting.id;
    for (const r of this.runs.values()) if (r.worker !== null && !TERMINAL.has(r.status)) return r.id;
    return null;
  }

  private emitQueue(): void {
    this.emit('queue', { running: this.runningId(), queued: this.queuedIds() });
  }

  /**
   * Marks runs left running or paused by a process that died as failed (INTERRUPTED; their
   * finished epochs and checkpoints stay), then starts the queue. Called once at back-end start.
   * Returns the ids marked.
   */
  recover(): string[] {
    if (this.o.store === undefined) return [];
    this.recoveryDue = true;
    let marked: string[] = [];
    // A store that cannot open now is told by the projects service; the queue's poll tries again (recovery first).
    const store = this.storeIfOpen();
    try {
      if (store !== null) marked = this.markInterrupted(store);
    } catch (err) {
      this.queueProblem(err);
    }
    this.pump();
    // Runs queued by another process on the same store (skipwire train --queue) start here too.
    const every = this.o.queuePollMs ?? 2000;
    if (this.o.runQueue !== false && every > 0 && this.pollTimer === null) {
      this.pollTimer = setInterval(() => this.pump(), every);
      this.pollTimer.unref();
    }
    return marked;
  }

  /** Marks runs left running or paused by a dead process as failed (INTERRUPTED). */
  private markInterrupted(store: Store): string[] {
    const marked = markDeadRunsInterrupted(store, {
      owner: this.owner,
      alive: this.o.ownerAlive ?? ownerAlive,
      busy: (id) => this.runs.has(id) || this.starting?.id === id,
      now: () => this.now(),
    });
    for (const id of marked) this.emit('status', { runId: id, status: 'failed', error: INTERRUPTED });
    this.recoveryDue = false;
    return marked;
  }

  /** The store, or null when it cannot open now (the projects service tells the user that). */
  private storeIfOpen(): Store | null {
    try {
      return this.openStore();
    } catch {
      return null;
    }
  }

  /** A problem reading or writing the queue, told once per distinct message (the queue is polled). */
  private queueProblem(err: unknown): void {
    const message = `the training queue cannot be read: ${oneLine(err instanceof Error ? err.message : String(err))}`;
    if (message !== this.queueError) this.o.notice?.('error', message);
    this.queueError = message;
  }

  /** Starts the oldest queued run when nothing trains in this process (and this process runs the queue). */
  private pump(): void {
    if (this.closed || this.o.runQueue === false || this.o.store === undefined || this.busy()) return;
    const store = this.storeIfOpen();
    if (store === null) return;
    let next;
    let claimed: boolean;
    try {
      if (this.recoveryDue) this.markInterrupted(store);
      next = store.listRunsByStatus(['queued'])[0];
      claimed = next !== undefined && store.claimQueuedRun(next.id, this.owner);
    } catch (err) {
      this.queueProblem(err);
      return;
    }
    this.queueError = null;
    if (next === undefined) return;
    if (!claimed) {
      // Another process took it: look again.
      setImmediate(() => this.pump());
      return;
    }
    const id = next.id;
    let markDone: () => void = () => undefined;
    const slot = { id, canceled: false, done: new Promise<void>((r) => (markDone = r)) };
    this.starting = slot;
    this.emitQueue();
    const fail = (message: string): void => {
      this.persistById(id, (s) => s.updateRun(id, { status: 'failed', finishedAt: this.now(), error: message }));
      this.emit('status', { runId: id, status: 'failed', error: message });
    };
    void this.startStored(store, next)
      .then(
        () => {
          // Canceled while starting; at shutdown close() interrupts it with the other live runs.
          if (slot.canceled && !this.closed) this.cancel(id);
        },
        (err: unknown) => {
          if (this.closed) {
            // Shutting down before it started: it stays queued for the next start.
            this.persistById(id, (s) => s.updateRun(id, { status: 'queued', owner: null }));
          } else if (slot.canceled) {
            this.persistById(id, (s) => s.updateRun(id, { status: 'canceled', finishedAt: this.now() }));
            this.emit('status', { runId: id, status: 'canceled' });
          } else {
            fail(oneLine(err instanceof Error ? err.message : String(err)));
          }
        },
      )
      .finally(() => {
        if (this.starting === slot) this.starting = null;
        markDone();
        this.emitQueue();
        this.pump();
      });
  }

  /** Starts a stored queued run (already claimed) with the settings it was queued with. */
  private async startStored(store: Store, record: RunSummary): Promise<StartReply> {
    let saved;
    try {
      saved = fromRecord(record.hyperparameters);
    } catch (err) {
      throw new TrainingRefused('run', `run ${record.id}'s settings cannot be read back: ${oneLine(err instanceof Error ? err.message : String(err))}`);
    }
    const requested = record.hyperparameters['engineRequested'];
    const engine = EngineChoiceSchema.safeParse(requested);
    const { document } = store.getVersion(record.projectId, record.versionId);
    const pre = await preflight({ document, dataset: saved.dataset.spec, engine: engine.success ? engine.data : 'auto', hyper: saved.hyper }, this.o);
    return this.launch({
      projectId: record.projectId,
      store,
      document: pre.document,
      dataset: pre.datasetSpec,
      datasetRecord: { ...saved.dataset, spec: pre.datasetSpec },
      engine: engine.success ? engine.data : 'auto',
      hyper: saved.hyper,
      existing: { id: record.id, versionId: record.versionId, createdAt: record.createdAt, checkpoints: [], label: record.label, group: record.group },
      checkpoint: null,
      memory: { estimatedBytes: pre.memory.totalBytes, freeBytes: pre.freeBytes },
    });
  }

  /** The running run and the queued ones (of a project, or all), in the order they run. */
  queue(projectId?: string): TrainingRun[] {
    const store = this.openStore();
    let stored;
    try {
      stored = store.listRunsByStatus(['running', 'paused', 'queued']);
    } catch (err) {
      this.refuse(err);
    }
    const rank = (r: RunSummary): number => (r.status === 'queued' ? 1 : 0);
    return stored
      .filter((r) => projectId === undefined || r.projectId === projectId)
      .sort((a, b) => rank(a) - rank(b))
      .map(({ owner: _owner, ...r }) => {
        const mine = this.runs.get(r.id);
        return mine !== undefined ? this.view(mine) : { ...r, live: null };
      });
  }

  /** Takes a queued run out of the queue (canceled); false when the run is not queued. */
  private cancelQueued(runId: string): boolean {
    if (this.starting?.id === runId) {
      this.starting.canceled = true;
      return true;
    }
    if (this.o.store === undefined) return false;
    let rec;
    try {
      rec = this.openStore().getRun(runId);
    } catch {
      return false;
    }
    if (rec.status !== 'queued') return false;
    this.persistById(runId, (s) => s.updateRun(runId, { status: 'canceled', finishedAt: this.now() }));
    this.emit('status', { runId, status: 'canceled' });
    this.emitQueue();
    return true;
  }

  /** Continues a stored run from its last checkpoint, on the engine it recorded. */
  async resumeRun(runId: string, epochs?: number): Promise<StartReply> {
    if (this.runs.get(runId)?.worker != null) throw new TrainingRefused('run', `run ${runId} is training now`);
    const store = this.openStore();
    let record;
    try {
      record = store.getRun(runId);
    } catch (err) {
      this.refuse(err);
    }
    if (!TERMINAL.has(record.status)) {
      throw new TrainingRefused('run', `run ${runId} is ${record.status} (in another window or process, or one that stopped without saying so); only a failed, canceled or finished run can be resumed`);
    }
    const checkpoints = store.listCheckpoints(runId);
    const last = checkpoints[checkpoints.length - 1];
    if (last === undefined) throw new TrainingRefused('run', `run ${runId} has no checkpoint (no epoch finished): start a new run`);
    let saved;
    try {
      saved = fromRecord(record.hyperparameters);
    } catch (err) {
      throw new TrainingRefused('run', `run ${runId}'s settings cannot be read back: ${oneLine(err instanceof Error ? err.message : String(err))}`);
    }
    const hyper = { ...saved.hyper, epochs: epochs ?? saved.hyper.epochs };
    if (hyper.epochs <= last.epoch) {
      throw new TrainingRefused('run', `run ${runId} has trained ${last.epoch} epoch${last.epoch === 1 ? '' : 's'} already: ask for more (epochs > ${last.epoch})`);
    }
    const engine = EngineId.safeParse(record.engine);
    if (!engine.success) throw new TrainingRefused('run', `run ${runId} recorded engine "${record.engine}", which this app does not know`);
    const { document } = store.getVersion(record.projectId, record.versionId);
    const pre = await preflight({ document, dataset: saved.dataset.spec, engine: engine.data, hyper }, this.o);
    return this.launch({
      projectId: record.projectId,
      store,
      document: pre.document,
      dataset: pre.datasetSpec,
      datasetRecord: { ...saved.dataset, spec: pre.datasetSpec },
      engine: engine.data,
      hyper,
      existing: { id: runId, versionId: record.versionId, createdAt: record.createdAt, checkpoints, label: record.label, group: record.group },
      checkpoint: new Uint8Array(store.readCheckpoint(runId, last.epoch)),
      memory: { estimatedBytes: pre.memory.totalBytes, freeBytes: pre.freeBytes },
    });
  }

  private openStore(): Store {
    const get = this.o.store;
    if (get === undefined) throw new TrainingRefused('run', 'runs cannot be saved in this host (no project store)');
    try {
      return get();
    } catch (err) {
      this.refuse(err);
    }
  }

  private launch(a: {
    projectId: string | null;
    store: Store | null;
    document: GraphDocument;
    dataset: z.infer<typeof DatasetSpec>;
    datasetRecord: z.infer<typeof DatasetRecord>;
    engine: EngineChoice;
    hyper: z.infer<typeof ResolvedHyperparameters>;
    existing: { id: string; versionId: string; createdAt: number; checkpoints: CheckpointMeta[]; label: string | null; group: string | null } | null;
    checkpoint: Uint8Array | null;
    memory: StartReply['memory'];
  }): Promise<StartReply> {
    const path = (this.o.workerPath ?? resolveWorkerPath)();
    let settle: (s: RunStatus) => void = () => undefined;
    const settled = new Promise<RunStatus>((r) => (settle = r));
    const run: Run = {
      id: a.existing?.id ?? '',
      label: a.existing?.label ?? null,
      group: a.existing?.group ?? null,
      projectId: a.projectId,
      versionId: a.existing?.versionId ?? null,
      dataset: formatDatasetSpec(a.dataset),
      hyperparameters: toRecord(a.hyper, a.datasetRecord, a.engine),
      hyper: a.hyper,
      engine: null,
      detail: '',
      status: 'queued',
      error: null,
      createdAt: a.existing?.createdAt ?? this.now(),
      startedAt: null,
      finishedAt: null,
      worker: null,
      workerError: null,
      live: { epoch: 0, epochs: a.hyper.epochs, step: 0, totalSteps: 0, loss: null, accuracy: null, imagesPerSecond: 0, etaSeconds: null },
      classNames: a.datasetRecord.classNames,
      epochs: [],
      evaluation: null,
      checkpoints: a.existing?.checkpoints ?? [],
      pending: [],
      settled,
      settle,
      cancelTimer: null,
      interrupted: false,
    };
    // The worker's console goes to stderr: stdout may be a stream of JSON lines (skipwire train --json).
    const worker = new Worker(path, { stdout: true, stderr: false });
    worker.stdout.pipe(process.stderr, { end: false });
    run.worker = worker;
    const message: StartMessage = {
      type: 'start',
      document: a.document,
      dataset: a.dataset,
      engine: a.engine,
      hyper: a.hyper,
      progressMs: this.o.progressMs ?? 250,
      ...(a.checkpoint !== null ? { resume: { checkpoint: a.checkpoint } } : {}),
    };

    return new Promise<StartReply>((resolve, reject) => {
      let started = false;
      const refuse = (err: TrainingRefused): void => {
        started = true;
        void worker.terminate();
        run.worker = null;
        reject(err);
      };
      worker.on('message', (raw: unknown) => {
        let msg: FromWorker;
        try {
          msg = parseMessage(FromWorker, raw, 'the training worker');
        } catch (err) {
          if (!started) refuse(new TrainingRefused('engine', err instanceof Error ? err.message : String(err)));
          else this.finish(run, 'failed', err instanceof Error ? err.message : String(err));
          return;
        }
        if (!started) {
          if (msg.type === 'failed') {
            refuse(new TrainingRefused(msg.kind === 'engine' ? 'engine' : 'run', msg.error));
            return;
          }
          if (msg.type !== 'engine') {
            refuse(new TrainingRefused('engine', `the training worker said "${msg.type}" before starting its engine`));
            return;
          }
          started = true;
          try {
            this.begin(run, a.store, a.document, msg);
          } catch (err) {
            run.worker = null;
            void worker.terminate();
            reject(
              err instanceof TrainingRefused
                ? err
                : err instanceof StoreError && err.kind !== 'not-found' && err.kind !== 'invalid'
                  ? new TrainingRefused('store', err.message)
                  : new TrainingRefused('run', oneLine(err instanceof Error ? err.message : String(err))),
            );
            return;
          }
          this.o.onWorker?.(run.id, worker);
          resolve({ runId: run.id, engine: msg.engine, detail: msg.detail, persisted: a.store !== null, versionId: run.versionId, hyper: a.hyper, memory: a.memory });
          return;
        }
        this.onMessage(run, msg);
      });
      worker.on('error', (err) => {
        run.workerError = oneLine(err.message);
      });
      worker.on('messageerror', (err) => {
        run.workerError = `a message from the training worker could not be read: ${oneLine(err.message)}`;
      });
      worker.on('exit', (code) => {
        const why = run.workerError ?? `exit code ${code}`;
        if (!started) {
          refuse(new TrainingRefused('engine', `the training worker stopped before its engine started (${why})`));
          return;
        }
        if (run.worker === worker) run.worker = null;
        if (!TERMINAL.has(run.status)) this.finish(run, 'failed', `the training worker stopped unexpectedly (${why})`);
      });
      worker.postMessage(message);
    });
  }

  /** The engine is up: record the run (a stored run when it has a project). */
  private begin(run: Run, store: Store | null, document: GraphDocument, msg: FromWorkerOf<'engine'>): void {
    run.engine = msg.engine;
    run.detail = msg.detail;
    run.status = 'running';
    run.startedAt = this.now();
    if (store !== null && run.projectId !== null) {
      if (run.id === '') {
        const version = store.versionFor(run.projectId, document, `trained on ${run.dataset}`);
        const rec = store.createRun({
          projectId: run.projectId,
          versionId: version.id,
          dataset: run.dataset,
          engine: msg.engine,
          hyperparameters: run.hyperparameters,
          status: 'running',
          owner: this.owner,
        });
        run.id = rec.id;
        run.versionId = version.id;
        run.createdAt = rec.createdAt;
      }
      store.updateRun(run.id, { status: 'running', engine: msg.engine, owner: this.owner, startedAt: run.startedAt, finishedAt: null, error: null });
    } else if (run.id === '') {
      run.id = randomUUID();
    }
    this.runs.set(run.id, run);
    this.prune();
    this.emit('status', { runId: run.id, status: 'running', engine: msg.engine, detail: msg.detail });
  }

  // ---- messages from a running worker ----------------------------------------------------------

  private onMessage(run: Run, msg: FromWorker): void {
    if (TERMINAL.has(run.status)) return;
    const points = run.pending;
    switch (msg.type) {
      case 'engine':
        return;
      case 'ready':
        run.classNames = msg.classNames;
        run.live = { ...run.live, epoch: msg.startEpoch, step: msg.startStep, totalSteps: msg.totalSteps };
        return;
      case 'status':
        run.status = msg.status;
        this.persist(run, (s) => s.updateRun(run.id, { status: msg.status }));
        this.emit('status', { runId: run.id, status: msg.status });
        return;
      case 'progress': {
        const { type: _t, ...p } = msg;
        run.live = { epoch: p.epoch, epochs: p.epochs, step: p.step, totalSteps: p.totalSteps, loss: p.loss, accuracy: p.accuracy, imagesPerSecond: p.imagesPerSecond, etaSeconds: p.etaSeconds };
        for (const s of p.samples) {
          points.push(
            { name: METRIC.batchLoss, step: s.step, epoch: p.epoch, value: s.loss },
            { name: METRIC.batchAccuracy, step: s.step, epoch: p.epoch, value: s.accuracy },
            { name: METRIC.learningRate, step: s.step, epoch: p.epoch, value: s.learningRate },
          );
        }
        this.emit('progress', { runId: run.id, ...p });
        this.scheduleFlush();
        return;
      }
      case 'probe': {
        const { type: _t, ...p } = msg;
        for (const n of p.nodes) {
          points.push({ name: nodeMetric('grad_norm', n.nodeId), step: p.step, epoch: p.epoch, value: n.gradNorm });
          points.push({ name: nodeMetric('weight_norm', n.nodeId), step: p.step, epoch: p.epoch, value: n.weightNorm });
        }
        for (const r of p.residuals) points.push({ name: nodeMetric('residual_ratio', r.nodeId), step: p.step, epoch: p.epoch, value: r.ratio });
        for (const x of p.activations) points.push({ name: nodeMetric('dead_relu', x.nodeId), step: p.step, epoch: p.epoch, value: x.deadFraction });
        this.emit('probe', { runId: run.id, ...p });
        this.scheduleFlush();
        return;
      }
      case 'epoch': {
        const { type: _t, etaSeconds, ...row } = msg;
        run.epochs.push(row);
        run.live = { ...run.live, epoch: row.epoch, step: row.step, etaSeconds };
        const at = { step: row.step, epoch: row.epoch };
        points.push(
          { name: METRIC.trainLoss, ...at, value: row.trainLoss },
          { name: METRIC.trainAccuracy, ...at, value: row.trainAccuracy },
          { name: METRIC.epochLearningRate, ...at, value: row.learningRate },
          { name: METRIC.imagesPerSecond, ...at, value: row.imagesPerSecond },
          { name: METRIC.epochSeconds, ...at, value: row.seconds },
        );
        if (row.valLoss !== null || row.valAccuracy !== null) {
          points.push({ name: METRIC.valLoss, ...at, value: row.valLoss }, { name: METRIC.valAccuracy, ...at, value: row.valAccuracy });
        }
        this.flush(run);
        this.emit('epoch', { runId: run.id, ...row, etaSeconds });
        return;
      }
      case 'checkpoint': {
        const meta = { epoch: msg.epoch, createdAt: this.now(), bytes: msg.bytes.byteLength };
        this.persist(run, (s) => {
          const saved = s.saveCheckpoint(run.id, msg.epoch, msg.bytes);
          meta.createdAt = saved.createdAt;
        });
        run.checkpoints = [...run.checkpoints.filter((c) => c.epoch !== msg.epoch), meta];
        return;
      }
      case 'evaluation': {
        const { type: _t, ...e } = msg;
        run.evaluation = e;
        if (e.samples.length > 0) this.persist(run, (s) => s.saveRunSamples(run.id, e.samples));
        const at = { step: run.live.step, epoch: run.live.epoch };
        points.push(
          { name: METRIC.testLoss, ...at, value: e.loss },
          { name: METRIC.testAccuracy, ...at, value: e.accuracy },
          { name: METRIC.testExamples, ...at, value: e.examples },
          { name: 'test/on_validation', ...at, value: e.split === 'validation' ? 1 : 0 },
        );
        e.perClassAccuracy.forEach((v, k) => points.push({ name: `test/class_accuracy/${k}`, ...at, value: v }));
        if (e.confusion.length <= MAX_CONFUSION_CLASSES) {
          e.confusion.forEach((row, t) => row.forEach((v, p) => points.push({ name: `test/confusion/${t}/${p}`, ...at, value: v })));
        }
        e.iou?.forEach((v, k) => points.push({ name: `test/iou/${k}`, ...at, value: v }));
        if (e.meanIou !== undefined) points.push({ name: METRIC.meanIou, ...at, value: e.meanIou });
        this.flush(run);
        this.emit('evaluation', { runId: run.id, ...e });
        return;
      }
      case 'done':
        this.finish(run, msg.status, null);
        return;
      case 'failed':
        this.finish(run, 'failed', msg.error);
        return;
    }
  }

  /** Ends a run once: saves what is pending, records the status, stops the worker, tells everyone. */
  private finish(run: Run, status: 'done' | 'failed' | 'canceled', error: string | null): void {
    if (TERMINAL.has(run.status)) return;
    if (run.interrupted && status === 'canceled') {
      status = 'failed';
      error = INTERRUPTED;
    }
    const last = run.checkpoints.reduce((m, c) => Math.max(m, c.epoch), 0);
    const kept = status === 'done' ? '' : last > 0 ? ` — kept: epochs 1–${last} and the checkpoint of epoch ${last}` : ' — no epoch had finished';
    run.status = status;
    run.error = error === null ? null : oneLine(error) + kept;
    run.finishedAt = this.now();
    if (run.cancelTimer !== null) clearTimeout(run.cancelTimer);
    run.cancelTimer = null;
    this.flush(run);
    this.persist(run, (s) => s.updateRun(run.id, { status, finishedAt: run.finishedAt, error: run.error }));
    const w = run.worker;
    run.worker = null;
    if (w !== null) void w.terminate();
    this.emit('status', run.error === null ? { runId: run.id, status } : { runId: run.id, status, error: run.error });
    run.settle(status);
    this.prune();
    // The next queued run starts once this one's worker is gone.
    setImmediate(() => {
      this.emitQueue();
      this.pump();
    });
  }

  // ---- store -------------------------------------------------------------------------------------

  private persist(run: Run, f: (s: Store) => void): void {
    if (run.projectId === null || this.o.store === undefined) return;
    try {
      f(this.o.store());
    } catch (err) {
      this.o.notice?.('error', `run ${run.id}: ${oneLine(err instanceof Error ? err.message : String(err))} (training goes on; this part of its record is not saved)`);
    }
  }

  private persistById(runId: string, f: (s: Store) => void): void {
    if (this.o.store === undefined) return;
    try {
      f(this.o.store());
    } catch (err) {
      this.o.notice?.('error', `run ${runId}: ${oneLine(err instanceof Error ? err.message : String(err))} (this part of its record is not saved)`);
    }
  }

  private flush(run: Run): void {
    if (run.pending.length === 0) return;
    const points = run.pending;
    run.pending = [];
    this.persist(run, (s) => s.addMetrics(run.id, points));
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== null) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      for (const r of this.runs.values()) this.flush(r);
    }, this.o.flushMs ?? 1000);
    this.flushTimer.unref();
  }

  /** Forgets the oldest finished runs beyond KEEP_FINISHED (stored runs stay in the store). */
  private prune(): void {
    const finished = [...this.runs.values()].filter((r) => TERMINAL.has(r.status));
    for (const r of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.runs.delete(r.id);
  }

  // ---- control -----------------------------------------------------------------------------------

  private live(runId: string): Run & { worker: Worker } {
    const run = this.runs.get(runId);
    if (run === undefined || run.worker === null || TERMINAL.has(run.status)) {
      throw new TrainingRefused('run', `run ${runId} is not training in this process${run !== undefined ? ` (it is ${run.status})` : ''}`);
    }
    return run as Run & { worker: Worker };
  }

  pause(runId: string): void {
    this.live(runId).worker.postMessage({ type: 'pause' });
  }

  resume(runId: string): void {
    this.live(runId).worker.postMessage({ type: 'resume' });
  }

  /** Stops after the current batch; a worker that does not stop within the grace period is terminated. */
  cancel(runId: string): void {
    const mine = this.runs.get(runId);
    if ((mine === undefined || mine.worker === null || TERMINAL.has(mine.status)) && this.cancelQueued(runId)) return;
    const run = this.live(runId);
    run.worker.postMessage({ type: 'cancel' });
    if (run.cancelTimer === null) {
      run.cancelTimer = setTimeout(() => this.finish(run, 'canceled', null), this.o.cancelGraceMs ?? 30_000);
      run.cancelTimer.unref();
    }
  }

  /** Resolves with the run's final status. */
  settled(runId: string): Promise<RunStatus> {
    const run = this.runs.get(runId);
    if (run === undefined) return Promise.reject(new TrainingRefused('run', `run ${runId} was not started in this process`));
    return run.settled;
  }

  /**
   * The host is shutting down: no queued run starts any more (they stay queued for the next
   * start), and every run training here stops after its current batch — it ends failed with
   * INTERRUPTED, its finished epochs and checkpoints kept — or, past `closeGraceMs`, its worker is
   * terminated. Resolves when no worker of this Trainer is left.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.pollTimer !== null) clearInterval(this.pollTimer);
    this.pollTimer = null;
    const starting = this.starting;
    if (starting !== null) {
      starting.canceled = true;
      await starting.done;
    }
    const live = [...this.runs.values()].filter((r) => r.worker !== null && !TERMINAL.has(r.status));
    const exits: Promise<void>[] = [];
    for (const r of live) {
      const w = r.worker;
      if (w === null) continue;
      exits.push(new Promise<void>((resolve) => (w.threadId === -1 ? resolve() : w.once('exit', () => resolve()))));
      r.interrupted = true;
      w.postMessage({ type: 'cancel' });
      const timer = setTimeout(() => this.finish(r, 'failed', INTERRUPTED), this.o.closeGraceMs ?? 10_000);
      timer.unref();
      void r.settled.then(() => clearTimeout(timer));
    }
    await Promise.all(live.map((r) => r.settled));
    await Promise.all(exits);
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
  }

  // ---- reading -------------------------------------------------------------------------------------

  private view(run: Run): TrainingRun {
    return {
      id: run.id,
      projectId: run.projectId,
      versionId: run.versionId,
      label: run.label,
      group: run.group,
      dataset: run.dataset,
      engine: run.engine ?? '',
      hyperparameters: run.hyperparameters,
      status: run.status,
      createdAt: run.createdAt,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      error: run.error,
      live: TERMINAL.has(run.status) ? null : run.live,
    };
  }

  /** A project's stored runs with the live state of those training here; without a project, this process's runs. */
  list(projectId?: string): TrainingRun[] {
    if (projectId === undefined) return [...this.runs.values()].filter((r) => r.id !== '').map((r) => this.view(r));
    const store = this.openStore();
    let stored;
    try {
      stored = store.listRuns(projectId);
    } catch (err) {
      this.refuse(err);
    }
    return stored.map((r) => {
      const mine = this.runs.get(r.id);
      return mine !== undefined ? this.view(mine) : { ...r, live: null };
    });
  }

  /** A run with its epochs, evaluation and checkpoints: from the store for a saved run, from memory for an unsaved one. */
  get(runId: string): { run: TrainingRun; epochs: EpochRow[]; evaluation: Evaluation | null; checkpoints: CheckpointMeta[] } {
    const mine = this.runs.get(runId);
    if (mine !== undefined && mine.projectId === null) {
      return { run: this.view(mine), epochs: [...mine.epochs], evaluation: mine.evaluation, checkpoints: [...mine.checkpoints] };
    }
    if (mine !== undefined) this.flush(mine);
    const store = this.openStore();
    try {
      const run = store.getRun(runId);
      const checkpoints = store.listCheckpoints(runId).map((c) => ({ epoch: c.epoch, createdAt: c.createdAt, bytes: c.bytes }));
      const epochNames = [METRIC.trainLoss, METRIC.trainAccuracy, METRIC.valLoss, METRIC.valAccuracy, METRIC.epochLearningRate, METRIC.imagesPerSecond, METRIC.epochSeconds];
      const { points } = store.readMetrics(runId, { names: epochNames });
      const byEpoch = new Map<number, Map<string, MetricPoint>>();
      for (const p of points) byEpoch.set(p.epoch, (byEpoch.get(p.epoch) ?? new Map<string, MetricPoint>()).set(p.name, p));
      const hyperEpochs = typeof run.hyperparameters['epochs'] === 'number' ? run.hyperparameters['epochs'] : 1;
      const epochs: EpochRow[] = [...byEpoch.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([epoch, m]) => ({
          epoch,
          epochs: Math.max(hyperEpochs, epoch),
          step: m.get(METRIC.trainLoss)?.step ?? 0,
          trainLoss: m.get(METRIC.trainLoss)?.value ?? null,
          trainAccuracy: m.get(METRIC.trainAccuracy)?.value ?? null,
          valLoss: m.get(METRIC.valLoss)?.value ?? null,
          valAccuracy: m.get(METRIC.valAccuracy)?.value ?? null,
          learningRate: m.get(METRIC.epochLearningRate)?.value ?? 0,
          imagesPerSecond: m.get(METRIC.imagesPerSecond)?.value ?? 0,
          seconds: m.get(METRIC.epochSeconds)?.value ?? 0,
        }));
      const lastStep = epochs[epochs.length - 1]?.step;
      const evaluation = lastStep === undefined ? null : this.storedEvaluation(store, runId, lastStep, run.hyperparameters);
      const live = mine !== undefined && !TERMINAL.has(mine.status) ? mine.live : null;
      return { run: { ...run, live }, epochs, evaluation, checkpoints };
    } catch (err) {
      this.refuse(err);
    }
  }

  /** The kept sample predictions, validated (a damaged or foreign record gives none, with a notice). */
  private storedSamples(store: Store, runId: string): SamplePrediction[] {
    const raw = store.readRunSamples(runId);
    if (raw === null) return [];
    const parsed = z.array(SamplePrediction).safeParse(raw);
    if (parsed.success) return parsed.data;
    this.o.notice?.('warning', `run ${runId}: its stored sample predictions cannot be read (${oneLine(parsed.error.issues[0]?.message ?? 'invalid')}); they are not shown`);
    return [];
  }

  private storedEvaluation(store: Store, runId: string, step: number, record: Record<string, unknown>): Evaluation | null {
    const { points } = store.readMetrics(runId, { afterStep: step - 1 });
    const at = new Map(points.filter((p) => p.step === step && p.name.startsWith('test/')).map((p) => [p.name, p.value]));
    if (!at.has(METRIC.testAccuracy)) return null;
    const ds = DatasetRecord.safeParse(record['dataset']);
    const classNames = ds.success ? ds.data.classNames : [];
    const k = Math.max(classNames.length, ...[...at.keys()].filter((n) => n.startsWith('test/class_accuracy/')).map((n) => Number(n.split('/')[2]) + 1));
    const names = Array.from({ length: k }, (_, i) => classNames[i] ?? `class ${i}`);
    const segmentation = ds.success && ds.data.task === 'segmentation';
    const e: Evaluation = {
      split: at.get('test/on_validation') === 1 ? 'validation' : 'test',
      task: segmentation ? 'segmentation' : 'classification',
      examples: at.get(METRIC.testExamples) ?? 0,
      loss: at.get(METRIC.testLoss) ?? null,
      accuracy: at.get(METRIC.testAccuracy) ?? null,
      classNames: names,
      perClassAccuracy: names.map((_, i) => at.get(`test/class_accuracy/${i}`) ?? null),
      confusion: names.map((_, t) => names.map((_, p) => at.get(`test/confusion/${t}/${p}`) ?? 0)),
      samples: this.storedSamples(store, runId),
    };
    if (!segmentation) return e;
    return { ...e, iou: names.map((_, i) => at.get(`test/iou/${i}`) ?? null), meanIou: at.get(METRIC.meanIou) ?? null };
  }
}
