import * as THREE from 'three';
import URDFLoader from 'urdf-loader';
import { createSceneGraph, type SceneGraph, type ScenePoses } from '../../../sim/tabletop/scene-graph.ts';
import { WORKSPACE } from '../../../primitives/tabletop/world.ts';
import type { SceneArmInfo, SceneObjectInfo, StateFrame } from '../protocol.ts';
import type { WorldGraph } from './world-graph.ts';

// The tabletop drawn by the simulator's own scene graph (table, arm, gripper, blocks and bowls), posed from
// the streamed frames, plus what only the page shows: the outline of the reachable workspace. The arm is the
// robot's URDF (the simulator's or a real robot's), read by urdf-loader with the browser's DOMParser.

/** The URDF as urdf-loader builds it; mesh files are not served, so links draw from their simple shapes. */
function parseArm(arm: SceneArmInfo) {
  const loader = new URDFLoader();
  loader.loadMeshCb = (_url, _manager, _material, done) => done(null as never);
  try {
    return { robot: loader.parse(arm.urdf), baseFrame: arm.baseFrame };
  } catch (err) {
    console.warn('the robot description could not be drawn:', err);
    return undefined;
  }
}

type Vec = { x: number; y: number; z: number };

export function tabletopGraph(): WorldGraph {
  const root = new THREE.Group();
  const outline = new THREE.LineLoop(
    new THREE.BufferGeometry().setFromPoints([
      new THREE.Vector3(WORKSPACE.x[0], WORKSPACE.y[0], 0.001),
      new THREE.Vector3(WORKSPACE.x[1], WORKSPACE.y[0], 0.001),
      new THREE.Vector3(WORKSPACE.x[1], WORKSPACE.y[1], 0.001),
      new THREE.Vector3(WORKSPACE.x[0], WORKSPACE.y[1], 0.001),
    ]),
    new THREE.LineBasicMaterial({ color: 0x6b5a3e }),
  );
  root.add(outline);
  let graph: SceneGraph | null = null;
  let names: string[] = [];

  return {
    root,
    setObjects(objects: SceneObjectInfo[], arm?: SceneArmInfo) {
      if (graph) {
        root.remove(graph.root);
        graph.dispose();
      }
      graph = createSceneGraph(objects, arm ? parseArm(arm) : undefined);
      names = objects.map((o) => o.name);
      // Bowls and blocks rest exactly on the table top; pushing the table back in depth avoids z-fighting.
      const table = graph.root.getObjectByName('table') as THREE.Mesh | undefined;
      const material = table?.material as THREE.Material | undefined;
      if (material) Object.assign(material, { polygonOffset: true, polygonOffsetFactor: 1, polygonOffsetUnits: 1 });
      root.add(graph.root);
    },
    update(frame: StateFrame) {
      const robot = frame.robot as { tool?: Vec; gripperWidth?: number; joints?: Record<string, number> };
      if (!graph || !robot.tool || typeof robot.joints !== 'object' || robot.joints === null) return;
      const poses: ScenePoses = {
        robot: { tool: robot.tool, gripperWidth: robot.gripperWidth ?? 0.08, joints: robot.joints },
        objects: frame.o.map((p, i) => ({
          name: names[i] ?? '',
          position: { x: p[0]!, y: p[1]!, z: p[2]! },
          quaternion: p.length >= 7 ? { x: p[3]!, y: p[4]!, z: p[5]!, w: p[6]! } : { x: 0, y: 0, z: 0, w: 1 },
        })),
      };
      graph.update(poses);
    },
    dispose() {
      graph?.dispose();
      outline.geometry.dispose();
      (outline.material as THREE.Material).dispose();
    },
  };
}
