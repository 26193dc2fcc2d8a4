import * as THREE from 'three';
import type { Color, Pose2D } from '../../primitives/schemas.ts';
import { ROBOT_RADIUS, WALL_HEIGHT, WALL_THICKNESS, type RoomSpec } from './room.ts';

// The room as a three.js scene graph, for the browser view. Built in the odometry frame (REP-103:
// metres, z up), so poses from the simulator or the robot apply unchanged; give the camera up = +z.

const HEX: Record<Color, number> = {
  blue: 0x2f6fde,
  red: 0xd7263d,
  green: 0x2e9e4f,
  orange: 0xf28c28,
  yellow: 0xf2c14e,
  purple: 0x7d3cbd,
  pink: 0xf06fb0,
  cyan: 0x2ec4d6,
  brown: 0x8b5a2b,
  gray: 0x8a8f98,
};

export interface RoomScene {
  root: THREE.Group;
  robot: THREE.Group;
  setRobotPose(pose: Pose2D): void;
}

export function buildRoomScene(room: RoomSpec): RoomScene {
  const root = new THREE.Group();
  root.name = room.name;

  const [x0, x1] = room.bounds.x;
  const [y0, y1] = room.bounds.y;
  const floor = new THREE.Mesh(new THREE.PlaneGeometry(x1 - x0, y1 - y0), new THREE.MeshStandardMaterial({ color: 0xe9e4da }));
  floor.name = 'floor';
  floor.position.set((x0 + x1) / 2, (y0 + y1) / 2, 0);
  root.add(floor);

  const wallMaterial = new THREE.MeshStandardMaterial({ color: 0xb9b3a7 });
  for (const w of room.walls) {
    const [ax, ay] = w.from;
    const [bx, by] = w.to;
    const len = Math.hypot(bx - ax, by - ay);
    const mesh = new THREE.Mesh(new THREE.BoxGeometry(len + WALL_THICKNESS, WALL_THICKNESS, WALL_HEIGHT), wallMaterial);
    mesh.name = w.name;
    mesh.position.set((ax + bx) / 2, (ay + by) / 2, WALL_HEIGHT / 2);
    mesh.rotation.z = Math.atan2(by - ay, bx - ax);
    root.add(mesh);
  }

  for (const b of room.boxes) {
    const mesh = new THREE.Mesh(new THREE.BoxGeometry(b.size[0], b.size[1], b.size[2]), new THREE.MeshStandardMaterial({ color: HEX[b.color] }));
    mesh.name = b.name;
    mesh.position.set(b.center[0], b.center[1], b.size[2] / 2);
    root.add(mesh);
  }

  const postMaterial = new THREE.MeshStandardMaterial({ color: 0x555555 });
  for (const p of room.posts) {
    const mesh = new THREE.Mesh(new THREE.CylinderGeometry(p.r, p.r, 0.3, 12), postMaterial);
    mesh.rotation.x = Math.PI / 2; // three's cylinders stand on y; ours on z
    mesh.position.set(p.x, p.y, 0.15);
    root.add(mesh);
  }

  const placeMaterial = new THREE.MeshBasicMaterial({ color: 0x3b82f6, transparent: true, opacity: 0.5 });
  for (const [name, [x, y]] of Object.entries(room.places)) {
    const ring = new THREE.Mesh(new THREE.RingGeometry(0.15, 0.2, 32), placeMaterial);
    ring.name = `place: ${name}`;
    ring.position.set(x, y, 0.002);
    root.add(ring);
  }

  const robot = new THREE.Group();
  robot.name = 'robot';
  const body = new THREE.Mesh(new THREE.CylinderGeometry(ROBOT_RADIUS, ROBOT_RADIUS, 0.15, 32), new THREE.MeshStandardMaterial({ color: 0x333a44 }));
  body.rotation.x = Math.PI / 2;
  body.position.z = 0.09;
  robot.add(body);
  // A wedge on top shows the heading (+x of the robot).
  const nose = new THREE.Mesh(new THREE.ConeGeometry(0.05, 0.12, 3), new THREE.MeshStandardMaterial({ color: 0xffffff }));
  nose.rotation.z = -Math.PI / 2;
  nose.position.set(ROBOT_RADIUS * 0.6, 0, 0.18);
  robot.add(nose);
  root.add(robot);

  const setRobotPose = (pose: Pose2D) => {
    robot.position.set(pose.x, pose.y, 0);
    robot.rotation.z = (pose.yaw * Math.PI) / 180;
  };
  setRobotPose({ x: 0, y: 0, yaw: 0 });
  return { root, robot, setRobotPose };
}
