import type { RunSeries } from '../series.js';

/** One curve: its points (x ascending), how it is drawn and named. */
export interface Line {
  readonly label: string;
  readonly xs: readonly number[];
  readonly ys: readonly (number | null)[];
  readonly color: string;
  /** Dashed: per-epoch (validation) curves. */
  readonly dash?: boolean;
  /** Draw the points (sparse series such as one value per epoch). */
  readonly points?: boolean;
  /** Drawn lighter: the noisy per-batch curve behind the per-epoch one of the same run. */
  readonly faint?: boolean;
}

/** uPlot's data: the shared x values, then one y array per line (null where that line has no point). */
export type Aligned = [number[], ...(number | null)[][]];

/**
 * Puts lines with their own x values on one x axis (the union of all x values, ascending), as
 * uPlot wants: each line's y is null at x values it does not have. A repeated x keeps the later y.
 */
export function alignLines(lines: readonly Line[]): Aligned {
  const xs = [...new Set(lines.flatMap((l) => l.xs))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = lines.map((l) => {
    const out: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    l.xs.forEach((x, i) => {
      const at = index.get(x);
      const y = l.ys[i];
      if (at !== undefined && y !== undefined) out[at] = y !== null && Number.isFinite(y) ? y : null;
    });
    return out;
  });
  return [xs, ...ys];
}

/** Drops values a log scale cannot show (≤ 0): they become gaps. */
export function forLogScale(data: Aligned): Aligned {
  const [xs, ...ys] = data;
  return [xs, ...ys.map((y) => y.map((v) => (v !== null && v > 0 ? v : null)))];
}

/** Distinct, readable on dark and light backgrounds. */
export const RUN_COLORS: readonly string[] = ['#7aa2f7', '#f7768e', '#73daca', '#e0af68', '#bb9af7', '#2ac3de', '#ff9e64', '#9ece6a'];

export function runColor(i: number): string {
  return RUN_COLORS[((i % RUN_COLORS.length) + RUN_COLORS.length) % RUN_COLORS.length] ?? '#7aa2f7';
}

/** Which chart of a run's curves. */
export type ChartKind = 'loss' | 'accuracy' | 'lr' | 'throughput';

export const CHART_TITLE: Readonly<Record<ChartKind, string>> = {
  loss: 'Loss',
  accuracy: 'Accuracy',
  lr: 'Learning rate',
  throughput: 'Throughput (img/s)',
};

/** Whether the log-scale toggle applies (losses and rates span decades; accuracy does not). */
export function logScalable(kind: ChartKind): boolean {
  return kind === 'loss' || kind === 'lr';
}

/** What validation curves are drawn in when a chart shows one run (its training curve keeps the run's colour). */
export const VALIDATION_COLOR = '#f7768e';

/** `#rrggbb` with an alpha (0–1) as `#rrggbbaa`; other colour forms are returned as they are. */
export function withAlpha(color: string, alpha: number): string {
  if (!/^#[0-9a-f]{6}$/i.test(color)) return color;
  return `${color}${Math.round(Math.min(1, Math.max(0, alpha)) * 255)
    .toString(16)
    .padStart(2, '0')}`;
}

/**
 * The lines of one chart for one or more runs: training per step (solid, faint behind the
 * validation) and validation per epoch (dashed, with points). One run: validation in its own
 * colour. Several: one colour per run, and `name` prefixes each line.
 */
export function linesFor(kind: ChartKind, runs: readonly { name: string; series: RunSeries; color: string }[]): Line[] {
  const several = runs.length > 1;
  const label = (name: string, what: string): string => (several ? `${name} · ${what}` : what);
  return runs.flatMap(({ name, series: s, color }): Line[] => {
    const epochX = s.epochs.map((e) => e.step);
    switch (kind) {
      case 'loss':
        return [
          { label: label(name, 'train loss'), xs: s.steps, ys: s.loss, color, faint: several },
          { label: label(name, 'val loss'), xs: epochX, ys: s.epochs.map((e) => e.valLoss), color: several ? color : VALIDATION_COLOR, dash: true, points: true },
        ];
      case 'accuracy':
        return [
          { label: label(name, 'train acc'), xs: s.steps, ys: s.accuracy, color, faint: several },
          { label: label(name, 'val acc'), xs: epochX, ys: s.epochs.map((e) => e.valAccuracy), color: several ? color : VALIDATION_COLOR, dash: true, points: true },
        ];
      case 'lr':
        return [{ label: label(name, 'lr'), xs: s.steps, ys: s.lr, color }];
      case 'throughput':
        return [{ label: label(name, 'img/s'), xs: s.throughputSteps, ys: s.throughput, color, points: true }];
    }
  });
}

/**
 * Exponential moving average with TensorBoard's debiasing (the first points are not pulled to 0):
 * weight 0 returns the values, 0.9 smooths strongly. null (a NaN loss) stays null and does not
 * enter the average.
 */
export function emaSmooth(ys: readonly (number | null)[], weight: number): (number | null)[] {
  if (weight <= 0) return [...ys];
  let last = 0;
  let n = 0;
  return ys.map((y) => {
    if (y === null || !Number.isFinite(y)) return null;
    last = last * weight + (1 - weight) * y;
    n++;
    return last / (1 - weight ** n);
  });
}

/** The per-step (training) lines smoothed; per-epoch ones as they are. */
export function smoothLines(lines: readonly Line[], weight: number): Line[] {
  return lines.map((l) => (l.points === true || weight <= 0 ? l : { ...l, ys: emaSmooth(l.ys, weight) }));
}
