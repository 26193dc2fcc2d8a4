import { describe, expect, it } from 'vitest';
import type { ObjectInfo } from '../primitives/schemas.ts';
import { primitivesFor } from '../primitives/index.ts';
import {
  beside,
  cm,
  namedPositionsFor,
  RELATIONS,
  relationsOf,
  TOLERANCE,
  vocabularyText,
} from '../primitives/tabletop/vocabulary.ts';
import { NAMED_POSITIONS, TABLETOP_WORLD, WORKSPACE } from '../primitives/tabletop/world.ts';
import { callsText, systemPrompt, worldText, type PromptWorld } from '../src/model/prompt.ts';
import { template } from '../src/prompts/index.ts';
import { formatReport } from '../src/run/report.ts';
import { inLine, isOn, unmoved } from '../src/tasks/predicates.ts';
import { wand } from './helpers/cli.ts';
import { runOnTabletop, sceneFile } from './helpers/tabletop.ts';

const prims = primitivesFor('tabletop');
const world: PromptWorld = { profile: 'tabletop', primitives: prims, world: TABLETOP_WORLD };

const block = (name: string, x: number, y: number, z = 0.02): ObjectInfo => ({
  name,
  kind: 'block',
  color: name.split(' ')[0] as 'red',
  position: { x, y, z },
  size: { x: 0.04, y: 0.04, z: 0.04 },
});
const bowl = (name: string, x: number, y: number): ObjectInfo => ({
  name,
  kind: 'bowl',
  color: name.split(' ')[0] as 'blue',
  position: { x, y, z: 0.025 },
  size: { x: 0.12, y: 0.12, z: 0.05 },
});

describe('the spatial vocabulary', () => {
  it("gives today's Code as Policies positions for today's workspace, and follows another workspace's bounds", () => {
    expect(namedPositionsFor(WORKSPACE)).toEqual({
      'top left corner': { x: 0.75, y: 0.25, z: 0 },
      'top side': { x: 0.75, y: 0, z: 0 },
      'top right corner': { x: 0.75, y: -0.25, z: 0 },
      'left side': { x: 0.5, y: 0.25, z: 0 },
      middle: { x: 0.5, y: 0, z: 0 },
      'right side': { x: 0.5, y: -0.25, z: 0 },
      'bottom left corner': { x: 0.25, y: 0.25, z: 0 },
      'bottom side': { x: 0.25, y: 0, z: 0 },
      'bottom right corner': { x: 0.25, y: -0.25, z: 0 },
    });
    expect(NAMED_POSITIONS).toEqual(namedPositionsFor(WORKSPACE));
    // A real arm with its own workspace: corners 5 cm inside its edges, the middle in its middle.
    const arm = namedPositionsFor({ x: [0.3, 0.9], y: [-0.4, 0.2] });
    expect(arm['top left corner']).toEqual({ x: 0.85, y: 0.15, z: 0 });
    expect(arm.middle).toEqual({ x: 0.6, y: -0.1, z: 0 });
    expect(arm['bottom right corner']).toEqual({ x: 0.35, y: -0.35, z: 0 });
    // A narrow one keeps its corners apart: at most a quarter of the span inside.
    expect(namedPositionsFor({ x: [0.4, 0.5], y: [-0.3, 0.3] })['top side']).toEqual({ x: 0.475, y: 0, z: 0 });
  });

  it('is what the prompt says, generated (a drift test like the API one)', () => {
    const system = systemPrompt(world);
    expect(system).toContain(vocabularyText(TABLETOP_WORLD));
    expect(worldText(world)).toContain(vocabularyText(TABLETOP_WORLD));
    // The hand-written part of the world text states no tolerance of its own.
    expect(template('world-tabletop')).not.toMatch(/\d\s*cm|within/);
    for (const r of RELATIONS) expect(system).toContain(`- ${r.relation}: ${r.holds}`);
    // Every number of the vocabulary reaches the model.
    for (const m of [TOLERANCE.onPosition, TOLERANCE.onBlock, TOLERANCE.unmoved, TOLERANCE.offDirection, TOLERANCE.offLine, TOLERANCE.lineSpacing]) {
      expect(system).toContain(cm(m));
    }
    expect(system).toContain('top = +x (away from the robot)');
    expect(system).toContain('left = +y (the robot\'s left)');
    expect(system).toContain('"above"/"below" = top/bottom');
    // Another world's positions are what its prompt lists.
    const other = { ...TABLETOP_WORLD, namedPositions: { 'tray': { x: 0.4, y: 0.1, z: 0 } } };
    expect(worldText({ ...world, world: other })).toContain('Named positions (x, y): tray (0.4, 0.1).');
  });

  it('judges the benchmark exactly at the numbers the prompt states', () => {
    const at = (d: number) => [block('red block', 0.25 + d, 0), bowl('blue bowl', 0.6, 0), block('green block', 0.5, 0.2)];
    const limit = TOLERANCE.onPosition;
    expect(isOn(at(limit - 0.001), 'red block', 'bottom side')).toBe(true);
    expect(isOn(at(limit + 0.001), 'red block', 'bottom side')).toBe(false);
    const inBowl = (d: number) => [block('red block', 0.6 + d, 0, 0.03), bowl('blue bowl', 0.6, 0)];
    expect(isOn(inBowl(TOLERANCE.inBowl - 0.001), 'red block', 'blue bowl')).toBe(true);
    expect(isOn(inBowl(TOLERANCE.inBowl + 0.001), 'red block', 'blue bowl')).toBe(false);
    const stacked = (d: number, z = 0.06) => [block('red block', 0.5 + d, 0.2, z), block('green block', 0.5, 0.2)];
    expect(isOn(stacked(TOLERANCE.onBlock - 0.001), 'red block', 'green block')).toBe(true);
    expect(isOn(stacked(TOLERANCE.onBlock + 0.001), 'red block', 'green block')).toBe(false);
    expect(isOn(stacked(0, 0.02 + TOLERANCE.onBlockAbove - 0.001), 'red block', 'green block')).toBe(false);
    const moved = (d: number) => [block('red block', 0.4 + d, 0)];
    expect(unmoved(moved(0), moved(TOLERANCE.unmoved - 0.001), 'red block')).toBe(true);
    expect(unmoved(moved(0), moved(TOLERANCE.unmoved + 0.001), 'red block')).toBe(false);
    // "To the left of": 7–20 cm along +y, at most 5 cm off the line; "a lot": 15–40 cm.
    const ref = { x: 0.5, y: 0 };
    expect(beside({ x: 0.5, y: TOLERANCE.beside[0] + 0.001 }, ref, 'left').holds).toBe(true);
    expect(beside({ x: 0.5, y: TOLERANCE.beside[0] - 0.001 }, ref, 'left').holds).toBe(false);
    expect(beside({ x: 0.5 + TOLERANCE.offDirection + 0.001, y: 0.1 }, ref, 'left').holds).toBe(false);
    expect(beside({ x: 0.5, y: -0.1 }, ref, 'left').holds).toBe(false);
    expect(beside({ x: 0.3, y: 0 }, ref, 'bottom', 'a lot').holds).toBe(true);
    expect(beside({ x: 0.3, y: 0 }, ref, 'bottom', 'a little').holds).toBe(false);
    const line = [block('red block', 0.3, -0.1), block('green block', 0.3 + TOLERANCE.offLine - 0.001, 0), block('blue block', 0.3, 0.1)];
    expect(inLine(line, ['red block', 'green block', 'blue block'], 'horizontal')).toBe(true);
    expect(inLine(line, ['red block', 'green block', 'blue block'], 'vertical')).toBe(false);
  });

  it('says what holds for an object in its own words', () => {
    const objects = [bowl('blue bowl', 0.6, 0), block('red block', 0.61, 0.01, 0.03), block('green block', 0.6, 0.15), block('yellow block', 0.75, 0.24)];
    expect(relationsOf(objects, NAMED_POSITIONS, 'red block')).toEqual([
      'in the blue bowl',
      'nearest named position: the middle, 11 cm away',
      'to the right of the green block (14 cm)',
    ]);
    expect(relationsOf(objects, NAMED_POSITIONS, 'blue bowl')).toContain('holds the red block');
    expect(relationsOf(objects, NAMED_POSITIONS, 'green block')).toContain('to the left of the blue bowl (15 cm)');
    expect(relationsOf(objects, NAMED_POSITIONS, 'yellow block', 'yellow block')).toEqual(
      expect.arrayContaining(['held in the gripper', 'on the top left corner (1 cm from it)']),
    );
  });
});

describe('the vocabulary in programs and outcomes', () => {
  // A bowl next to the top left corner: the corner is crowded, and a block put there pushes the bowl.
  const crowded = sceneFile([
    { kind: 'block', color: 'red', position: { x: 0.45, y: 0 } },
    { kind: 'bowl', color: 'purple', position: { x: 0.68, y: 0.25 } },
    { kind: 'bowl', color: 'blue', position: { x: 0.4, y: -0.2 } },
  ]);

  it('answers isOn, distanceBetween and relationsOf from a program, by the same relations', async () => {
    const { result } = await runOnTabletop(
      [
        "putOn('red block', { x: 0.42, y: -0.2 });",
        "print(isOn('red block', 'blue bowl'), isOn('red block', 'top left corner'), isOn('red block', { x: 0.4, y: -0.2 }));",
        "print(distanceBetween('red block', 'blue bowl') < 0.06, distanceBetween('middle', 'top side'));",
        "print(relationsOf('red block'));",
      ].join('\n'),
      { scenePath: crowded },
    );
    expect(result.error).toBeNull();
    expect(result.output[0]).toBe('true false true');
    expect(result.output[1]).toBe('true 0.25');
    expect(JSON.parse(result.output[2]!)).toContain('in the blue bowl');
    expect(isOn(result.state.objects, 'red block', 'blue bowl')).toBe(true);
  });

  it('says a target is occupied before the arm moves, and reports the objects a motion pushed, as facts', async () => {
    const { result } = await runOnTabletop("putOn('red block', 'top left corner');", { scenePath: crowded });
    expect(result.ok).toBe(true);
    const [call] = result.calls;
    expect(call!.notes).toEqual([expect.stringMatching(/^the target "top left corner" is already occupied by the purple bowl \(centre 7 cm away\)$/)]);
    expect(call!.pushed).toEqual([{ object: 'purple bowl', distance: expect.any(Number) }]);
    expect(call!.pushed![0]!.distance).toBeGreaterThan(TOLERANCE.unmoved);
    const pushed = `pushed the purple bowl ${cm(call!.pushed![0]!.distance)}`;
    // The run report and the model's feedback say so.
    expect(formatReport(result)).toContain(pushed);
    expect(callsText(result)).toContain(`(the target "top left corner" is already occupied by the purple bowl (centre 7 cm away)) (${pushed})`);
  });

  it("fails a place that came to rest outside the vocabulary's tolerance, and still says what it pushed", async () => {
    // A point on the bowl's rim: the block slides off and comes to rest 7.4 cm away, nudging the bowl.
    const rim = sceneFile([
      { kind: 'block', color: 'red', position: { x: 0.35, y: 0 } },
      { kind: 'block', color: 'blue', position: { x: 0.5, y: 0.1 } },
      { kind: 'bowl', color: 'purple', position: { x: 0.55, y: -0.1 } },
    ]);
    const { result } = await runOnTabletop('putOn("red block", { x: 0.605, y: -0.1 });', { scenePath: rim });
    expect(result.error).toMatchObject({ kind: 'physical', primitive: 'putOn' });
    expect(result.error!.message).toMatch(/did not stay at \(0\.605, -0\.1\): it slid or toppled to .*cm from it in x-y \(on it means within 6 cm\)/);
    expect(result.calls[0]!.notes![0]).toMatch(/occupied by the purple bowl/);
    expect(result.calls[0]!.pushed).toEqual([{ object: 'purple bowl', distance: expect.any(Number) }]);
  });

  it('lists named positions as well as objects for an unknown target', async () => {
    const { result } = await runOnTabletop("putOn('red block', 'top corner');", { scenePath: crowded });
    expect(result.error).toMatchObject({ kind: 'unknown_object', line: 1 });
    expect(result.error!.message).toBe(
      'putOn: there is no object or named position "top corner"; objects: "red block", "purple bowl", "blue bowl"; ' +
        `named positions: ${Object.keys(NAMED_POSITIONS).map((n) => `"${n}"`).join(', ')}`,
    );
    expect(result.calls).toHaveLength(1); // nothing moved: the target is checked before the pick
  });

  it('shows pushes in wand run --json calls', async () => {
    const r = await wand(['run', '-', '--scene', crowded, '--json'], { stdin: "putOn('red block', 'top left corner');" });
    const out = JSON.parse(r.stdout);
    expect(out.calls[0]).toMatchObject({ primitive: 'putOn', ok: true, notes: [expect.stringContaining('occupied')], pushed: [{ object: 'purple bowl' }] });
  });
});
