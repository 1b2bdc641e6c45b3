/**
 * Canvas geometry (pixels in flow coordinates): node size, spacing, and the path of a skip edge,
 * which leaves its source, rises to a lane above the nodes it bypasses, runs along it and drops
 * into its target, so a skip never crosses the main path it bypasses. Pure.
 */

export const NODE_W = 172;
export const NODE_H = 64;
/** A collapsed block: bigger than a layer, it carries its name, shapes in → out, units, params and FLOPs. */
export const BLOCK_W = 212;
export const BLOCK_H = 84;
/** Horizontal gap between layers drawn top to bottom: room for a shape label between them. */
export const LAYER_GAP_TB = 58;
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
/** Room kept above (left of, top to bottom) a block's items for the lanes of skips around them. */
export const LANE_ROOM = 56;
/** Gap between the rows (columns) of a wrapped chain and between the levels of a U. */
export const WRAP_GAP = 70;

/** The flow direction of a network's layout: left to right, or top to bottom. */
export type Direction = 'LR' | 'TB';

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

/**
 * The path of a skip edge from (sx, sy) to (tx, ty) along a lane at height `laneY` (left to
 * right); top to bottom (`dir` 'TB') the same turned a quarter: out of the source downwards, along
 * a lane at x = `lane`, into the target from above. Also the path of a main edge that wraps from
 * the end of one row back to the start of the next (its lane runs between the rows).
 */
export function skipPath(sx: number, sy: number, tx: number, ty: number, lane: number, radius = 8, dir: Direction = 'LR', drop: number | null = null): SkipGeometry {
  // In flow coordinates: u along the flow, v across it. `drop`: where (along the flow) the edge
  // leaves its lane for the target, when not just before it (outside the frames around the target).
  const [su, sv, tu, tv] = dir === 'TB' ? [sy, sx, ty, tx] : [sx, sy, tx, ty];
  const u1 = su + SKIP_STUB;
  const u2 = drop ?? tu - SKIP_STUB;
  const uv: Point[] = [
    { x: su, y: sv },
    { x: u1, y: sv },
    { x: u1, y: lane },
    { x: u2, y: lane },
    { x: u2, y: tv },
    { x: tu, y: tv },
  ];
  const points = dir === 'TB' ? uv.map((p) => ({ x: p.y, y: p.x })) : uv;
  const mid = (u1 + u2) / 2;
  return dir === 'TB' ? { path: roundedPath(points, radius), labelX: lane, labelY: mid } : { path: roundedPath(points, radius), labelX: mid, labelY: lane };
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
