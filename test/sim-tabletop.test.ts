import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as THREE from 'three';
import { describe, expect, it } from 'vitest';
import { WandError } from '../src/core/errors.ts';
import { COLORS } from '../primitives/schemas.ts';
import { BOWL_FLOOR, BOWL_INNER_RADIUS } from '../sim/tabletop/object-shapes.ts';
import { simArmModel } from '../src/kinematics/arm-model.ts';
import { parseUrdf } from '../src/kinematics/parse-urdf.ts';
import { footprintGap } from '../sim/tabletop/footprint.ts';
import { loadSceneFile, parseScene, randomScene, RANDOM_AREA } from '../sim/tabletop/scene.ts';
import { createSceneGraph } from '../sim/tabletop/scene-graph.ts';
import { createTabletopSim, MIN_TOOL_Z, type TabletopSim } from '../sim/tabletop/sim.ts';

const go = new AbortController().signal;
const block = (color: string, x: number, y: number, z?: number) => ({ kind: 'block', color, position: { x, y, ...(z === undefined ? {} : { z }) } });
const bowl = (color: string, x: number, y: number, z?: number) => ({ kind: 'bowl', color, position: { x, y, ...(z === undefined ? {} : { z }) } });

function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WandError);
    expect((err as WandError).kind).toBe('usage');
    return (err as WandError).message;
  }
  throw new Error('expected a usage error');
}

const find = (sim: TabletopSim, name: string) => sim.objects().find((o) => o.name === name)!;

/** The pick sequence the primitives use: above, open, down to the grasp height, close, up. */
async function pick(sim: TabletopSim, name: string): Promise<string | null> {
  const { x, y, z } = find(sim, name).position;
  await sim.moveTo({ x, y, z: z + 0.1 }, go);
  await sim.openGripper(go);
  await sim.moveTo({ x, y, z }, go);
  const got = await sim.closeGripper(go);
  await sim.moveTo({ x, y, z: z + 0.1 }, go);
  return got;
}

describe('scene files', () => {
  it('reject each kind of mistake with a message naming the entry', () => {
    const ok = block('red', 0.5, 0);
    expect(usageError(() => parseScene({ objects: [ok, block('teal', 0.4, 0.1)] }))).toBe(
      `scene objects[1] ("teal block"): colour "teal" is not one of ${COLORS.join(', ')}`,
    );
    expect(usageError(() => parseScene({ objects: [{ kind: 'cup', color: 'red', position: { x: 0.5, y: 0 } }] }))).toBe(
      'scene objects[0] ("red cup"): kind "cup" is not one of block, bowl',
    );
    expect(usageError(() => parseScene({ objects: [ok, block('red', 0.3, 0.1)] }))).toMatch(
      /^scene objects\[1\] \("red block"\): objects\[0\] already has that name/,
    );
    expect(usageError(() => parseScene({ objects: [ok, bowl('blue', 0.3, 0), block('green', 0.33, 0.04, 0.02)] }))).toBe(
      'scene objects[2] ("green block") overlaps objects[1] ("blue bowl")',
    );
    expect(usageError(() => parseScene({ objects: [block('red', 0.5, 0, 0.02), block('blue', 0.51, 0.01, 0.03)] }))).toBe(
      'scene objects[1] ("blue block") overlaps objects[0] ("red block")',
    );
    expect(usageError(() => parseScene({ objects: [block('red', 1.2, 0)] }))).toMatch(/^scene objects\[0\] \("red block"\): position \(1\.2, 0\) is off the table/);
    expect(usageError(() => parseScene({ objects: [block('red', 0.5, 0, 0.01)] }))).toMatch(/objects\[0\] \("red block"\): position.z 0.01 is below the table top/);
    expect(usageError(() => parseScene({ objects: [{ kind: 'block', color: 'red', position: { x: 0.5 } }] }))).toBe(
      'scene objects[0] ("red block"): missing position.y',
    );
    expect(usageError(() => parseScene({ objects: [{ kind: 'block', color: 'red' }] }))).toBe('scene objects[0] ("red block"): missing "position"');
    expect(usageError(() => parseScene({ objects: [block('red', 0.5, Number.NaN)] }))).toBe(
      'scene objects[0] ("red block"): position.y must be a finite number of metres, got NaN',
    );
    expect(usageError(() => parseScene({ objects: [block('red', Infinity, 0)] }))).toMatch(/position.x must be a finite number of metres, got Infinity/);
    expect(usageError(() => parseScene({ objects: [{ kind: 'block', colour: 'red', position: { x: 0.5, y: 0 } }] }))).toBe(
      'scene objects[0]: missing "color"; unknown field "colour" (expected kind, color, position)',
    );
    expect(usageError(() => parseScene([]))).toMatch(/^scene: a scene must be an object/);
    expect(usageError(() => parseScene({ objects: 'none' }))).toBe('scene: "objects" must be an array');
  });

  it('fills in resting heights: stacks, blocks in bowls and explicit heights above are not overlaps', () => {
    const scene = parseScene({
      objects: [block('red', 0.5, 0), block('blue', 0.5, 0), bowl('green', 0.3, 0.2), block('green', 0.31, 0.2), block('pink', 0.7, -0.2, 0.3)],
    });
    const z = Object.fromEntries(scene.objects.map((o) => [o.name, o.position.z]));
    expect(z).toEqual({ 'red block': 0.02, 'blue block': 0.06, 'green bowl': 0.025, 'green block': 0.026, 'pink block': 0.3 });
    // The output is itself a valid scene that parses to the same thing (so it can be saved and reloaded).
    expect(parseScene(JSON.parse(JSON.stringify(scene)))).toEqual(scene);
  });

  it('load from a file, with the path in errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wand-scene-'));
    const good = join(dir, 'good.json');
    await writeFile(good, JSON.stringify({ objects: [block('red', 0.5, 0)] }));
    expect((await loadSceneFile(good)).objects[0].position).toEqual({ x: 0.5, y: 0, z: 0.02 });
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"objects": [');
    await expect(loadSceneFile(bad)).rejects.toThrow(/bad\.json is not valid JSON/);
    await writeFile(bad, JSON.stringify({ objects: [block('mauve', 0.5, 0)] }));
    await expect(loadSceneFile(bad)).rejects.toThrow(/bad\.json: scene objects\[0\] \("mauve block"\): colour "mauve"/);
    await expect(loadSceneFile(join(dir, 'missing.json'))).rejects.toThrow(/does not exist/);
  });

  it('random scenes are valid, spaced out, reachable and the same for the same seed', () => {
    for (let seed = 0; seed < 20; seed++) {
      const scene = randomScene(seed, { blocks: 5, bowls: 3 });
      expect(parseScene(scene)).toEqual(scene);
      const blocks = scene.objects.filter((o) => o.kind === 'block');
      expect(blocks).toHaveLength(5);
      expect(new Set(blocks.map((o) => o.color)).size).toBe(5);
      for (const [i, a] of scene.objects.entries()) {
        const half = a.kind === 'bowl' ? 0.06 : 0.02;
        expect(a.position.x - half).toBeGreaterThanOrEqual(RANDOM_AREA.x[0] - 1e-9);
        expect(a.position.x + half).toBeLessThanOrEqual(RANDOM_AREA.x[1] + 1e-9);
        expect(Math.abs(a.position.y) + half).toBeLessThanOrEqual(RANDOM_AREA.y[1] + 1e-9);
        for (const b of scene.objects.slice(i + 1)) expect(footprintGap({ ...a, ...a.position }, { ...b, ...b.position })).toBeGreaterThanOrEqual(0.08);
      }
    }
    expect(randomScene(7)).toEqual(randomScene(7));
    expect(randomScene(7)).not.toEqual(randomScene(8));
    expect(randomScene(7).objects.map((o) => o.kind).join()).toBe('block,block,block,block,bowl,bowl,bowl');
    expect(usageError(() => randomScene(1, { blocks: 11 }))).toMatch(/blocks must be a whole number from 0 to 10/);
    expect(usageError(() => randomScene(1, { blocks: 10, bowls: 10 }))).toMatch(/cannot fit 10 blocks and 10 bowls/);
  });
});

describe('tabletop simulator', () => {
  it('a pick sequence grasps the block, which then moves with the gripper; releasing over a bowl drops it inside', async () => {
    const sim = await createTabletopSim(parseScene({ objects: [block('red', 0.5, 0.1), bowl('blue', 0.55, -0.15)] }));
    expect(sim.state().robot).toMatchObject({ tool: sim.homePosition(), gripper: 'open', gripperWidth: 0.085 });
    expect(await pick(sim, 'red block')).toBe('red block');
    expect(sim.holding()).toBe('red block');
    expect(sim.state().robot.gripper).toBe('closed');
    expect(sim.state().robot.gripperWidth).toBeCloseTo(0.04, 2);
    expect(find(sim, 'red block').position.z).toBeCloseTo(0.12, 2);

    await sim.moveTo({ x: 0.55, y: -0.15, z: 0.2 }, go);
    const carried = find(sim, 'red block').position;
    expect(carried.x).toBeCloseTo(0.55, 2);
    expect(carried.y).toBeCloseTo(-0.15, 2);
    expect(carried.z).toBeCloseTo(0.2, 2);

    // Block bottom 1.2 cm above the rim (0.05), as a place would release it.
    await sim.moveTo({ x: 0.55, y: -0.15, z: 0.05 + 0.012 + 0.02 }, go);
    await sim.openGripper(go);
    expect(sim.holding()).toBeNull();
    await sim.moveTo({ x: 0.55, y: -0.15, z: 0.2 }, go);
    await sim.wait(1, go);
    const inBowl = find(sim, 'red block').position;
    const bowlAt = find(sim, 'blue bowl').position;
    expect(Math.hypot(inBowl.x - bowlAt.x, inBowl.y - bowlAt.y)).toBeLessThan(BOWL_INNER_RADIUS);
    expect(inBowl.z).toBeCloseTo(BOWL_FLOOR + 0.02, 2);
    expect(bowlAt.z).toBeCloseTo(0.025, 3);
    await sim.dispose();
  });

  it('closing over the empty table holds nothing, with the fingers fully closed', async () => {
    const sim = await createTabletopSim(parseScene({ objects: [block('red', 0.5, 0.1)] }));
    await sim.moveTo({ x: 0.5, y: -0.1, z: 0.02 }, go);
    expect(await sim.closeGripper(go)).toBeNull();
    expect(sim.holding()).toBeNull();
    expect(sim.state().robot).toMatchObject({ gripper: 'closed', gripperWidth: 0 });
    // A grasp above the block (fingertips over its top) closes on nothing too: the fingers must straddle it.
    await sim.moveTo({ x: 0.5, y: 0.1, z: 0.06 }, go);
    await sim.openGripper(go);
    expect(await sim.closeGripper(go)).toBeNull();
    await sim.dispose();
  });

  it('an off-centre block is pushed by the first finger into the other and still grasped', async () => {
    const sim = await createTabletopSim(parseScene({ objects: [block('red', 0.5, 0.1)] }));
    await sim.moveTo({ x: 0.5, y: 0.115, z: 0.02 }, go);
    expect(await sim.closeGripper(go)).toBe('red block');
    expect(find(sim, 'red block').position.y).toBeCloseTo(0.115, 2);
    await sim.dispose();
  });

  it('grasps a bowl by its rim and carries it', async () => {
    const sim = await createTabletopSim(parseScene({ objects: [bowl('green', 0.5, 0)] }));
    await sim.moveTo({ x: 0.5, y: 0.056, z: 0.1 }, go);
    await sim.moveTo({ x: 0.5, y: 0.056, z: 0.03 }, go);
    expect(await sim.closeGripper(go)).toBe('green bowl');
    await sim.moveTo({ x: 0.5, y: 0.056, z: 0.15 }, go);
    expect(find(sim, 'green bowl').position.z).toBeCloseTo(0.145, 2);
    await sim.dispose();
  });

  it('a stack of four blocks still stands after seconds of simulated time', async () => {
    const sim = await createTabletopSim(parseScene({ objects: ['red', 'blue', 'green', 'yellow'].map((c) => block(c, 0.5, 0)) }));
    await sim.wait(5, go);
    sim.objects().forEach((o, i) => {
      expect(o.position.x).toBeCloseTo(0.5, 3);
      expect(o.position.y).toBeCloseTo(0, 3);
      expect(o.position.z).toBeCloseTo(0.02 + 0.04 * i, 2);
    });
    await sim.dispose();
  });

  it('a stack built by picking and placing stands', async () => {
    const sim = await createTabletopSim(parseScene({ objects: [block('red', 0.5, 0), block('blue', 0.4, 0.15), block('green', 0.6, 0.15), block('yellow', 0.4, -0.15)] }));
    for (const [i, name] of ['blue block', 'green block', 'yellow block'].entries()) {
      expect(await pick(sim, name)).toBe(name);
      const releaseZ = 0.04 * (i + 1) + 0.005 + 0.02;
      await sim.moveTo({ x: 0.5, y: 0, z: releaseZ + 0.08 }, go);
      await sim.moveTo({ x: 0.5, y: 0, z: releaseZ }, go);
      await sim.openGripper(go);
      await sim.moveTo({ x: 0.5, y: 0, z: releaseZ + 0.1 }, go);
    }
    await sim.wait(3, go);
    for (const [i, name] of ['red block', 'blue block', 'green block', 'yellow block'].entries()) {
      const p = find(sim, name).position;
      expect(Math.hypot(p.x - 0.5, p.y)).toBeLessThan(0.005);
      expect(p.z).toBeCloseTo(0.02 + 0.04 * i, 2);
    }
    await sim.dispose();
  });

  it('a block carried past the table edge and released falls off; one pushed off the edge falls too', async () => {
    const sim = await createTabletopSim(parseScene({ objects: [block('red', 0.7, 0.2), block('blue', 0.95, -0.2)] }));
    expect(await pick(sim, 'red block')).toBe('red block');
    await sim.moveTo({ x: 1.05, y: 0.2, z: 0.15 }, go);
    await sim.openGripper(go);
    // Closed fingers as a paddle, swept through the blue block toward +x.
    await sim.moveTo({ x: 0.88, y: -0.2, z: 0.1 }, go);
    await sim.closeGripper(go);
    await sim.moveTo({ x: 0.88, y: -0.2, z: 0.02 }, go);
    await sim.moveTo({ x: 1.08, y: -0.2, z: 0.02 }, go);
    await sim.moveTo({ x: 1.08, y: -0.2, z: 0.2 }, go);
    await sim.wait(1, go);
    expect(find(sim, 'red block').position.z).toBeLessThan(0);
    expect(find(sim, 'blue block').position.z).toBeLessThan(0);
    await sim.dispose();
  });

  it('pressing a held block into the table makes it slip out of the grasp', async () => {
    const sim = await createTabletopSim(parseScene({ objects: [block('red', 0.5, 0)] }));
    expect(await pick(sim, 'red block')).toBe('red block');
    await sim.moveTo({ x: 0.5, y: 0, z: -0.05 }, go);
    expect(sim.toolPosition().z).toBe(MIN_TOOL_Z);
    expect(sim.holding()).toBeNull();
    await sim.dispose();
  });

  it('the same scene and calls give bit-identical state', async () => {
    const run = async () => {
      const sim = await createTabletopSim(randomScene(3, { blocks: 4, bowls: 2 }));
      const [a, b] = sim.objects().filter((o) => o.kind === 'block');
      const target = sim.objects().find((o) => o.kind === 'bowl')!;
      await pick(sim, a.name);
      await sim.moveTo({ ...target.position, z: 0.09 }, go);
      await sim.openGripper(go);
      await pick(sim, b.name);
      await sim.moveTo({ ...target.position, z: 0.13 }, go);
      await sim.openGripper(go);
      await sim.wait(0.5, go);
      const poses = sim.poses();
      const result = JSON.stringify({ state: sim.state(), poses, t: sim.simTimeS() });
      await sim.dispose();
      return result;
    };
    expect(await run()).toBe(await run());
  });

  it('stops a motion through the abort signal, keeping the reason when it is a WandError', async () => {
    // Slow, so the move takes thousands of steps and the timer gets a turn before it ends.
    const sim = await createTabletopSim(parseScene({ objects: [] }), { speed: 0.005 });
    const ctl = new AbortController();
    const moving = sim.moveTo({ x: 0.7, y: 0.2, z: 0.05 }, ctl.signal);
    setTimeout(() => ctl.abort(new WandError('safety', 'e-stop')), 0);
    await expect(moving).rejects.toMatchObject({ kind: 'safety', message: 'e-stop' });
    const stoppedAt = sim.toolPosition();
    expect(stoppedAt.x).toBeLessThan(0.7);

    const plain = new AbortController();
    plain.abort();
    await expect(sim.wait(1, plain.signal)).rejects.toMatchObject({ kind: 'aborted', message: 'stopped' });

    const waiting = sim.wait(1000, go);
    setTimeout(() => void sim.halt(), 0);
    await expect(waiting).rejects.toMatchObject({ kind: 'aborted' });
    expect(sim.simTimeS()).toBeLessThan(1000);
    // After a halt the robot works again.
    await sim.moveTo(sim.homePosition(), go);
    expect(sim.toolPosition()).toEqual(sim.homePosition());
    await sim.dispose();
    await expect(sim.wait(1, go)).rejects.toMatchObject({ kind: 'runtime' });
  });

  it('reports joint angles by name that put the arm tool point where the gripper is', async () => {
    const sim = await createTabletopSim(parseScene({ objects: [] }));
    const arm = simArmModel();
    expect(sim.arm).toBe(arm);
    await sim.moveTo({ x: 0.75, y: -0.25, z: 0.02 }, go);
    const { joints, tool } = sim.poses().robot;
    expect(Object.keys(joints)).toEqual(arm.joints.map((j) => j.name));
    const reached = arm.toolPoint(arm.fromNames(joints));
    expect(Math.hypot(reached.x - tool.x, reached.y - tool.y, reached.z - tool.z)).toBeLessThan(1e-6);
    const rounded = Object.fromEntries(Object.entries(joints).map(([name, q]) => [name, Math.round(q * 1e4) / 1e4 + 0]));
    expect(sim.state().robot.joints).toEqual(rounded);
    await sim.dispose();
  });
});

describe('the simulated arm', () => {
  it('follows the gripper along a move with joints that never jump, and reaches every workspace corner', async () => {
    const sim = await createTabletopSim(parseScene({ objects: [] }));
    const arm = sim.arm;
    for (const x of [0.2, 0.8])
      for (const y of [-0.3, 0.3])
        for (const z of [0.005, 0.5]) {
          let last = arm.fromNames(sim.poses().robot.joints);
          sim.pace = async () => {
            // Sampled while the move runs: on the robot's tool, no jumps between samples 8 steps apart.
            const { joints, tool } = sim.poses().robot;
            const q = arm.fromNames(joints);
            const p = arm.toolPoint(q);
            expect(Math.hypot(p.x - tool.x, p.y - tool.y, p.z - tool.z)).toBeLessThan(1e-3);
            expect(Math.max(...q.map((v, i) => Math.abs(v - last[i])))).toBeLessThan(0.2);
            last = q;
          };
          await sim.moveTo({ x, y, z }, go);
          expect(sim.toolPosition()).toEqual({ x, y, z });
          const p = arm.toolPoint(arm.fromNames(sim.poses().robot.joints));
          expect(Math.hypot(p.x - x, p.y - y, p.z - z)).toBeLessThan(1e-6);
        }
    await sim.dispose();
  });

  it('refuses a move out of reach with a workspace error, before anything moves', async () => {
    const sim = await createTabletopSim(parseScene({ objects: [block('red', 0.5, 0)] }));
    const before = sim.state();
    const t0 = sim.simTimeS();
    await expect(sim.moveTo({ x: 1.6, y: 0, z: 0.1 }, go)).rejects.toMatchObject({
      kind: 'workspace',
      message: expect.stringMatching(/\(1\.600, 0\.000, 0\.100\) is out of the arm's reach/),
    });
    await expect(sim.moveTo({ x: 0.05, y: 0, z: 0.05 }, go)).rejects.toMatchObject({ kind: 'workspace' });
    expect(sim.simTimeS()).toBe(t0);
    expect(sim.state()).toEqual(before);
    // Still usable afterwards.
    await sim.moveTo({ x: 0.6, y: 0.1, z: 0.2 }, go);
    expect(sim.toolPosition()).toEqual({ x: 0.6, y: 0.1, z: 0.2 });
    await sim.dispose();
  });

  it('refuses a move that a joint limit forbids (a twin of a robot with a narrow base joint)', async () => {
    const urdf = simArmModel().urdf.replace(
      /(<joint name="shoulder_pan_joint"[\s\S]*?<limit )lower="[^"]*" upper="[^"]*"/,
      '$1lower="-0.4" upper="0.4"',
    );
    const { loadArmModel } = await import('../src/kinematics/arm-model.ts');
    const arm = loadArmModel(urdf, { baseFrame: 'base_link', toolFrame: 'tool0', toolOffset: { x: 0, y: 0, z: 0.16 } });
    const sim = await createTabletopSim(parseScene({ objects: [] }), { arm });
    expect(sim.arm).toBe(arm);
    await sim.moveTo({ x: 0.6, y: 0.05, z: 0.1 }, go);
    await expect(sim.moveTo({ x: 0.6, y: -0.3, z: 0.1 }, go)).rejects.toMatchObject({
      kind: 'workspace',
      message: expect.stringMatching(/within its joint limits/),
    });
    expect(sim.toolPosition()).toEqual({ x: 0.6, y: 0.05, z: 0.1 });
    await sim.dispose();
  });

  it('starts from given joints (a robot twin) with the gripper where they put it', async () => {
    const arm = simArmModel();
    const start = arm.ik({ x: 0.55, y: -0.1, z: 0.25 }, [0, -1.2, 1.6, -2.0, -Math.PI / 2, 0])!;
    const sim = await createTabletopSim(parseScene({ objects: [] }), { joints: { ...arm.byName(start), finger_joint: 0.02 } });
    const tool = sim.toolPosition();
    expect(Math.hypot(tool.x - 0.55, tool.y + 0.1, tool.z - 0.25)).toBeLessThan(1e-6);
    expect(arm.fromNames(sim.poses().robot.joints)).toEqual(start);
    await sim.moveTo({ x: 0.4, y: 0.2, z: 0.1 }, go);
    expect(sim.toolPosition()).toEqual({ x: 0.4, y: 0.2, z: 0.1 });
    await sim.dispose();
    await expect(createTabletopSim(parseScene({ objects: [] }), { joints: { shoulder_pan_joint: 0 } })).rejects.toMatchObject({
      kind: 'usage',
      message: expect.stringContaining('"shoulder_lift_joint"'),
    });
    await expect(createTabletopSim(parseScene({ objects: [] }), { joints: { ...arm.byName(start), elbow_joint: 4 } })).rejects.toMatchObject({
      kind: 'usage',
      message: expect.stringMatching(/"elbow_joint" is 4, outside its limits/),
    });
  });
});

describe('scene graph', () => {
  it('poses the objects, the gripper and the arm from the simulator', async () => {
    const sim = await createTabletopSim(parseScene({ objects: [block('red', 0.5, 0.1), bowl('blue', 0.55, -0.15)] }));
    expect(await pick(sim, 'red block')).toBe('red block');
    const graph = createSceneGraph(sim.objects(), { robot: parseUrdf(sim.arm.urdf, { visuals: true }), baseFrame: sim.arm.baseFrame });
    graph.update(sim.poses());
    const byName = (name: string) => graph.root.getObjectByName(name)!;
    const at = (name: string) => byName(name).getWorldPosition(new THREE.Vector3());
    for (const o of sim.objects()) {
      expect(at(o.name).distanceTo(new THREE.Vector3(o.position.x, o.position.y, o.position.z))).toBeLessThan(1e-3);
    }
    const tool = sim.toolPosition();
    expect(at('left finger').y - at('right finger').y).toBeCloseTo(0.04 + 0.008, 2);
    expect(at('left finger').x).toBeCloseTo(tool.x, 6);
    // The arm from its URDF: tool0 (the flange) sits right above the palm, the coupling between them.
    expect(at('tool0').distanceTo(new THREE.Vector3(tool.x, tool.y, tool.z + 0.16))).toBeLessThan(1e-6);
    expect(at('base_link').length()).toBeLessThan(1e-9);
    expect(byName('upper_arm_link').children.some((c) => c.children.some((m) => (m as THREE.Mesh).isMesh))).toBe(true);
    expect(((byName('red block') as THREE.Mesh).material as THREE.MeshStandardMaterial).color.getHex()).toBe(0xe15759);
    graph.dispose();
    await sim.dispose();
  });

  it('imports only three and dependency-free modules, so it can run in a browser', async () => {
    const seen = new Set<string>();
    const visit = async (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = await readFile(file, 'utf8');
      for (const [, typeOnly, spec] of source.matchAll(/^import (type )?[^'"]*['"]([^'"]+)['"]/gm)) {
        if (typeOnly) continue;
        if (spec.startsWith('.')) await visit(resolve(dirname(file), spec));
        else expect(spec).toBe('three');
      }
    };
    await visit(resolve('sim/tabletop/scene-graph.ts'));
    expect([...seen].some((f) => f.endsWith('gripper-shape.ts'))).toBe(true);
  });
});
