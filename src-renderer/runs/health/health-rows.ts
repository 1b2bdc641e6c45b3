import { aggregateByNode, trendOf } from '../overlay/probe-model.js';
import type { ProbeSnapshot } from '../overlay/probe-model.js';

/**
 * The residual-health tables: one row per residual merge (‖F(x)‖/‖x‖) and per ReLU (dead
 * fraction), by document node (a repeated block's copies averaged), with the value at the latest
 * probe and its trend over the last few probes.
 */
export interface HealthRow {
  readonly nodeId: string;
  /** At the latest probe (mean over copies); null when not finite. */
  readonly value: number | null;
  /** Latest minus the value TREND_BACK probes before (null when either is missing). */
  readonly trend: number | null;
  readonly copies: number;
  /** Residual merges, from live probes: the shortcut's and the branch's source nodes. */
  readonly shortcut: string | null;
  readonly branch: string | null;
  /** The value at every probe, oldest first (for a small trend line). */
  readonly history: readonly (number | null)[];
}

export const TREND_BACK = 5;

type Kind = 'residuals' | 'activations';

function rowsOf(history: readonly ProbeSnapshot[], kind: Kind, exists?: (id: string) => boolean): HealthRow[] {
  const latest = history[history.length - 1];
  if (latest === undefined) return [];
  const per = history.map((s) =>
    kind === 'residuals' ? aggregateByNode(s.residuals, (r) => r.ratio, exists) : aggregateByNode(s.activations, (d) => d, exists),
  );
  const now = per[per.length - 1] as ReturnType<typeof aggregateByNode>;
  const rows: HealthRow[] = [];
  for (const [nodeId, agg] of now) {
    const series = per.map((m) => m.get(nodeId)?.value ?? null);
    let shortcut: string | null = null;
    let branch: string | null = null;
    if (kind === 'residuals') {
      for (let i = history.length - 1; i >= 0 && shortcut === null; i--) {
        const r = (history[i] as ProbeSnapshot).residuals.get(nodeId);
        if (r !== undefined && r.shortcut !== null) {
          shortcut = r.shortcut;
          branch = r.branch;
        }
      }
    }
    rows.push({ nodeId, value: agg.value, trend: trendOf(series, TREND_BACK), copies: agg.copies, shortcut, branch, history: series });
  }
  return rows;
}

export function residualRows(history: readonly ProbeSnapshot[], exists?: (id: string) => boolean): HealthRow[] {
  return rowsOf(history, 'residuals', exists);
}

export function activationRows(history: readonly ProbeSnapshot[], exists?: (id: string) => boolean): HealthRow[] {
  return rowsOf(history, 'activations', exists);
}

export type SortKey = 'order' | 'name' | 'value' | 'trend';
export interface Sort {
  readonly key: SortKey;
  readonly descending: boolean;
}

/**
 * Rows sorted by a column; `order` is the graph's depth order (`rank`), `name` by the label shown.
 * Missing values sort last whichever the direction.
 */
export function sortRows(rows: readonly HealthRow[], sort: Sort, rank: (id: string) => number, label: (id: string) => string): HealthRow[] {
  const dir = sort.descending ? -1 : 1;
  const key = (r: HealthRow): number | string | null => {
    switch (sort.key) {
      case 'order':
        return rank(r.nodeId);
      case 'name':
        return label(r.nodeId).toLowerCase();
      case 'value':
        return r.value;
      case 'trend':
        return r.trend;
    }
  };
  return [...rows].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    if (x < y) return -dir;
    if (x > y) return dir;
    return 0;
  });
}

/** A trend as a person reads it: `↑ 0.05`, `↓ 12%`, `–` when flat or unknown. */
export function formatTrend(trend: number | null, percent: boolean): string {
  if (trend === null || !Number.isFinite(trend)) return '–';
  const mag = Math.abs(trend);
  const text = percent ? `${Math.round(mag * 1000) / 10}%` : mag >= 10 ? mag.toFixed(1) : mag.toFixed(3);
  if ((percent && mag < 0.0005) || (!percent && mag < 0.0005)) return '–';
  return `${trend > 0 ? '↑' : '↓'} ${text}`;
}
