import { z } from 'zod';
import { defineService, method } from '../contract.js';
import { DocumentJson, Id } from '../common.js';
import { DatasetSpec } from './datasets.js';

/** What a graph exports to: a TypeScript (tfjs) module, tfjs model files, PyTorch code + weights, ONNX. */
export const ExportTarget = z.enum(['typescript', 'tfjs-model', 'pytorch', 'onnx']);
export type ExportTarget = z.infer<typeof ExportTarget>;

export const ExportOptions = z
  .object({
    /** typescript / pytorch: also emit the training script (train.ts, train_ddp.py); default true. */
    train: z.boolean().optional(),
    /** onnx: layout of the model's input and spatial outputs; default nhwc (as tfjs), nchw as PyTorch. */
    layout: z.enum(['nhwc', 'nchw']).optional(),
    /**
     * Export a training run: the graph version it trained and the weights of its last checkpoint
     * (instead of the document's graph with freshly initialized weights).
     */
    runId: Id.optional(),
    /**
     * Fresh weights: drawn with this seed, so the same graph, seed and options give byte-identical
     * files (a run's export is byte-identical anyway).
     */
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    /**
     * Fresh weights: the dataset chosen in the Train panel, whose preprocessing the export states
     * (a run's export states its own dataset's). Absent: "none recorded".
     */
    dataset: DatasetSpec.optional(),
    /** onnx: the heads output probabilities (default, as tfjs) or logits. */
    outputs: z.enum(['probabilities', 'logits']).optional(),
  })
  .strict();
export type ExportOptions = z.infer<typeof ExportOptions>;

/** A plain file name (no folders): letters, digits, `.`, `_`, `-`. */
export const ExportFileName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/, 'a plain file name');

export const ExportedFile = z.object({
  name: ExportFileName,
  /** The text (utf8) or the bytes in base64 (weights, .onnx). */
  content: z.string(),
  encoding: z.enum(['utf8', 'base64']),
});
export type ExportedFile = z.infer<typeof ExportedFile>;

/** Where a run export's weights come from: the run, the graph version it trained, its last checkpoint. */
export const ExportRunSource = z.object({
  runId: Id,
  projectId: Id,
  versionId: Id,
  /** The version's number in its project (1, 2, …). */
  versionNumber: z.number().int().min(1),
  /** The checkpoint's epoch (the run's last). */
  epoch: z.number().int().min(1),
  /** The run's status (done, canceled, failed, …) when it was read. */
  status: z.string(),
});
export type ExportRunSource = z.infer<typeof ExportRunSource>;

/** A diagnostic of the graph, as the export refusal lists it. */
export const ExportDiagnostic = z.object({
  severity: z.enum(['error', 'warning', 'info']),
  code: z.string(),
  message: z.string(),
  node: z.string().nullable(),
});
export type ExportDiagnostic = z.infer<typeof ExportDiagnostic>;

const ExportInput = z
  .object({
    /** The graph to export; may be left out when options.runId names a run (its graph version is used). */
    document: DocumentJson.optional(),
    target: ExportTarget,
    options: ExportOptions.optional(),
  })
  .strict();

/**
 * Export. A graph with errors is refused (bad-request, naming the first error and its node; `check`
 * lists every diagnostic); a run without a checkpoint is refused (bad-request at options.runId). The
 * files are returned, not written: the host decides where (a folder dialog, a download, the CLI's --out).
 */
export const exportService = defineService(
  'export',
  {
    generate: method(
      ExportInput,
      z.object({
        /** Suggested folder name for the files, from the document name. */
        folder: ExportFileName,
        files: z.array(ExportedFile).min(1),
        /** For a run export: which run, version and checkpoint the files hold. */
        run: ExportRunSource.optional(),
      }),
      'Generate code or model files for a document or a training run',
    ),
    check: method(
      ExportInput.omit({ target: true }),
      z.object({
        /** True when generate would export (no graph errors; for a run, a checkpoint to export). */
        ok: z.boolean(),
        /** The graph's name (a run's: its version's). */
        name: z.string(),
        /** Why not, in one line (null when ok). */
        error: z.string().nullable(),
        /** The graph's diagnostics: errors (which refuse the export) and warnings. */
        diagnostics: z.array(ExportDiagnostic),
        run: ExportRunSource.nullable(),
      }),
      'What an export would take: the graph and its diagnostics, a run\'s version and checkpoint; nothing generated',
    ),
  },
  {},
);
