import type { WorldInfo } from '../backend.ts';
import type { ObjectInfo, Vec3 } from '../schemas.ts';

// The one spatial vocabulary of the tabletop: what "on", "in", "left of", "a little", "closest", "in a line"
// and "did not move" mean, with their numbers. The prompt's world text, the benchmark's predicates, place()'s
// own check, the query primitives (isOn, distanceBetween, relationsOf) and the verifier's facts all read it
// here, so what the model is told is exactly what is checked. Named positions follow the workspace, so a
// real arm with another workspace gets its own corners and sides.

type XY = { x: number; y: number };
type Bounds = Pick<WorldInfo['bounds'], 'x' | 'y'>;

/** Corners and sides sit this far inside the workspace edge (a quarter of the span on a small workspace). */
const EDGE_INSET = 0.05;

const mm = (v: number) => Math.round(v * 1e4) / 1e4 + 0;

type Grid = { x: { top: number; middle: number; bottom: number }; y: { left: number; middle: number; right: number } };

/** The nine named positions of a grid: corners, sides and middle. */
function gridPositions({ x, y }: Grid): Record<string, Vec3> {
  const at = (px: number, py: number): Vec3 => ({ x: px, y: py, z: 0 });
  return {
    'top left corner': at(x.top, y.left),
    'top side': at(x.top, y.middle),
    'top right corner': at(x.top, y.right),
    'left side': at(x.middle, y.left),
    middle: at(x.middle, y.middle),
    'right side': at(x.middle, y.right),
    'bottom left corner': at(x.bottom, y.left),
    'bottom side': at(x.bottom, y.middle),
    'bottom right corner': at(x.bottom, y.right),
  };
}

/** The Code as Policies named positions for a workspace: corners, sides and middle, 5 cm inside its edges. */
export function namedPositionsFor(bounds: Bounds): Record<string, Vec3> {
  const inset = (r: readonly [number, number]) => Math.min(EDGE_INSET, (r[1] - r[0]) / 4);
  const [ix, iy] = [inset(bounds.x), inset(bounds.y)];
  return gridPositions({
    x: { top: mm(bounds.x[1] - ix), middle: mm((bounds.x[0] + bounds.x[1]) / 2), bottom: mm(bounds.x[0] + ix) },
    y: { left: mm(bounds.y[1] - iy), middle: mm((bounds.y[0] + bounds.y[1]) / 2), right: mm(bounds.y[0] + iy) },
  });
}

/** The grid behind a set of named positions, when they are exactly a grid's nine. */
function gridOf(p: Record<string, Vec3>): Grid | null {
  const [tl, m, br] = [p['top left corner'], p.middle, p['bottom right corner']];
  if (!tl || !m || !br) return null;
  const grid: Grid = { x: { top: tl.x, middle: m.x, bottom: br.x }, y: { left: tl.y, middle: m.y, right: br.y } };
  const expected = Object.entries(gridPositions(grid));
  const same = expected.length === Object.keys(p).length && expected.every(([n, q]) => p[n]?.x === q.x && p[n]?.y === q.y);
  return same ? grid : null;
}

export const CORNERS = ['top left corner', 'top right corner', 'bottom left corner', 'bottom right corner'] as const;

export type Direction = 'top' | 'bottom' | 'left' | 'right';

/** The table's own words for directions, with their axes (REP-103: +x away from the robot, +y to its left). */
export const DIRECTIONS: Record<Direction, { x: number; y: number; axis: string; meaning: string }> = {
  top: { x: 1, y: 0, axis: '+x', meaning: 'away from the robot' },
  bottom: { x: -1, y: 0, axis: '-x', meaning: 'towards the robot' },
  left: { x: 0, y: 1, axis: '+y', meaning: "the robot's left" },
  right: { x: 0, y: -1, axis: '-y', meaning: "the robot's right" },
};

/** Other words people use for the same directions on the table. */
export const DIRECTION_SYNONYMS: Record<string, Direction> = { above: 'top', below: 'bottom' };

export type Magnitude = 'a little' | 'a lot';
export type LineOrientation = 'horizontal' | 'vertical' | 'diagonal';

/** Every number of the vocabulary, in metres. */
export const TOLERANCE = {
  /** On a named position or a point: centre within this in x-y. */
  onPosition: 0.06,
  /** In a bowl: centre within this of the bowl's centre in x-y (and above its bottom). */
  inBowl: 0.06,
  /** On a block: centre within this of the lower block's centre in x-y... */
  onBlock: 0.04,
  /** ...and at least this far above it. */
  onBlockAbove: 0.01,
  /** Below this height an object has fallen off the table. */
  offTable: -0.01,
  /** "Did not move": the centre moved at most this (x, y and z). */
  unmoved: 0.01,
  /** "To the left of X" (any direction): this far from X's centre along the direction... */
  beside: [0.07, 0.2] as const,
  /** ...and at most this far off the line through X in that direction (also for "a little" / "a lot"). */
  offDirection: 0.05,
  magnitude: { 'a little': [0.05, 0.14], 'a lot': [0.15, 0.4] } as const satisfies Record<Magnitude, readonly [number, number]>,
  /** In a line: every centre within this of one straight line... */
  offLine: 0.04,
  /** ...and no two closer than this. */
  lineSpacing: 0.045,
  /** A stack: each block at least this far above the one below. */
  stackStep: 0.03,
  /** "Closest" / "farthest" is only clear when the first two differ by at least this. */
  clearMargin: 0.03,
} as const;

export const cm = (m: number) => `${+(m * 100).toFixed(1)} cm`;
/** "7–20 cm". */
export const span = (r: readonly [number, number]) => `${+(r[0] * 100).toFixed(1)}–${cm(r[1])}`;

/** The relations and when each holds, in words: the prompt, the verifier, the README and `wand bench` share them. */
export const RELATIONS: { relation: string; holds: string }[] = [
  { relation: 'on a named position or point', holds: `within ${cm(TOLERANCE.onPosition)}, on the table` },
  { relation: 'in a bowl', holds: `within ${cm(TOLERANCE.inBowl)} of its centre, above its bottom` },
  { relation: 'on a block', holds: `within ${cm(TOLERANCE.onBlock)}, ≥ ${cm(TOLERANCE.onBlockAbove)} above its centre` },
  { relation: 'did not move', holds: `moved ≤ ${cm(TOLERANCE.unmoved)} (in 3-D)` },
  {
    relation: 'left of / right of / above / below X',
    holds:
      `${span(TOLERANCE.beside)} from X that way, ≤ ${cm(TOLERANCE.offDirection)} off that line; ` +
      `"a little" ${span(TOLERANCE.magnitude['a little'])}, "a lot" ${span(TOLERANCE.magnitude['a lot'])}`,
  },
  { relation: 'closest / farthest', holds: 'by distance, as things were at the instruction' },
  {
    relation: 'in a line',
    holds: `all within ${cm(TOLERANCE.offLine)} of one straight line, ≥ ${cm(TOLERANCE.lineSpacing)} apart; horizontal = same x, vertical = same y`,
  },
  { relation: 'a stack', holds: `each block on the one below, ≥ ${cm(TOLERANCE.stackStep)} higher` },
];

const directionText = () =>
  (Object.keys(DIRECTIONS) as Direction[]).map((d) => `${d} = ${DIRECTIONS[d].axis}${d === 'top' || d === 'left' ? ` (${DIRECTIONS[d].meaning})` : ''}`).join(', ');
const synonymText = () => `${Object.keys(DIRECTION_SYNONYMS).map((w) => `"${w}"`).join('/')} = ${Object.values(DIRECTION_SYNONYMS).join('/')}`;
const coord = (v: number) => String(Math.round(v * 1000) / 1000);

/** The named positions: as their grid's rows and columns when they form one (fewer tokens), else one by one. */
function namedPositionsText(p: Record<string, Vec3>): string {
  const grid = gridOf(p);
  if (grid) {
    const { x, y } = grid;
    return (
      `Named positions: ${Object.keys(p).join(', ')}; ` +
      `x: top ${coord(x.top)}, middle ${coord(x.middle)}, bottom ${coord(x.bottom)}; y: left ${coord(y.left)}, middle ${coord(y.middle)}, right ${coord(y.right)}.`
    );
  }
  const listed = Object.entries(p).map(([n, q]) => `${n} (${coord(q.x)}, ${coord(q.y)})`);
  return `Named positions (x, y): ${listed.join(', ') || 'none'}.`;
}

/** The vocabulary as the model is told it: directions, named positions, and when each relation holds. */
export function vocabularyText(world: Pick<WorldInfo, 'namedPositions'>): string {
  return [
    `Directions: ${directionText()}; ${synonymText()}.`,
    namedPositionsText(world.namedPositions),
    'Relations, as Wand checks them (centre distances in x-y):',
    ...RELATIONS.map((r) => `- ${r.relation}: ${r.holds}`),
  ].join('\n');
}

// ---- The relations, computed. ----

export const xyDistance = (a: XY, b: XY) => Math.hypot(a.x - b.x, a.y - b.y);
export const distance3 = (a: Vec3, b: Vec3) => Math.hypot(a.x - b.x, a.y - b.y, a.z - b.z);

export interface RelationCheck {
  holds: boolean;
  /** x-y distance between the centres. */
  distance: number;
  /** The tolerance that applied. */
  limit: number;
}

export const onTable = (o: ObjectInfo) => o.position.z > TOLERANCE.offTable;

/** Is the object on a point (a named position's or any other), by the vocabulary? */
export function onPoint(obj: ObjectInfo, point: XY): RelationCheck {
  const distance = xyDistance(obj.position, point);
  return { holds: distance <= TOLERANCE.onPosition && onTable(obj), distance, limit: TOLERANCE.onPosition };
}

/** Is the object in the bowl / on the block `base`? */
export function onObject(obj: ObjectInfo, base: ObjectInfo): RelationCheck {
  const distance = xyDistance(obj.position, base.position);
  if (base.kind === 'bowl') {
    const above = obj.position.z > base.position.z - base.size.z / 2;
    return { holds: distance <= TOLERANCE.inBowl && above, distance, limit: TOLERANCE.inBowl };
  }
  const above = obj.position.z >= base.position.z + TOLERANCE.onBlockAbove;
  return { holds: distance <= TOLERANCE.onBlock && above, distance, limit: TOLERANCE.onBlock };
}

export const didNotMove = (before: Vec3, after: Vec3) => distance3(before, after) <= TOLERANCE.unmoved;

/** Where `p` is relative to `ref` in a direction: how far along it, and how far off the line through `ref`. */
export function offsetFrom(p: XY, ref: XY, dir: Direction): { along: number; across: number } {
  const v = DIRECTIONS[dir];
  const d = { x: p.x - ref.x, y: p.y - ref.y };
  return { along: d.x * v.x + d.y * v.y, across: Math.abs(d.x * v.y - d.y * v.x) };
}

/** "To the <dir> of ref" (or "a little" / "a lot" to it, given a magnitude). */
export function beside(p: XY, ref: XY, dir: Direction, magnitude?: Magnitude): RelationCheck & { along: number; across: number } {
  const { along, across } = offsetFrom(p, ref, dir);
  const [lo, hi] = magnitude ? TOLERANCE.magnitude[magnitude] : TOLERANCE.beside;
  return { holds: along >= lo && along <= hi && across <= TOLERANCE.offDirection, distance: along, limit: hi, along, across };
}

/** Are the points in a line of that orientation (as seen by the robot: horizontal runs left to right, along y)? */
export function inLine(points: XY[], orientation: LineOrientation): boolean {
  if (points.length < 2) return true;
  const spread = (vs: number[]) => Math.max(...vs) - Math.min(...vs);
  if (orientation === 'horizontal') return spread(points.map((p) => p.x)) <= TOLERANCE.offLine;
  if (orientation === 'vertical') return spread(points.map((p) => p.y)) <= TOLERANCE.offLine;
  // Diagonal: every point near the line through the two extremes, which is neither axis-aligned.
  const [a, b] = [points[0]!, points[points.length - 1]!];
  const len = xyDistance(a, b);
  if (len < 0.05 || Math.abs(b.x - a.x) < 0.03 || Math.abs(b.y - a.y) < 0.03) return false;
  return points.every((p) => Math.abs((b.x - a.x) * (a.y - p.y) - (a.x - p.x) * (b.y - a.y)) / len <= TOLERANCE.offLine);
}

/** The largest distance of any point from the best straight line through them (total least squares), in metres. */
export function lineDeviation(points: XY[]): number {
  if (points.length < 3) return 0;
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    syy += (p.y - my) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  const angle = Math.atan2(2 * sxy, sxx - syy) / 2;
  const [ux, uy] = [Math.cos(angle), Math.sin(angle)];
  return Math.max(...points.map((p) => Math.abs(-(p.x - mx) * uy + (p.y - my) * ux)));
}

/** The closest pair's distance in x-y (Infinity for fewer than two points). */
export function minSpacing(points: XY[]): number {
  let best = Infinity;
  points.forEach((p, i) => points.slice(i + 1).forEach((q) => (best = Math.min(best, xyDistance(p, q)))));
  return best;
}

/** Names ordered by x-y distance from a point, closest first. */
export function byDistance<T extends { name: string }>(items: T[], at: (item: T) => XY, from: XY): { name: string; distance: number }[] {
  return items.map((i) => ({ name: i.name, distance: xyDistance(at(i), from) })).sort((a, b) => a.distance - b.distance);
}

/** What an object rests on directly: the highest object it is on (or in), if any. */
export function supportOf(objects: ObjectInfo[], obj: ObjectInfo): ObjectInfo | undefined {
  return objects
    .filter((o) => o.name !== obj.name && onObject(obj, o).holds)
    .sort((a, b) => b.position.z - a.position.z)[0];
}

/** The words for an object resting on another: "in the blue bowl" / "on the red block". */
const restingWord = (base: ObjectInfo) => (base.kind === 'bowl' ? 'in' : 'on');

/**
 * What holds for one object now, in the vocabulary's words: what it rests in or on, what rests on it, the
 * named position it is on (or the nearest one), and the objects it is to the left / right / top / bottom of.
 */
export function relationsOf(
  objects: ObjectInfo[],
  namedPositions: Record<string, Vec3>,
  name: string,
  holding: string | null = null,
): string[] {
  const obj = objects.find((o) => o.name === name);
  if (!obj) return [];
  const out: string[] = [];
  if (holding === name) out.push('held in the gripper');
  if (!onTable(obj)) out.push('off the table');
  const others = objects.filter((o) => o.name !== name);
  // Direct contact only: in a stack, the top block is on the one below it, not on all of them.
  const base = supportOf(objects, obj);
  if (base) out.push(`${restingWord(base)} the ${base.name}`);
  const above = others.filter((o) => supportOf(objects, o) === obj);
  for (const top of above) out.push(obj.kind === 'bowl' ? `holds the ${top.name}` : `under the ${top.name}`);
  const nearest = byDistance(Object.entries(namedPositions).map(([n, p]) => ({ name: n, p })), (e) => e.p, obj.position)[0];
  if (nearest) {
    out.push(
      nearest.distance <= TOLERANCE.onPosition && onTable(obj)
        ? `on the ${nearest.name} (${cm(nearest.distance)} from it)`
        : `nearest named position: the ${nearest.name}, ${cm(nearest.distance)} away`,
    );
  }
  // Beside: not for what it rests on or what rests on it (nor anything else it is stacked with).
  for (const o of others.filter((o) => !onObject(obj, o).holds && !onObject(o, obj).holds)) {
    for (const dir of Object.keys(DIRECTIONS) as Direction[]) {
      const b = beside(obj.position, o.position, dir);
      if (b.holds) out.push(`to the ${dir} of the ${o.name} (${cm(b.along)})`);
    }
  }
  return out;
}
