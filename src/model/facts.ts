import type { StateSnapshot, WorldInfo } from '../../primitives/backend.ts';
import type { ObjectInfo } from '../../primitives/schemas.ts';
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

/**
 * Wand's relation facts for the verifier, one line each. `initial` is the world when the instruction was
 * given, `final` the world now. Profiles without the tabletop's vocabulary get only what moved.
 */
export function verificationFacts(instruction: string, initial: StateSnapshot, final: StateSnapshot, world: WorldInfo, profile: string): string[] {
  const before = initial.objects;
  const after = final.objects;
  const facts: string[] = [];
  const movedBy = (o: ObjectInfo) => {
    const was = at(before, o.name);
    return was ? distance3(was.position, o.position) : 0;
  };
  if (profile !== 'tabletop') {
    const moved = after.filter((o) => movedBy(o) > TOLERANCE.unmoved);
    return [`moved: ${moved.map((o) => `${o.name} ${cm(movedBy(o))}`).join(', ') || 'nothing'}`];
  }
  const positions = world.namedPositions;
  const text = lower(instruction);
  const mentioned = mentionedObjects(instruction, after);
  const places = mentionedPlaces(instruction, positions);
  // Roles: what things go on or in (targets), what they are measured from (references), and the rest,
  // the objects to be moved (subjects). "Stack the blocks" has no target: every block is a subject.
  const named = (words: string) => new Set(mentioned.filter((o) => new RegExp(`\\b(?:${words}) the ${lower(o.name)}\\b`).test(text)));
  const targets = named('on|in|into|onto|on top of');
  const references = named('of|to|from');
  const movable = mentioned.filter((o) => !targets.has(o) && !references.has(o));
  const subjects = movable.length ? movable : mentioned;
  const mentionedNames = new Set([...mentioned.map((o) => o.name), ...places]);

  // Each object the instruction is about: did it move, what it rests on now, where it is.
  for (const o of mentioned) {
    const moved = movedBy(o);
    const relations = relationsOf(after, positions, o.name, final.holding).filter(
      (r) => !r.startsWith('to the ') || [...mentionedNames].some((n) => r.includes(`the ${n} (`)),
    );
    const motion = moved > TOLERANCE.unmoved ? `moved ${cm(moved)}` : 'did not move';
    facts.push(`${o.name} at ${point(o.position)}: ${motion}${relations.length ? `; ${relations.join('; ')}` : ''}`);
  }
  // Each object to be moved against each named place and each target object the instruction names.
  if (places.length === 1) {
    for (const o of subjects) {
      const on = onPoint(o, positions[places[0]!]!);
      facts.push(`${o.name} - ${places[0]}: ${cm(on.distance)} away, ${on.holds ? 'on it' : 'not on it'} (on = within ${cm(on.limit)})`);
    }
  } else if (places.length > 1) {
    // Several places ("different corners"): the one each object is on, if any.
    for (const o of subjects) {
      const [nearest] = byDistance(places.map((name) => ({ name })), (p) => positions[p.name]!, o.position);
      const on = onPoint(o, positions[nearest!.name]!);
      facts.push(
        `${o.name} - ${places.join(' / ')}: ${on.holds ? `on the ${nearest!.name}` : `on none of them`} (nearest the ${nearest!.name}, ${cm(on.distance)} away; on = within ${cm(on.limit)})`,
      );
    }
  }
  for (const target of targets) {
    const word = target.kind === 'bowl' ? 'in' : 'on';
    for (const o of subjects.filter((s) => s !== target)) {
      const on = onObject(o, target);
      facts.push(`${o.name} - ${target.name}: ${cm(on.distance)} from its centre, ${on.holds ? `${word} it` : `not ${word} it`} (${word} = within ${cm(on.limit)})`);
    }
  }
  // "To the left of X", "a little above X": measured from X as it was when the instruction was given.
  for (const { dir, ref, magnitude } of directionalReferences(instruction, after)) {
    const start = at(before, ref.name)?.position ?? ref.position;
    for (const o of subjects.filter((s) => s.name !== ref.name)) {
      const b = beside(o.position, start, dir, magnitude);
      const [lo, hi] = magnitude ? TOLERANCE.magnitude[magnitude] : TOLERANCE.beside;
      const word = magnitude ? `${magnitude} to the ${dir}` : `to the ${dir}`;
      facts.push(
        `${o.name} from where the ${ref.name} was: ${cm(b.along)} towards the ${dir}, ${cm(b.across)} off that line; ` +
          `${word} of it (${cm(lo)}–${cm(hi)}, ≤ ${cm(TOLERANCE.offDirection)} off): ${yes(b.holds)}`,
      );
    }
  }
  // "Closest / farthest to X": the ranking as it was when the instruction was given.
  const extreme = /\b(corner|block|bowl)s? (?:that is |which is )?(?:closest|nearest|farthest|furthest) (?:to|from) the ([a-z]+ (?:block|bowl))/.exec(text);
  const ref = extreme && before.find((o) => lower(o.name) === extreme[2]);
  if (extreme && ref) {
    const ranked =
      extreme[1] === 'corner'
        ? byDistance(CORNERS.filter((c) => c in positions).map((name) => ({ name })), (c) => positions[c.name]!, ref.position)
        : byDistance(before.filter((o) => o.kind === extreme[1] && o.name !== ref.name), (o) => o.position, ref.position);
    facts.push(`${extreme[1]}s by distance to the ${ref.name} when the instruction was given: ${ranked.map((r) => `${r.name} ${cm(r.distance)}`).join(', ')}`);
  }
  // "The second block from the left": the order as it was when the instruction was given.
  const nth = new RegExp(`\\bfrom the (${DIRECTION_WORDS})\\b`).exec(text);
  if (nth) {
    const dir = (DIRECTION_SYNONYMS[nth[1]!] ?? nth[1]) as Direction;
    const v = DIRECTIONS[dir];
    const kind = /\bbowl/.test(text.slice(0, nth.index)) ? 'bowl' : 'block';
    const order = before.filter((o) => o.kind === kind).sort((a, b) => b.position.x * v.x + b.position.y * v.y - (a.position.x * v.x + a.position.y * v.y));
    facts.push(`${kind}s counted from the ${dir} when the instruction was given: ${order.map((o, i) => `${i + 1}. ${o.name}`).join(', ')}`);
  }
  // "In a line": how straight and how spread the objects are now.
  if (/\b(line|row|column)\b/.test(text)) {
    const pts = subjects.filter((o) => o.kind === 'block').map((o) => o.position);
    if (pts.length >= 2) {
      const spread = (vs: number[]) => cm(Math.max(...vs) - Math.min(...vs));
      facts.push(
        `line of the blocks: x spread ${spread(pts.map((p) => p.x))}, y spread ${spread(pts.map((p) => p.y))}, ` +
          `farthest from one straight line ${cm(lineDeviation(pts))}, closest two ${cm(minSpacing(pts))} apart; ` +
          `horizontal: ${yes(inLine(pts, 'horizontal'))}, vertical: ${yes(inLine(pts, 'vertical'))}, diagonal: ${yes(inLine(pts, 'diagonal'))} ` +
          `(within ${cm(TOLERANCE.offLine)}, ≥ ${cm(TOLERANCE.lineSpacing)} apart: ${yes(minSpacing(pts) >= TOLERANCE.lineSpacing)})`,
      );
    }
  }
  // "Stack": what each block rests on.
  if (/\bstack/.test(text)) {
    const blocks = subjects.filter((o) => o.kind === 'block').sort((a, b) => a.position.z - b.position.z);
    const chain = blocks.map((b) => {
      const base = after.find((o) => o !== b && onObject(b, o).holds);
      return `${b.name} on ${base ? `the ${base.name}` : 'the table'}`;
    });
    facts.push(`stack, bottom to top: ${chain.join(', ')}`);
  }
  // Whatever else moved: "no other object moved" is part of most instructions.
  const others = after.filter((o) => !subjects.includes(o) && movedBy(o) > TOLERANCE.unmoved);
  facts.push(`other objects that moved more than ${cm(TOLERANCE.unmoved)}: ${others.map((o) => `${o.name} ${cm(movedBy(o))}`).join(', ') || 'none'}`);
  facts.push(`gripper holds: ${final.holding ?? 'nothing'}`);
  return facts;
}
