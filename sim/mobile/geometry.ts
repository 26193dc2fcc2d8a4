import { type Box, type Post, type RoomSpec, type Wall, WALL_THICKNESS } from './room.ts';

// Collision and ray casting against the room: walls are thick segments, boxes axis-aligned rectangles,
// posts circles. The robot is a circle.

type P = { x: number; y: number };

function distToSegment(p: P, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - ax) * dx + (p.y - ay) * dy) / len2));
  return Math.hypot(p.x - (ax + t * dx), p.y - (ay + t * dy));
}

function distToBox(p: P, b: Box): number {
  const dx = Math.max(Math.abs(p.x - b.center[0]) - b.size[0] / 2, 0);
  const dy = Math.max(Math.abs(p.y - b.center[1]) - b.size[1] / 2, 0);
  return Math.hypot(dx, dy);
}

/** The nearest obstacle surface to p: its distance and a name for messages. */
export function nearestObstacle(room: RoomSpec, p: P): { distance: number; what: string } {
  let distance = Infinity;
  let what = 'nothing';
  const consider = (d: number, name: () => string) => {
    if (d < distance) {
      distance = d;
      what = name();
    }
  };
  for (const w of room.walls) consider(distToSegment(p, w.from[0], w.from[1], w.to[0], w.to[1]) - WALL_THICKNESS / 2, () => `the ${w.name}`);
  for (const b of room.boxes) consider(distToBox(p, b), () => `the ${b.name}`);
  for (const o of room.posts) consider(Math.hypot(p.x - o.x, p.y - o.y) - o.r, () => `an obstacle at (${o.x.toFixed(2)}, ${o.y.toFixed(2)})`);
  return { distance, what };
}

/** Distance along the ray from o in direction (dx, dy) (unit) to segment a-b, or Infinity. */
function raySegment(o: P, dx: number, dy: number, ax: number, ay: number, bx: number, by: number): number {
  const ex = bx - ax;
  const ey = by - ay;
  const den = dx * ey - dy * ex;
  if (Math.abs(den) < 1e-12) return Infinity;
  const t = ((ax - o.x) * ey - (ay - o.y) * ex) / den;
  const u = ((ax - o.x) * dy - (ay - o.y) * dx) / den;
  return t >= 0 && u >= 0 && u <= 1 ? t : Infinity;
}

function rayCircle(o: P, dx: number, dy: number, c: Post): number {
  const fx = o.x - c.x;
  const fy = o.y - c.y;
  const b = fx * dx + fy * dy;
  const disc = b * b - (fx * fx + fy * fy - c.r * c.r);
  if (disc < 0) return Infinity;
  const t = -b - Math.sqrt(disc);
  return t >= 0 ? t : Infinity;
}

function wallFaces(w: Wall): [number, number, number, number][] {
  // The two long faces of a thick wall; the laser sees the face, not the centre line.
  const [ax, ay] = w.from;
  const [bx, by] = w.to;
  const len = Math.hypot(bx - ax, by - ay) || 1;
  const nx = (-(by - ay) / len) * (WALL_THICKNESS / 2);
  const ny = ((bx - ax) / len) * (WALL_THICKNESS / 2);
  return [
    [ax + nx, ay + ny, bx + nx, by + ny],
    [ax - nx, ay - ny, bx - nx, by - ny],
  ];
}

function boxFaces(b: Box): [number, number, number, number][] {
  const [cx, cy] = b.center;
  const hx = b.size[0] / 2;
  const hy = b.size[1] / 2;
  return [
    [cx - hx, cy - hy, cx + hx, cy - hy],
    [cx + hx, cy - hy, cx + hx, cy + hy],
    [cx + hx, cy + hy, cx - hx, cy + hy],
    [cx - hx, cy + hy, cx - hx, cy - hy],
  ];
}

/** Precomputed faces for fast repeated ray casts. */
export function raycaster(room: RoomSpec): (o: P, angle: number) => number {
  const faces = [...room.walls.flatMap(wallFaces), ...room.boxes.flatMap(boxFaces)];
  return (o, angle) => {
    const dx = Math.cos(angle);
    const dy = Math.sin(angle);
    let best = Infinity;
    for (const f of faces) best = Math.min(best, raySegment(o, dx, dy, f[0], f[1], f[2], f[3]));
    for (const c of room.posts) best = Math.min(best, rayCircle(o, dx, dy, c));
    return best;
  };
}
