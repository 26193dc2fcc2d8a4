import { z } from 'zod';
import { WandError } from '../../src/core/errors.ts';
import type { TabletopBackend } from '../backend.ts';
import { definePrimitive, type PrimitiveContext } from '../define.ts';
import type { ObjectInfo } from '../schemas.ts';
import { pointText, surfaceHeight } from './lookup.ts';
import { expectHolding, reportingPushes, travelTo } from './motion.ts';
import { noteOccupied, requireTargetInWorkspace, resolveTarget, Target, type ResolvedTarget } from './targets.ts';
import { cm, onObject, onPoint, onTable } from './vocabulary.ts';

export { Target };

const RELEASE_CLEARANCE = 0.012;
const SETTLE_S = 0.4;

/**
 * Checks a target before anything moves: it must exist and be reachable. A target point another object
 * already occupies is said so (a fact, not a refusal). Returns the resolved target.
 */
export function checkTarget(ctx: PrimitiveContext<TabletopBackend>, target: Target, placed: ObjectInfo | undefined, primitive: string): ResolvedTarget {
  const goal = resolveTarget(ctx.backend, target, primitive);
  requireTargetInWorkspace(ctx.backend, goal, target, primitive);
  if (placed && goal.object?.name !== placed.name) noteOccupied((t) => ctx.note?.(t), ctx.backend.objects(), goal, placed);
  return goal;
}

/** Did the placed object come to rest on its target, by the vocabulary's relation for that kind of target? */
function restsOn(after: ObjectInfo, goal: ResolvedTarget, objects: ObjectInfo[]) {
  // The target object as it is now: a bowl may be nudged by what lands in it.
  const base = goal.object && objects.find((o) => o.name === goal.object!.name);
  return base ? onObject(after, base) : onPoint(after, goal);
}

export async function placeHeld(
  ctx: PrimitiveContext<TabletopBackend>,
  target: Target,
  primitive = 'place',
  /** The caller already said whether the target is occupied (putOn, before picking). */
  noted = false,
): Promise<void> {
  const { backend, signal } = ctx;
  const heldName = backend.holding();
  const held = noted ? undefined : backend.objects().find((o) => o.name === heldName);
  const goal = checkTarget(ctx, target, held, primitive);
  if (!heldName) {
    throw new WandError('physical', `${primitive}: the gripper is empty; pick an object first`, { primitive });
  }
  if (goal.object?.name === heldName) {
    throw new WandError('validation', `${primitive}: cannot place "${heldName}" on itself`, { primitive });
  }
  const objects = backend.objects();
  const carried = objects.find((o) => o.name === heldName)!;
  const tool = backend.toolPosition();
  // Keep the grasp as it is: the tool sits at the same offset from the object's centre while it is carried.
  const offset = carried.position.z - tool.z;
  const restZ = surfaceHeight(objects, goal.x, goal.y, heldName) + carried.size.z / 2;
  const centreZ = Math.max(goal.z ?? restZ, restZ) + RELEASE_CLEARANCE;
  const release = { x: goal.x, y: goal.y, z: centreZ - offset };
  await travelTo(backend, release, signal);
  expectHolding(backend, heldName, primitive, `on the way to ${goal.label}`);
  await backend.openGripper(signal);
  await backend.moveTo({ ...release, z: release.z + 0.08 }, signal);
  await backend.wait(SETTLE_S, signal);
  const now = backend.objects();
  const after = now.find((o) => o.name === heldName)!;
  if (!onTable(after)) {
    throw new WandError('physical', `${primitive}: "${heldName}" fell off the table (now at ${pointText(after.position)})`, {
      primitive,
    });
  }
  const rest = restsOn(after, goal, now);
  if (!rest.holds) {
    throw new WandError(
      'physical',
      `${primitive}: "${heldName}" did not stay at ${goal.label}: it slid or toppled to ${pointText(after.position)}, ` +
        `${cm(rest.distance)} from it in x-y (on it means within ${cm(rest.limit)}${goal.object ? ', above it' : ''})`,
      { primitive },
    );
  }
}

export default definePrimitive({
  name: 'place',
  doc: 'Put the held object on an object ("blue bowl"), a named position or a point.',
  params: { target: Target },
  returns: z.void(),
  run: (ctx: PrimitiveContext<TabletopBackend>, { target }) => reportingPushes(ctx, [], () => placeHeld(ctx, target)),
});
