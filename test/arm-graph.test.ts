import { readFileSync } from 'node:fs';
import * as THREE from 'three';
import { describe, expect, it } from 'vitest';
import { loadArmModel } from '../src/kinematics/arm-model.ts';
import { parseUrdf } from '../src/kinematics/parse-urdf.ts';
import { createArmGraph } from '../sim/tabletop/arm-graph.ts';

// The arm as the page draws it: urdf-loader's links posed by joint name, simple shapes where the URDF only
// names mesh files, the base frame at the world origin.

const UR5E = readFileSync(new URL('./fixtures/urdf/ur5e.urdf', import.meta.url), 'utf8');
const Q = [0.4, -1.3, 1.7, -1.9, -1.5713, 0.3];

describe('the arm graph', () => {
  it('draws rods and joint balls for links whose visuals are mesh files, and poses them like the kinematic model', () => {
    const model = loadArmModel(UR5E, { baseFrame: 'base_link', toolFrame: 'tool0' });
    const graph = createArmGraph(parseUrdf(UR5E, { visuals: true }), 'base_link');
    graph.update({ ...model.byName(Q), left_finger_joint: 0.02, unknown_joint: 1 });
    graph.root.updateMatrixWorld(true);
    const rods = [] as string[];
    graph.root.traverse((o) => {
      if ((o as THREE.Mesh).isMesh) rods.push(o.name);
    });
    expect(rods).toContain('upper_arm_link rod');
    expect(rods).toContain('forearm_link rod');
    expect(rods).toContain('elbow_joint ball');
    const tool0 = graph.root.getObjectByName('tool0')!.getWorldPosition(new THREE.Vector3());
    const expected = model.toolPoint(Q);
    expect(tool0.distanceTo(new THREE.Vector3(expected.x, expected.y, expected.z))).toBeLessThan(1e-6);
    graph.dispose();
  });

  it('puts the base frame at the world origin wherever it is in the tree', () => {
    // base_link_inertia is turned π about z under base_link (and base_link hangs below a world link).
    const model = loadArmModel(UR5E, { baseFrame: 'base_link_inertia', toolFrame: 'tool0' });
    const graph = createArmGraph(parseUrdf(UR5E, { visuals: true }), 'base_link_inertia');
    graph.update(model.byName(Q));
    graph.root.updateMatrixWorld(true);
    const tool0 = graph.root.getObjectByName('tool0')!.getWorldPosition(new THREE.Vector3());
    const expected = model.toolPoint(Q);
    expect(tool0.distanceTo(new THREE.Vector3(expected.x, expected.y, expected.z))).toBeLessThan(1e-6);
    expect(graph.root.getObjectByName('base_link_inertia')!.getWorldPosition(new THREE.Vector3()).length()).toBeLessThan(1e-9);
    graph.dispose();
  });
});
