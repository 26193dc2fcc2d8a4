import * as THREE from 'three';
import type { URDFJoint, URDFLink, URDFRobot } from 'urdf-loader';

// The arm drawn from its URDF, as urdf-loader builds it (in the page from the description the server sends;
// headless from parseUrdf). Links keep their boxes, cylinders and spheres; a link whose visuals are only mesh
// files (not available to Wand) or that has none gets a rod to each child joint and a ball at the joint, so
// any robot description draws as a recognisable arm. Only three.js is imported: the same code runs in a browser.

export interface ArmGraph {
  readonly root: THREE.Object3D;
  /** Sets the joints by name (names the URDF does not have are ignored). */
  update(joints: Readonly<Record<string, number>>): void;
  dispose(): void;
}

const ROD_RADIUS = 0.03;
const ROD_COLOR = 0x9aa4ad;

type Flagged = THREE.Object3D & { isURDFVisual?: boolean; isURDFJoint?: boolean; isURDFLink?: boolean };

/** A link with at least one shape of its own (a mesh file that never loaded leaves an empty visual). */
function hasShapes(link: URDFLink): boolean {
  return link.children.some((c) => (c as Flagged).isURDFVisual && c.children.some((m) => (m as THREE.Mesh).isMesh));
}

export function createArmGraph(robot: URDFRobot, baseFrame: string): ArmGraph {
  const disposables: { dispose(): void }[] = [];
  const rodMaterial = new THREE.MeshStandardMaterial({ color: ROD_COLOR, roughness: 0.6, metalness: 0.1 });
  const rodGeometry = new THREE.CylinderGeometry(ROD_RADIUS, ROD_RADIUS, 1, 16);
  const ballGeometry = new THREE.SphereGeometry(ROD_RADIUS * 1.3, 16, 10);
  disposables.push(rodMaterial, rodGeometry, ballGeometry);

  const up = new THREE.Vector3(0, 1, 0);
  for (const link of Object.values(robot.links)) {
    if (hasShapes(link)) continue;
    for (const child of link.children) {
      const joint = child as URDFJoint & Flagged;
      if (!joint.isURDFJoint) continue;
      const offset = joint.position.clone();
      const length = offset.length();
      if (length > 1e-3) {
        const rod = new THREE.Mesh(rodGeometry, rodMaterial);
        rod.name = `${link.name} rod`;
        rod.position.copy(offset).multiplyScalar(0.5);
        rod.scale.set(1, length, 1);
        rod.quaternion.setFromUnitVectors(up, offset.divideScalar(length));
        link.add(rod);
      }
      if (joint.jointType !== 'fixed') {
        const ball = new THREE.Mesh(ballGeometry, rodMaterial);
        ball.name = `${joint.name} ball`;
        ball.position.copy(joint.position);
        link.add(ball);
      }
    }
  }
  robot.traverse((o) => {
    const mesh = o as THREE.Mesh;
    if (mesh.isMesh && mesh.geometry !== rodGeometry && mesh.geometry !== ballGeometry) disposables.push(mesh.geometry);
    if (mesh.isMesh && mesh.material !== rodMaterial) disposables.push(mesh.material as THREE.Material);
  });

  // The base frame sits at the world origin, wherever it is in the URDF's tree (a world or a pedestal link above).
  const root = new THREE.Group();
  root.name = 'arm';
  root.add(robot);
  robot.matrixAutoUpdate = false;
  const base = robot.links[baseFrame] ?? robot;
  const inverse = new THREE.Matrix4();
  const placeBase = () => {
    robot.matrix.identity();
    robot.updateMatrixWorld(true);
    inverse.copy(root.matrixWorld).invert().multiply(base.matrixWorld).invert();
    robot.matrix.copy(inverse);
    robot.updateMatrixWorld(true);
  };
  placeBase();

  return {
    root,
    update(joints) {
      for (const [name, value] of Object.entries(joints)) if (robot.joints[name]) robot.joints[name].setJointValue(value);
      placeBase();
    },
    dispose() {
      for (const d of new Set(disposables)) d.dispose();
      root.clear();
    },
  };
}
