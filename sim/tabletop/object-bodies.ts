import type { RigidBody, Rotation, Shape, Vector, World } from '@dimforge/rapier3d-compat';
import { COLLISION_GROUPS } from './collision-groups.ts';
import {
  BLOCK_HALF,
  BOWL_FLOOR,
  BOWL_HALF_HEIGHT,
  BOWL_RADIUS,
  BOWL_SEGMENTS,
  BOWL_WALL,
} from './object-shapes.ts';
import { FRICTION } from './physics-world.ts';
import type { Rapier } from './rapier.ts';
import type { SceneObject } from './scene.ts';

// Blocks and bowls as dynamic rigid bodies whose origin is the centre of their bounding box.
// A bowl is a compound shape: a floor plate plus a ring of wall slabs, so things dropped into it stay inside.

/** Wood-like: a 4 cm block weighs about 50 g. */
const BLOCK_DENSITY = 780;
/** Plastic-like: a bowl weighs about 100 g. */
const BOWL_DENSITY = 600;

export function createObjectBody(world: World, R: Rapier, obj: SceneObject): RigidBody {
  const { x, y, z } = obj.position;
  const body = world.createRigidBody(R.RigidBodyDesc.dynamic().setTranslation(x, y, z));
  const finish = (desc: InstanceType<Rapier['ColliderDesc']>) =>
    world.createCollider(desc.setFriction(FRICTION).setRestitution(0).setCollisionGroups(COLLISION_GROUPS.object), body);

  if (obj.kind === 'block') {
    finish(R.ColliderDesc.cuboid(BLOCK_HALF, BLOCK_HALF, BLOCK_HALF).setDensity(BLOCK_DENSITY));
    return body;
  }

  // One compound collider, not seventeen: rapier 0.21 pays ~10 µs per collider per step for an awake body,
  // which made a bowl eight times as costly as a block (measured). Only the floor touches the table.
  const wallCentre = BOWL_RADIUS - BOWL_WALL / 2;
  // The floor is an octagon (two square plates, one turned 45°) reaching the outer radius. A cylinder or a
  // round prism gets so few table contacts inside a compound that the bowl tilts onto its wall (measured).
  const floorHalf = BOWL_RADIUS * Math.cos(Math.PI / 8);
  const floorZ = -BOWL_HALF_HEIGHT + BOWL_FLOOR / 2;
  const shapes: Shape[] = [new R.Cuboid(floorHalf, floorHalf, BOWL_FLOOR / 2), new R.Cuboid(floorHalf, floorHalf, BOWL_FLOOR / 2)];
  const offsets: Vector[] = [{ x: 0, y: 0, z: floorZ }, { x: 0, y: 0, z: floorZ }];
  const turns: Rotation[] = [{ x: 0, y: 0, z: 0, w: 1 }, { x: 0, y: 0, z: Math.sin(Math.PI / 8), w: Math.cos(Math.PI / 8) }];
  // Wall slabs as the sides of a regular polygon standing on the floor; their centre lines meet, so the inner
  // faces overlap and nothing slips out between them.
  const halfLength = wallCentre * Math.tan(Math.PI / BOWL_SEGMENTS);
  for (let i = 0; i < BOWL_SEGMENTS; i++) {
    const angle = (2 * Math.PI * i) / BOWL_SEGMENTS;
    shapes.push(new R.Cuboid(BOWL_WALL / 2, halfLength, BOWL_HALF_HEIGHT - BOWL_FLOOR / 2));
    offsets.push({ x: wallCentre * Math.cos(angle), y: wallCentre * Math.sin(angle), z: BOWL_FLOOR / 2 });
    turns.push({ x: 0, y: 0, z: Math.sin(angle / 2), w: Math.cos(angle / 2) });
  }
  finish(R.ColliderDesc.compound(shapes, offsets, turns).setDensity(BOWL_DENSITY));
  return body;
}
