import { z } from 'zod';
import { RunStatus } from '../../../src-shared/api/services/training.js';

/**
 * Rows as SQLite returns them. A database file crosses a boundary (another version of Skipwire,
 * a hand edit, a damaged page), so every row read is parsed with these before use.
 */
const int = z.number().int();
const jsonText = z.string().transform((s, ctx): unknown => {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'stored JSON does not parse' });
    return z.NEVER;
  }
});

export const ProjectRow = z.object({
  id: z.string(),
  name: z.string(),
  created_at: int,
  updated_at: int,
  trashed_at: int.nullable(),
  revision: int.min(0),
});
export type ProjectRow = z.infer<typeof ProjectRow>;

export const WorkingCopyRow = z.object({ revision: int.min(0), saved_at: int, document: jsonText });

export const VersionRow = z.object({
  id: z.string(),
  project_id: z.string(),
  number: int.min(1),
  message: z.string(),
  content_hash: z.string().length(64),
  created_at: int,
});
export type VersionRow = z.infer<typeof VersionRow>;
export const VersionWithDocumentRow = VersionRow.extend({ document: jsonText });

export const RunRow = z.object({
  id: z.string(),
  project_id: z.string(),
  version_id: z.string(),
  dataset: z.string(),
  engine: z.string(),
  hyperparameters: jsonText.pipe(z.record(z.string(), z.unknown())),
  status: RunStatus,
  created_at: int,
  started_at: int.nullable(),
  finished_at: int.nullable(),
  error: z.string().nullable(),
  label: z.string().nullable(),
  group_id: z.string().nullable(),
  owner: z.string().nullable(),
});
export type RunRow = z.infer<typeof RunRow>;

/** A NULL value is a NaN that SQLite could not store. */
export const MetricRow = z.object({ name: z.string(), step: int, epoch: int, value: z.number().nullable() });

export const CheckpointInfoRow = z.object({ run_id: z.string(), epoch: int, created_at: int, bytes: int });
export const CheckpointRow = z.object({ run_id: z.string(), epoch: int, created_at: int, weights: z.instanceof(Buffer) });

export const SettingRow = z.object({ value: jsonText });

export const CountRow = z.object({ n: int });
export const ProjectCountRow = z.object({ project_id: z.string(), n: int });

export const SamplesRow = z.object({ samples: jsonText.nullable() });

export const DraftRow = z.object({ id: z.string(), name: z.string(), layers: int.min(0), saved_at: int });
export type DraftRow = z.infer<typeof DraftRow>;
export const DraftWithDocumentRow = DraftRow.extend({ document: jsonText });
