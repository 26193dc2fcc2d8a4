import * as THREE from 'three';
import { jointFrames, TOOL_LENGTH } from '../../../sim/tabletop/arm-kinematics.ts';
import type { SceneObjectInfo, StateFrame } from '../protocol.ts';
import { COLOR_HEX } from './colors.ts';

// The tabletop drawn from the streamed state: table, workspace outline, named positions, a UR-style arm
// posed from the simulator's joint angles, the parallel gripper, blocks and bowls. World frame is the
// simulator's (REP-103, z up); the camera is set up with z up too, so no axes are swapped anywhere.

export interface WorldGraph {
  readonly root: THREE.Object3D;
  setObjects(objects: SceneObjectInfo[]): void;
  update(frame: StateFrame): void;
  dispose(): void;
}

const TABLE = { x: [0, 1] as const, y: [-0.5, 0.5] as const, thickness: 0.04 };
const WORKSPACE = { x: [0.2, 0.8], y: [-0.3, 0.3] };
const LINK_RADIUS = 0.035;

function bowlGeometry(size: { x: number; z: number }): THREE.BufferGeometry {
  const r = size.x / 2;
  const h = size.z;
  // Profile of a bowl from the inside bottom out over the rim and down the outside, revolved about z.
  const pts = [
    [0, -h / 2 + 0.006],
    [r * 0.55, -h / 2 + 0.006],
    [r * 0.9, h / 2 - 0.01],
    [r - 0.006, h / 2],
    [r, h / 2],
    [r * 0.92, -h / 2 + 0.01],
    [r * 0.6, -h / 2],
    [0, -h / 2],
  ].map(([a, b]) => new THREE.Vector2(a, b));
  const g = new THREE.LatheGeometry(pts, 32);
  g.rotateX(Math.PI / 2); // lathe revolves around y; our up is z
  return g;
}

export function tabletopGraph(): WorldGraph {
  const root = new THREE.Group();
  const owned: { dispose(): void }[] = [];
  const mat = (color: number, opts: THREE.MeshStandardMaterialParameters = {}) => {
    const m = new THREE.MeshStandardMaterial({ color, roughness: 0.7, metalness: 0.05, ...opts });
    owned.push(m);
    return m;
  };
  const geo = <G extends THREE.BufferGeometry>(g: G) => (owned.push(g), g);

  const table = new THREE.Mesh(geo(new THREE.BoxGeometry(TABLE.x[1] - TABLE.x[0], TABLE.y[1] - TABLE.y[0], TABLE.thickness)), mat(0xc8b28e));
  table.position.set((TABLE.x[0] + TABLE.x[1]) / 2, 0, -TABLE.thickness / 2);
  table.receiveShadow = true;
  root.add(table);

  const ws = new THREE.LineLoop(
    geo(new THREE.BufferGeometry().setFromPoints([
      new THREE.Vector3(WORKSPACE.x[0], WORKSPACE.y[0], 0.001),
      new THREE.Vector3(WORKSPACE.x[1], WORKSPACE.y[0], 0.001),
      new THREE.Vector3(WORKSPACE.x[1], WORKSPACE.y[1], 0.001),
      new THREE.Vector3(WORKSPACE.x[0], WORKSPACE.y[1], 0.001),
    ])),
    new THREE.LineBasicMaterial({ color: 0x6b5a3e }),
  );
  root.add(ws);

  // The arm: a base, one capsule per link between successive joint frames, and the gripper.
  const armMat = mat(0x9aa4ae, { metalness: 0.3, roughness: 0.5 });
  const jointMat = mat(0x3b4754, { metalness: 0.3, roughness: 0.5 });
  const base = new THREE.Mesh(geo(new THREE.CylinderGeometry(0.075, 0.09, 0.05, 24)), jointMat);
  base.rotation.x = Math.PI / 2;
  base.position.set(0, 0, 0.025);
  root.add(base);
  const linkGeo = geo(new THREE.CylinderGeometry(LINK_RADIUS, LINK_RADIUS, 1, 16));
  const jointGeo = geo(new THREE.SphereGeometry(LINK_RADIUS * 1.35, 16, 12));
  const links = Array.from({ length: 6 }, () => new THREE.Mesh(linkGeo, armMat));
  const joints = Array.from({ length: 7 }, () => new THREE.Mesh(jointGeo, jointMat));
  for (const m of [...links, ...joints]) root.add(m);

  const gripper = new THREE.Group();
  const palm = new THREE.Mesh(geo(new THREE.BoxGeometry(0.04, 0.12, 0.03)), jointMat);
  palm.position.z = 0.065;
  const wrist = new THREE.Mesh(geo(new THREE.CylinderGeometry(0.025, 0.025, TOOL_LENGTH - 0.08, 16)), armMat);
  wrist.rotation.x = Math.PI / 2;
  wrist.position.z = 0.08 + (TOOL_LENGTH - 0.08) / 2;
  const fingerGeo = geo(new THREE.BoxGeometry(0.02, 0.012, 0.055));
  const fingers = [new THREE.Mesh(fingerGeo, jointMat), new THREE.Mesh(fingerGeo, jointMat)];
  for (const f of fingers) f.position.z = 0.0225;
  gripper.add(palm, wrist, ...fingers);
  root.add(gripper);

  let objectMeshes: THREE.Mesh[] = [];
  const objectGroup = new THREE.Group();
  root.add(objectGroup);

  const up = new THREE.Vector3(0, 1, 0);
  const a = new THREE.Vector3();
  const b = new THREE.Vector3();

  function poseArm(jointAngles: number[]) {
    const frames = jointFrames(jointAngles);
    frames.forEach((f, i) => joints[i]?.position.set(f[3]!, f[7]!, f[11]!));
    for (let i = 0; i < 6; i++) {
      a.set(frames[i]![3]!, frames[i]![7]!, frames[i]![11]!);
      b.set(frames[i + 1]![3]!, frames[i + 1]![7]!, frames[i + 1]![11]!);
      const len = a.distanceTo(b);
      const link = links[i]!;
      link.visible = len > 1e-4;
      if (!link.visible) continue;
      link.position.copy(a).add(b).multiplyScalar(0.5);
      link.scale.set(1, len, 1);
      link.quaternion.setFromUnitVectors(up, b.sub(a).normalize());
    }
  }

  return {
    root,
    setObjects(objects) {
      for (const m of objectMeshes) {
        objectGroup.remove(m);
        m.geometry.dispose();
        (m.material as THREE.Material).dispose();
      }
      objectMeshes = objects.map((o) => {
        const color = COLOR_HEX[o.color] ?? 0xffffff;
        const geometry = o.kind === 'bowl' ? bowlGeometry(o.size) : new THREE.BoxGeometry(o.size.x, o.size.y, o.size.z);
        const mesh = new THREE.Mesh(geometry, new THREE.MeshStandardMaterial({ color, roughness: 0.6, side: o.kind === 'bowl' ? THREE.DoubleSide : THREE.FrontSide }));
        mesh.name = o.name;
        mesh.castShadow = true;
        objectGroup.add(mesh);
        return mesh;
      });
    },
    update(frame) {
      frame.o.forEach((p, i) => {
        const m = objectMeshes[i];
        if (!m) return;
        m.position.set(p[0]!, p[1]!, p[2]!);
        if (p.length >= 7) m.quaternion.set(p[3]!, p[4]!, p[5]!, p[6]!);
      });
      const robot = frame.robot as { tool?: { x: number; y: number; z: number }; gripperWidth?: number; joints?: number[] };
      if (Array.isArray(robot.joints) && robot.joints.length === 6) poseArm(robot.joints);
      if (robot.tool) gripper.position.set(robot.tool.x, robot.tool.y, robot.tool.z);
      const w = typeof robot.gripperWidth === 'number' ? robot.gripperWidth : 0.08;
      fingers[0]!.position.y = w / 2 + 0.006;
      fingers[1]!.position.y = -w / 2 - 0.006;
    },
    dispose() {
      this.setObjects([]);
      for (const o of owned) o.dispose();
    },
  };
}
