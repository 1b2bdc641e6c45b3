import type { RunStatus } from '../../src-shared/api/services/training.js';

/** 75 → `1 min 15 s`, 3725 → `1 h 02 min`, null → `—`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** 0.8123 → `81.2%`; null (NaN on the worker) → `—`. */
export function formatPercent(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(1)}%`;
}

/** A loss or other plain value with four significant digits; null → `—`. */
export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) return v.toExponential(2);
  return Number(v.toPrecision(4)).toString();
}

/** Images per second: `65 img/s`, `2.6 img/s`. */
export function formatRate(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} img/s`;
}

export const STATUS_LABEL: Readonly<Record<RunStatus, string>> = {
  queued: 'queued',
  running: 'running',
  paused: 'paused',
  done: 'done',
  failed: 'failed',
  canceled: 'canceled',
};

/** Whether a run can still change (events may come). */
export function isActive(status: RunStatus): boolean {
  return status === 'queued' || status === 'running' || status === 'paused';
}

/** `25 Nov, 07:43` in the person's locale. */
export function formatWhen(ms: number | null): string {
  if (ms === null) return '—';
  return new Date(ms).toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

/** The hyperparameters a run recorded, in one line. */
export function hyperLine(h: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  const n = (k: string): number | undefined => (typeof h[k] === 'number' ? h[k] : undefined);
  if (typeof h.optimizer === 'string') parts.push(h.optimizer);
  const lr = n('learningRate');
  if (lr !== undefined) parts.push(`lr ${lr}`);
  const b = n('batchSize');
  if (b !== undefined) parts.push(`batch ${b}`);
  const e = n('epochs');
  if (e !== undefined) parts.push(`${e} epochs`);
  const l = n('limit');
  if (l !== undefined) parts.push(`limit ${l}`);
  const s = n('seed');
  if (s !== undefined) parts.push(`seed ${s}`);
  return parts.join(' · ');
}
