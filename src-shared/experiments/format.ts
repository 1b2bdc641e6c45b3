import type { OutcomeRow } from '../api/services/training.js';

/** Helpers the outcome statements share (pure). */

const TERMINAL = new Set(['done', 'failed', 'canceled']);

export function fmtLoss(x: number): string {
  return x.toFixed(Math.abs(x) >= 10 ? 1 : x < 0.01 ? 4 : 2);
}

export function fmtPercent(x: number): string {
  return `${x.toFixed(x < 10 ? 2 : 1)}%`;
}

export function byNetwork(rows: readonly OutcomeRow[], key: string): OutcomeRow | undefined {
  return rows.find((r) => r.network === key);
}

/** A row that finished with a final training loss. */
export function finishedLoss(r: OutcomeRow | undefined): number | null {
  return r !== undefined && r.status === 'done' && r.trainLoss !== null && Number.isFinite(r.trainLoss) ? r.trainLoss : null;
}

/** Why a network has no result yet, in a few words. */
export function pending(r: OutcomeRow | undefined, name: string): string {
  if (r === undefined) return `${name} has no run`;
  if (r.status === 'queued') return `${name} is queued`;
  if (r.status === 'running' || r.status === 'paused') return `${name} is ${r.status} (epoch ${r.epochs} done)`;
  if (r.status === 'failed') return `${name} failed`;
  if (r.status === 'canceled') return `${name} was canceled`;
  return `${name} has no final training loss`;
}

export function allEnded(rows: readonly OutcomeRow[]): boolean {
  return rows.length > 0 && rows.every((r) => TERMINAL.has(r.status));
}

/**
 * Compares two final losses: "higher"/"lower" only when they differ by more than `margin`
 * (relative to the smaller), else "about the same".
 */
export function compareLoss(a: number, b: number, margin = 0.03): 'higher' | 'lower' | 'same' {
  const scale = Math.max(Math.min(Math.abs(a), Math.abs(b)), 1e-6);
  if (Math.abs(a - b) / scale <= margin) return 'same';
  return a > b ? 'higher' : 'lower';
}

export function shortRunNote(rows: readonly OutcomeRow[]): string {
  const epochs = Math.max(0, ...rows.map((r) => r.epochs));
  return epochs < 20 ? ` (a short run: ${epochs} epoch${epochs === 1 ? '' : 's'}; the paper trained for about 160)` : '';
}
