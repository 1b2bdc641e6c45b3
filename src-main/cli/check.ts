import type { Command } from 'commander';
import { fmtShape } from '../../src-shared/layers/lib/shape.js';
import { formatCount } from '../../src-shared/graph/cost.js';
import { countBySeverity } from '../../src-shared/graph/diagnostics.js';
import { inferShapes } from '../../src-shared/graph/infer.js';
import { reportOf, type CheckReport } from '../../src-shared/graph/report.js';
import { readDocumentFile } from './document-file.js';
import { CliError } from './output.js';
import type { Io } from './output.js';

/** Reads a document file (readDocumentFile: the one way every command reads one) and checks it. */
export function readReport(file: string): CheckReport {
  const { doc, migratedFrom } = readDocumentFile(file);
  return reportOf(inferShapes(doc), migratedFrom);
}

/** The `--json` object: ok, totals, diagnostics with their fixes, a shape per node. */
export function reportJson(r: CheckReport): Record<string, unknown> {
  return {
    ok: r.ok,
    params: r.params,
    flops: r.flops,
    nodes: r.nodes,
    diagnostics: r.diagnostics.map((d) => ({ node: d.node ?? null, severity: d.severity, code: d.code, message: d.message, fixes: d.fixes })),
    shapes: r.shapes,
  };
}

function table(rows: readonly (readonly string[])[], right: ReadonlySet<number>): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, i) => (right.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

export function printReport(io: Io, r: CheckReport): void {
  const migrated = r.migratedFrom === null ? '' : ` (migrated from schema ${r.migratedFrom})`;
  io.out(`${r.name}${migrated}: ${r.nodes} nodes, ${formatCount(r.params)} params (${r.params.toLocaleString('en-US')}), ${formatCount(r.flops)} FLOPs`);
  const rows: string[][] = [['node', 'kind', 'output', 'params', 'FLOPs']];
  for (const n of r.table) {
    const name = n.label !== undefined && n.label !== n.id ? `${n.label} (${n.id})` : n.id;
    rows.push([name, n.kind, n.status === 'ok' ? fmtShape(n.shape) : n.status, n.params.toLocaleString('en-US'), formatCount(n.flops)]);
  }
  for (const line of table(rows, new Set([3, 4]))) io.out(line);
  const c = countBySeverity(r.diagnostics);
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  io.out('');
  io.out(r.diagnostics.length === 0 ? 'no diagnostics' : `diagnostics: ${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${plural(c.info, 'info')}`);
  for (const d of r.diagnostics) {
    io.out(`  ${d.severity.padEnd(7)} ${d.message}`);
    for (const f of d.fixes) io.out(`          fix: ${f.label}`);
  }
}

export function registerCheck(program: Command, io: Io): void {
  program
    .command('check')
    .description('validate a document file: output shape, params and FLOPs of every node, then diagnostics with their fixes (exit 0 ok, 1 errors, 2 not a readable document)')
    .argument('<file>', 'a Skipwire document (.json)')
    .option('--json', 'print one JSON object: {ok, params, flops, nodes, diagnostics, shapes}')
    .action((file: string, opts: { json?: boolean }) => {
      const r = readReport(file);
      if (opts.json === true) io.out(JSON.stringify(reportJson(r)));
      else printReport(io, r);
      if (!r.ok) {
        const n = r.diagnostics.filter((d) => d.severity === 'error').length;
        throw new CliError(`${file}: ${n} error${n === 1 ? '' : 's'}`, 1);
      }
    });
}
