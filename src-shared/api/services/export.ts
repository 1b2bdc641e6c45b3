import { z } from 'zod';
import { defineService, method } from '../contract.js';
import { DocumentJson } from '../common.js';

export const ExportTarget = z.enum(['typescript', 'tfjs-model', 'pytorch', 'onnx']);

export const exportService = defineService(
  'export',
  {
    generate: method(
      z.object({ document: DocumentJson, target: ExportTarget }).strict(),
      z.object({
        files: z.array(z.object({ name: z.string(), content: z.string(), encoding: z.enum(['utf8', 'base64']) })),
      }),
      'Generate code or model files for a document',
    ),
  },
  {},
);
