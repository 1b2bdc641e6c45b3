import type { OutcomeRow } from '../api/services/training.js';

/** Test support: an outcome row with the given fields (a finished run by default). */
export function row(network: string, o: Partial<OutcomeRow> = {}): OutcomeRow {
  return {
    runId: `run-${network}`,
    network,
    label: network,
    status: 'done',
    epochs: 5,
    trainLoss: null,
    trainErrorPercent: null,
    valLoss: null,
    valErrorPercent: null,
    testErrorPercent: null,
    params: null,
    flops: null,
    reference: null,
    ...o,
  };
}
