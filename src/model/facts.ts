import type { StateSnapshot, WorldInfo } from '../../primitives/backend.ts';
import type { ObjectInfo, Vec3 } from '../../primitives/schemas.ts';
import {
  beside,
  byDistance,
  cm,
  CORNERS,
  DIRECTION_SYNONYMS,
  DIRECTIONS,
  distance3,
  inLine,
  lineDeviation,
  minSpacing,
  onObject,
  onPoint,
  relationsOf,
  span,
  supportOf,
  TOLERANCE,
  type Direction,
  type Magnitude,
} from '../../primitives/tabletop/vocabulary.ts';

// The facts the verifier is given instead of its own arithmetic: Wand's relations (the spatial vocabulary,
// with its tolerances) measured for the objects and places the instruction names: where each is now and
// what it rests on, how far it is from each named place and whether it counts as on it, what moved,
// positions relative to a reference as it was when the instruction was given, rankings for "closest" and
// "n-th from", lines and stacks. The model judges the instruction against these, and says which it used.

type XY = { x: number; y: number };

const lower = (s: string) => s.toLowerCase();
const has = (text: string, phrase: string) => new RegExp(`\\b${phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(text);

/** The objects an instruction is about: named ones, a kind named generically ("the blocks", "the block closest to"), or all. */
export function mentionedObjects(instruction: string, objects: ObjectInfo[]): ObjectInfo[] {
  const text = lower(instruction);
  const named = objects.filter((o) => has(text, lower(o.name)));
  const out = new Set(named);
  for (const kind of ['block', 'bowl'] as const) {
    const plural = has(text, `${kind}s`);
    // "the block closest to ..." names no block: every block is a candidate.
    const generic = has(text, kind) && !named.some((o) => o.kind === kind);
    if (plural || generic) for (const o of objects) if (o.kind === kind) out.add(o);
  }
  if (/\b(objects|things|everything|all of them)\b/.test(text) || !out.size) for (const o of objects) out.add(o);
  return objects.filter((o) => out.has(o));
}

/** The named positions an instruction names; "corner(s)" without a particular one means all four. */
export function mentionedPlaces(instruction: string, positions: Record<string, unknown>): string[] {
  const text = lower(instruction);
  const names = Object.keys(positions).filter((n) => has(text, lower(n)));
  if (/\bcorners?\b/.test(text) && !names.some((n) => n.endsWith('corner'))) names.push(...CORNERS.filter((c) => c in positions));
  return names;
}

const DIRECTION_WORDS = [...Object.keys(DIRECTIONS), ...Object.keys(DIRECTION_SYNONYMS)].join('|');

/** "(a little) to the left of the blue bowl", "above the red block": direction, reference, magnitude. */
function directionalReferences(instruction: string, objects: ObjectInfo[]): { dir: Direction; ref: ObjectInfo; magnitude?: Magnitude }[] {
  const text = lower(instruction);
  const re = new RegExp(`(a little|a lot)?\\s*(?:to the |on the )?(${DIRECTION_WORDS})(?: side)?(?: of)? the ([a-z]+ (?:block|bowl))`, 'g');
  const out: { dir: Direction; ref: ObjectInfo; magnitude?: Magnitude }[] = [];
  for (const m of text.matchAll(re)) {
    const ref = objects.find((o) => lower(o.name) === m[3]);
    const word = m[2]!;
    const dir = (DIRECTION_SYNONYMS[word] ?? word) as Direction;
    if (ref) out.push({ dir, ref, ...(m[1] ? { magnitude: m[1] as Magnitude } : {}) });
  }
  return out;
}

const at = (objects: ObjectInfo[], name: string) => objects.find((o) => o.name === name);
const point = (p: XY) => `(${p.x.toFixed(3)}, ${p.y.toFixed(3)})`;
const yes = (b: boolean) => (b ? 'yes' : 'no');

/** What the facts are computed from: the two worlds, the named positions and the instruction's roles. */
interface Scene {
  text: string;
  before: ObjectInfo[];
  after: ObjectInfo[];
  holding: string | null;
  positions: Record<string, Vec3>;
  /** Every object the instruction is about. */
  mentioned: ObjectInfo[];
  /** The objects to be moved: neither a target ("in the blue bowl") nor a reference ("left of the red block"). */
  subjects: ObjectInfo[];
  targets: Set<ObjectInfo>;
  places: string[];
  movedBy(o: ObjectInfo): number;
}

/** Each object the instruction is about: did it move, what it rests on now, where it is. */
function objectFacts(s: Scene): string[] {
  const names = [...s.mentioned.map((o) => o.name), ...s.places];
  return s.mentioned.map((o) => {
    // Directions relative to things the instruction does not name are noise.
    const relations = relationsOf(s.after, s.positions, o.name, s.holding).filter((r) => !r.startsWith('to the ') || names.some((n) => r.includes(`the ${n} (`)));
    const moved = s.movedBy(o);
    const motion = moved > TOLERANCE.unmoved ? `moved ${cm(moved)}` : 'did not move';
    return `${o.name} at ${point(o.position)}: ${motion}${relations.length ? `; ${relations.join('; ')}` : ''}`;
  });
}

/** Each object to be moved against the named place; with several places ("different corners"), the one it is on. */
function placeFacts(s: Scene): string[] {
  if (s.places.length === 1) {
    const place = s.places[0]!;
    return s.subjects.map((o) => {
      const on = onPoint(o, s.positions[place]!);
      return `${o.name} - ${place}: ${cm(on.distance)} away, ${on.holds ? 'on it' : 'not on it'} (on = within ${cm(on.limit)})`;
    });
  }
  if (!s.places.length) return [];
  return s.subjects.map((o) => {
    const [nearest] = byDistance(s.places.map((name) => ({ name })), (p) => s.positions[p.name]!, o.position);
    const on = onPoint(o, s.positions[nearest!.name]!);
    const which = on.holds ? `on the ${nearest!.name}` : 'on none of them';
    return `${o.name} - ${s.places.join(' / ')}: ${which} (nearest the ${nearest!.name}, ${cm(on.distance)} away; on = within ${cm(on.limit)})`;
  });
}

/** Each object to be moved against each object it is to go in or on. */
function targetFacts(s: Scene): string[] {
  return [...s.targets].flatMap((target) => {
    const word = target.kind === 'bowl' ? 'in' : 'on';
    return s.subjects
      .filter((o) => o !== target)
      .map((o) => {
        const on = onObject(o, target);
        return `${o.name} - ${target.name}: ${cm(on.distance)} from its centre, ${on.holds ? `${word} it` : `not ${word} it`} (${word} = within ${cm(on.limit)})`;
      });
  });
}

/** "To the left of X", "a little above X": measured from X as it was when the instruction was given. */
function directionFacts(s: Scene): string[] {
  return directionalReferences(s.text, s.after).flatMap(({ dir, ref, magnitude }) => {
    const start = at(s.before, ref.name)?.position ?? ref.position;
    const range = magnitude ? TOLERANCE.magnitude[magnitude] : TOLERANCE.beside;
    const word = magnitude ? `${magnitude} to the ${dir}` : `to the ${dir}`;
    return s.subjects
      .filter((o) => o.name !== ref.name)
      .map((o) => {
        const b = beside(o.position, start, dir, magnitude);
        return (
          `${o.name} from where the ${ref.name} was: ${cm(b.along)} towards the ${dir}, ${cm(b.across)} off that line; ` +
          `${word} of it (${span(range)}, ≤ ${cm(TOLERANCE.offDirection)} off): ${yes(b.holds)}`
        );
      });
  });
}

/** "Closest / farthest to X" and "the second block from the left": rankings as they were at the instruction. */
function rankingFacts(s: Scene): string[] {
  const out: string[] = [];
  const extreme = /\b(corner|block|bowl)s? (?:that is |which is )?(?:closest|nearest|farthest|furthest) (?:to|from) the ([a-z]+ (?:block|bowl))/.exec(s.text);
  const ref = extreme && s.before.find((o) => lower(o.name) === extreme[2]);
  if (extreme && ref) {
    const ranked =
      extreme[1] === 'corner'
        ? byDistance(CORNERS.filter((c) => c in s.positions).map((name) => ({ name })), (c) => s.positions[c.name]!, ref.position)
        : byDistance(s.before.filter((o) => o.kind === extreme[1] && o.name !== ref.name), (o) => o.position, ref.position);
    out.push(`${extreme[1]}s by distance to the ${ref.name} when the instruction was given: ${ranked.map((r) => `${r.name} ${cm(r.distance)}`).join(', ')}`);
  }
  const nth = new RegExp(`\\bfrom the (${DIRECTION_WORDS})\\b`).exec(s.text);
  if (nth) {
    const dir = (DIRECTION_SYNONYMS[nth[1]!] ?? nth[1]) as Direction;
    const v = DIRECTIONS[dir];
    const kind = /\bbowl/.test(s.text.slice(0, nth.index)) ? 'bowl' : 'block';
    const along = (o: ObjectInfo) => o.position.x * v.x + o.position.y * v.y;
    const order = s.before.filter((o) => o.kind === kind).sort((a, b) => along(b) - along(a));
    out.push(`${kind}s counted from the ${dir} when the instruction was given: ${order.map((o, i) => `${i + 1}. ${o.name}`).join(', ')}`);
  }
  return out;
}

/** "In a line": how straight and spread the blocks are; "stack": what each block rests on. */
function arrangementFacts(s: Scene): string[] {
  const out: string[] = [];
  const blocks = s.subjects.filter((o) => o.kind === 'block');
  if (/\b(line|row|column)\b/.test(s.text) && blocks.length >= 2) {
    const pts = blocks.map((o) => o.position);
    const spread = (vs: number[]) => cm(Math.max(...vs) - Math.min(...vs));
    out.push(
      `line of the blocks: x spread ${spread(pts.map((p) => p.x))}, y spread ${spread(pts.map((p) => p.y))}, ` +
        `farthest from one straight line ${cm(lineDeviation(pts))}, closest two ${cm(minSpacing(pts))} apart; ` +
        `horizontal: ${yes(inLine(pts, 'horizontal'))}, vertical: ${yes(inLine(pts, 'vertical'))}, diagonal: ${yes(inLine(pts, 'diagonal'))} ` +
        `(within ${cm(TOLERANCE.offLine)}, ≥ ${cm(TOLERANCE.lineSpacing)} apart: ${yes(minSpacing(pts) >= TOLERANCE.lineSpacing)})`,
    );
  }
  if (/\bstack/.test(s.text)) {
    const chain = [...blocks]
      .sort((a, b) => a.position.z - b.position.z)
      .map((b) => {
        const base = supportOf(s.after, b);
        return `${b.name} on ${base ? `the ${base.name}` : 'the table'}`;
      });
    out.push(`stack, bottom to top: ${chain.join(', ')}`);
  }
  return out;
}

/**
 * Wand's relation facts for the verifier, one line each. `initial` is the world when the instruction was
 * given, `final` the world now. Profiles without the tabletop's vocabulary get only what moved.
 */
export function verificationFacts(instruction: string, initial: StateSnapshot, final: StateSnapshot, world: WorldInfo, profile: string): string[] {
  const { objects: before } = initial;
  const { objects: after } = final;
  const movedBy = (o: ObjectInfo) => {
    const was = at(before, o.name);
    return was ? distance3(was.position, o.position) : 0;
  };
  const movedText = (objects: ObjectInfo[]) => objects.filter((o) => movedBy(o) > TOLERANCE.unmoved).map((o) => `${o.name} ${cm(movedBy(o))}`).join(', ');
  if (profile !== 'tabletop') return [`moved: ${movedText(after) || 'nothing'}`];

  const text = lower(instruction);
  const mentioned = mentionedObjects(instruction, after);
  // Roles: what things go on or in (targets), what they are measured from (references), and the rest,
  // the objects to be moved. "Stack the blocks" has neither: every block is to be moved.
  const after_the = (words: string) => new Set(mentioned.filter((o) => new RegExp(`\\b(?:${words}) the ${lower(o.name)}\\b`).test(text)));
  const targets = after_the('on|in|into|onto|on top of');
  const references = after_the('of|to|from');
  const movable = mentioned.filter((o) => !targets.has(o) && !references.has(o));
  const scene: Scene = {
    text,
    before,
    after,
    holding: final.holding,
    positions: world.namedPositions,
    mentioned,
    subjects: movable.length ? movable : mentioned,
    targets,
    places: mentionedPlaces(instruction, world.namedPositions),
    movedBy,
  };
  return [
    ...objectFacts(scene),
    ...placeFacts(scene),
    ...targetFacts(scene),
    ...directionFacts(scene),
    ...rankingFacts(scene),
    ...arrangementFacts(scene),
    // Whatever else moved: "no other object moved" is part of most instructions.
    `other objects that moved more than ${cm(TOLERANCE.unmoved)}: ${movedText(after.filter((o) => !mentioned.includes(o))) || 'none'}`,
    `gripper holds: ${final.holding ?? 'nothing'}`,
  ];
}
