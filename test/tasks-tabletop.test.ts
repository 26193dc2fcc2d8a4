import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { inLine, isNear, isOn, unmoved } from '../src/tasks/predicates.ts';
import { NAMED_POSITIONS } from '../primitives/tabletop/world.ts';
import { runOnTabletop, sceneFile } from './helpers/tabletop.ts';

// Reference programs for Code-as-Policies tabletop tasks, judged by the published success predicates.

const scene = sceneFile([
  { kind: 'bowl', color: 'blue', position: { x: 0.62, y: 0.16 } },
  { kind: 'bowl', color: 'green', position: { x: 0.62, y: -0.16 } },
  { kind: 'block', color: 'red', position: { x: 0.4, y: 0.15 } },
  { kind: 'block', color: 'blue', position: { x: 0.42, y: 0.0 } },
  { kind: 'block', color: 'green', position: { x: 0.35, y: -0.15 } },
  { kind: 'block', color: 'yellow', position: { x: 0.55, y: -0.12 } },
]);
const blocks = ['red block', 'blue block', 'green block', 'yellow block'];

describe('Code-as-Policies tabletop tasks', () => {
  it('picks a block and places it on another block', async () => {
    const { result, before } = await runOnTabletop(`pick('red block');\nplace('yellow block');`, { scenePath: scene });
    expect(result.error).toBeNull();
    expect(isOn(result.state.objects, 'red block', 'yellow block')).toBe(true);
    for (const other of ['blue block', 'green block', 'blue bowl', 'green bowl']) {
      expect(unmoved(before, result.state.objects, other)).toBe(true);
    }
    expect(result.calls.map((c) => c.primitive)).toEqual(['pick', 'place']);
  });

  it('puts all blocks on a corner', async () => {
    const { result } = await runOnTabletop(
      `for (const b of getObjects().filter(o => o.kind === 'block')) putOn(b.name, 'top right corner');`,
      { scenePath: scene },
    );
    expect(result.error).toBeNull();
    for (const b of blocks) expect(isOn(result.state.objects, b, 'top right corner'), b).toBe(true);
  });

  it('puts the blocks in the bowls with matching colours', async () => {
    const source = readFileSync(new URL('../examples/matching-bowls.ts', import.meta.url), 'utf8');
    const { result } = await runOnTabletop(source, { scenePath: scene });
    expect(result.error).toBeNull();
    expect(isOn(result.state.objects, 'blue block', 'blue bowl')).toBe(true);
    expect(isOn(result.state.objects, 'green block', 'green bowl')).toBe(true);
    expect(result.output).toEqual(expect.arrayContaining(['say: There is no red bowl for the red block.', 'holding: null']));
  });

  it('stacks all blocks', async () => {
    const source = readFileSync(new URL('../examples/stack-blocks.js', import.meta.url), 'utf8');
    const { result } = await runOnTabletop(source, { scenePath: scene });
    expect(result.error).toBeNull();
    const objs = result.state.objects;
    expect(isOn(objs, 'red block', 'middle')).toBe(true);
    expect(isOn(objs, 'blue block', 'red block')).toBe(true);
    expect(isOn(objs, 'green block', 'blue block')).toBe(true);
    expect(isOn(objs, 'yellow block', 'green block')).toBe(true);
    // Four blocks high, and it still stands after the arm went home.
    expect(objs.find((o) => o.name === 'yellow block')!.position.z).toBeGreaterThan(0.13);
  });

  it('puts the blocks in different corners', async () => {
    const { result } = await runOnTabletop(
      `const corners = ['top left corner', 'top right corner', 'bottom left corner', 'bottom right corner'];
       getObjects().filter(o => o.kind === 'block').forEach((b, i) => putOn(b.name, corners[i]));`,
      { scenePath: scene },
    );
    expect(result.error).toBeNull();
    const corners = ['top left corner', 'top right corner', 'bottom left corner', 'bottom right corner'];
    blocks.forEach((b, i) => expect(isOn(result.state.objects, b, corners[i]!), b).toBe(true));
  });

  it('arranges the blocks in a horizontal line', async () => {
    const { result } = await runOnTabletop(
      `const names: string[] = getObjects().filter(o => o.kind === 'block').map(o => o.name);
       names.forEach((name, i) => {
         const y = -0.15 + (0.3 * i) / (names.length - 1);
         putOn(name, { x: 0.3, y });
       });`,
      { scenePath: scene },
    );
    expect(result.error).toBeNull();
    expect(inLine(result.state.objects, blocks, 'horizontal')).toBe(true);
    blocks.forEach((b, i) => expect(isNear(result.state.objects, b, { x: 0.3, y: -0.15 + 0.1 * i })).toBe(true));
  });
});

describe('physical and workspace failures are results', () => {
  it('a target outside the workspace is refused and nothing moves', async () => {
    const { result, before } = await runOnTabletop(`putOn('red block', {x: 0.95, y: 0});`, { scenePath: scene });
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ kind: 'workspace', primitive: 'putOn', line: 1 });
    expect(result.error!.message).toMatch(/outside the reachable workspace/);
    for (const o of before) expect(unmoved(before, result.state.objects, o.name)).toBe(true);
  });

  it('an unknown object name lists the known names, with the line of the call', async () => {
    const { result } = await runOnTabletop(`print('start');\npick('purple block');`, { scenePath: scene });
    expect(result.error).toMatchObject({ kind: 'unknown_object', primitive: 'pick', line: 2 });
    expect(result.error!.message).toContain('"red block"');
    expect(result.error!.message).toContain('"green bowl"');
  });

  it('placing with an empty gripper is a physical error', async () => {
    const { result } = await runOnTabletop(`place('middle')`, { scenePath: scene });
    expect(result.error).toMatchObject({ kind: 'physical', primitive: 'place', line: 1 });
  });

  it('closing the gripper over an empty spot holds nothing', async () => {
    const { result } = await runOnTabletop(
      `moveTo({x: 0.7, y: 0.0, z: 0.1}); openGripper(); moveTo({x: 0.7, y: 0.0, z: 0.02}); print(closeGripper(), holding());`,
      { scenePath: scene },
    );
    expect(result.error).toBeNull();
    expect(result.output).toEqual(['null null']);
  });

  it('named positions are the Code as Policies ones', async () => {
    const { result } = await runOnTabletop(`print(namedPosition('top left corner'), namedPosition('middle'))`, { scenePath: scene });
    expect(result.output).toEqual([JSON.stringify(NAMED_POSITIONS['top left corner']) + ' ' + JSON.stringify(NAMED_POSITIONS.middle)]);
  });
});

describe('determinism', () => {
  it('the same scene and program give the same final state', async () => {
    const program = `putOn('red block', 'blue bowl'); putOn('green block', 'blue block'); home();`;
    const a = await runOnTabletop(program, { scenePath: scene });
    const b = await runOnTabletop(program, { scenePath: scene });
    expect(a.result.error).toBeNull();
    expect(JSON.stringify(b.result.state)).toBe(JSON.stringify(a.result.state));
    expect(b.result.simTimeS).toBe(a.result.simTimeS);
  });
});
