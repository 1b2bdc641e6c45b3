/**
 * Canvas geometry (pixels in flow coordinates): node size, spacing, and the path of a skip edge,
 * which leaves its source, rises to a lane above the nodes it bypasses, runs along it and drops
 * into its target, so a skip never crosses the main path it bypasses. Pure.
 */

export const NODE_W = 172;
export const NODE_H = 64;
/** Horizontal gap between layers: room for a shape label on the edge between them. */
export const LAYER_GAP = 92;
export const NODE_GAP = 40;
/** Frame padding around an expanded block's members (the header sits in the top padding). */
export const FRAME_PAD = { top: 34, side: 16, bottom: 16 } as const;
/** The first skip lane sits this far above the highest node it bypasses; nested lanes step up. */
export const LANE_BASE = 26;
export const LANE_STEP = 24;
/** How far a skip runs horizontally out of its source / into its target before it turns. */
export const SKIP_STUB = 6;

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** An orthogonal polyline with rounded corners (radius clamped to half of each segment). */
export function roundedPath(points: readonly Point[], radius: number): string {
  const first = points[0];
  if (first === undefined) return '';
  let d = `M ${first.x} ${first.y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const prev = points[i - 1] as Point;
    const cur = points[i] as Point;
    const next = points[i + 1] as Point;
    const inLen = Math.hypot(cur.x - prev.x, cur.y - prev.y);
    const outLen = Math.hypot(next.x - cur.x, next.y - cur.y);
    const r = Math.min(radius, inLen / 2, outLen / 2);
    if (r <= 0.01) {
      d += ` L ${cur.x} ${cur.y}`;
      continue;
    }
    const a = { x: cur.x - ((cur.x - prev.x) / inLen) * r, y: cur.y - ((cur.y - prev.y) / inLen) * r };
    const b = { x: cur.x + ((next.x - cur.x) / outLen) * r, y: cur.y + ((next.y - cur.y) / outLen) * r };
    d += ` L ${round(a.x)} ${round(a.y)} Q ${cur.x} ${cur.y} ${round(b.x)} ${round(b.y)}`;
  }
  const last = points[points.length - 1] as Point;
  if (points.length > 1) d += ` L ${last.x} ${last.y}`;
  return d;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

export interface SkipGeometry {
  readonly path: string;
  readonly labelX: number;
  readonly labelY: number;
}

/** The path of a skip edge from (sx, sy) to (tx, ty) along a lane at height `laneY`. */
export function skipPath(sx: number, sy: number, tx: number, ty: number, laneY: number, radius = 8): SkipGeometry {
  const x1 = sx + SKIP_STUB;
  const x2 = tx - SKIP_STUB;
  const points: Point[] = [
    { x: sx, y: sy },
    { x: x1, y: sy },
    { x: x1, y: laneY },
    { x: x2, y: laneY },
    { x: x2, y: ty },
    { x: tx, y: ty },
  ];
  return { path: roundedPath(points, radius), labelX: (x1 + x2) / 2, labelY: laneY };
}

/** The lane of a skip: above the highest top among the nodes it passes over, stepped by its level. */
export function laneY(tops: readonly number[], level: number): number {
  let top = Infinity;
  for (const t of tops) if (t < top) top = t;
  if (top === Infinity) top = 0;
  return top - LANE_BASE - Math.max(0, level - 1) * LANE_STEP;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function rectsOverlap(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
