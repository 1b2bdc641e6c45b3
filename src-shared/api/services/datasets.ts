import { z } from 'zod';
import { defineService, method } from '../contract.js';
import { Empty, Id } from '../common.js';

export const DatasetInfo = z.object({
  id: Id,
  name: z.string(),
  task: z.enum(['classification', 'segmentation', 'regression']),
  shape: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
  classes: z.number().int().min(0),
  trainSize: z.number().int().min(0),
  testSize: z.number().int().min(0),
  available: z.boolean(),
  /** Where it was found, or why it is not available and how to get it. */
  detail: z.string(),
});

export const datasetsService = defineService(
  'datasets',
  { list: method(Empty, z.object({ datasets: z.array(DatasetInfo) }), 'Datasets found on this machine') },
  {},
);
