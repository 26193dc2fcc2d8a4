import { z } from 'zod';
import { WandError } from '../../src/core/errors.ts';
import type { TabletopBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';
import { Name, Point } from '../schemas.ts';
import { findNamedPosition, findObject, pointText, requireInWorkspace, surfaceHeight } from './lookup.ts';
import { expectHolding, travelTo } from './motion.ts';

export const Target = z.union([Name, Point]);
export type Target = z.infer<typeof Target>;

interface ResolvedTarget {
  x: number;
  y: number;
  /** Requested height of the placed object's centre, if the caller gave one. */
  z?: number;
  label: string;
  /** The object the target names, if it names one. */
  object?: string;
}

export function resolveTarget(backend: TabletopBackend, target: Target, primitive: string): ResolvedTarget {
  if (typeof target !== 'string') return { ...target, label: pointText(target) };
  const named = findNamedPosition(target, backend.world().namedPositions);
  if (named) return { x: named.x, y: named.y, label: `"${target}"` };
  const obj = findObject(backend, target, primitive);
  return { x: obj.position.x, y: obj.position.y, label: `"${obj.name}"`, object: obj.name };
}

/** A target outside the workspace is refused before anything moves. */
export function requireTargetInWorkspace(backend: TabletopBackend, goal: ResolvedTarget, target: Target, primitive: string): void {
  requireInWorkspace(goal, primitive, typeof target === 'string' ? `target ${goal.label} at` : 'target', backend.world().bounds);
}

const RELEASE_CLEARANCE = 0.012;
const SETTLE_S = 0.4;
/** A placed object counts as where it was put when its centre is this close in x-y. */
const PLACE_TOLERANCE = 0.05;

export async function placeHeld(ctx: PrimitiveContext<TabletopBackend>, target: Target, primitive = 'place'): Promise<void> {
  const { backend, signal } = ctx;
  const goal = resolveTarget(backend, target, primitive);
  requireTargetInWorkspace(backend, goal, target, primitive);
  const heldName = backend.holding();
  if (!heldName) {
    throw new WandError('physical', `${primitive}: the gripper is empty; pick an object first`, { primitive });
  }
  if (goal.object === heldName) {
    throw new WandError('validation', `${primitive}: cannot place "${heldName}" on itself`, { primitive });
  }
  const objects = backend.objects();
  const held = objects.find((o) => o.name === heldName)!;
  const tool = backend.toolPosition();
  // Keep the grasp as it is: the tool sits at the same offset from the object's centre while it is carried.
  const offset = held.position.z - tool.z;
  const restZ = surfaceHeight(objects, goal.x, goal.y, heldName) + held.size.z / 2;
  const centreZ = Math.max(goal.z ?? restZ, restZ) + RELEASE_CLEARANCE;
  const release = { x: goal.x, y: goal.y, z: centreZ - offset };
  await travelTo(backend, release, signal);
  expectHolding(backend, heldName, primitive, `on the way to ${goal.label}`);
  await backend.openGripper(signal);
  await backend.moveTo({ ...release, z: release.z + 0.08 }, signal);
  await backend.wait(SETTLE_S, signal);
  const after = backend.objects().find((o) => o.name === heldName)!;
  const miss = Math.hypot(after.position.x - goal.x, after.position.y - goal.y);
  if (after.position.z < -0.01) {
    throw new WandError('physical', `${primitive}: "${heldName}" fell off the table (now at ${pointText(after.position)})`, {
      primitive,
    });
  }
  if (miss > PLACE_TOLERANCE) {
    throw new WandError(
      'physical',
      `${primitive}: "${heldName}" did not stay at ${goal.label}: it slid or toppled to ${pointText(after.position)}, ${(miss * 100).toFixed(1)} cm away`,
      { primitive },
    );
  }
}

export default definePrimitive({
  name: 'place',
  doc: 'Put the held object on a named object ("blue bowl"), a named position ("top left corner") or a point {x, y, z?}.',
  params: { target: Target },
  returns: z.void(),
  run: (ctx: PrimitiveContext<TabletopBackend>, { target }) => placeHeld(ctx, target),
});
