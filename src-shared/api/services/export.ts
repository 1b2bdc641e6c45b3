import { z } from 'zod';
import { defineService, method } from '../contract.js';
import { DocumentJson, Id } from '../common.js';

/** What a graph exports to: a TypeScript (tfjs) module, tfjs model files, PyTorch code + weights, ONNX. */
export const ExportTarget = z.enum(['typescript', 'tfjs-model', 'pytorch', 'onnx']);
export type ExportTarget = z.infer<typeof ExportTarget>;

export const ExportOptions = z
  .object({
    /** typescript / pytorch: also emit the training script (train.ts, train_ddp.py); default true. */
    train: z.boolean().optional(),
    /** onnx: layout of the model's input and spatial outputs; default nhwc (as tfjs), nchw as PyTorch. */
    layout: z.enum(['nhwc', 'nchw']).optional(),
    /** Weights of this training run instead of freshly initialized ones (not available until the trainer lands). */
    runId: Id.optional(),
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

/**
 * Export. A graph with errors is refused (bad-request, naming the first error and its node); the
 * files are returned, not written: the host decides where (a save dialog, a download, the CLI's --out).
 */
export const exportService = defineService(
  'export',
  {
    generate: method(
      z.object({ document: DocumentJson, target: ExportTarget, options: ExportOptions.optional() }).strict(),
      z.object({
        /** Suggested folder name for the files, from the document name. */
        folder: ExportFileName,
        files: z.array(ExportedFile).min(1),
      }),
      'Generate code or model files for a document',
    ),
  },
  {},
);
