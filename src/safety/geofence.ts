// Where the robot may be, in the odometry frame. A circle around a centre, or a polygon (any simple one).

export interface XY {
  x: number;
  y: number;
}

export type Fence =
  | { kind: 'circle'; center: XY; radius: number }
  | { kind: 'polygon'; points: XY[] };

const f2 = (v: number) => v.toFixed(2);
export const xyText = (p: XY) => `(${f2(p.x)}, ${f2(p.y)})`;

export function fenceText(f: Fence): string {
  if (f.kind === 'circle') return `a circle of radius ${f2(f.radius)} m around ${xyText(f.center)}`;
  return `the polygon ${f.points.map(xyText).join(' ')}`;
}

function insidePolygon(points: XY[], p: XY): boolean {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const a = points[i]!;
    const b = points[j]!;
    if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

function distanceToSegment(p: XY, a: XY, b: XY): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

export function insideFence(f: Fence, p: XY): boolean {
  if (f.kind === 'circle') return Math.hypot(p.x - f.center.x, p.y - f.center.y) <= f.radius + 1e-9;
  return insidePolygon(f.points, p) || edgeDistance(f.points, p) < 1e-9;
}

function edgeDistance(points: XY[], p: XY): number {
  let d = Infinity;
  for (let i = 0; i < points.length; i++) d = Math.min(d, distanceToSegment(p, points[i]!, points[(i + 1) % points.length]!));
  return d;
}

/** How far outside the fence a point is (0 inside). */
export function distanceOutside(f: Fence, p: XY): number {
  if (insideFence(f, p)) return 0;
  if (f.kind === 'circle') return Math.hypot(p.x - f.center.x, p.y - f.center.y) - f.radius;
  return edgeDistance(f.points, p);
}

function cross(o: XY, a: XY, b: XY): number {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

function segmentsCross(a: XY, b: XY, c: XY, d: XY): boolean {
  const d1 = cross(c, d, a);
  const d2 = cross(c, d, b);
  const d3 = cross(a, b, c);
  const d4 = cross(a, b, d);
  return ((d1 > 1e-12 && d2 < -1e-12) || (d1 < -1e-12 && d2 > 1e-12)) && ((d3 > 1e-12 && d4 < -1e-12) || (d3 < -1e-12 && d4 > 1e-12));
}

/**
 * Whether a straight drive from a to b stays inside. A circle is convex, so its end points decide;
 * a polygon may be concave, so the path must not cross an edge either. A robot that is already
 * outside may still drive back in along a path that does not cross out again.
 */
export function pathInsideFence(f: Fence, a: XY, b: XY): boolean {
  if (!insideFence(f, b)) return false;
  if (f.kind === 'circle') return true;
  const startsInside = insideFence(f, a);
  let crossings = 0;
  for (let i = 0; i < f.points.length; i++) {
    if (segmentsCross(a, b, f.points[i]!, f.points[(i + 1) % f.points.length]!)) crossings++;
  }
  return startsInside ? crossings === 0 : crossings <= 1;
}

export function fenceBounds(f: Fence): { x: [number, number]; y: [number, number] } {
  if (f.kind === 'circle') {
    return { x: [f.center.x - f.radius, f.center.x + f.radius], y: [f.center.y - f.radius, f.center.y + f.radius] };
  }
  const xs = f.points.map((p) => p.x);
  const ys = f.points.map((p) => p.y);
  return { x: [Math.min(...xs), Math.max(...xs)], y: [Math.min(...ys), Math.max(...ys)] };
}
