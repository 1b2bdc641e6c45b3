import type { EventEmitter } from 'node:events';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { ContractError } from '../../src-shared/api/errors.js';
import type { EventFrame } from '../../src-shared/api/protocol.js';
import {
  EngineChoice,
  EnqueueReply,
  EpochEvent,
  EvaluationEvent,
  Hyperparameters,
  ProgressEvent,
  StartReply,
  StatusEvent,
  TrainingRun,
} from '../../src-shared/api/services/training.js';
import type { HyperparametersInput } from '../../src-shared/api/services/training.js';
import { ProjectSummary } from '../../src-shared/api/services/projects.js';
import { costReport, formatCount } from '../../src-shared/graph/cost.js';
import { inferShapes } from '../../src-shared/graph/infer.js';
import { readDocumentFile } from './document-file.js';
import { parseDatasetSpec } from '../services/datasets/spec.js';
import { resolveDataDir } from '../services/paths.js';
import { closeBackend, createBackend } from '../services/registry.js';
import { CliError, processIo } from './output.js';
import type { Io } from './output.js';

export interface TrainFlags {
  dataset: string;
  limit?: string;
  epochs?: string;
  batch?: string;
  optimizer?: string;
  lr?: string;
  momentum?: string;
  nesterov?: boolean;
  weightDecay?: string;
  schedule?: string;
  warmup?: string;
  crop?: string;
  flip?: boolean;
  validation?: string;
  probeEvery?: string;
  engine?: string;
  seed?: string;
  project?: string;
  /** commander's --no-save: false when given. */
  save?: boolean;
  json?: boolean;
  /** Queue the run (the app or `skipwire serve` trains it) instead of training it now. */
  queue?: boolean;
  /** The run's label (with --queue). */
  label?: string;
  /** folder datasets: train without the images the scan cannot decode (instead of refusing). */
  skipBadImages?: boolean;
}

export interface TrainEnv {
  /** Where Ctrl-C comes from (default: the process). */
  readonly signals?: EventEmitter;
  /** Write without a newline to a terminal (progress redraw); null: not a terminal. */
  readonly tty?: ((s: string) => void) | null;
  readonly dataDir?: string;
}

const ctx = { transport: 'in-process', clientId: 'cli' } as const;
const TERMINAL = new Set(['done', 'failed', 'canceled']);

function number(flag: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const ok = integer ? /^-?\d+$/.test(value) : /^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(value);
  if (!ok) throw new CliError(`${flag} must be ${integer ? 'a whole number' : 'a number'}, got "${value}"`);
  return Number(value);
}

function schedule(value: string | undefined): HyperparametersInput['schedule'] {
  if (value === undefined || value === 'constant') return undefined;
  if (value === 'cosine') return { kind: 'cosine' };
  const m = /^step:(\d+(?:,\d+)*)$/.exec(value);
  if (m !== null) return { kind: 'step', milestones: (m[1] ?? '').split(',').map(Number) };
  throw new CliError(`--schedule takes constant, cosine or step:E1,E2,… (÷10 after those epochs), got "${value}"`);
}

/** The hyperparameters the flags ask for, checked by the contract's schema (one line when refused). */
export function hyperFromFlags(f: TrainFlags): HyperparametersInput {
  const h: Record<string, unknown> = {
    epochs: number('--epochs', f.epochs, true),
    batchSize: number('--batch', f.batch, true),
    optimizer: f.optimizer,
    learningRate: number('--lr', f.lr, false),
    momentum: number('--momentum', f.momentum, false),
    nesterov: f.nesterov,
    weightDecay: number('--weight-decay', f.weightDecay, false),
    schedule: schedule(f.schedule),
    warmupEpochs: number('--warmup', f.warmup, false),
    seed: number('--seed', f.seed, true),
    limit: number('--limit', f.limit, true),
    validationFraction: number('--validation', f.validation, false),
    probeEvery: number('--probe-every', f.probeEvery, true),
    augment: f.crop !== undefined || f.flip === true ? { cropPadding: number('--crop', f.crop, true) ?? 0, flip: f.flip === true } : undefined,
  };
  for (const k of Object.keys(h)) if (h[k] === undefined) delete h[k];
  const r = Hyperparameters.safeParse(h);
  if (!r.success) {
    const issue = r.error.issues[0];
    const flag: Record<string, string> = { batchSize: '--batch', learningRate: '--lr', weightDecay: '--weight-decay', warmupEpochs: '--warmup', validationFraction: '--validation', probeEvery: '--probe-every', augment: '--crop' };
    const key = String(issue?.path[0] ?? '');
    throw new CliError(`${flag[key] ?? `--${key}`}: ${issue?.message ?? 'invalid'}`);
  }
  return h as HyperparametersInput;
}

function duration(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '?';
  const t = Math.round(s);
  if (t >= 3600) return `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m`;
  if (t >= 60) return `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s`;
  return `${t}s`;
}

const pct = (v: number | null): string => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);
const fix = (v: number | null, d = 4): string => (v === null ? 'NaN' : v.toFixed(d));

function progressLine(p: ProgressEvent): string {
  const inEpoch = p.step - (p.epoch - 1) * p.stepsPerEpoch;
  const frac = p.stepsPerEpoch > 0 ? Math.min(1, inEpoch / p.stepsPerEpoch) : 0;
  const width = 20;
  const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
  return `epoch ${p.epoch}/${p.epochs} [${bar}] ${inEpoch}/${p.stepsPerEpoch}  loss ${fix(p.loss)}  acc ${pct(p.accuracy)}  ${p.imagesPerSecond.toFixed(1)} img/s  ETA ${duration(p.etaSeconds)}`;
}

function epochLine(e: EpochEvent): string {
  const val = e.valLoss === null ? '' : ` · val loss ${fix(e.valLoss)} acc ${pct(e.valAccuracy)}`;
  return `epoch ${e.epoch}/${e.epochs}: train loss ${fix(e.trainLoss)} acc ${pct(e.trainAccuracy)}${val} · ${e.imagesPerSecond.toFixed(1)} img/s · ${duration(e.seconds)} · lr ${Number(e.learningRate.toPrecision(3))} · ETA ${duration(e.etaSeconds)}`;
}

/** The images a run left out (its folder dataset's `exclude`), from its stored hyperparameters. */
function excludedImages(hyperparameters: unknown): string[] {
  const r = z.object({ dataset: z.object({ spec: z.object({ exclude: z.array(z.string()).optional() }).loose() }).loose() }).loose().safeParse(hyperparameters);
  return r.success ? (r.data.dataset.spec.exclude ?? []) : [];
}

/** Finds (or makes) the project a CLI run is saved in: --project by id or exact name, else one named after the file. */
async function projectFor(d: ReturnType<typeof createBackend>, file: string, document: unknown, wanted: string | undefined): Promise<ProjectSummary> {
  const name = wanted ?? basename(file);
  const listed = (await d.call('projects', 'list', { query: name }, ctx)) as { projects: unknown[] };
  const projects = listed.projects.map((p) => ProjectSummary.parse(p));
  const hit = projects.find((p) => p.id === name) ?? projects.find((p) => p.name === name);
  if (hit !== undefined) return hit;
  if (wanted !== undefined) {
    const all = ((await d.call('projects', 'list', {}, ctx)) as { projects: unknown[] }).projects.map((p) => ProjectSummary.parse(p));
    const byId = all.find((p) => p.id === wanted);
    if (byId !== undefined) return byId;
    throw new CliError(`--project: no project with id or name "${wanted}"`);
  }
  return ProjectSummary.parse(await d.call('projects', 'create', { name, document }, ctx));
}

/** `--queue`: the run is checked and stored as queued; the app (or `skipwire serve`) trains it. */
async function enqueue(
  d: ReturnType<typeof createBackend>,
  f: TrainFlags,
  io: Io,
  a: { project: ProjectSummary | null; document: unknown; dataset: unknown; engine: string; hyper: HyperparametersInput },
): Promise<void> {
  if (a.project === null) throw new CliError('--queue keeps the run in a project: drop --no-save (or fix the project store)');
  let reply: EnqueueReply;
  try {
    reply = EnqueueReply.parse(
      await d.call(
        'training',
        'enqueue',
        { projectId: a.project.id, document: a.document, dataset: a.dataset, engine: a.engine, hyper: a.hyper, ...(f.label !== undefined ? { label: f.label } : {}) },
        ctx,
      ),
    );
  } catch (err) {
    if (err instanceof ContractError) throw new CliError(err.message.replace(/^training\.enqueue: /, ''), err.code === 'bad-request' ? 2 : 1);
    throw err;
  }
  if (f.json === true) io.out(JSON.stringify({ event: 'queued', runId: reply.runId, projectId: a.project.id, versionId: reply.versionId, position: reply.position, hyper: reply.hyper }));
  else {
    io.out(
      `queued run ${reply.runId} in project "${a.project.name}" (${reply.position === 0 ? 'next' : `${reply.position} ahead of it`}): Skipwire trains queued runs one after another while the app or \`skipwire serve\` is running`,
    );
  }
}

/**
 * `skipwire train FILE --dataset …`: the same training service (and worker) as the app. Resolves
 * when the run is done; a failed run is CliError exit 1, a canceled one (Ctrl-C) exit 130, a
 * refusal (bad graph, dataset, flags, memory) exit 2.
 */
export async function train(file: string, f: TrainFlags, io: Io, env: TrainEnv = {}): Promise<void> {
  const migrated = readDocumentFile(file);
  let dataset;
  try {
    dataset = parseDatasetSpec(f.dataset);
    if (f.skipBadImages === true) {
      if (dataset.kind !== 'folder') throw new Error('--skip-bad-images is for folder datasets (folder:PATH)');
      dataset = { ...dataset, skipBadImages: true };
    }
  } catch (err) {
    throw new CliError(`--dataset: ${err instanceof Error ? err.message : String(err)}`);
  }
  const engine = EngineChoice.safeParse(f.engine ?? 'auto');
  if (!engine.success) throw new CliError(`--engine must be auto, tfjs-node-gpu, webgpu, tfjs-node, wasm or cpu, got "${f.engine ?? ''}"`);
  const hyper = hyperFromFlags(f);

  const d = createBackend({ mode: 'cli', modeReason: 'skipwire train', dataDir: env.dataDir ?? resolveDataDir() });
  const out = (o: Record<string, unknown>): void => io.out(JSON.stringify(o));
  const tty = f.json === true ? null : (env.tty ?? null);
  let drawn = false;
  const clearLine = (): void => {
    if (tty !== null && drawn) tty('\r\x1b[2K');
    drawn = false;
  };

  let project: ProjectSummary | null = null;
  if (f.save !== false) {
    try {
      project = await projectFor(d, file, migrated.doc, f.project);
    } catch (err) {
      if (f.project !== undefined || err instanceof CliError) throw err instanceof ContractError ? new CliError(err.message, 1) : err;
      io.err(`skipwire: the run will not be saved: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  if (f.queue === true) {
    try {
      await enqueue(d, f, io, { project, document: migrated.doc, dataset, engine: engine.data, hyper });
    } finally {
      await closeBackend(d);
    }
    return;
  }

  // Events may arrive before start() replies (the run's first status): hold them until we know its id.
  let runId: string | null = null;
  const held: EventFrame[] = [];
  let last: EpochEvent | null = null;
  let evaluation: EvaluationEvent | null = null;
  let finished: ((s: StatusEvent) => void) | null = null;
  const ended = new Promise<StatusEvent>((r) => (finished = r));
  const handle = (frame: EventFrame): void => {
    const p = frame.payload as { runId?: unknown };
    if (p.runId !== runId) return;
    if (f.json === true) out({ event: frame.event, ...(frame.payload as object) });
    switch (frame.event) {
      case 'progress':
        if (tty !== null) {
          tty(`\r\x1b[2K${progressLine(ProgressEvent.parse(frame.payload))}`);
          drawn = true;
        }
        return;
      case 'epoch':
        last = EpochEvent.parse(frame.payload);
        if (f.json !== true) {
          clearLine();
          io.out(epochLine(last));
        }
        return;
      case 'evaluation':
        evaluation = EvaluationEvent.parse(frame.payload);
        if (f.json !== true) {
          const e = evaluation;
          clearLine();
          io.out(`${e.split} accuracy ${pct(e.accuracy)} on ${e.examples} examples${e.meanIou != null ? `, mean IoU ${pct(e.meanIou)}` : ''}, loss ${fix(e.loss)}`);
          io.out(`  per class: ${e.classNames.map((n, i) => `${n} ${pct(e.perClassAccuracy[i] ?? null)}`).join(', ')}`);
        }
        return;
      case 'status': {
        const s = StatusEvent.parse(frame.payload);
        if (TERMINAL.has(s.status)) finished?.(s);
        else if (f.json !== true && s.status === 'paused') io.out('paused');
        return;
      }
    }
  };
  const stop = d.onEvent((frame) => {
    if (frame.service !== 'training') return;
    if (runId === null) held.push(frame);
    else handle(frame);
  });

  const signals = env.signals ?? process;
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts > 1 || runId === null) {
      io.err('skipwire: interrupted');
      process.exit(130);
    }
    clearLine();
    io.err('skipwire: canceling after the current batch (finished epochs are kept; Ctrl-C again to quit now)');
    d.call('training', 'cancel', { runId }, ctx).catch(() => undefined);
  };
  signals.on('SIGINT', onSigint);
  const t0 = Date.now();
  try {
    let reply: StartReply;
    try {
      reply = StartReply.parse(
        await d.call('training', 'start', { ...(project !== null ? { projectId: project.id } : {}), document: migrated.doc, dataset, engine: engine.data, hyper }, ctx),
      );
    } catch (err) {
      if (err instanceof ContractError) throw new CliError(err.message.replace(/^training\.start: /, ''), err.code === 'bad-request' ? 2 : 1);
      throw err;
    }
    runId = reply.runId;
    const params = costReport(inferShapes(migrated.doc)).totals.params;
    if (f.json === true) out({ event: 'start', ...reply });
    else {
      io.out(`training ${migrated.doc.meta.name || basename(file)} (${formatCount(params)} params) on ${f.dataset} with ${reply.engine}: ${reply.detail}`);
      io.out(
        `  ${reply.hyper.optimizer}, lr ${reply.hyper.learningRate}, batch ${reply.hyper.batchSize}, ${reply.hyper.epochs} epoch${reply.hyper.epochs === 1 ? '' : 's'}, seed ${reply.hyper.seed}` +
          (project !== null ? ` — saved in project "${project.name}" as run ${reply.runId}` : ' — not saved'),
      );
    }
    // A folder's undecodable images left out by --skip-bad-images: said before the first epoch.
    const skipped = dataset.kind === 'folder' && dataset.skipBadImages === true ? await d.call('training', 'get', { runId }, ctx).then((r) => excludedImages((r as { run?: { hyperparameters?: unknown } }).run?.hyperparameters), () => []) : [];
    if (skipped.length > 0) {
      const line = `skipped ${skipped.length} image${skipped.length === 1 ? '' : 's'} that cannot be decoded: ${skipped.slice(0, 10).join(', ')}${skipped.length > 10 ? ` and ${skipped.length - 10} more` : ''}`;
      if (f.json === true) out({ event: 'skipped-images', count: skipped.length, files: skipped.slice(0, 10) });
      else io.out(`  ${line}`);
    }
    for (const frame of held.splice(0)) handle(frame);
    const end = await ended;
    clearLine();
    const got = TrainingRun.parse(((await d.call('training', 'get', { runId }, ctx)) as { run: unknown }).run);
    const lastEpoch = last as EpochEvent | null;
    const done = {
      event: 'done',
      status: end.status,
      runId,
      engine: reply.engine,
      epochs: lastEpoch?.epoch ?? 0,
      trainLoss: lastEpoch?.trainLoss ?? null,
      valLoss: lastEpoch?.valLoss ?? null,
      valAccuracy: lastEpoch?.valAccuracy ?? null,
      testAccuracy: (evaluation as EvaluationEvent | null)?.accuracy ?? null,
      imagesPerSecond: lastEpoch?.imagesPerSecond ?? null,
      seconds: (Date.now() - t0) / 1000,
      ...(got.error !== null ? { error: got.error } : {}),
    };
    const where = project !== null ? ` — run ${runId} in project "${project.name}"` : '';
    if (f.json === true) out(done);
    else if (end.status !== 'failed') io.out(`${end.status}: ${done.epochs} epoch${done.epochs === 1 ? '' : 's'} in ${duration(done.seconds)}${where}`);
    if (end.status === 'failed') throw new CliError(`training failed: ${got.error ?? end.error ?? 'unknown error'}`, 1);
    if (end.status === 'canceled') throw new CliError(`canceled after ${done.epochs} epoch${done.epochs === 1 ? '' : 's'} (they are kept${where})`, 130);
  } finally {
    signals.off('SIGINT', onSigint);
    stop();
    await closeBackend(d);
  }
}

export function registerTrain(program: Command, io: Io): void {
  program
    .command('train')
    .description('train a document on a dataset in a worker, on the best engine (or --engine), printing progress; runs are saved in a project named after the file (--project to choose, --no-save for none)')
    .argument('<file>', 'a Skipwire document (.json)')
    .requiredOption('--dataset <spec>', 'fashion-mnist[:PATH] | cifar10:PATH | folder:PATH | synthetic[:segmentation]')
    .option('--limit <n>', 'use at most n training (and n test) examples')
    .option('--epochs <n>', 'epochs (default 10)')
    .option('--batch <n>', 'batch size (default 32)')
    .option('--optimizer <name>', 'sgd | momentum | adam | adamw (default momentum)')
    .option('--lr <x>', 'learning rate (default: 0.1 for sgd/momentum, 0.001 for adam/adamw)')
    .option('--momentum <m>', 'momentum (default 0.9)')
    .option('--nesterov', "Nesterov's momentum")
    .option('--weight-decay <x>', 'weight decay on kernels (default: 1e-4 sgd/momentum, 0 adam, 0.01 adamw, decoupled)')
    .option('--schedule <s>', 'constant | cosine | step:E1,E2 (÷10 after those epochs)')
    .option('--warmup <epochs>', 'linear learning-rate warm-up over this many epochs')
    .option('--crop <pixels>', 'augment: random crop after padding this many pixels')
    .option('--flip', 'augment: random horizontal flip')
    .option('--validation <fraction>', 'fraction held out for validation (default 0.1)')
    .option('--probe-every <k>', 'gradient/weight norms, residual ratios, dead ReLUs every k steps (default 20)')
    .option('--engine <id>', 'auto | tfjs-node-gpu | webgpu | tfjs-node | wasm | cpu', 'auto')
    .option('--seed <s>', 'seed of the weights, the split and the shuffling (default: random, printed)')
    .option('--project <id|name>', 'save the run in this project')
    .option('--no-save', 'do not save the run')
    .option('--json', 'one JSON line per event, then {"event":"done",…}')
    .option('--queue', 'queue the run in its project instead of training now: the app or `skipwire serve` trains queued runs one after another')
    .option('--label <name>', 'a short name for the run (shown in run lists)')
    .option('--skip-bad-images', 'folder datasets: leave out the images that cannot be decoded (listed before training) instead of refusing the run')
    .action(async (file: string, flags: TrainFlags) => {
      const tty = io === processIo && process.stdout.isTTY === true ? (s: string) => void process.stdout.write(s) : null;
      await train(file, flags, io, { tty });
    });
}

