import { z } from 'zod';
import { defineService, method } from '../contract.js';
import { DocumentJson, Empty, Id } from '../common.js';

const OptionValue = z.union([z.number(), z.string(), z.boolean()]);

/** One option of a template, as the gallery form shows it (src-shared/templates/registry.ts). */
export const TemplateOptionInfo = z.object({
  key: z.string(),
  label: z.string(),
  help: z.string().optional(),
  type: z.enum(['number', 'boolean', 'enum']),
  default: OptionValue,
  values: z.array(z.string()).optional(),
  options: z.record(z.string(), z.string()).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  step: z.number().optional(),
});
export type TemplateOptionInfo = z.infer<typeof TemplateOptionInfo>;

export const TemplateInfo = z.object({
  id: z.string(),
  family: z.string(),
  label: z.string(),
  description: z.string(),
  options: z.array(TemplateOptionInfo),
});
export type TemplateInfo = z.infer<typeof TemplateInfo>;

/** A located diagnostic with the labels of the quick fixes the editor offers for it. */
export const GraphDiagnostic = z.object({
  severity: z.enum(['error', 'warning', 'info']),
  code: z.string(),
  message: z.string(),
  nodeId: Id.optional(),
  edgeIds: z.array(Id),
  fixes: z.array(z.object({ id: z.string(), label: z.string() })),
});
export type GraphDiagnostic = z.infer<typeof GraphDiagnostic>;

const ShapeJson = z.array(z.number().int()).nullable();

export const CheckedNode = z.object({
  id: Id,
  label: z.string().optional(),
  kind: z.string(),
  shape: ShapeJson,
  params: z.number().int().min(0),
  flops: z.number().min(0),
  status: z.enum(['ok', 'error', 'blocked']),
});

export const CheckReply = z.object({
  ok: z.boolean(),
  params: z.number().int().min(0),
  nonTrainable: z.number().int().min(0),
  flops: z.number().min(0),
  nodes: z.number().int().min(0),
  /** The schema version the document was migrated from; null when it was current. */
  migratedFrom: z.number().int().nullable(),
  diagnostics: z.array(GraphDiagnostic),
  shapes: z.record(z.string(), ShapeJson),
  table: z.array(CheckedNode),
});
export type CheckReply = z.infer<typeof CheckReply>;

export const graphService = defineService(
  'graph',
  {
    templates: method(Empty, z.object({ templates: z.array(TemplateInfo) }), 'Architecture generators and their options'),
    fromTemplate: method(
      z.object({ id: z.string().max(100), options: z.record(z.string(), OptionValue).default({}) }).strict(),
      z.object({ document: DocumentJson }),
      'Generate a document from a template with options (unknown options and bad values are refused)',
    ),
    check: method(
      z.object({ document: DocumentJson }).strict(),
      CheckReply,
      'Shapes, params and FLOPs per node and in total, and located diagnostics with their quick fixes',
    ),
  },
  {},
);
