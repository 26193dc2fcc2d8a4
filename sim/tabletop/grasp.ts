import type { ImpulseJoint, RigidBody, Rotation, Vector, World } from '@dimforge/rapier3d-compat';
import type { ObjectKind } from '../../primitives/schemas.ts';
import { TABLE } from '../../primitives/tabletop/world.ts';
import { COLLISION_GROUPS } from './collision-groups.ts';
import { BLOCK_HALF, BOWL_HALF_HEIGHT, BOWL_RADIUS } from './object-shapes.ts';
import type { Rapier } from './rapier.ts';

// Holding an object = a fixed joint from the palm to the object, made where the fingers closed on it.
// Friction grasps in a step-based solver creep and jitter; a joint holds exactly, and still lets the held
// object push other things (and be pushed back). If something shoves it far from where it was gripped,
// the grasp counts as lost, as a real object would slip out of the fingers.

/** Displacement from the gripped pose that counts as slipping out of the fingers. */
const SLIP_DISTANCE = 0.01;
const SLIP_ANGLE = 0.3;
/**
 * The palm is kinematic and the table fixed, so when the arm drives a held object into the table neither
 * gives way: the object would just sink in. A real object would be squeezed out of the fingers instead,
 * so sinking this deep counts as slipping.
 */
const PRESS_DEPTH = 0.004;

export class Grasp {
  private readonly joint: ImpulseJoint;
  private readonly offset: Vector;
  private readonly gripped: Rotation;
  private readonly palmAt: Vector = { x: 0, y: 0, z: 0 };
  private readonly objectAt: Vector = { x: 0, y: 0, z: 0 };
  private readonly objectRot: Rotation = { x: 0, y: 0, z: 0, w: 1 };

  constructor(
    private readonly world: World,
    R: Rapier,
    private readonly palm: RigidBody,
    readonly object: RigidBody,
    readonly name: string,
    private readonly kind: ObjectKind,
  ) {
    const p = palm.translation();
    const o = object.translation();
    // The palm never rotates, so its local frame is the world frame shifted.
    this.offset = { x: o.x - p.x, y: o.y - p.y, z: o.z - p.z };
    this.gripped = object.rotation();
    setGroups(object, COLLISION_GROUPS.heldObject);
    this.joint = world.createImpulseJoint(R.JointData.fixed(this.offset, this.gripped, { x: 0, y: 0, z: 0 }, { x: 0, y: 0, z: 0, w: 1 }), palm, object, true);
  }

  /** True when the object has been pushed out of the gripped pose (checked every step, so no allocation). */
  slipped(): boolean {
    const p = this.palm.translation(this.palmAt);
    const o = this.object.translation(this.objectAt);
    const dx = o.x - p.x - this.offset.x;
    const dy = o.y - p.y - this.offset.y;
    const dz = o.z - p.z - this.offset.z;
    if (dx * dx + dy * dy + dz * dz > SLIP_DISTANCE * SLIP_DISTANCE) return true;
    const q = this.object.rotation(this.objectRot);
    const g = this.gripped;
    const dot = Math.abs(q.x * g.x + q.y * g.y + q.z * g.z + q.w * g.w);
    if (2 * Math.acos(Math.min(1, dot)) > SLIP_ANGLE) return true;
    const overTable = o.x >= TABLE.x[0] && o.x <= TABLE.x[1] && o.y >= TABLE.y[0] && o.y <= TABLE.y[1];
    return overTable && o.z - lowestPointDepth(this.kind, q) < -PRESS_DEPTH;
  }

  release(): void {
    this.world.removeImpulseJoint(this.joint, true);
    setGroups(this.object, COLLISION_GROUPS.object);
    this.object.wakeUp();
  }
}

/** How far the object reaches below its centre in this orientation. */
function lowestPointDepth(kind: ObjectKind, q: Rotation): number {
  // Third row of the rotation matrix: how much each body axis points up.
  const zx = 2 * (q.x * q.z - q.w * q.y);
  const zy = 2 * (q.y * q.z + q.w * q.x);
  const zz = 1 - 2 * (q.x * q.x + q.y * q.y);
  if (kind === 'block') return BLOCK_HALF * (Math.abs(zx) + Math.abs(zy) + Math.abs(zz));
  return BOWL_HALF_HEIGHT * Math.abs(zz) + BOWL_RADIUS * Math.sqrt(Math.max(0, 1 - zz * zz));
}

function setGroups(body: RigidBody, groups: number): void {
  for (let i = 0; i < body.numColliders(); i++) body.collider(i).setCollisionGroups(groups);
}
