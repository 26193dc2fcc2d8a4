import type { Cuboid, RigidBody, Vector, World } from '@dimforge/rapier3d-compat';
import type { Vec3 } from '../../primitives/schemas.ts';
import { COLLISION_GROUPS } from './collision-groups.ts';
import { FINGER_DEPTH, FINGER_LENGTH, FINGER_THICKNESS, PALM_CENTRE_Z, PALM_HALF } from './gripper-shape.ts';
import type { Rapier } from './rapier.ts';

// The parallel gripper in the physics world (its size is in gripper-shape.ts). Palm and fingers are
// separate kinematic bodies: moving a finger body gives it a real velocity, so a closing finger pushes an
// off-centre block toward the other finger instead of teleporting into it.

/** Beyond the gripper's own box: a few steps of motion. (A held object is dynamic and wakes what it hits.) */
const WAKE_MARGIN = 0.01;
/** A finger face this close to an object (or up to this far into it) touches it: three steps of travel. */
const TOUCH_DISTANCE = 0.001;
const IDENTITY = { x: 0, y: 0, z: 0, w: 1 };

export type FingerContacts =
  | { kind: 'grasp'; body: RigidBody }
  | { kind: 'blocked' }
  | { kind: 'free' };

export class Gripper {
  readonly palm: RigidBody;
  /** [left (+y), right (-y)]. */
  readonly fingers: readonly [RigidBody, RigidBody];
  readonly tool: Vec3;
  width: number;
  private readonly target: Vector = { x: 0, y: 0, z: 0 };
  private readonly placed = { x: NaN, y: NaN, z: NaN, width: NaN };
  private readonly probe: Cuboid;
  private readonly probeAt: Vector = { x: 0, y: 0, z: 0 };
  private readonly reach = { centre: { x: 0, y: 0, z: 0 }, half: { x: 0, y: 0, z: 0 } };

  constructor(
    private readonly world: World,
    R: Rapier,
    tool: Vec3,
    width: number,
  ) {
    this.tool = { ...tool };
    this.width = width;
    const kinematic = () => world.createRigidBody(R.RigidBodyDesc.kinematicPositionBased());
    const part = (body: RigidBody, hx: number, hy: number, hz: number) =>
      world.createCollider(R.ColliderDesc.cuboid(hx, hy, hz).setFriction(1).setCollisionGroups(COLLISION_GROUPS.gripper), body);
    this.palm = kinematic();
    part(this.palm, PALM_HALF.x, PALM_HALF.y, PALM_HALF.z);
    this.fingers = [kinematic(), kinematic()];
    for (const finger of this.fingers) part(finger, FINGER_DEPTH / 2, FINGER_THICKNESS / 2, FINGER_LENGTH / 2);
    this.probe = new R.Cuboid(FINGER_DEPTH / 2, TOUCH_DISTANCE, FINGER_LENGTH / 2);
    this.place(true);
  }

  /**
   * Commands the pose for the next physics step (or puts it there at once when `teleport`). Rapier 0.21
   * does not wake a sleeping body that a kinematic body runs into (it passes straight through), so whenever
   * the gripper moves, everything dynamic within reach of it is woken first.
   */
  place(teleport = false): void {
    const { tool, target, placed } = this;
    const moved = tool.x !== placed.x || tool.y !== placed.y || tool.z !== placed.z || this.width !== placed.width;
    // A kinematic body left alone stays where it is, at zero velocity: nothing to command.
    if (!moved && !teleport) return;
    this.wakeNearby();
    placed.x = tool.x;
    placed.y = tool.y;
    placed.z = tool.z;
    placed.width = this.width;
    const move = (body: RigidBody) => (teleport ? body.setTranslation(target, true) : body.setNextKinematicTranslation(target));
    target.x = tool.x;
    target.y = tool.y;
    target.z = tool.z + PALM_CENTRE_Z;
    move(this.palm);
    const sideways = this.width / 2 + FINGER_THICKNESS / 2;
    target.z = tool.z + FINGER_LENGTH / 2;
    target.y = tool.y + sideways;
    move(this.fingers[0]);
    target.y = tool.y - sideways;
    move(this.fingers[1]);
  }

  private wakeNearby(): void {
    const { centre, half } = this.reach;
    // The gripper's box (palm and open fingers) plus a margin for this step's motion and the held object.
    const height = FINGER_LENGTH + 2 * PALM_HALF.z;
    centre.x = this.tool.x;
    centre.y = this.tool.y;
    centre.z = this.tool.z + height / 2;
    half.x = PALM_HALF.x + WAKE_MARGIN;
    half.y = Math.max(PALM_HALF.y, this.width / 2 + FINGER_THICKNESS) + WAKE_MARGIN;
    half.z = height / 2 + WAKE_MARGIN;
    const sleepers: RigidBody[] = [];
    this.world.collidersWithAabbIntersectingAabb(centre, half, (collider) => {
      const body = collider.parent();
      if (body && body.isDynamic() && body.isSleeping()) sleepers.push(body);
      return true;
    });
    // Woken after the query: changing bodies from inside a rapier callback corrupts its borrow state.
    for (const body of sleepers) body.wakeUp();
  }

  /** What the fingers touch now: one object with both (a grasp), different things, or nothing. */
  contacts(): FingerContacts {
    const left = this.touchedBodies(0);
    const right = this.touchedBodies(1);
    // Highest first: if the fingers span a stack, the top block is the one they hold.
    const shared = left.filter((b) => right.some((r) => r.handle === b.handle));
    if (shared.length > 0) {
      shared.sort((a, b) => b.translation().z - a.translation().z || a.handle - b.handle);
      return { kind: 'grasp', body: shared[0] };
    }
    return left.length > 0 && right.length > 0 ? { kind: 'blocked' } : { kind: 'free' };
  }

  /**
   * Dynamic bodies within TOUCH_DISTANCE of a finger's inner face, found with a thin slab straddling that
   * face; something against the finger's outer side does not count. (Rapier 0.21's contact-manifold getters
   * report stale distances for kinematic-dynamic pairs, so contacts are not read from the narrow phase.)
   */
  private touchedBodies(finger: 0 | 1): RigidBody[] {
    const side = finger === 0 ? 1 : -1;
    const at = this.probeAt;
    at.x = this.tool.x;
    at.y = this.tool.y + (side * this.width) / 2;
    at.z = this.tool.z + FINGER_LENGTH / 2;
    const bodies: RigidBody[] = [];
    this.world.intersectionsWithShape(at, IDENTITY, this.probe, (collider) => {
      const body = collider.parent();
      if (body && body.isDynamic() && !bodies.some((b) => b.handle === body.handle)) bodies.push(body);
      return true;
    }, undefined, COLLISION_GROUPS.gripper);
    return bodies;
  }
}
