import type { Command } from 'commander';
import { Option } from 'commander';
import { ContractError, Dispatcher, exportService } from '../../src-shared/api/index.js';
import type { ExportedFile, ExportRunSource, ExportTarget } from '../../src-shared/api/index.js';
import { inferShapes } from '../../src-shared/graph/infer.js';
import { reportOf } from '../../src-shared/graph/report.js';
import { readDocumentFile } from './document-file.js';
import type { DatasetSpec } from '../../src-shared/api/services/datasets.js';
import { parseDatasetSpec } from '../services/datasets/spec.js';
import { createExportService } from '../services/export/service.js';
import { resolveDataDir } from '../services/paths.js';
import { createProjectsService } from '../services/store/projects-service.js';
import { decodeExportedFiles, WriteRefused, writeExport } from '../services/export/write.js';
import { CliError } from './output.js';
import type { Io } from './output.js';

/** The CLI's format names → the export targets. */
export const FORMATS: Readonly<Record<string, ExportTarget>> = { ts: 'typescript', tfjs: 'tfjs-model', pytorch: 'pytorch', onnx: 'onnx' };

function oneLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

function human(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export interface ExportCliOptions {
  format: string;
  out: string;
  run?: string;
  json?: boolean;
  force?: boolean;
  layout?: 'nhwc' | 'nchw';
  train: boolean;
  seed?: string;
  dataset?: string;
  outputs?: 'probabilities' | 'logits';
}

/**
 * `skipwire export FILE --format F --out DIR`: refuses a graph with errors (exit 1, one line and the
 * diagnostics), generates through the export service, writes DIR without half-written files.
 * `--run ID` exports a training run from the project store: the graph version it trained with the
 * weights of its last checkpoint (FILE may be left out; given, it must be that network).
 * Exit 2 for bad input (unreadable file, not a document, unknown format, a run with nothing to
 * export, files in the way).
 */
export async function exportCommand(file: string | undefined, o: ExportCliOptions, io: Io, env: { dataDir?: string } = {}): Promise<void> {
  const target = FORMATS[o.format];
  if (target === undefined) throw new CliError(`--format must be one of ${Object.keys(FORMATS).join(', ')}; got "${o.format}"`);
  if (file === undefined && o.run === undefined) throw new CliError('export needs a FILE, or --run ID to export a training run');
  const read = file === undefined ? undefined : readDocumentFile(file);
  const json = read?.json;
  const what = file ?? `run ${o.run ?? ''}`;
  const seed = o.seed === undefined ? undefined : Number(o.seed);
  if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1)) throw new CliError(`--seed must be an integer from 0 to ${2 ** 31 - 1}; got "${o.seed ?? ''}"`);
  if (seed !== undefined && o.run !== undefined) throw new CliError('--seed draws fresh weights; a run is exported with its trained weights (leave out --seed or --run)');
  let dataset: DatasetSpec | undefined;
  try {
    dataset = o.dataset === undefined ? undefined : parseDatasetSpec(o.dataset);
  } catch (err) {
    throw new CliError(`--dataset: ${oneLine(err instanceof Error ? err.message : String(err))}`);
  }
  const checked = read === undefined ? null : { doc: read.doc, report: reportOf(inferShapes(read.doc), read.migratedFrom) };
  if (checked !== null && !checked.report.ok) {
    const errors = checked.report.diagnostics.filter((d) => d.severity === 'error');
    const line = `cannot export ${what}: the graph has ${errors.length} error${errors.length === 1 ? '' : 's'}`;
    // the diagnostics on stdout (as `skipwire check` prints them), the one line on stderr
    if (o.json === true) {
      io.out(JSON.stringify({ ok: false, error: line, diagnostics: checked.report.diagnostics.map((d) => ({ node: d.node ?? null, severity: d.severity, code: d.code, message: d.message })) }));
    } else {
      for (const d of checked.report.diagnostics) if (d.severity !== 'info') io.out(`  ${d.severity.padEnd(7)} ${d.message}`);
    }
    throw new CliError(line, 1);
  }

  // through the contract, as the app calls it (the store only for a run: opened here, closed after)
  const d = new Dispatcher();
  const projects = o.run === undefined ? null : createProjectsService({ dataDir: env.dataDir ?? resolveDataDir(), dispatcher: d, watchIntervalMs: null, markDeadRuns: true });
  d.provide(exportService, createExportService(projects === null ? {} : { store: projects.store }));
  let reply: { folder: string; files: ExportedFile[]; run?: ExportRunSource | undefined };
  try {
    const raw = await d.call(
      'export',
      'generate',
      {
        ...(json !== undefined ? { document: json } : {}),
        target,
        options: {
          train: o.train,
          ...(o.layout !== undefined ? { layout: o.layout } : {}),
          ...(o.run !== undefined ? { runId: o.run } : {}),
          ...(seed !== undefined ? { seed } : {}),
          ...(dataset !== undefined ? { dataset } : {}),
          ...(o.outputs !== undefined ? { outputs: o.outputs } : {}),
        },
      },
      { transport: 'in-process', clientId: 'cli' },
    );
    reply = exportService.methods.generate.output.parse(raw);
  } catch (err) {
    if (err instanceof ContractError) throw new CliError(`cannot export ${what}: ${err.message}`, err.code === 'bad-request' || err.code === 'unavailable' ? 2 : 1);
    throw err;
  } finally {
    projects?.close();
  }
  const files = decodeExportedFiles(reply.files);
  let written;
  try {
    written = writeExport(o.out, files, { force: o.force === true });
  } catch (err) {
    if (err instanceof WriteRefused) throw new CliError(err.message);
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`cannot write ${o.out}: ${code ?? (err instanceof Error ? oneLine(err.message) : String(err))}`, code === 'ENOTDIR' || code === 'EEXIST' ? 2 : 1);
  }
  if (o.json === true) {
    io.out(JSON.stringify({ ok: true, format: o.format, target, out: written.dir, files: written.files, ...(reply.run !== undefined ? { run: reply.run } : {}) }));
    return;
  }
  const name = checked?.doc.meta.name ?? '';
  const run = reply.run;
  io.out(
    run === undefined
      ? `exported ${name || what} as ${o.format} to ${o.out}:`
      : `exported run ${run.runId} (graph version ${run.versionNumber}, weights of epoch ${run.epoch}) as ${o.format} to ${o.out}:`,
  );
  for (const f of written.files) io.out(`  ${f.name}  ${human(f.bytes)}`);
}

export function registerExport(program: Command, io: Io): void {
  program
    .command('export')
    .description('export a document as code or model files: ts (a tfjs TypeScript module + train.ts), tfjs (model.json + weights), pytorch (module + weights + train_ddp.py), onnx')
    .argument('[file]', 'a Skipwire document (.json); may be left out with --run')
    .addOption(new Option('-f, --format <format>', 'what to export').choices(Object.keys(FORMATS)).makeOptionMandatory())
    .requiredOption('-o, --out <dir>', 'folder to write (created if missing; files already there are kept unless --force)')
    .option('--run <id>', "export a training run from the project store: the graph version it trained, with its last checkpoint's weights")
    .addOption(new Option('--layout <layout>', 'onnx: input/output layout').choices(['nhwc', 'nchw']))
    .option('--no-train', 'ts / pytorch: leave out the training script')
    .option('--seed <n>', 'fresh weights drawn with this seed: the same graph, seed and options give byte-identical files')
    .option('--dataset <spec>', 'fresh weights: the dataset they will be trained on, whose preprocessing the export states (fashion-mnist | cifar10:PATH | folder:PATH | synthetic)')
    .addOption(new Option('--outputs <what>', 'onnx: the heads output probabilities (default) or logits').choices(['probabilities', 'logits']))
    .option('--force', 'replace files of the same names in the folder')
    .option('--json', 'print one JSON object')
    .action(async (file: string | undefined, opts: ExportCliOptions) => exportCommand(file, opts, io));
}
