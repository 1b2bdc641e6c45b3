import { z } from 'zod';
import { DatasetSpec } from '../api/services/datasets.js';
import { ResolvedHyperparameters } from '../api/services/training.js';

/**
 * What a training run did, as an export carries it: the settings it used (every default filled
 * in), its dataset, the engine, and how it ended. train_ddp.py reproduces the recipe by default;
 * the model card reports it.
 */
export const TrainRecipe = z
  .object({
    hyper: ResolvedHyperparameters,
    dataset: z.object({ spec: DatasetSpec, name: z.string(), task: z.enum(['classification', 'segmentation']), classNames: z.array(z.string()) }),
    engine: z.string(),
    runId: z.string(),
    /** Mean training loss of the first epoch, and the last epoch's metrics (name → value). */
    firstEpochLoss: z.number().nullable(),
    finalMetrics: z.record(z.string(), z.number()),
    /** The test set's confusion matrix (rows: true class, columns: predicted), when evaluated. */
    confusion: z.array(z.array(z.number().int().min(0))).nullable(),
    epochsDone: z.number().int().min(0),
  })
  .strict();
export type TrainRecipe = z.infer<typeof TrainRecipe>;
