import type { Color, ObjectInfo } from '../../primitives/schemas.ts';
import { NAMED_POSITIONS, WORKSPACE } from '../../primitives/tabletop/world.ts';
import {
  COLOR_SPLIT,
  CORNERS,
  DIRECTION_SPLIT,
  DIRECTION_VECTOR,
  EXTREME_SPLIT,
  LINE_SPLIT,
  MAGNITUDE_SPLIT,
  ORDINAL_INDEX,
  ORDINAL_SPLIT,
  PLACE_SPLIT,
  type Direction,
  type Split,
} from './attributes.ts';
import { layout, type SceneObject } from './layout.ts';
import { beside, cm, minSpacing, span as range, TOLERANCE, xyDistance } from '../../primitives/tabletop/vocabulary.ts';
import { findIn, inLine, isNear, isOn, unmoved } from './predicates.ts';
import { pickOne, shuffle } from './rng.ts';

// The tabletop suite: Code as Policies' instruction templates, each with a programmatic success
// predicate resolved from the initial state. The README publishes these predicates and thresholds.

export interface Verdict {
  success: boolean;
  reason: string;
}
export type Check = (initial: ObjectInfo[], final: ObjectInfo[]) => Verdict;

export interface Draft {
  instruction: string;
  objects: SceneObject[];
  check: Check;
  /** A reference program that solves the episode: the oracle for tests and the instant scripted model of the bench. */
  solution: string;
}

export interface Template {
  id: string;
  /** Whether the instruction template itself is seen or unseen. */
  split: Split;
  /** The success predicate in words, for the README and reports. */
  success: string;
  /** Draws one episode with attributes from `attrs`; null when the draw is infeasible (draw again). */
  draw(random: () => number, attrs: Split): Draft | null;
}

const ok = (reason = 'ok'): Verdict => ({ success: true, reason });
const fail = (reason: string): Verdict => ({ success: false, reason });
const block = (c: Color) => `${c} block`;
const bowl = (c: Color) => `${c} bowl`;

function colours(random: () => number, attrs: Split, n: number): Color[] {
  return shuffle(random, COLOR_SPLIT[attrs]).slice(0, n);
}

function scene(random: () => number, blocks: Color[], bowls: Color[], keepClear: string[] = []): SceneObject[] | null {
  return layout(random, [...bowls.map((color) => ({ kind: 'bowl' as const, color })), ...blocks.map((color) => ({ kind: 'block' as const, color }))], keepClear);
}

/** All checks in order; the first failing one explains the verdict. */
function all(...checks: [boolean, string][]): Verdict {
  const failed = checks.find(([good]) => !good);
  return failed ? fail(failed[1]) : ok();
}

/** Everything except `moving` stayed where it was (bowls that receive blocks may be nudged, so they can be excused). */
function othersStill(initial: ObjectInfo[], final: ObjectInfo[], moving: string[]): [boolean, string] {
  const moved = initial.filter((o) => !moving.includes(o.name) && !unmoved(initial, final, o.name)).map((o) => o.name);
  return [moved.length === 0, `objects that should not have moved did: ${moved.join(', ')}`];
}

const pos = (objs: ObjectInfo[], name: string) => findIn(objs, name).position;
const dist = xyDistance;
const reachable = (p: { x: number; y: number }, margin = 0.02) =>
  p.x >= WORKSPACE.x[0] + margin && p.x <= WORKSPACE.x[1] - margin && p.y >= WORKSPACE.y[0] + margin && p.y <= WORKSPACE.y[1] - margin;

const js = (v: unknown) => JSON.stringify(v);

/** Reference program for "to the <direction> of the bowl": offset from the bowl's centre as observed. */
function offsetSolution(a: string, ref: string, dir: Direction, distance: number): string {
  const v = DIRECTION_VECTOR[dir];
  return `const c = getObject(${js(ref)}).position;\nputOn(${js(a)}, { x: c.x + ${distance * v.x}, y: c.y + ${distance * v.y} });`;
}

/**
 * Spots for the reference line programs, outside the area where episodes place blocks
 * (x ≥ 0.265 and |y| ≤ 0.255 with the footprint), so the oracle never drops a block onto another.
 */
const LINE_SPOTS = {
  horizontal: [{ x: 0.22, y: -0.1 }, { x: 0.22, y: 0 }, { x: 0.22, y: 0.1 }],
  vertical: [{ x: 0.3, y: -0.28 }, { x: 0.4, y: -0.28 }, { x: 0.5, y: -0.28 }],
  diagonal: [{ x: 0.21, y: -0.2 }, { x: 0.235, y: -0.245 }, { x: 0.26, y: -0.29 }],
};

/** The common shape: one object must end on a target, and nothing else may move (bar `excused`). */
function putOneOn(instruction: string, objects: SceneObject[], obj: string, target: string, failure: string, excused: string[] = []): Draft {
  return {
    instruction,
    objects,
    check: (i, f) => all([isOn(f, obj, target), failure], othersStill(i, f, [obj, ...excused])),
    solution: `putOn(${js(obj)}, ${js(target)});`,
  };
}

// The success texts quote the vocabulary's numbers, so the README cannot drift from the checks.
const T = TOLERANCE;
const ON_BLOCK = `centre within ${cm(T.onBlock)} in x-y, above it`;
const IN_BOWL = `centre within ${cm(T.inBowl)} in x-y, above its floor`;
const ON_PLACE = `within ${cm(T.onPosition)} in x-y of`;

export const TEMPLATES: Template[] = [
  {
    id: 'pick-place-on-block',
    split: 'seen',
    success: `the block is on the other block (${ON_BLOCK}); no other object moved`,
    draw(random, attrs) {
      const cs = colours(random, attrs, 4);
      const [a, b] = [block(cs[0]!), block(cs[1]!)];
      const objects = scene(random, cs.slice(0, 3), cs.slice(3));
      if (!objects) return null;
      return putOneOn(`Pick up the ${a} and place it on the ${b}.`, objects, a, b, `${a} is not on ${b}`);
    },
  },
  {
    id: 'block-in-bowl',
    split: 'seen',
    success: `the block is in the bowl (${IN_BOWL}); no other block moved`,
    draw(random, attrs) {
      const cs = colours(random, attrs, 4);
      const [a, target] = [block(cs[0]!), bowl(cs[2]!)];
      const objects = scene(random, cs.slice(0, 2), cs.slice(2, 4));
      if (!objects) return null;
      // A bowl that receives a block may be nudged.
      return putOneOn(`Put the ${a} in the ${target}.`, objects, a, target, `${a} is not in ${target}`, [target]);
    },
  },
  {
    id: 'all-blocks-on-place',
    split: 'seen',
    success: `every block is ${ON_PLACE} the named position; the bowls did not move`,
    draw(random, attrs) {
      const place = pickOne(random, PLACE_SPLIT[attrs]);
      const cs = colours(random, attrs, 4);
      const blocks = cs.slice(0, 3).map(block);
      const objects = scene(random, cs.slice(0, 3), cs.slice(3), [place]);
      if (!objects) return null;
      return {
        instruction: `Put all the blocks on the ${place}.`,
        objects,
        check: (i, f) => all(...blocks.map((b): [boolean, string] => [isOn(f, b, place), `${b} is not on the ${place}`]), othersStill(i, f, blocks)),
        solution: `for (const b of ${js(blocks)}) putOn(b, ${js(place)});`,
      };
    },
  },
  {
    id: 'blocks-in-bowl',
    split: 'seen',
    success: `every block is in the bowl (${IN_BOWL})`,
    draw(random, attrs) {
      const cs = colours(random, attrs, 4);
      const blocks = cs.slice(0, 2).map(block);
      const target = bowl(cs[2]!);
      const objects = scene(random, cs.slice(0, 2), cs.slice(2, 4));
      if (!objects) return null;
      return {
        instruction: `Put all the blocks in the ${target}.`,
        objects,
        check: (_i, f) => all(...blocks.map((b): [boolean, string] => [isOn(f, b, target), `${b} is not in ${target}`])),
        solution: `for (const b of ${js(blocks)}) putOn(b, ${js(target)});`,
      };
    },
  },
  {
    id: 'matching-bowls',
    split: 'seen',
    success: 'every block is in the bowl of its colour',
    draw(random, attrs) {
      const cs = colours(random, attrs, 3);
      const objects = scene(random, cs, shuffle(random, cs));
      if (!objects) return null;
      return {
        instruction: 'Put the blocks in the bowls with matching colors.',
        objects,
        check: (_i, f) => all(...cs.map((c): [boolean, string] => [isOn(f, block(c), bowl(c)), `${block(c)} is not in ${bowl(c)}`])),
        solution: cs.map((c) => `putOn(${js(block(c))}, ${js(bowl(c))});`).join('\n'),
      };
    },
  },
  {
    id: 'block-direction-of-bowl',
    split: 'seen',
    success: `the block is ${range(T.beside)} from the bowl centre in that direction and within ${cm(T.offDirection)} of the line through it`,
    draw(random, attrs) {
      const dir = pickOne(random, DIRECTION_SPLIT[attrs]);
      const cs = colours(random, attrs, 3);
      const [a, ref] = [block(cs[0]!), bowl(cs[2]!)];
      const objects = scene(random, cs.slice(0, 2), cs.slice(2));
      if (!objects) return null;
      const b = objects.find((o) => o.kind === 'bowl')!.position;
      const v = DIRECTION_VECTOR[dir];
      if (!reachable({ x: b.x + 0.12 * v.x, y: b.y + 0.12 * v.y })) return null;
      return {
        instruction: `Put the ${a} to the ${dir} of the ${ref}.`,
        objects,
        check: (i, f) => {
          const r = beside(pos(f, a), pos(i, ref), dir);
          return all(
            [r.holds, `${a} is not to the ${dir} of ${ref}`],
            othersStill(i, f, [a]),
          );
        },
        solution: offsetSolution(a, ref, dir, 0.12),
      };
    },
  },
  {
    id: 'block-extreme-to-bowl',
    split: 'seen',
    success: 'the block closest (farthest) to the bowl at the start is on the named position; no other block moved',
    draw(random, attrs) {
      const extreme = pickOne(random, EXTREME_SPLIT[attrs]);
      const place = pickOne(random, PLACE_SPLIT[attrs]);
      const cs = colours(random, attrs, 4);
      const ref = bowl(cs[3]!);
      const objects = scene(random, cs.slice(0, 3), cs.slice(3), [place]);
      if (!objects) return null;
      const b = objects.find((o) => o.kind === 'bowl')!.position;
      const ranked = objects.filter((o) => o.kind === 'block').sort((p, q) => dist(p.position, b) - dist(q.position, b));
      if (extreme === 'farthest') ranked.reverse();
      if (Math.abs(dist(ranked[0]!.position, b) - dist(ranked[1]!.position, b)) < T.clearMargin) return null;
      const target = block(ranked[0]!.color);
      return putOneOn(`Put the block ${extreme} to the ${ref} on the ${place}.`, objects, target, place, `${target} (the ${extreme} block) is not on the ${place}`);
    },
  },
  {
    id: 'nth-block-from-direction',
    split: 'seen',
    success: 'the n-th block counted from that side at the start is on the named position; no other block moved',
    draw(random, attrs) {
      const dir = pickOne(random, DIRECTION_SPLIT[attrs]);
      const ordinal = pickOne(random, ORDINAL_SPLIT[attrs]);
      const place = pickOne(random, PLACE_SPLIT[attrs]);
      const cs = colours(random, attrs, 4);
      const objects = scene(random, cs, [], [place]);
      if (!objects) return null;
      const v = DIRECTION_VECTOR[dir];
      const ranked = [...objects].sort((p, q) => q.position.x * v.x + q.position.y * v.y - (p.position.x * v.x + p.position.y * v.y));
      const proj = ranked.map((o) => o.position.x * v.x + o.position.y * v.y);
      if (proj.some((p, k) => k > 0 && proj[k - 1]! - p < T.clearMargin)) return null;
      const target = block(ranked[ORDINAL_INDEX[ordinal]!]!.color);
      return putOneOn(`Put the ${ordinal} block from the ${dir} on the ${place}.`, objects, target, place, `${target} (the ${ordinal} from the ${dir}) is not on the ${place}`);
    },
  },
  {
    id: 'block-on-place',
    split: 'seen',
    success: `the block is ${ON_PLACE} the named position; no other object moved`,
    draw(random, attrs) {
      const place = pickOne(random, PLACE_SPLIT[attrs]);
      const cs = colours(random, attrs, 3);
      const a = block(cs[0]!);
      const objects = scene(random, cs.slice(0, 2), cs.slice(2), [place]);
      if (!objects) return null;
      return putOneOn(`Put the ${a} on the ${place}.`, objects, a, place, `${a} is not on the ${place}`);
    },
  },
  {
    id: 'blocks-different-corners',
    split: 'unseen',
    success: `each block is ${ON_PLACE} a corner, no two blocks on the same corner`,
    draw(random, attrs) {
      const cs = colours(random, attrs, 4);
      const blocks = cs.slice(0, 3).map(block);
      const objects = scene(random, cs.slice(0, 3), cs.slice(3), CORNERS);
      if (!objects) return null;
      return {
        instruction: 'Put the blocks in different corners.',
        objects,
        check: (_i, f) => {
          const corners = blocks.map((b) => CORNERS.find((c) => isNear(f, b, NAMED_POSITIONS[c]!)));
          return all([corners.every(Boolean), 'not every block is on a corner'], [new Set(corners).size === blocks.length, 'two blocks share a corner']);
        },
        solution: blocks.map((b, k) => `putOn(${js(b)}, ${js(CORNERS[k])});`).join('\n'),
      };
    },
  },
  {
    id: 'mismatched-bowls',
    split: 'unseen',
    success: 'every block is in a bowl of a different colour',
    draw(random, attrs) {
      const cs = colours(random, attrs, 3);
      const objects = scene(random, cs, shuffle(random, cs));
      if (!objects) return null;
      return {
        instruction: 'Put the blocks in the bowls with mismatched colors.',
        objects,
        check: (_i, f) =>
          all(...cs.map((c): [boolean, string] => [cs.some((d) => d !== c && isOn(f, block(c), bowl(d))), `${block(c)} is not in a bowl of another colour`])),
        solution: cs.map((c, k) => `putOn(${js(block(c))}, ${js(bowl(cs[(k + 1) % cs.length]!))});`).join('\n'),
      };
    },
  },
  {
    id: 'stack-on-place',
    split: 'unseen',
    success: `every block is ${ON_PLACE} the named position and they form one stack (each block at least ${cm(T.stackStep)} above the one below)`,
    draw(random, attrs) {
      const place = pickOne(random, PLACE_SPLIT[attrs]);
      const cs = colours(random, attrs, 3);
      const blocks = cs.map(block);
      const objects = scene(random, cs, [], [place]);
      if (!objects) return null;
      return {
        instruction: `Stack all the blocks on the ${place}.`,
        objects,
        check: (_i, f) => {
          const zs = blocks.map((b) => pos(f, b).z).sort((p, q) => p - q);
          return all(
            ...blocks.map((b): [boolean, string] => [isOn(f, b, place), `${b} is not on the ${place}`]),
            [zs.every((z, k) => k === 0 || z - zs[k - 1]! >= T.stackStep), 'the blocks are not stacked on each other'],
          );
        },
        solution: blocks.map((b, k) => `putOn(${js(b)}, ${js(k === 0 ? place : blocks[k - 1])});`).join('\n'),
      };
    },
  },
  {
    id: 'block-magnitude-direction-of-bowl',
    split: 'unseen',
    success: `"a little": ${range(T.magnitude['a little'])} from the bowl centre in that direction; "a lot": ${range(T.magnitude['a lot'])}; within ${cm(T.offDirection)} of the line through it`,
    draw(random, attrs) {
      const dir = pickOne(random, DIRECTION_SPLIT[attrs]);
      const magnitude = pickOne(random, MAGNITUDE_SPLIT[attrs]);
      const cs = colours(random, attrs, 3);
      const [a, ref] = [block(cs[0]!), bowl(cs[2]!)];
      const objects = scene(random, cs.slice(0, 2), cs.slice(2));
      if (!objects) return null;
      const b = objects.find((o) => o.kind === 'bowl')!.position;
      const v = DIRECTION_VECTOR[dir];
      const reach = magnitude === 'a lot' ? 0.2 : 0.1;
      if (!reachable({ x: b.x + reach * v.x, y: b.y + reach * v.y })) return null;
      return {
        instruction: `Put the ${a} ${magnitude} to the ${dir} of the ${ref}.`,
        objects,
        check: (i, f) => {
          const r = beside(pos(f, a), pos(i, ref), dir, magnitude);
          return all([r.holds, `${a} is not ${magnitude} to the ${dir} of ${ref} (${cm(r.along)} along)`]);
        },
        solution: offsetSolution(a, ref, dir, reach),
      };
    },
  },
  {
    id: 'block-corner-near-bowl',
    split: 'unseen',
    success: `the block is ${ON_PLACE} the corner closest (farthest) to the bowl at the start`,
    draw(random, attrs) {
      const extreme = pickOne(random, EXTREME_SPLIT[attrs]);
      const cs = colours(random, attrs, 3);
      const [a, ref] = [block(cs[0]!), bowl(cs[2]!)];
      const objects = scene(random, cs.slice(0, 2), cs.slice(2), CORNERS);
      if (!objects) return null;
      const b = objects.find((o) => o.kind === 'bowl')!.position;
      const ranked = [...CORNERS].sort((p, q) => dist(NAMED_POSITIONS[p]!, b) - dist(NAMED_POSITIONS[q]!, b));
      if (extreme === 'farthest') ranked.reverse();
      if (Math.abs(dist(NAMED_POSITIONS[ranked[0]!]!, b) - dist(NAMED_POSITIONS[ranked[1]!]!, b)) < T.clearMargin) return null;
      const corner = ranked[0]!;
      return {
        instruction: `Put the ${a} in the corner ${extreme} to the ${ref}.`,
        objects,
        check: (_i, f) => all([isOn(f, a, corner), `${a} is not on the ${corner}`]),
        solution: `putOn(${js(a)}, ${js(corner)});`,
      };
    },
  },
  {
    id: 'blocks-in-line',
    split: 'unseen',
    success:
      `the blocks rest on the table at least ${cm(T.lineSpacing)} apart; horizontal = same x (±${cm(T.offLine)}), vertical = same y (±${cm(T.offLine)}), diagonal = within ${cm(T.offLine)} of one slanted line`,
    draw(random, attrs) {
      const orientation = pickOne(random, LINE_SPLIT[attrs]);
      const cs = colours(random, attrs, 3);
      const blocks = cs.map(block);
      const objects = scene(random, cs, []);
      if (!objects) return null;
      return {
        instruction: `Arrange the blocks in a ${orientation} line.`,
        objects,
        check: (_i, f) => {
          const ps = blocks.map((b) => pos(f, b));
          const spaced = minSpacing(ps) >= T.lineSpacing;
          return all(
            [ps.every((p) => p.z > 0 && p.z < 0.03), 'not every block rests on the table'],
            [spaced, 'blocks are closer than 4.5 cm'],
            [inLine(f, blocks, orientation), `the blocks are not in a ${orientation} line`],
          );
        },
        solution: blocks.map((b, k) => `putOn(${js(b)}, ${js(LINE_SPOTS[orientation][k])});`).join('\n'),
      };
    },
  },
];
