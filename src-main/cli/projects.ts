import { existsSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { ContractError, Dispatcher, projectsService } from '../../src-shared/api/index.js';
import type { OutputOf } from '../../src-shared/api/index.js';
import { resolveDataDir } from '../services/paths.js';
import { createProjectsService } from '../services/store/projects-service.js';
import { readDocumentFile } from './document-file.js';
import { CliError } from './output.js';
import type { Io } from './output.js';

type Methods = (typeof projectsService)['methods'];

/**
 * Calls the projects service in-process, through the dispatcher (the same validation as every
 * other transport). A refused request (unknown id, a bad document) exits 2; a failure of the
 * machine (read-only or full disk, a newer store) exits 1; both print one line.
 */
async function withProjects<T>(io: Io, fn: (call: <K extends keyof Methods & string>(m: K, input: unknown) => Promise<OutputOf<typeof projectsService, K>>) => Promise<T>): Promise<T> {
  const d = new Dispatcher();
  const warnings: string[] = [];
  const backend = createProjectsService({ dataDir: resolveDataDir(), dispatcher: d, markDeadRuns: true });
  d.provide(projectsService, backend.impl);
  d.onEvent((frame) => {
    // A moved-aside store or one opened read-only is worth a line on stderr even with --json,
    // after the command's output. A failing command prints only its own error (which says why).
    if (frame.service === 'system' && frame.event === 'notice') {
      const n = z.object({ level: z.string(), message: z.string() }).safeParse(frame.payload);
      if (n.success && n.data.level === 'warning') warnings.push(`skipwire: ${n.data.message}`);
    }
  });
  const call = async <K extends keyof Methods & string>(m: K, input: unknown): Promise<OutputOf<typeof projectsService, K>> => {
    try {
      const out = await d.call('projects', m, input, { transport: 'in-process', clientId: 'cli' });
      return projectsService.methods[m].output.parse(out) as OutputOf<typeof projectsService, K>;
    } catch (err) {
      if (err instanceof ContractError) throw new CliError(err.message, err.code === 'bad-request' ? 2 : 1);
      throw err;
    }
  };
  try {
    const result = await fn(call);
    for (const w of warnings) io.err(w);
    return result;
  } finally {
    backend.close();
  }
}

function when(ms: number | null): string {
  if (ms === null) return '-';
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 16);
}

function count(doc: Record<string, unknown>, key: string): number {
  const v = doc[key];
  return typeof v === 'object' && v !== null ? Object.keys(v).length : 0;
}

export function registerProjects(program: Command, io: Io): void {
  const projects = program
    .command('projects')
    .description('list, show, import, export and delete projects in the store (SKIPWIRE_DATA_DIR or the platform data folder)');

  projects
    .command('list')
    .description('projects, most recently changed first')
    .option('-q, --query <text>', 'only names containing this text (case-insensitive)')
    .option('--trashed', 'only projects in the trash')
    .option('--all', 'include projects in the trash')
    .option('--json', 'print one JSON object')
    .action(async (opts: { query?: string; trashed?: boolean; all?: boolean; json?: boolean }) =>
      withProjects(io, async (call) => {
        const input: Record<string, unknown> = {};
        if (opts.query !== undefined) input.query = opts.query;
        if (opts.trashed === true) input.onlyTrashed = true;
        if (opts.all === true) input.includeTrashed = true;
        const { projects: list } = await call('list', input);
        if (opts.json === true) {
          io.out(JSON.stringify({ projects: list }));
          return;
        }
        if (list.length === 0) {
          io.out('no projects');
          return;
        }
        for (const p of list) {
          io.out(`${p.id}  ${when(p.updatedAt)}  r${p.revision}${p.trashedAt !== null ? '  (in trash)' : ''}  ${p.name}`);
        }
      }),
    );

  projects
    .command('show <id>')
    .description("a project's details, versions and runs")
    .option('--json', 'print one JSON object')
    .action(async (id: string, opts: { json?: boolean }) =>
      withProjects(io, async (call) => {
        const { project, document } = await call('open', { id });
        const { versions } = await call('versions', { id });
        const { runs } = await call('runs', { id });
        const counts = { nodes: count(document, 'nodes'), edges: count(document, 'edges'), groups: count(document, 'groups') };
        if (opts.json === true) {
          io.out(JSON.stringify({ project, counts, schemaVersion: document.schemaVersion, versions, runs }));
          return;
        }
        io.out(`${project.name}${project.trashedAt !== null ? ' (in trash)' : ''}`);
        io.out(`id: ${project.id}`);
        io.out(`created: ${when(project.createdAt)}  changed: ${when(project.updatedAt)}  revision: ${project.revision}`);
        io.out(`graph: ${counts.nodes} nodes, ${counts.edges} edges, ${counts.groups} blocks (schema ${document.schemaVersion})`);
        io.out(`versions: ${versions.length === 0 ? 'none' : ''}`);
        for (const v of versions) io.out(`  v${v.number}  ${when(v.createdAt)}  ${v.id}  ${v.message}`);
        io.out(`runs: ${runs.length === 0 ? 'none' : ''}`);
        for (const r of runs) io.out(`  ${r.id}  ${r.status}  ${r.dataset} on ${r.engine}${r.error !== null ? `  error: ${r.error}` : ''}`);
      }),
    );

  projects
    .command('import <file>')
    .description('create a project from a .skipwire.json document (validated; nothing changes when it is refused)')
    .option('-n, --name <name>', 'project name (default: the document name)')
    .option('--json', 'print one JSON object')
    .action(async (file: string, opts: { name?: string; json?: boolean }) => {
      const path = resolve(file);
      // Refused here exactly as `check` refuses it (and as the store would): one line, exit 2.
      const { text } = readDocumentFile(file);
      await withProjects(io, async (call) => {
        let result: OutputOf<typeof projectsService, 'importDocument'>;
        try {
          result = await call('importDocument', opts.name === undefined ? { text } : { text, name: opts.name });
        } catch (err) {
          if (err instanceof CliError) throw new CliError(`${file}: ${err.message.replace(/^the file: /, '')}`, err.exitCode);
          throw err;
        }
        if (opts.json === true) {
          io.out(JSON.stringify({ ...result, file: path }));
          return;
        }
        const migrated = result.migratedFrom !== null ? ` (migrated from schema ${result.migratedFrom})` : '';
        io.out(`imported ${file} as project ${result.project.id} "${result.project.name}"${migrated}`);
      });
    });

  projects
    .command('export <id>')
    .description("write a project's working copy (or a version) as a .skipwire.json document")
    .requiredOption('-o, --out <file>', 'where to write it')
    .option('--version <versionId>', 'export this version instead of the working copy')
    .option('-f, --force', 'overwrite the file if it exists')
    .option('--json', 'print one JSON object')
    .action(async (id: string, opts: { out: string; version?: string; force?: boolean; json?: boolean }) =>
      withProjects(io, async (call) => {
        const out = resolve(opts.out);
        if (existsSync(out) && opts.force !== true) throw new CliError(`${opts.out} exists: pass --force to overwrite it`);
        const { text } = await call('exportDocument', opts.version === undefined ? { id } : { id, versionId: opts.version });
        // Written beside the target and renamed over it: a crash never leaves half a file.
        const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`);
        try {
          writeFileSync(tmp, text, 'utf8');
          renameSync(tmp, out);
        } catch (err) {
          try {
            unlinkSync(tmp);
          } catch {
            // nothing to clean up
          }
          const code = (err as NodeJS.ErrnoException).code;
          throw new CliError(`cannot write ${opts.out}: ${code ?? (err instanceof Error ? err.message : String(err))}`, code === 'ENOENT' || code === 'ENOTDIR' ? 2 : 1);
        }
        const bytes = Buffer.byteLength(text, 'utf8');
        if (opts.json === true) io.out(JSON.stringify({ id, versionId: opts.version ?? null, out, bytes }));
        else io.out(`wrote ${opts.out} (${bytes} bytes)`);
      }),
    );

  projects
    .command('delete <id>')
    .description('move a project to the trash (restorable), or delete it for good with --forever')
    .option('--forever', 'delete it with its versions, runs and checkpoints; cannot be undone')
    .option('--json', 'print one JSON object')
    .action(async (id: string, opts: { forever?: boolean; json?: boolean }) =>
      withProjects(io, async (call) => {
        const { project } = await call('open', { id });
        await call(opts.forever === true ? 'deleteForever' : 'trash', { id });
        if (opts.json === true) io.out(JSON.stringify({ id, name: project.name, deleted: opts.forever === true ? 'forever' : 'trash' }));
        else io.out(opts.forever === true ? `deleted project ${id} "${project.name}" for good` : `moved project ${id} "${project.name}" to the trash`);
      }),
    );
}
