import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

export const WindowState = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof WindowState>;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_WINDOW: WindowState = { width: 1400, height: 900, maximized: false };

export function windowStateFile(userData: string): string {
  return join(userData, 'window-state.json');
}

/**
 * Reads the remembered window; a missing, corrupt or off-screen record falls back to a centered
 * default (a window must never reopen on a display that is gone).
 */
export function loadWindowState(file: string, workAreas: readonly Rect[]): WindowState {
  let parsed: WindowState;
  try {
    const r = WindowState.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!r.success) return DEFAULT_WINDOW;
    parsed = r.data;
  } catch {
    return DEFAULT_WINDOW;
  }
  if (parsed.x === undefined || parsed.y === undefined) return parsed;
  const visible = workAreas.some((a) => overlap(a, { x: parsed.x ?? 0, y: parsed.y ?? 0, width: parsed.width, height: parsed.height }) >= 100 * 100);
  return visible ? parsed : { width: parsed.width, height: parsed.height, maximized: parsed.maximized };
}

export function saveWindowState(file: string, state: WindowState): void {
  const checked = WindowState.parse(state);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(checked));
  renameSync(tmp, file);
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}
