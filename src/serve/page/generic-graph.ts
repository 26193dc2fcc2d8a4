import * as THREE from 'three';
import type { SceneObjectInfo, StateFrame } from '../protocol.ts';
import { COLOR_HEX } from '../../../sim/tabletop/scene-graph.ts';
import type { WorldGraph } from './world-graph.ts';

// Any other world (the mobile room): a floor, the objects as boxes, and the robot as a disc with a heading
// mark at its pose ({x, y, yaw} in the robot state or the odometry of a real robot).

export function genericGraph(): WorldGraph {
  const root = new THREE.Group();
  const floor = new THREE.Mesh(new THREE.PlaneGeometry(10, 10), new THREE.MeshStandardMaterial({ color: 0x55606b }));
  root.add(floor);
  const robot = new THREE.Group();
  const body = new THREE.Mesh(new THREE.CylinderGeometry(0.18, 0.18, 0.12, 32), new THREE.MeshStandardMaterial({ color: 0xdddddd }));
  body.rotation.x = Math.PI / 2;
  body.position.z = 0.06;
  const nose = new THREE.Mesh(new THREE.BoxGeometry(0.12, 0.04, 0.03), new THREE.MeshStandardMaterial({ color: 0xd93a3a }));
  nose.position.set(0.12, 0, 0.135);
  robot.add(body, nose);
  root.add(robot);
  let meshes: THREE.Mesh[] = [];

  return {
    root,
    setObjects(objects: SceneObjectInfo[]) {
      for (const m of meshes) root.remove(m);
      meshes = objects.map((o) => {
        const m = new THREE.Mesh(new THREE.BoxGeometry(o.size.x, o.size.y, o.size.z), new THREE.MeshStandardMaterial({ color: COLOR_HEX[o.color] ?? 0xbbbbbb }));
        root.add(m);
        return m;
      });
    },
    update(frame: StateFrame) {
      frame.o.forEach((p, i) => {
        const m = meshes[i];
        if (!m) return;
        m.position.set(p[0]!, p[1]!, p[2]!);
        if (p.length >= 7) m.quaternion.set(p[3]!, p[4]!, p[5]!, p[6]!);
      });
      const pose = (frame.odom ?? (frame.robot as { pose?: { x: number; y: number; yaw: number } }).pose ?? frame.robot) as Partial<{ x: number; y: number; yaw: number }>;
      if (typeof pose.x === 'number' && typeof pose.y === 'number') {
        robot.position.set(pose.x, pose.y, 0);
        robot.rotation.z = ((pose.yaw ?? 0) * Math.PI) / 180;
      }
    },
    dispose() {
      root.traverse((o) => {
        if (o instanceof THREE.Mesh) {
          o.geometry.dispose();
          (o.material as THREE.Material).dispose();
        }
      });
    },
  };
}
