import type { Command } from 'commander';
import { z } from 'zod';
import { DatasetInfo, EnginesReport } from '../../src-shared/api/index.js';
import { resolveDataDir } from '../services/paths.js';
import { createBackend } from '../services/registry.js';
import type { Io } from './output.js';

/** What `skipwire doctor --json` prints: one object. */
export const DoctorReport = z.object({
  engines: EnginesReport,
  datasets: z.array(DatasetInfo),
});
export type DoctorReport = z.infer<typeof DoctorReport>;

/** Probes the training engines and looks for datasets, through the same services the app uses. */
export async function doctorReport(dataDir: string = resolveDataDir()): Promise<DoctorReport> {
  const d = createBackend({ mode: 'cli', modeReason: 'skipwire doctor', dataDir });
  const ctx = { transport: 'in-process', clientId: 'cli' } as const;
  const [engines, datasets] = await Promise.all([d.call('engines', 'probe', {}, ctx), d.call('datasets', 'list', {}, ctx)]);
  return DoctorReport.parse({ engines, datasets: (datasets as { datasets: unknown }).datasets });
}

export function formatDoctor(r: DoctorReport): string[] {
  const lines: string[] = ['Training engines, best first:'];
  const width = Math.max(...r.engines.engines.map((e) => e.id.length));
  for (const e of r.engines.engines) {
    const status = e.available ? (e.software === true ? 'slow' : 'yes ') : 'no  ';
    lines.push(`  ${status} ${e.id.padEnd(width)}  ${e.label}: ${e.detail}`);
    if (e.fix !== undefined && (!e.available || e.software === true)) lines.push(`  ${' '.repeat(5 + width)}  fix: ${e.fix}`);
  }
  lines.push(`auto trains on: ${r.engines.auto} — ${r.engines.autoReason}`);
  lines.push('', 'Datasets:');
  const dw = Math.max(...r.datasets.map((x) => x.id.length));
  for (const x of r.datasets) {
    const what = x.available ? `${x.name}, ${x.shape.join('x')}, ${x.classes} classes, ${x.trainSize} train / ${x.testSize} test — ${x.detail}` : x.detail;
    lines.push(`  ${x.available ? 'yes' : 'no '} ${x.id.padEnd(dw)}  ${what}`);
  }
  return lines;
}

export async function doctor(json: boolean, io: Io): Promise<void> {
  const r = await doctorReport();
  if (json) {
    io.out(JSON.stringify(r));
    return;
  }
  for (const l of formatDoctor(r)) io.out(l);
}

export function registerDoctor(program: Command, io: Io): void {
  program
    .command('doctor')
    .description('list the training engines (available or not, why not, the fix) and the datasets found')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => doctor(opts.json === true, io));
}
