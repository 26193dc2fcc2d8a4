import type * as THREE from 'three';
import { buildRoomScene } from '../../../sim/mobile/scene-graph.ts';
import type { RoomSpec } from '../../../sim/mobile/room.ts';
import type { StateFrame } from '../protocol.ts';
import type { WorldGraph } from './world-graph.ts';

// The mobile-base world, drawn by the simulator's own scene graph (walls, boxes, places, the robot) and
// posed from the streamed state: the simulated robot's pose, or a real robot's odometry when there is one.

export function roomGraph(room: RoomSpec): WorldGraph {
  const scene = buildRoomScene(room);
  return {
    root: scene.root,
    // The room's boxes are part of the room itself; they do not move.
    setObjects() {},
    update(frame: StateFrame) {
      // The simulated robot (in a rehearsal too, where the real one's odometry rides along in frame.odom).
      const pose = (frame.robot as { pose?: { x: number; y: number; yaw: number } }).pose ?? frame.odom;
      if (pose) scene.setRobotPose(pose);
    },
    dispose() {
      scene.root.traverse((o) => {
        const mesh = o as THREE.Mesh;
        mesh.geometry?.dispose();
        (mesh.material as THREE.Material | undefined)?.dispose?.();
      });
    },
  };
}
