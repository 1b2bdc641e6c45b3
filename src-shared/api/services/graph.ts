import { z } from 'zod';
import { defineService, method } from '../contract.js';
import { Diagnostic, DocumentJson, Empty } from '../common.js';

export const TemplateInfo = z.object({
  id: z.string(),
  family: z.string(),
  label: z.string(),
  description: z.string(),
});

export const graphService = defineService(
  'graph',
  {
    templates: method(Empty, z.object({ templates: z.array(TemplateInfo) }), 'Architecture generators'),
    fromTemplate: method(
      z.object({ id: z.string().max(100), options: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])) }).strict(),
      z.object({ document: DocumentJson }),
      'Generate a document from a template with options',
    ),
    check: method(
      z.object({ document: DocumentJson }).strict(),
      z.object({ diagnostics: z.array(Diagnostic), params: z.number().int(), flops: z.number() }),
      'Shapes, located errors, params and FLOPs of a document',
    ),
  },
  {},
);
