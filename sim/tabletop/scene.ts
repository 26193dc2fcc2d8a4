import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { WandError } from '../../src/core/errors.ts';
import { parseJsonText } from '../../src/core/json.ts';
import { COLORS, type Color, type ObjectKind, type Vec3 } from '../../primitives/schemas.ts';
import { TABLE } from '../../primitives/tabletop/world.ts';
import { footprintGap, overlaps, restingHeight, type Placed } from './footprint.ts';
import { BLOCK_HALF, BOWL_RADIUS, halfHeight, objectName } from './object-shapes.ts';
import { mulberry32 } from './prng.ts';

// Scene files: {"objects": [{"kind": "block", "color": "red", "position": {"x": 0.45, "y": 0.1}}]}.
// Without `z` an object rests on whatever is below it (listed earlier), so stacks and blocks-in-bowls can be
// written without computing heights. Every rejection names the entry, because scene files are hand-written.

export interface SceneObject {
  /** Always `${color} ${kind}`; a scene file may omit it. */
  name: string;
  kind: ObjectKind;
  color: Color;
  /** Centre of the object's bounding box; `parseScene` fills in `z` when the file leaves it out. */
  position: Vec3;
}

export interface SceneSpec {
  objects: SceneObject[];
}

const KINDS = ['block', 'bowl'] as const;
/** Generous: the arm cannot reach higher than the workspace (0.5 m) anyway; higher objects just drop. */
const MAX_Z = 1.0;

/** A value as an error message names it: one line, however big or deep the value. */
function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number') return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    return 'a value nested too deeply to show';
  }
  return text.length > 100 ? `${text.slice(0, 100)}… (${text.length} characters)` : text;
}

function unknownFields(issue: { code?: string; keys?: string[] }, expected: string): string | undefined {
  if (issue.code !== 'unrecognized_keys') return undefined;
  const keys = (issue.keys ?? []).map((k) => `"${k}"`).join(', ');
  return `unknown field${issue.keys?.length === 1 ? '' : 's'} ${keys} (expected ${expected})`;
}

const coordinate = (axis: 'x' | 'y' | 'z') =>
  z.number({
    error: (iss) =>
      iss.input === undefined ? `missing position.${axis}` : `position.${axis} must be a finite number of metres, got ${show(iss.input)}`,
  });

const SceneObjectEntry = z.strictObject(
  {
    kind: z.enum(KINDS, {
      error: (iss) => (iss.input === undefined ? 'missing "kind"' : `kind ${show(iss.input)} is not one of ${KINDS.join(', ')}`),
    }),
    color: z.enum(COLORS, {
      error: (iss) => (iss.input === undefined ? 'missing "color"' : `colour ${show(iss.input)} is not one of ${COLORS.join(', ')}`),
    }),
    position: z.strictObject(
      { x: coordinate('x'), y: coordinate('y'), z: coordinate('z').optional() },
      {
        error: (iss) =>
          unknownFields(iss as never, 'x, y and optionally z') ??
          (iss.input === undefined ? 'missing "position"' : `position must be {"x": ..., "y": ..., "z"?: ...}, got ${show(iss.input)}`),
      },
    ),
    name: z.string({ error: (iss) => `name must be a string, got ${show(iss.input)}` }).optional(),
  },
  {
    error: (iss) =>
      unknownFields(iss as never, 'kind, color, position') ?? `must be an object like {"kind": "block", "color": "red", "position": {"x": 0.5, "y": 0}}, got ${show(iss.input)}`,
  },
);

const SceneFile = z.strictObject(
  { objects: z.array(z.unknown(), { error: (iss) => (iss.input === undefined ? 'missing "objects"' : '"objects" must be an array') }) },
  { error: (iss) => unknownFields(iss as never, '"objects"') ?? 'a scene must be an object like {"objects": [...]}' },
);

function label(i: number, raw: unknown): string {
  const entry = raw as { kind?: unknown; color?: unknown } | null;
  const named = entry && typeof entry === 'object' && typeof entry.color === 'string' && typeof entry.kind === 'string';
  return named ? `objects[${i}] ("${objectName(entry.color as string, entry.kind as string)}")` : `objects[${i}]`;
}

const usage = (message: string) => new WandError('usage', message);

/** Validates a scene (parsed JSON) and fills in resting heights. Throws WandError('usage') naming the bad entry. */
export function parseScene(json: unknown): SceneSpec {
  const file = SceneFile.safeParse(json);
  if (!file.success) throw usage(`scene: ${file.error.issues.map((i) => i.message).join('; ')}`);

  const objects: SceneObject[] = [];
  const placed: Placed[] = [];
  file.data.objects.forEach((raw, i) => {
    const where = `scene ${label(i, raw)}`;
    const entry = SceneObjectEntry.safeParse(raw);
    if (!entry.success) throw usage(`${where}: ${entry.error.issues.map((issue) => issue.message).join('; ')}`);
    const { kind, color, position } = entry.data;
    const name = objectName(color, kind);
    if (entry.data.name !== undefined && entry.data.name !== name) {
      throw usage(`${where}: name ${show(entry.data.name)} does not match its colour and kind; names are always "<colour> <kind>"`);
    }
    const earlier = objects.findIndex((o) => o.name === name);
    if (earlier >= 0) throw usage(`${where}: objects[${earlier}] already has that name; each colour can be used once per kind`);
    const { x, y } = position;
    if (x < TABLE.x[0] || x > TABLE.x[1] || y < TABLE.y[0] || y > TABLE.y[1]) {
      throw usage(`${where}: position (${x}, ${y}) is off the table (x ${TABLE.x[0]}..${TABLE.x[1]}, y ${TABLE.y[0]}..${TABLE.y[1]})`);
    }
    const half = halfHeight(kind);
    if (position.z !== undefined && position.z < half - 0.001) {
      throw usage(`${where}: position.z ${position.z} is below the table top; resting on the table its centre is at z = ${half} (or leave z out)`);
    }
    if (position.z !== undefined && position.z > MAX_Z) throw usage(`${where}: position.z ${position.z} is above ${MAX_Z} m`);
    const z = position.z ?? roundMicro(restingHeight({ kind, x, y }, placed) + half);
    const here: Placed = { kind, x, y, z };
    placed.forEach((other, j) => {
      if (overlaps(here, other)) throw usage(`${where} overlaps ${label(j, objects[j])}`);
    });
    objects.push({ name, kind, color, position: { x, y, z } });
    placed.push(here);
  });
  return { objects };
}

const roundMicro = (v: number) => Math.round(v * 1e6) / 1e6;

export async function loadSceneFile(path: string): Promise<SceneSpec> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw usage(code === 'ENOENT' ? `scene file ${path} does not exist` : `cannot read scene file ${path}: ${(err as Error).message}`);
  }
  const json = parseJsonText(text, `scene file ${path}`);
  try {
    return parseScene(json);
  } catch (err) {
    if (err instanceof WandError) throw usage(`${path}: ${err.message}`);
    throw err;
  }
}

export interface RandomSceneOptions {
  blocks?: number;
  bowls?: number;
  /** Minimum clearance between footprints, metres: room for the open fingers beside every object. */
  gap?: number;
}

/** Where random objects go: the middle of the reachable workspace, so every one can be picked up. */
export const RANDOM_AREA = { x: [0.25, 0.75], y: [-0.25, 0.25] } as const;
const PLACEMENT_TRIES = 400;
const LAYOUT_TRIES = 30;

/** A deterministic random scene: the same seed and counts give the same scene everywhere. */
export function randomScene(seed: number, opts: RandomSceneOptions = {}): SceneSpec {
  const blocks = opts.blocks ?? 4;
  const bowls = opts.bowls ?? 3;
  const gap = opts.gap ?? 0.08;
  for (const [what, n] of [['blocks', blocks], ['bowls', bowls]] as const) {
    if (!Number.isInteger(n) || n < 0 || n > COLORS.length) {
      throw usage(`randomScene: ${what} must be a whole number from 0 to ${COLORS.length} (one per colour), got ${n}`);
    }
  }
  if (!Number.isFinite(seed)) throw usage(`randomScene: the seed must be a finite number, got ${seed}`);
  if (!(gap >= 0)) throw usage(`randomScene: gap must be a non-negative number of metres, got ${gap}`);

  const random = mulberry32(seed);
  const pickColors = (n: number): Color[] => {
    const pool = [...COLORS];
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool.slice(0, n);
  };
  const blockColors = pickColors(blocks);
  const bowlColors = pickColors(bowls);
  // Bowls are larger, so they go down first while there is still room.
  const wanted: { kind: ObjectKind; color: Color }[] = [
    ...bowlColors.map((color) => ({ kind: 'bowl' as const, color })),
    ...blockColors.map((color) => ({ kind: 'block' as const, color })),
  ];

  for (let layout = 0; layout < LAYOUT_TRIES; layout++) {
    const spots = placeAll(wanted, gap, random);
    if (!spots) continue;
    const objects = wanted.map((w, i) => ({ ...w, position: spots[i] }));
    // Listed blocks first, then bowls, as the Code as Policies prompts describe them.
    objects.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'block' ? -1 : 1));
    return parseScene({ objects });
  }
  throw usage(
    `randomScene: cannot fit ${blocks} blocks and ${bowls} bowls ${Math.round(gap * 100)} cm apart in x ${RANDOM_AREA.x.join('..')}, ` +
      `y ${RANDOM_AREA.y.join('..')}; ask for fewer objects or a smaller gap`,
  );
}

function placeAll(wanted: { kind: ObjectKind }[], gap: number, random: () => number): { x: number; y: number }[] | null {
  const placed: Omit<Placed, 'z'>[] = [];
  for (const { kind } of wanted) {
    const inset = kind === 'bowl' ? BOWL_RADIUS : BLOCK_HALF;
    const [x0, x1] = [RANDOM_AREA.x[0] + inset, RANDOM_AREA.x[1] - inset];
    const [y0, y1] = [RANDOM_AREA.y[0] + inset, RANDOM_AREA.y[1] - inset];
    let spot: Omit<Placed, 'z'> | undefined;
    for (let t = 0; t < PLACEMENT_TRIES && !spot; t++) {
      // Millimetre grid: scene JSON stays readable and the gap is checked on the numbers actually written.
      const candidate = { kind, x: roundMilli(x0 + random() * (x1 - x0)), y: roundMilli(y0 + random() * (y1 - y0)) };
      if (placed.every((p) => footprintGap(candidate, p) >= gap)) spot = candidate;
    }
    if (!spot) return null;
    placed.push(spot);
  }
  return placed.map(({ x, y }) => ({ x, y }));
}

const roundMilli = (v: number) => Math.round(v * 1000) / 1000;
