import * as THREE from 'three';
import type { URDFRobot } from 'urdf-loader';
import type { ObjectKind, Vec3 } from '../../primitives/schemas.ts';
import { TABLE } from '../../primitives/tabletop/world.ts';
import { createArmGraph, type ArmGraph } from './arm-graph.ts';
import { FINGER_DEPTH, FINGER_LENGTH, FINGER_THICKNESS, PALM_CENTRE_Z, PALM_HALF } from './gripper-shape.ts';
import { BOWL_FLOOR, BOWL_INNER_RADIUS, BOWL_RADIUS, TABLE_THICKNESS } from './object-shapes.ts';

// The tabletop as a three.js scene graph, posed from the simulator's `poses()`. Only three.js and
// dependency-free modules are imported, so the same code renders in a browser; headless it is built and
// updated but never drawn. The world is z-up (REP-103): give cameras `up.set(0, 0, 1)`. The arm comes from
// its URDF (parsed by urdf-loader by the caller), posed by joint name.

export interface ScenePoses {
  robot: { tool: Vec3; gripperWidth: number; joints: Record<string, number> };
  objects: { name: string; position: Vec3; quaternion: { x: number; y: number; z: number; w: number } }[];
}

export interface SceneGraphObject {
  name: string;
  kind: ObjectKind;
  color: string;
  size: Vec3;
}

export interface SceneGraph {
  readonly root: THREE.Group;
  /** Moves the arm, gripper and objects to the given poses (objects not listed stay where they are). */
  update(poses: ScenePoses): void;
  /** Frees the geometries and materials. */
  dispose(): void;
}

/** The Code as Policies palette (Tableau 10), so renders look like the paper's. */
export const COLOR_HEX: Record<string, number> = {
  blue: 0x4e79a7,
  red: 0xe15759,
  green: 0x59a14f,
  orange: 0xf28e2b,
  yellow: 0xedc948,
  purple: 0xb07aa1,
  pink: 0xff9da7,
  cyan: 0x76b7b2,
  brown: 0x9c755f,
  gray: 0xbab0ac,
};

const GRIPPER_COLOR = 0x2f3338;

/** A bowl's cross-section revolved about z: vertical walls and a flat floor, like its collider. */
function bowlGeometry(height: number): THREE.BufferGeometry {
  const bottom = -height / 2;
  const profile = [
    [0, bottom + BOWL_FLOOR],
    [BOWL_INNER_RADIUS, bottom + BOWL_FLOOR],
    [BOWL_INNER_RADIUS, -bottom],
    [BOWL_RADIUS, -bottom],
    [BOWL_RADIUS, bottom],
    [0, bottom],
  ].map(([r, z]) => new THREE.Vector2(r, z));
  // LatheGeometry revolves about y; a quarter turn about x makes that z.
  return new THREE.LatheGeometry(profile, 48).rotateX(Math.PI / 2);
}

/** The arm to draw: its parsed URDF and the frame placed at the world origin. */
export interface SceneGraphArm {
  robot: URDFRobot;
  baseFrame: string;
}

export function createSceneGraph(objects: readonly SceneGraphObject[], arm?: SceneGraphArm): SceneGraph {
  const root = new THREE.Group();
  root.name = 'tabletop';
  const disposables: { dispose(): void }[] = [];
  const material = (color: number) => {
    const m = new THREE.MeshStandardMaterial({ color, roughness: 0.7, metalness: 0.05 });
    disposables.push(m);
    return m;
  };
  const mesh = (geometry: THREE.BufferGeometry, mat: THREE.Material, name: string) => {
    disposables.push(geometry);
    const m = new THREE.Mesh(geometry, mat);
    m.name = name;
    root.add(m);
    return m;
  };

  const table = mesh(new THREE.BoxGeometry(TABLE.x[1] - TABLE.x[0], TABLE.y[1] - TABLE.y[0], TABLE_THICKNESS), material(0xc8b28e), 'table');
  table.position.set((TABLE.x[0] + TABLE.x[1]) / 2, (TABLE.y[0] + TABLE.y[1]) / 2, -TABLE_THICKNESS / 2);

  const armGraph: ArmGraph | null = arm ? createArmGraph(arm.robot, arm.baseFrame) : null;
  if (armGraph) {
    root.add(armGraph.root);
    disposables.push(armGraph);
  }

  const gripperMaterial = material(GRIPPER_COLOR);
  const palm = mesh(new THREE.BoxGeometry(2 * PALM_HALF.x, 2 * PALM_HALF.y, 2 * PALM_HALF.z), gripperMaterial, 'palm');
  const fingerGeometry = new THREE.BoxGeometry(FINGER_DEPTH, FINGER_THICKNESS, FINGER_LENGTH);
  const fingers = [mesh(fingerGeometry, gripperMaterial, 'left finger'), mesh(fingerGeometry, gripperMaterial, 'right finger')];

  const objectMeshes = new Map<string, THREE.Mesh>();
  for (const obj of objects) {
    const geometry = obj.kind === 'block' ? new THREE.BoxGeometry(obj.size.x, obj.size.y, obj.size.z) : bowlGeometry(obj.size.z);
    const mat = material(COLOR_HEX[obj.color] ?? 0x888888);
    // The lathe profile runs both ways round (inner wall up, outer wall down), so draw both faces of it.
    if (obj.kind === 'bowl') mat.side = THREE.DoubleSide;
    objectMeshes.set(obj.name, mesh(geometry, mat, obj.name));
  }

  return {
    root,
    update({ robot, objects: poses }) {
      const { tool, gripperWidth } = robot;
      armGraph?.update(robot.joints);

      palm.position.set(tool.x, tool.y, tool.z + PALM_CENTRE_Z);
      const sideways = gripperWidth / 2 + FINGER_THICKNESS / 2;
      fingers[0].position.set(tool.x, tool.y + sideways, tool.z + FINGER_LENGTH / 2);
      fingers[1].position.set(tool.x, tool.y - sideways, tool.z + FINGER_LENGTH / 2);

      for (const pose of poses) {
        const m = objectMeshes.get(pose.name);
        if (!m) continue;
        m.position.set(pose.position.x, pose.position.y, pose.position.z);
        m.quaternion.set(pose.quaternion.x, pose.quaternion.y, pose.quaternion.z, pose.quaternion.w);
      }
    },
    dispose() {
      for (const d of disposables) d.dispose();
      root.clear();
    },
  };
}
